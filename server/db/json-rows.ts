import { getTableColumns, getTableName, sql, type SQL } from 'drizzle-orm';
import { toSnakeCase } from 'drizzle-orm/casing';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import { send } from './send';

/** A value as it travels in a JSON parameter (dates as ISO text). */
export function toJson(value: unknown): unknown {
  return value instanceof Date ? value.toISOString() : value;
}

/** Each table's columns as [model key, SQL name, column], worked out once per table (rows are mapped by the thousand). */
const driverColumns = new WeakMap<PgTable, [string, string, PgColumn][]>();

function driverColumnsOf(table: PgTable): [string, string, PgColumn][] {
  let columns = driverColumns.get(table);
  if (!columns) {
    columns = (Object.entries(getTableColumns(table)) as [string, PgColumn][]).map(([key, column]) => [key, toSnakeCase(key), column]);
    driverColumns.set(table, columns);
  }
  return columns;
}

/**
 * A row as the driver returns it from raw SQL, mapped to the table's typed select model (dates, jsonb, …). Columns
 * the row does not have (a `returning` of a few) are left out.
 */
export function fromDriverRow<T extends PgTable>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const out: Record<string, unknown> = {};
  for (const [key, name, column] of driverColumnsOf(table)) {
    if (!(name in raw)) continue;
    const value = raw[name];
    out[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}

/** A table's column as raw SQL over JSON needs it: the model's key, the SQL name and the SQL type. */
export interface ColumnShape {
  key: string;
  name: string;
  type: string;
}

const columnShapes = new WeakMap<PgTable, ColumnShape[]>();

/** Worked out once per table (every insert asks). */
export function tableColumns(table: PgTable): ColumnShape[] {
  let columns = columnShapes.get(table);
  if (!columns) {
    columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).map(([key, column]) => ({
      key,
      name: toSnakeCase(key),
      type: column.getSQLType(),
    }));
    columnShapes.set(table, columns);
  }
  return columns;
}

/** The `"name" type, …` list of a jsonb_to_recordset record (schema names only, so safe to send as text). */
export function recordType(columns: ColumnShape[]): string {
  return columns.map((c) => `"${c.name}" ${c.type}`).join(', ');
}

interface RowShape {
  columns: ColumnShape[];
  /** The column list and the record type, as text built once per table and set of columns. */
  list: SQL;
  types: SQL;
}
const shapes = new Map<string, RowShape>();

function shapeOf(table: PgTable, row: object): RowShape {
  const columns: ColumnShape[] = [];
  for (const c of tableColumns(table)) if (c.key in row) columns.push(c);
  const id = `${getTableName(table)}|${columns.map((c) => c.key).join(',')}`;
  let shape = shapes.get(id);
  if (!shape) {
    shape = {
      columns,
      list: sql.raw(columns.map((c) => `"${c.name}"`).join(', ')),
      types: sql.raw(recordType(columns)),
    };
    shapes.set(id, shape);
  }
  return shape;
}

/** `returning` lists, as text built once per table and set of columns. */
const returningLists = new Map<string, SQL>();

function returningList(table: PgTable, keys: string[]): SQL {
  const id = `${getTableName(table)}|${keys.join(',')}`;
  let list = returningLists.get(id);
  if (!list) {
    const columns = tableColumns(table).filter((c) => keys.includes(c.key));
    if (columns.length !== keys.length) throw new Error(`insertJsonRows: ${getTableName(table)} has no column among ${keys.join(', ')}`);
    list = sql.raw(columns.map((c) => `"${c.name}"`).join(', '));
    returningLists.set(id, list);
  }
  return list;
}

/**
 * Inserts many rows with ONE parameter, a JSON array unpacked by jsonb_to_recordset: the statement's text does
 * not change with the row count, so Postgres and the driver prepare it once, and no per-value parameters are
 * built (a 100-row multi-VALUES insert of 10 columns is 1,000 of them, and a new statement per row count).
 * Every row must have the same keys; omitted columns take their defaults. The inserted rows come back whole, or
 * with only the `returning` columns (the others absent): reading back a batch's every column costs the driver more
 * than the insert.
 */
export function insertJsonRows<T extends PgTable, K extends keyof T['$inferSelect'] & string = keyof T['$inferSelect'] & string>(
  db: Db,
  table: T,
  rows: T['$inferInsert'][],
  options: { onConflictDoNothing?: boolean; returning?: K[] } = {},
): Promise<Pick<T['$inferSelect'], K>[]> {
  if (rows.length === 0) return Promise.resolve([]);
  const { columns, list, types } = shapeOf(table, rows[0]);
  const records: Record<string, unknown>[] = [];
  for (const row of rows) records.push(jsonRecord(row as Record<string, unknown>, columns));
  const returning = options.returning ? returningList(table, options.returning) : sql`*`;
  // Sent at once (see send), so it can share a round trip with the statements started after it.
  return send(
    db.execute<Record<string, unknown>>(sql`
      insert into ${sql.identifier(getTableName(table))} (${list})
      select ${list} from jsonb_to_recordset(${JSON.stringify(records)}::jsonb) as v(${types})
      ${options.onConflictDoNothing ? sql`on conflict do nothing` : sql``}
      returning ${returning}`),
  ).then((raw) => fromDriverRows(table, raw) as Pick<T['$inferSelect'], K>[]);
}

/** A row as a jsonb_to_recordset record: its columns under their SQL names. */
function jsonRecord(row: Record<string, unknown>, columns: ColumnShape[]): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  for (const c of columns) record[c.name] = toJson(row[c.key]);
  return record;
}

function fromDriverRows<T extends PgTable>(table: T, raw: Record<string, unknown>[]): T['$inferSelect'][] {
  const rows: T['$inferSelect'][] = [];
  for (const r of raw) rows.push(fromDriverRow(table, r));
  return rows;
}
