import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeCliError, formatTable } from './cli-support';
import { AdminError } from './errors';
import { parseJsonl } from './jsonl';

describe('parseJsonl', () => {
  it('reads envelopes and flat Messaging jobs with their line numbers, skipping blank lines', () => {
    const text = [
      JSON.stringify({ id: 'evt_1', type: 'scl.member.created', payload: {} }),
      '',
      JSON.stringify({ name: 'contact.created', data: { payload: { eventId: 'e2' } } }),
      '   ',
      JSON.stringify({ name: 'email.opened', data: { eventId: 'e3' } }),
    ].join('\r\n');
    const { items, rejects } = parseJsonl(text);
    expect(rejects).toEqual([]);
    expect(items.map((i) => i.line)).toEqual([1, 3, 5]);
    expect(items[0]!.item).toMatchObject({ id: 'evt_1', type: 'scl.member.created' });
    expect(items[1]!.item).toEqual({ name: 'contact.created', data: { payload: { eventId: 'e2' } } });
    expect(items[2]!.item).toEqual({ name: 'email.opened', data: { eventId: 'e3' } });
  });

  it('rejects lines that are not JSON objects, naming the line', () => {
    const { items, rejects } = parseJsonl('{"id":"a","type":"x"}\n{broken\n[1,2]\n"text"\n');
    expect(items).toHaveLength(1);
    expect(rejects.map((r) => r.line)).toEqual([2, 3, 4]);
    expect(rejects[0]!.error).toMatch(/^not valid JSON/);
    expect(rejects[1]!.error).toMatch(/not a JSON object/);
  });

  it('treats an object with a type as an envelope even if it has name and data', () => {
    const { items } = parseJsonl(JSON.stringify({ id: 'evt_9', type: 'scl.member.created', name: 'x', data: {} }));
    expect(items[0]!.item).toMatchObject({ id: 'evt_9', type: 'scl.member.created' });
  });
});

describe('formatTable', () => {
  it('aligns columns, shows missing values as a dash and cuts long cells', () => {
    const table = formatTable(
      [
        { id: 'a', note: 'short', at: new Date('2026-01-02T03:04:05Z') },
        { id: 'bbbb', note: 'a rather long note that goes on', at: null },
      ],
      [
        { header: 'ID', value: (r) => r.id },
        { header: 'NOTE', value: (r) => r.note, max: 10 },
        { header: 'AT', value: (r) => r.at },
      ],
    );
    expect(table.split('\n')).toEqual([
      'ID    NOTE        AT',
      '----  ----------  -----------------',
      'a     short       2026-01-02 03:04Z',
      'bbbb  a rather …  —',
    ]);
  });
});

describe('describeCliError', () => {
  it('gives one actionable line for each kind of failure', () => {
    expect(describeCliError(new AdminError('not_found', 'no such user in this club'))).toBe('no such user in this club');
    const zodError = z.object({ email: z.email() }).safeParse({ email: 'x' }).error!;
    expect(describeCliError(zodError)).toMatch(/^email: /);
    expect(describeCliError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toMatch(
      /^cannot reach Postgres at .*:5432 — start it/,
    );
    expect(describeCliError(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toMatch(/^cannot reach Redis at .*6379/);
    expect(describeCliError(Object.assign(new Error('relation "tenants" does not exist'), { code: '42P01' }))).toMatch(/npm run db:migrate/);
    expect(describeCliError(new Error('first line\n    at stack frame'))).toBe('first line');
  });
});
