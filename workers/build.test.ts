import { stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWorker } from './build';
import { WORKER_ENTRY } from './node-flags';

const ROOT = path.resolve(import.meta.dirname, '..');

describe('buildWorker', () => {
  it('builds the worker and its thread, and rewrites nothing when the sources did not change', async () => {
    await buildWorker();
    const main = path.join(ROOT, WORKER_ENTRY);
    const before = (await stat(main)).mtimeMs;
    expect((await stat(path.join(path.dirname(main), 'pipeline-thread.mjs'))).size).toBeGreaterThan(0);
    expect(await buildWorker()).toEqual([]);
    expect((await stat(main)).mtimeMs).toBe(before);
  }, 30_000);
});
