import { describe, expect, it } from 'vitest';
import { perTurnGroup } from './per-turn-group';

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('perTurnGroup', () => {
  it('sends what one turn pushed as one group, and the next turn apart', async () => {
    const sent: number[][] = [];
    const group = perTurnGroup<number>((items) => sent.push(items));
    group.push(1);
    group.push(2);
    group.push(3);
    expect(sent).toEqual([]);
    await nextTurn();
    group.push(4);
    await nextTurn();
    expect(sent).toEqual([[1, 2, 3], [4]]);
  });

  it('flush sends at once, and the scheduled send then has nothing left to send', async () => {
    const sent: string[][] = [];
    const group = perTurnGroup<string>((items) => sent.push(items));
    group.push('a');
    group.flush();
    expect(sent).toEqual([['a']]);
    await nextTurn();
    expect(sent).toEqual([['a']]);
  });
});
