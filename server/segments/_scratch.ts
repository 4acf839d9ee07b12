import { sql } from 'drizzle-orm';
import { createDb } from '@/server/db/client';
import { profiles } from '@/server/db/schema';
const db = createDb({ url: 'postgres://postgres@127.0.0.1:5432/postgres', max: 1 });
const q = sql`select count(*) from ${profiles} where ${profiles.handicap} < ${15}::numeric and ${profiles.emailOptIn} = ${true} and ${profiles.membershipTier} in (${sql.join(['a','b'].map(v=>sql`lower(${v})`), sql`, `)})`;
const { PgDialect } = await import('drizzle-orm/pg-core');
console.log(new PgDialect({ casing: 'snake_case' }).sqlToQuery(q));
console.log((db as any).dialect.sqlToQuery(q));
await db.$client.end();
