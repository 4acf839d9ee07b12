import { advisoryKey, lockNames, tryLockNames } from '@/server/db/advisory-locks';
import type { Tx } from '@/server/db/client';
import type { Identifier } from './normalize';

const lockName = (tenantId: string, identifier: Pick<Identifier, 'kind' | 'value'>) => `${tenantId}|${identifier.kind}|${identifier.value}`;

function lockNamesOf(entries: readonly { tenantId: string; identifier: Pick<Identifier, 'kind' | 'value'> }[]): string[] {
  const names: string[] = [];
  for (const e of entries) names.push(lockName(e.tenantId, e.identifier));
  return names;
}

/** The advisory-lock key of one identifier of one tenant. */
export function identifierLockKey(tenantId: string, identifier: Pick<Identifier, 'kind' | 'value'>): string {
  return advisoryKey(lockName(tenantId, identifier));
}

/**
 * Locks every identifier (transaction-scoped advisory locks), so two transactions resolving the same identifier
 * run one after the other and never both create a profile for it. A batch may lock all its identifiers up front
 * and resolve later (the locks are re-entrant).
 */
export function lockIdentifiers(
  tx: Tx,
  tenantId: string,
  identifiers: readonly Pick<Identifier, 'kind' | 'value'>[],
): Promise<void> {
  const names: string[] = [];
  for (const identifier of identifiers) names.push(lockName(tenantId, identifier));
  return lockNames(tx, names);
}

/** The same locks for identifiers of several tenants, all in one statement (one global order, so no deadlock). */
export function lockIdentifiersOfTenants(
  tx: Tx,
  entries: readonly { tenantId: string; identifier: Pick<Identifier, 'kind' | 'value'> }[],
): Promise<void> {
  return lockNames(tx, lockNamesOf(entries));
}

/**
 * The same locks, taken only where free (see tryLockNames): returns the entries whose identifier another transaction
 * holds, for the caller to leave alone.
 */
export async function tryLockIdentifiersOfTenants<E extends { tenantId: string; identifier: Pick<Identifier, 'kind' | 'value'> }>(
  tx: Tx,
  entries: readonly E[],
): Promise<E[]> {
  const names = lockNamesOf(entries);
  const busy = await tryLockNames(tx, names);
  const held: E[] = [];
  for (let n = 0; n < entries.length; n++) if (busy.has(names[n])) held.push(entries[n]);
  return held;
}
