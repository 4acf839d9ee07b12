import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKER_NODE_FLAGS, workerNodeArgs } from './node-flags';

describe('worker node flags', () => {
  it('npm run worker builds the worker and starts it with the same V8 heap flags as every other launcher', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.worker).toBe(`tsx workers/build.ts && node ${workerNodeArgs().join(' ')}`);
  });

  it('puts extra flags before the entry point', () => {
    expect(workerNodeArgs(['--cpu-prof'])).toEqual([...WORKER_NODE_FLAGS, '--cpu-prof', 'dist/worker/main.mjs']);
  });
});
