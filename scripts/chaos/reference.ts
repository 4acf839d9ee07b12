import type { Cleanup } from './cleanup';
import { snapshot, type StoreState } from './model';
import { drain, startStack } from './stack';
import { feed, type Workload } from './workload';

/**
 * The reference model: the same workload processed once by one worker with no faults, into a database of its own.
 * Its final state is what every chaos scenario must end with. Sanity-checked against the workload itself: every
 * distinct event settled, exactly the bad events dead-lettered, no activity twice.
 */
export async function buildModel(workload: Workload, log: (line: string) => void, cleanup: Cleanup, signal: AbortSignal): Promise<StoreState> {
  const started = Date.now();
  const stack = await startStack({ cleanup }, 'model');
  await feed(stack.queue, workload.jobs, { signal }).done;
  const worker = await stack.spawnWorker();
  await worker.ready(60_000, signal);
  await drain({ signal }, stack, workload.unique + workload.bad, 600_000);
  const state = await snapshot(stack.db);
  const dead = [...state.statuses.values()].filter((s) => s === 'DEAD_LETTERED').length;
  const problems: string[] = [];
  if (state.statuses.size !== workload.unique + workload.bad) problems.push(`${state.statuses.size} sync-log rows for ${workload.unique + workload.bad} events`);
  if (dead !== workload.bad) problems.push(`${dead} dead letters for ${workload.bad} bad events`);
  for (const [tenantId, t] of Object.entries(state.tenants)) {
    if (t.activities !== t.distinctActivities) problems.push(`${tenantId}: duplicate activities`);
  }
  if (problems.length) throw new Error(`the fault-free reference run is itself wrong: ${problems.join('; ')}`);
  const activities = Object.values(state.tenants).reduce((a, t) => a + t.activities, 0);
  const people = Object.values(state.tenants).reduce((a, t) => a + t.people, 0);
  log(`model: ${workload.unique.toLocaleString()} events → ${people.toLocaleString()} people, ${activities.toLocaleString()} activities, ${dead} dead letters (${Math.round((Date.now() - started) / 1000)} s)`);
  return state;
}
