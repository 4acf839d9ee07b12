import { is, sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, Tx } from './client';
import { send } from './send';

/**
 * Row-level security scopes (drizzle/0004_row_level_security.sql). The app's connections run as the role crm_app,
 * which sees no row of any tenant table until a transaction names its scope:
 *
 * - a tenant scope (`withTenant`): that tenant's rows only, for everything done on behalf of one club — pages,
 *   server actions, the API, a tenant's sweep or segment recompute;
 * - the system scope (`withSystemScope`): every row, for deliberately cross-tenant work — the event pipeline and
 *   outbox relay (one queue for every club), listing tenants to schedule sweeps, the operator CLI, and the sign-in
 *   and API-key look-ups that find out which club a request belongs to.
 *
 * Every query still names its tenant as well: the scope is the second wall, for the query that forgets.
 *
 * A scope belongs to a transaction and ends with it. Given a transaction instead of the database, these run `fn` in
 * a savepoint under the scope that transaction already has: a scope is set where the transaction starts and is never
 * widened (or narrowed) further down.
 */
export type Scope = readonly string[] | 'system';

/** The role system scope switches to for one transaction (a member role of crm_app; its policies let every row through). */
export const SYSTEM_ROLE = 'crm_system';

/** Sets the scope of an open transaction, for the rest of it. */
export function setScope(tx: Tx, scope: Scope): Promise<void> {
  // Sent at once (see send): statements started after it are pipelined behind it and run in its scope.
  const statement =
    scope === 'system'
      ? sql`select set_config('role', ${SYSTEM_ROLE}, true)`
      : // Postgres writes the array literal itself, so no tenant id can break out of it.
        sql`select set_config('crm.tenants', ${sql.param([...scope])}::text[]::text, true)`;
  return send(tx.execute(statement)).then(() => undefined);
}

function isTransaction(db: Db): db is Tx {
  return is(db, PgTransaction);
}

function inScope<T>(db: Db, scope: Scope, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if (isTransaction(db)) return db.transaction(fn);
  return db.transaction(async (tx) => {
    await setScope(tx, scope);
    return fn(tx);
  });
}

/** Runs `fn` in a transaction that sees and writes the rows of one tenant only. */
export function withTenant<T>(db: Db, tenantId: string, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(db, [tenantId], fn);
}

/** Runs `fn` in a transaction that sees every tenant's rows: only for work that is cross-tenant by design. */
export function withSystemScope<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  return inScope(db, 'system', fn);
}
