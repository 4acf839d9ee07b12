/**
 * `npm run demo` (after scripts/demo.sh has installed dependencies and exported .env.local): checks Postgres and
 * Redis, migrates, creates the demo club and its logins, starts the worker, publishes 18 months of generated history
 * as real events, waits for the worker to process them, checks the result, builds and starts the web app, and keeps
 * both running until Ctrl-C. Every step is safe to run again.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Presets, SingleBar } from 'cli-progress';
import { sql } from 'drizzle-orm';
import { describeCliError } from '@/server/admin/cli-support';
import { createTenant } from '@/server/admin/tenants';
import { createUser } from '@/server/admin/users';
import { verifyPassword } from '@/server/auth/password';
import { createDb } from '@/server/db/client';
import { ensureDatabase, migrateDatabase } from '@/server/db/migrate';
import { staffUsers, type Role } from '@/server/db/schema';
import { checkDemo, formatDemoCheck } from '@/server/demo/check';
import { DEFAULT_PEOPLE, DEMO_TENANT_ID, generateDemo, summarizeCast, summarizeItems } from '@/server/demo/generate';
import { seedDemoEvents, type SeedProgress } from '@/server/demo/seed';
import { env } from '@/server/env';
import { createPublisher } from '@/server/events/publisher';
import { buildWorker } from '@/workers/build';
import { workerNodeArgs } from '@/workers/node-flags';
import { checkServices, formatProblems } from './preflight';
import { webBuildIsFresh } from './web-build';

const ROOT = path.resolve(import.meta.dirname, '..');
const LOG_DIR = path.join(ROOT, '.demo');
const PASSWORD = 'demo-password';
const ACTOR = { id: 'demo-seed', label: 'npm run demo' };
const LOGINS: Array<{ email: string; role: Role; name: string; can: string }> = [
  { email: 'staff@demo.club', role: 'staff', name: 'Demo Front Desk', can: 'members, timelines, churn risk, segments (read)' },
  { email: 'marketing@demo.club', role: 'marketing', name: 'Demo Marketing', can: '+ build and export segments, resolve duplicates' },
  { email: 'admin@demo.club', role: 'admin', name: 'Demo Admin', can: '+ dead-letter retry, users, API keys, audit' },
];

class DemoError extends Error {}

// ---------------------------------------------------------------------------------------------------------------
// Output

const started = Date.now();

function elapsed(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

function step(text: string) {
  console.log(`▸ ${text}`);
}

/** A progress bar on a terminal; occasional lines in a log. */
function progress(label: string, total: number) {
  if (process.stderr.isTTY) {
    const bar = new SingleBar(
      { format: `  ${label.padEnd(26)} |{bar}| {percentage}% · {value}/{total}`, hideCursor: true, barsize: 30 },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (n: number) => bar.update(n), stop: () => bar.stop() };
  }
  let last = 0;
  let latest = 0;
  return {
    update(n: number) {
      latest = n;
      if (Date.now() - last > 5000) {
        console.log(`  ${label}: ${n}/${total}`);
        last = Date.now();
      }
    },
    stop: () => console.log(`  ${label}: ${latest}/${total}`),
  };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Child processes: each in its own process group, so stopping one stops everything it started.

interface Child {
  name: string;
  process: ChildProcess;
  log: string;
  exited: Promise<number | null>;
}

const children: Child[] = [];
let shuttingDown = false;

function startChild(name: string, command: string, args: string[], log: string): Child {
  mkdirSync(LOG_DIR, { recursive: true });
  const fd = openSync(log, 'a');
  const child = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const entry = { name, process: child, log, exited };
  children.push(entry);
  return entry;
}

async function stopChild(child: Child) {
  if (child.process.exitCode !== null || child.process.signalCode !== null || !child.process.pid) return;
  try {
    process.kill(-child.process.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timeout = new Promise((resolve) => setTimeout(resolve, 10_000, 'timeout'));
  if ((await Promise.race([child.exited, timeout])) === 'timeout') {
    try {
      process.kill(-child.process.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

async function shutdown(code: number): Promise<never> {
  shuttingDown = true;
  await Promise.all(children.map(stopChild));
  process.exit(code);
}

process.on('SIGINT', () => {
  console.log('\n▸ Stopping the web app and the worker…');
  void shutdown(0);
});
process.on('SIGTERM', () => void shutdown(0));

/** Rejects if the child stops while we still need it. */
function failOnExit(child: Child): Promise<never> {
  return child.exited.then((code) => {
    if (shuttingDown) return new Promise<never>(() => {});
    throw new DemoError(`the ${child.name} stopped (exit code ${code}). Last lines of ${path.relative(ROOT, child.log)}:\n${tail(child.log)}`);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Steps

async function assertPortFree(port: number) {
  await new Promise<void>((resolve, reject) => {
    const server = net.createServer();
    server.once('error', () =>
      reject(new DemoError(`port ${port} is in use (is an earlier demo still running?). Stop it, or run: PORT=${port + 1} npm run demo`)),
    );
    server.listen(port, () => server.close(() => resolve()));
  });
}

async function ensureLogins(db: ReturnType<typeof createDb>) {
  for (const login of LOGINS) {
    const [existing] = await db
      .select({ passwordHash: staffUsers.passwordHash })
      .from(staffUsers)
      .where(sql`lower(${staffUsers.email}) = ${login.email}`);
    // Hash (and audit) the password only when it is not already the demo one.
    const passwordOk = existing?.passwordHash ? await verifyPassword(PASSWORD, existing.passwordHash) : false;
    await createUser(db, {
      tenantId: DEMO_TENANT_ID,
      email: login.email,
      name: login.name,
      role: login.role,
      password: passwordOk ? undefined : PASSWORD,
      actor: ACTOR,
    });
  }
}

function seedProgressReporter() {
  let current: { key: string; bar: ReturnType<typeof progress> } | null = null;
  const labels = {
    'introductions:publishing': 'Publishing people',
    'introductions:processing': 'Worker: people',
    'history:publishing': 'Publishing history',
    'history:processing': 'Worker: all events',
  };
  return {
    update(p: SeedProgress) {
      const key = `${p.phase}:${p.stage}` as keyof typeof labels;
      if (current?.key !== key) {
        current?.bar.stop();
        current = { key, bar: progress(labels[key], p.total) };
      }
      current.bar.update(p.done);
    },
    stop() {
      current?.bar.stop();
      current = null;
    },
  };
}

async function waitForWeb(port: number, web: Child) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (web.process.exitCode !== null) break;
    try {
      const response = await fetch(`http://127.0.0.1:${port}/`, { redirect: 'manual', signal: AbortSignal.timeout(5000) });
      // Still running a moment later: the answer came from our server, not from something else on the port.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      if (response.status < 500 && web.process.exitCode === null) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new DemoError(`the web app did not answer on port ${port}. Last lines of .demo/web.log:\n${tail(web.log)}`);
}

async function main() {
  const config = env();
  const port = config.PORT;

  step('Checking Postgres and Redis');
  const problems = await checkServices();
  if (problems.length) throw new DemoError(`${formatProblems(problems)}\nThen run npm run demo again.`);
  await assertPortFree(port);

  step('Preparing the database');
  const created = await ensureDatabase(config.DATABASE_URL);
  await migrateDatabase(config.DATABASE_URL);
  console.log(`  ${created ? 'Created and migrated' : 'Migrated'} ${new URL(config.DATABASE_URL).pathname.slice(1)}`);

  const db = createDb({ max: 3, owner: true });
  try {
    step('Creating the demo club and its logins');
    const { tenant } = await createTenant(db, { id: DEMO_TENANT_ID, name: 'Demo Golf Club', country: 'ZA', actor: ACTOR });
    await ensureLogins(db);

    step('Building and starting the worker (logs: .demo/worker.log)');
    await buildWorker();
    const worker = startChild('worker', process.execPath, workerNodeArgs(), path.join(LOG_DIR, 'worker.log'));
    const workerDied = failOnExit(worker);

    // The web build runs alongside the seeding: the two share the machine but neither waits for the other.
    let build: Child | null = null;
    if (webBuildIsFresh()) {
      console.log('  The web app is already built for these sources');
    } else {
      step('Building the web app in the background (logs: .demo/build.log)');
      build = startChild('web build', path.join(ROOT, 'node_modules/.bin/next'), ['build'], path.join(LOG_DIR, 'build.log'));
    }

    // History ends when the club was created, so every run generates the same events (and the worker skips them).
    const people = Number(process.env.DEMO_PEOPLE ?? DEFAULT_PEOPLE);
    step(`Generating ${people.toLocaleString('en')} people with 18 months of history`);
    const demo = generateDemo({ tenantId: DEMO_TENANT_ID, people, now: tenant.createdAt });
    const summary = summarizeItems(demo.items);
    const cast = summarizeCast(demo.people);
    console.log(
      `  ${summary.total.toLocaleString('en')} events — SCL ${summary.bySource.scl ?? 0}, TeeTime ${summary.bySource.teetime ?? 0}, ` +
        `Messaging ${summary.bySource.messaging ?? 0} (${summary.flat} in the flat Messaging format)`,
    );
    console.log(
      `  ${cast.members} members, ${cast.players} golfers, ${cast.contacts} contacts; ${cast.inAllThreeSources} in all three systems, ` +
        `${cast.inOneSourceOnly} in one; ${cast.lapsed} lapse, ${cast.downgraded} downgrade, ${cast.stoppedBooking} stop booking, ` +
        `${cast.sharedFamilyEmails} share a family email`,
    );

    step('Publishing through crm-events; the worker processes as they arrive');
    const seedStarted = Date.now();
    const publisher = createPublisher();
    const reporter = seedProgressReporter();
    try {
      const result = await Promise.race([
        seedDemoEvents({ db, publisher, tenantId: DEMO_TENANT_ID, items: demo.items, onProgress: (p) => reporter.update(p) }),
        workerDied,
      ]);
      reporter.stop();
      const seconds = (Date.now() - seedStarted) / 1000;
      console.log(
        `  Published ${result.published.toLocaleString('en')} and processed them in ${elapsed(seedStarted)} ` +
          `(${Math.round(result.published / seconds).toLocaleString('en')} events/s)`,
      );
      if (result.rejected.length) {
        console.log(`  ${result.rejected.length} events were rejected by the publisher, e.g. ${result.rejected[0]!.type}: ${result.rejected[0]!.error}`);
      }
    } finally {
      reporter.stop();
      await publisher.close();
    }

    step('Checking the seeded data');
    const check = await checkDemo(db, { tenantId: DEMO_TENANT_ID });
    console.log(formatDemoCheck(check).replace(/^/gm, '  '));
    if (check.inAllThreeSources === 0) {
      throw new DemoError('no profile is linked to all three sources: identity resolution did not merge them (see .demo/worker.log)');
    }

    if (build) {
      step('Waiting for the web build');
      const code = await Promise.race([build.exited, workerDied]);
      if (code !== 0) throw new DemoError(`next build failed (exit code ${code}). Last lines of .demo/build.log:\n${tail(build.log, 40)}`);
    }

    step(`Starting the web app on port ${port} (logs: .demo/web.log)`);
    await assertPortFree(port);
    const web = startChild('web app', path.join(ROOT, 'node_modules/.bin/next'), ['start', '-p', String(port)], path.join(LOG_DIR, 'web.log'));
    await Promise.race([waitForWeb(port, web), workerDied, failOnExit(web)]);

    console.log(`\nReady: http://localhost:${port}   (${elapsed(started)} from start)`);
    console.log(`  Sign in with password "${PASSWORD}" as:`);
    for (const login of LOGINS) console.log(`    ${login.email.padEnd(22)} ${login.role.padEnd(10)} ${login.can}`);
    console.log('  Logs in .demo/ — press Ctrl-C to stop the web app and the worker.');

    await Promise.race([workerDied, failOnExit(web)]);
  } finally {
    await db.$client.end({ timeout: 2 }).catch(() => {});
  }
}

main().catch(async (error: unknown) => {
  if (shuttingDown) return;
  const message = error instanceof DemoError ? error.message : describeCliError(error);
  console.error(`\n${message.startsWith('✗') ? '' : '✗ '}${message}`);
  await shutdown(1);
});
