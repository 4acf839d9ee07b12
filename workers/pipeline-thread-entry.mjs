// The pipeline thread's entry point when the worker runs from its sources (tests that start the thread in-process;
// a worker process runs the build, workers/build.ts). Node 20 does not hand the main thread's module loader (tsx)
// to worker threads, so the thread registers it before loading its TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./pipeline-thread.ts');
