/**
 * Checks that Postgres and Redis answer (3 s each) before anything else runs, and says how to start whichever does
 * not, for this kind of machine. `npm run demo` runs it first; it also runs alone: `npx tsx scripts/preflight.ts`.
 */
import { accessSync, constants, readdirSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import postgres from 'postgres';
import { env } from '@/server/env';

export interface ServiceProblem {
  service: 'Postgres' | 'Redis';
  message: string;
  /** Commands that would fix it here, best first. */
  fixes: string[];
}

function commandExists(command: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, command), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

function isLocal(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '::1', '[::1]'].includes(url.hostname);
}

/** The URL without its password, for messages. */
function display(url: URL): string {
  const copy = new URL(url.toString());
  if (copy.password) copy.password = '***';
  return copy.toString();
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what} did not answer within ${ms / 1000} s`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const sudo = () => (process.getuid?.() === 0 ? '' : 'sudo ');
function dockerFix(): string {
  const compose = commandExists('docker-compose') ? 'docker-compose' : 'docker compose';
  return commandExists('docker') || commandExists('docker-compose')
    ? `${compose} up -d   (uses docker-compose.yml: Postgres 15 + Redis 7)`
    : 'or, with Docker installed: docker compose up -d';
}

function postgresFixes(url: URL): string[] {
  if (!isLocal(url)) return [`check that ${url.hostname}:${url.port || 5432} is reachable from here, or set DATABASE_URL`];
  const fixes: string[] = [];
  if (commandExists('pg_ctlcluster')) {
    let clusters: string[] = [];
    try {
      clusters = readdirSync('/etc/postgresql').flatMap((version) =>
        readdirSync(path.join('/etc/postgresql', version)).map((cluster) => `${version} ${cluster}`),
      );
    } catch {
      clusters = [];
    }
    fixes.push(`${sudo()}pg_ctlcluster ${clusters[0] ?? '15 main'} start`);
  } else if (commandExists('brew')) {
    fixes.push('brew services start postgresql@15');
  } else if (commandExists('systemctl')) {
    fixes.push(`${sudo()}systemctl start postgresql`);
  }
  fixes.push(dockerFix());
  return fixes;
}

function redisFixes(url: URL): string[] {
  if (!isLocal(url)) return [`check that ${url.hostname}:${url.port || 6379} is reachable from here, or set REDIS_URL`];
  const fixes: string[] = [];
  if (commandExists('redis-server')) fixes.push('redis-server --daemonize yes --appendonly yes');
  else if (commandExists('brew')) fixes.push('brew services start redis');
  else if (commandExists('systemctl')) fixes.push(`${sudo()}systemctl start redis-server`);
  fixes.push(dockerFix());
  return fixes;
}

async function checkPostgres(databaseUrl: string, timeoutMs: number): Promise<ServiceProblem | null> {
  const url = new URL(databaseUrl);
  // The maintenance database: the CRM's own may not exist yet (the demo creates it).
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const sql = postgres(admin.toString(), { max: 1, connect_timeout: Math.ceil(timeoutMs / 1000), onnotice: () => {} });
  try {
    await withTimeout(sql`select 1`, timeoutMs, 'Postgres');
    return null;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === '28P01' || code === '28000') {
      return { service: 'Postgres', message: `Postgres at ${display(url)} refused the login: ${message}`, fixes: ['check the user and password in DATABASE_URL'] };
    }
    return {
      service: 'Postgres',
      message: `Postgres is not reachable at ${display(url)} (${code ?? message})`,
      fixes: postgresFixes(url),
    };
  } finally {
    // Not awaited: a connection attempt still in flight would hold us up to its own timeout.
    sql.end({ timeout: 0 }).catch(() => {});
  }
}

async function checkRedis(redisUrl: string, timeoutMs: number): Promise<ServiceProblem | null> {
  const url = new URL(redisUrl);
  const redis = new Redis(redisUrl, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The connect() rejection only says "Connection is closed"; the socket error says why.
  let socketError: { code?: string } | undefined;
  redis.on('error', (error: { code?: string }) => {
    socketError = error;
  });
  try {
    await withTimeout(redis.connect().then(() => redis.ping()), timeoutMs, 'Redis');
    const [, policy] = (await redis.config('GET', 'maxmemory-policy')) as [string, string];
    if (policy !== 'noeviction') {
      return {
        service: 'Redis',
        message: `Redis maxmemory-policy is "${policy}": queued events could be evicted`,
        fixes: ['redis-cli config set maxmemory-policy noeviction'],
      };
    }
    return null;
  } catch (error) {
    const { code, message } = { ...(error as { code?: string; message: string }), ...(socketError?.code ? { code: socketError.code } : {}) };
    return { service: 'Redis', message: `Redis is not reachable at ${display(url)} (${code ?? message})`, fixes: redisFixes(url) };
  } finally {
    redis.disconnect();
  }
}

/** Both checks, in parallel; an empty list means both answered. */
export async function checkServices(
  options: { databaseUrl?: string; redisUrl?: string; timeoutMs?: number } = {},
): Promise<ServiceProblem[]> {
  const timeoutMs = options.timeoutMs ?? 3000;
  const results = await Promise.all([
    checkPostgres(options.databaseUrl ?? env().DATABASE_URL, timeoutMs),
    checkRedis(options.redisUrl ?? env().REDIS_URL, timeoutMs),
  ]);
  return results.filter((p): p is ServiceProblem => p !== null);
}

export function formatProblems(problems: ServiceProblem[]): string {
  return problems
    .map((p) => [`✗ ${p.message}.`, '  Start it with:', ...p.fixes.map((fix) => `    ${fix}`)].join('\n'))
    .join('\n');
}

const runDirectly = process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (runDirectly) {
  const problems = await checkServices();
  if (problems.length) console.error(formatProblems(problems));
  else console.log('✓ Postgres and Redis are reachable');
  // A connection attempt still in flight must not hold the process open.
  process.exit(problems.length ? 1 : 0);
}
