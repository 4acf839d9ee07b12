import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Tx } from '@/server/db/client';
import type { Identifier } from './normalize';

/** A stable signed 64-bit advisory-lock key for one identifier of one tenant (as a decimal string). */
export function identifierLockKey(tenantId: string, identifier: Pick<Identifier, 'kind' | 'value'>): string {
  const digest = createHash('sha256').update(`${tenantId}|${identifier.kind}|${identifier.value}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Takes a transaction-scoped advisory lock on every identifier, so two transactions resolving the same identifier
 * run one after the other and never both create a profile for it. Keys are locked in ascending order (unnest
 * returns them in array order), so two transactions locking overlapping sets cannot deadlock on these locks.
 * Locks are re-entrant within a transaction: a batch may lock all its identifiers up front and resolve later.
 */
export async function lockIdentifiers(
  tx: Tx,
  tenantId: string,
  identifiers: readonly Pick<Identifier, 'kind' | 'value'>[],
): Promise<void> {
  const keys = [...new Set(identifiers.map((identifier) => identifierLockKey(tenantId, identifier)))].sort((a, b) => {
    const diff = BigInt(a) - BigInt(b);
    return diff < 0n ? -1 : diff > 0n ? 1 : 0;
  });
  if (keys.length === 0) return;
  const list = sql.join(
    keys.map((key) => sql`${key}::bigint`),
    sql`, `,
  );
  await tx.execute(sql`select pg_advisory_xact_lock(k) from unnest(array[${list}]) as k`);
}
