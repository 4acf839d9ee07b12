// The pipeline thread's entry point. Node 20 does not hand the main thread's module loader (tsx, from `--import`)
// to worker threads, so the thread registers it before loading its TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./pipeline-thread.ts');
