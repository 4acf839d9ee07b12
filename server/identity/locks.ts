import { advisoryKey, lockNames, tryLockNames } from '@/server/db/advisory-locks';
import type { Tx } from '@/server/db/client';
import type { Identifier } from './normalize';

const lockName = (tenantId: string, identifier: Pick<Identifier, 'kind' | 'value'>) => `${tenantId}|${identifier.kind}|${identifier.value}`;

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
  return lockNames(tx, identifiers.map((identifier) => lockName(tenantId, identifier)));
}

/** The same locks for identifiers of several tenants, all in one statement (one global order, so no deadlock). */
export function lockIdentifiersOfTenants(
  tx: Tx,
  entries: readonly { tenantId: string; identifier: Pick<Identifier, 'kind' | 'value'> }[],
): Promise<void> {
  return lockNames(tx, entries.map((e) => lockName(e.tenantId, e.identifier)));
}

/**
 * The same locks, taken only where free (see tryLockNames): returns the entries whose identifier another transaction
 * holds, for the caller to leave alone.
 */
export async function tryLockIdentifiersOfTenants<E extends { tenantId: string; identifier: Pick<Identifier, 'kind' | 'value'> }>(
  tx: Tx,
  entries: readonly E[],
): Promise<E[]> {
  const names = entries.map((e) => lockName(e.tenantId, e.identifier));
  const busy = await tryLockNames(tx, names);
  return entries.filter((_, i) => busy.has(names[i]));
}
