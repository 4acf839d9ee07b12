import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { env } from '../env';
import * as schema from './schema';

export type Database = PostgresJsDatabase<typeof schema> & { $client: postgres.Sql };
/** A transaction handle; functions that must run inside one take `Tx`, the rest take `Db` (either works). */
export type Tx = Parameters<Parameters<Database['transaction']>[0]>[0];
export type Db = Database | Tx;

export interface DbOptions {
  url?: string;
  max?: number;
}

/** The one way to build a database client. Everything else receives it as an argument. */
export function createDb(options: DbOptions = {}): Database {
  const client = postgres(options.url ?? env().DATABASE_URL, {
    max: options.max ?? 10,
    onnotice: () => {},
    // Keep connections through brief outages; postgres-js reconnects on the next query.
    idle_timeout: 60,
    connect_timeout: 10,
    // Short OLTP queries: JIT compiling the bigger aggregates (scoring facts) costs more than running them.
    connection: { jit: 'off' },
  });
  return drizzle(client, { schema, casing: 'snake_case' }) as Database;
}

const globalForDb = globalThis as unknown as { crmDb?: Database };

/** The process-wide client (cached on globalThis so Next's dev reloads reuse it). */
export function db(): Database {
  globalForDb.crmDb ??= createDb();
  return globalForDb.crmDb;
}
