/**
 * npm run chaos — fault injection against real worker processes, a real Redis and Postgres.
 *
 *   npm run chaos -- [--only 1,3] [--events 10000] [--soak-minutes 30] [--rate <events/s>] [--json]
 *
 * Each scenario gets its own redis-server (own port and temp dir, AOF with appendfsync always), its own database
 * and, where it cuts a store, a TCP proxy between the workers and that store; the shared services are never
 * stopped. Scenarios 1–6 end by comparing the final state with a reference model: the same events processed once
 * with no faults. Every scenario is bounded in time and cleans up after itself, also on failure and on Ctrl-C.
 * Prints a table (Markdown) and exits 1 if any scenario fails.
 */
import { Command, InvalidArgumentError } from 'commander';
import { buildWorker } from '@/workers/build';
import { Cleanup } from './chaos/cleanup';
import type { StoreState } from './chaos/model';
import { buildModel } from './chaos/reference';
import { SCENARIOS } from './chaos/scenarios';
import { formatNotes, formatTable, type TableRow } from './chaos/table';
import type { ChaosOptions, ScenarioContext, ScenarioResult } from './chaos/types';
import { buildWorkload } from './chaos/workload';

function positive(value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new InvalidArgumentError('must be a positive number');
  return n;
}

function scenarioList(value: string): number[] {
  const ids = value.split(',').map((s) => Number(s.trim()));
  const known = SCENARIOS.map((s) => s.id);
  if (ids.some((id) => !known.includes(id))) throw new InvalidArgumentError(`scenarios are ${known.join(', ')}`);
  return ids;
}

const program = new Command()
  .name('chaos')
  .description('Fault injection against real worker processes, Redis and Postgres, checked against a reference model')
  .option('--only <list>', 'comma-separated scenario numbers to run', scenarioList)
  .option('--events <n>', 'events per scenario (1–6)', positive, 10_000)
  .option('--soak-minutes <m>', 'length of the soak (scenario 8)', positive, 30)
  .option('--rate <n>', 'offered soak rate in events/s (default: half the maximum measured on the backlog that warms the worker up)', positive)
  .option('--json', 'print one JSON object with every result on the last line')
  .parse();

const opts = program.opts<{ only?: number[]; events: number; soakMinutes: number; rate?: number; json?: boolean }>();
const options: ChaosOptions = { events: Math.round(opts.events), soakMinutes: opts.soakMinutes, soakRate: opts.rate };
const log = (line: string) => (opts.json ? process.stderr : process.stdout).write(`${line}\n`);

let active: { cleanup: Cleanup; controller: AbortController } | null = null;
let interrupted = false;
function interrupt(signal: NodeJS.Signals) {
  if (interrupted) return;
  interrupted = true;
  log(`${signal}: stopping and cleaning up…`);
  active?.controller.abort(new Error('interrupted'));
  void (active?.cleanup.run(log) ?? Promise.resolve()).finally(() => process.exit(130));
}
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

/** Runs `body` with its own cleanup and abort signal; whatever happens, the cleanup runs before this returns. */
async function bounded<T>(timeoutMs: number, body: (cleanup: Cleanup, signal: AbortSignal) => Promise<T>): Promise<T> {
  const cleanup = new Cleanup();
  const controller = new AbortController();
  active = { cleanup, controller };
  const timedOut = new Promise<never>((_, reject) => {
    const timer = setTimeout(() => controller.abort(new Error(`timed out after ${Math.round(timeoutMs / 1000)} s`)), timeoutMs);
    controller.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(controller.signal.reason);
    });
  });
  const work = body(cleanup, controller.signal);
  work.catch(() => {});
  try {
    return await Promise.race([work, timedOut]);
  } finally {
    controller.abort(new Error('scenario finished'));
    await cleanup.run(log);
    active = null;
  }
}

async function main() {
  await buildWorker();
  const selected = SCENARIOS.filter((s) => !opts.only || opts.only.includes(s.id));
  // One fixed moment for the whole run: the generator's ids depend on it, so the model and every scenario share them.
  const now = Math.floor(Date.now() / 60_000) * 60_000;
  const workload = buildWorkload(options.events, now);
  log(`Clubhouse CRM chaos run: ${selected.map((s) => s.id).join(', ')} — ${workload.unique.toLocaleString()} events (+${workload.redeliveries} redelivered, +${workload.bad} bad), soak ${options.soakMinutes} min`);

  let model: StoreState | null = null;
  const rows: TableRow[] = [];
  for (const scenario of selected) {
    if (interrupted) break;
    if (scenario.usesModel && !model) {
      log('\nReference model (the same events, one worker, no faults)');
      try {
        model = await bounded(600_000, (cleanup, signal) => buildModel(workload, (line) => log(`  ${line}`), cleanup, signal));
      } catch (error) {
        log(`  the reference model could not be built: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      }
    }
    log(`\n${scenario.id}. ${scenario.name}`);
    const started = Date.now();
    let result: ScenarioResult;
    try {
      result = await bounded(scenario.timeoutMs(options), (cleanup, signal) => {
        const ctx: ScenarioContext = {
          options,
          cleanup,
          signal,
          log: (line) => log(`  ${line}`),
          workload,
          model: () => {
            if (!model) throw new Error('scenario uses the model but did not declare usesModel');
            return model;
          },
        };
        return scenario.run(ctx);
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      result = { events: 0, lost: null, duplicated: null, deadLettered: '—', recovery: '—', notes: [], problems: [`error: ${message}`] };
    }
    rows.push({ id: scenario.id, name: scenario.name, result, ms: Date.now() - started });
    log(`  → ${result.problems.length ? `FAIL: ${result.problems.join('; ')}` : 'PASS'} (${Math.round((Date.now() - started) / 1000)} s)`);
  }

  log('');
  log(formatTable(rows));
  log('');
  log(formatNotes(rows));
  const ok = rows.length === selected.length && rows.every((r) => r.result.problems.length === 0);
  if (opts.json) console.log(JSON.stringify({ ok, soakMinutes: options.soakMinutes, events: workload.unique, scenarios: rows.map((r) => ({ id: r.id, name: r.name, ms: r.ms, ...r.result })) }));
  process.exit(ok ? 0 : 1);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
