import { performance } from 'node:perf_hooks';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { sql } from 'drizzle-orm';
import type { Database } from '@/server/db/client';

export type Cell = string | number | boolean | null | object;

/**
 * Writes rows built in JavaScript with COPY (the fastest way in): `columns` names the table's columns, and a row
 * lacking one gives it NULL. Values are converted by PostgreSQL from their text form, as for any COPY.
 */
export async function insertRows(
  db: Database,
  table: string,
  columns: readonly string[],
  rows: Iterable<Record<string, Cell | undefined>>,
): Promise<void> {
  const list = columns.map((c) => `"${c}"`).join(', ');
  const lines = function* () {
    let batch: string[] = [];
    for (const row of rows) {
      batch.push(`${columns.map((c) => copyText(row[c] ?? null)).join('\t')}\n`);
      if (batch.length === 1000) {
        yield batch.join('');
        batch = [];
      }
    }
    if (batch.length) yield batch.join('');
  };
  const copy = await db.$client.unsafe(`copy "${table}" (${list}) from stdin`).writable();
  await pipeline(Readable.from(lines()), copy);
}

/** COPY's text format: \N for NULL; backslash, tab, newline and carriage return escaped. */
function copyText(value: Cell): string {
  if (value === null) return '\\N';
  const text = typeof value === 'object' ? (value instanceof Date ? value.toISOString() : JSON.stringify(value)) : String(value);
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/**
 * Bulk loads are far faster into a table without indexes and foreign keys: drop them (remembering their exact
 * definitions from the catalog, i.e. from the migrations), load, and build them again from those definitions.
 * Answers how long the rebuild took.
 */
export async function withoutIndexes(db: Database, table: string, load: () => Promise<void>): Promise<number> {
  // Keys and unique indexes other tables' foreign keys depend on stay (profiles' (tenant_id, id), migration 0014);
  // everything else goes.
  const constraints = await db.execute<{ name: string; def: string; kind: string }>(sql`
    select c.conname as name, pg_get_constraintdef(c.oid) as def, c.contype as kind
    from pg_constraint c
    where c.conrelid = ${table}::regclass and c.contype in ('p', 'u', 'f')
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = c.conindid and c.contype <> 'f')`);
  const indexes = await db.execute<{ name: string; def: string }>(sql`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = 'public' and tablename = ${table}
      and indexname not in (select conname from pg_constraint where conrelid = ${table}::regclass)
      and not exists (select 1 from pg_constraint f where f.contype = 'f' and f.conindid = format('%I.%I', schemaname, indexname)::regclass)`);
  for (const c of constraints) await db.execute(sql.raw(`alter table "${table}" drop constraint "${c.name}"`));
  for (const i of indexes) await db.execute(sql.raw(`drop index "${i.name}"`));
  await load();
  const start = performance.now();
  await db.transaction(async (tx) => {
    await tx.execute(sql`set local maintenance_work_mem = '512MB'`);
    for (const c of constraints.filter((k) => k.kind !== 'f')) {
      await tx.execute(sql.raw(`alter table "${table}" add constraint "${c.name}" ${c.def}`));
    }
    for (const i of indexes) await tx.execute(sql.raw(i.def));
    for (const c of constraints.filter((k) => k.kind === 'f')) {
      await tx.execute(sql.raw(`alter table "${table}" add constraint "${c.name}" ${c.def}`));
    }
  });
  return performance.now() - start;
}
