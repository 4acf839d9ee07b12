import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import type { Cleanup } from './cleanup';
import { freePort } from '@/test/ports';
import { waitUntil } from './wait';

const REDIS_SERVER = '/usr/bin/redis-server';

export interface RedisServerOptions {
  /** e.g. '64mb'; unset = no limit. */
  maxmemory?: string;
  /** Default noeviction, the only policy under which BullMQ cannot silently lose jobs. */
  policy?: string;
  /**
   * AOF fsync policy. Default `always`: every acknowledged write is on disk, which the crash scenarios need. The soak
   * runs Redis as the README recommends for production (`everysec`): an fsync per write measures the disk, not the CRM.
   */
  appendfsync?: 'always' | 'everysec';
}

/**
 * A Redis of the chaos run's own: its own port and temp dir, AOF on (by default with `appendfsync always`: every
 * acknowledged write is on disk, so a SIGKILL loses nothing acknowledged), no RDB snapshots. Killed and restarted at will; the
 * shared Redis on 6379 is never touched.
 */
export async function startRedisServer(cleanup: Cleanup, options: RedisServerOptions = {}) {
  const port = await freePort();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'crm-chaos-redis-'));
  const args = [
    '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--logfile', path.join(dir, 'redis.log'),
    '--appendonly', 'yes', '--appendfsync', options.appendfsync ?? 'always', '--save', '',
    '--maxmemory-policy', options.policy ?? 'noeviction',
    ...(options.maxmemory ? ['--maxmemory', options.maxmemory] : []),
  ];
  const url = `redis://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  async function ping(): Promise<boolean> {
    const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
    client.on('error', () => {});
    try {
      await client.connect();
      return (await client.ping()) === 'PONG';
    } catch {
      return false;
    } finally {
      client.disconnect();
    }
  }

  async function start() {
    const proc = spawn(REDIS_SERVER, args, { stdio: 'ignore' });
    child = proc;
    exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    // Loading a large AOF takes a moment; PING answers LOADING errors until it is done.
    await waitUntil(`redis-server on port ${port}`, ping, { timeoutMs: 30_000, everyMs: 100 });
  }

  async function kill(signal: NodeJS.Signals = 'SIGKILL') {
    if (child && child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
    child = null;
  }

  cleanup.add(`redis-server :${port}`, async () => {
    await kill();
    await rm(dir, { recursive: true, force: true });
  });
  await start();

  return {
    url,
    port,
    /** SIGKILL: no shutdown, no final fsync beyond what `appendfsync always` already did. */
    kill,
    /** Starts again on the same port and data dir (replays the AOF). */
    start,
    /**
     * A fresh client (caller disconnects); blocking ones (workers, queue events) retry forever as BullMQ requires.
     * Connection errors while this Redis is down on purpose surface as failed commands, not as noise on stderr.
     */
    client(options: { blocking?: boolean } = {}) {
      const client = new Redis(url, { maxRetriesPerRequest: options.blocking ? null : 3 });
      client.on('error', () => {});
      return client;
    },
    async usedMemory(client: Redis): Promise<number> {
      return Number(/used_memory:(\d+)/.exec(await client.info('memory'))?.[1] ?? NaN);
    },
    log: () => readFile(path.join(dir, 'redis.log'), 'utf8').catch(() => ''),
  };
}

export type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;
