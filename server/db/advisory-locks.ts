import { hash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from './client';
import { send } from './send';

/** A stable signed 64-bit advisory-lock key for a name (as a decimal string, the way Postgres takes a bigint). */
export function advisoryKey(name: string): string {
  return hash('sha256', name, 'buffer').readBigInt64BE(0).toString();
}

/**
 * Takes a transaction-scoped advisory lock on every name, in ascending key order, in one statement: two
 * transactions locking overlapping sets this way queue up instead of deadlocking. Locks are re-entrant within a
 * transaction and released at commit or rollback.
 */
export function lockNames(tx: Tx, names: readonly string[]): Promise<void> {
  const keys = sortedKeys(names.map(advisoryKey));
  if (keys.length === 0) return Promise.resolve();
  // unnest keeps array order, so the locks are taken in the sorted order. Sent at once: see send.
  return send(tx.execute(sql`select pg_advisory_xact_lock(k) from unnest(${sql.param(keys)}::bigint[]) as k`)).then(() => undefined);
}

/**
 * Takes the transaction-scoped advisory lock of every name that no other transaction holds, without waiting, in one
 * statement; returns the names whose lock is held elsewhere. Never waiting, it can never deadlock either.
 */
export function tryLockNames(tx: Tx, names: readonly string[]): Promise<Set<string>> {
  const namesOf = new Map<string, string[]>();
  for (const name of names) {
    const key = advisoryKey(name);
    const same = namesOf.get(key);
    if (same) same.push(name);
    else namesOf.set(key, [name]);
  }
  const keys = sortedKeys([...namesOf.keys()]);
  if (keys.length === 0) return Promise.resolve(new Set());
  const query = tx.execute<{ k: string; got: boolean }>(
    sql`select k::text as k, pg_try_advisory_xact_lock(k) as got from unnest(${sql.param(keys)}::bigint[]) as k`,
  );
  return send(query).then((rows) => busyNames(rows, namesOf));
}

function busyNames(rows: { k: string; got: boolean }[], namesOf: Map<string, string[]>): Set<string> {
  const busy = new Set<string>();
  for (const r of rows) if (!r.got) for (const name of namesOf.get(r.k) ?? []) busy.add(name);
  return busy;
}

/** Distinct keys in ascending numeric order (each parsed once). */
function sortedKeys(keys: string[]): string[] {
  return [...new Set(keys)].map(BigInt).sort(compareBigInts).map(String);
}

function compareBigInts(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
