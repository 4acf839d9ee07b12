/**
 * Builds the worker into plain JavaScript (dist/worker/main.mjs and the pipeline thread beside it): our TypeScript
 * bundled by esbuild, the packages in node_modules left as imports. Run from the sources through tsx's module loader,
 * the worker carried two more threads with a V8 heap each (the loader's, for the main thread and for the pipeline
 * thread) and ~128 MB more RSS at rest (238 vs 110 MB), of a 400 MB budget.
 *
 * `npm run worker`, the demo, the end-to-end setup, the integration tests (vitest's global setup), the benchmark and
 * the chaos runs build before they start a worker, so a worker process always runs the current sources.
 *   npx tsx workers/build.ts
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { build } from 'esbuild';
import { WORKER_ENTRY } from './node-flags';

const ROOT = path.resolve(import.meta.dirname, '..');
const OUT_DIR = path.join(ROOT, path.dirname(WORKER_ENTRY));

/** Builds the worker; returns the files it wrote (none when the build is unchanged). */
export async function buildWorker(): Promise<string[]> {
  const { outputFiles } = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'workers/main.ts', 'pipeline-thread': 'workers/pipeline-thread.ts' },
    outdir: OUT_DIR,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    logLevel: 'warning',
    write: false,
  });
  // A file that did not change is left alone, and one that did is replaced by a rename: a worker that starts while
  // another process builds (the demo running during a test run) never reads half a file.
  const written: string[] = [];
  await mkdir(OUT_DIR, { recursive: true });
  for (const file of outputFiles) {
    const current = await readFile(file.path).catch(() => null);
    if (current?.equals(file.contents)) continue;
    const partial = `${file.path}.${process.pid}.partial`;
    await writeFile(partial, file.contents);
    await rename(partial, file.path);
    written.push(path.relative(ROOT, file.path));
  }
  return written;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  await buildWorker();
}
