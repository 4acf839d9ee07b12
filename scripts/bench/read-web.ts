/**
 * The web app as the read benchmark calls it: built with `next build` when the build is missing or older than the
 * sources, then `next start` on a free local port against the bench database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort } from '@/test/ports';
import { webBuildIsFresh } from '../web-build';

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT = path.join(ROOT, 'node_modules/.bin/next');

export interface WebApp {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Runs `next build` unless `.next` is current; rejects with the end of its output when it fails. */
export async function ensureWebBuild(log: (line: string) => void): Promise<void> {
  if (webBuildIsFresh()) return;
  log('Building the web app (next build)…');
  const child = spawn(NEXT, ['build'], { cwd: ROOT, env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${output.join('').split('\n').slice(-30).join('\n')}`);
}

/** `next start` in its own process group (so stopping it stops everything it started) on the given database. */
export async function startWebApp(env: { databaseUrl: string; queuePrefix: string }): Promise<WebApp> {
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(NEXT, ['start', '--port', String(port), '--hostname', '127.0.0.1'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      DATABASE_URL: env.databaseUrl,
      QUEUE_PREFIX: env.queuePrefix,
      AUTH_SECRET: randomBytes(32).toString('base64url'),
      LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (c: Buffer) => output.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => output.push(c.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
    process.kill(-child.pid, 'SIGTERM');
    const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(-child.pid, 'SIGKILL');
  };

  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${baseUrl}/api/v1/openapi.json`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status < 500) return { baseUrl, stop };
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await stop();
  throw new Error(`next start did not answer on port ${port}:\n${output.join('').split('\n').slice(-20).join('\n')}`);
}
