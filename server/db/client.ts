import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '../env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A transaction handle; functions that must run inside one take `Tx`, the rest take `Db` (either works). */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Db = Database | Tx;

/** The role the web app, API and worker run as: bound by row-level security (server/db/scope.ts). */
export const APP_ROLE = 'crm_app';

export interface DbOptions {
  url?: string;
  max?: number;
  /**
   * Connect as the URL's own user, the tables' owner, instead of the app role: for migrations, test setup and
   * assertions, and the seeding and benchmark tools that must see every tenant. Nothing that serves requests or
   * processes events uses it.
   */
  owner?: boolean;
}

/**
 * The one way to build a database client. Everything else receives it as an argument. By default it runs as the
 * app role (the startup parameter `role`, so every pooled connection is crm_app from its first query): rows are
 * visible only inside a scoped transaction (withTenant / withSystemScope). The URL's user must be a member of crm_app.
 */
export function createDb(options: DbOptions = {}): Database {
  const client = postgres(options.url ?? env().DATABASE_URL, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Keep connections through brief outages; postgres-js reconnects on the next query.
    idle_timeout: 60,
    connect_timeout: 10,
    // Short OLTP queries: JIT compiling the bigger aggregates (scoring facts) costs more than running them.
    // Statements are prepared once per connection (see patches/drizzle-orm+0.45.4.patch) and Postgres keeps their
    // plans (plan_cache_mode auto): planning every execution cost a third of the pipeline's throughput.
    connection: { jit: 'off', ...(options.owner ? {} : { role: APP_ROLE }) },
  });
  return drizzle(client, { schema, casing: 'snake_case' }) as Database;
}

const globalForDb = globalThis as unknown as { crmDb?: Database };

/** The process-wide client (cached on globalThis so Next's dev reloads reuse it). */
export function db(): Database {
  globalForDb.crmDb ??= createDb();
  return globalForDb.crmDb;
}
