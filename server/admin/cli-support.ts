import os from 'node:os';
import { z } from 'zod';
import { EnvError } from '../env';
import { AdminError, describeIssues, type Actor } from './errors';

/** The operator at this terminal, as the audit log records CLI changes. */
export function cliActor(): Actor {
  let user = process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  try {
    user = os.userInfo().username || user;
  } catch {
    // Containers without a passwd entry: keep the environment's name.
  }
  return { id: `cli:${user}`, label: `CLI (${user}@${os.hostname()})` };
}

const UNREACHABLE = /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|CONNECT_TIMEOUT|Connection is closed/;

function hostOf(url: string | undefined, fallback: string): string {
  try {
    const parsed = new URL(url ?? fallback);
    return `${parsed.hostname}:${parsed.port || (parsed.protocol.startsWith('redis') ? '6379' : '5432')}`;
  } catch {
    return fallback;
  }
}

/**
 * One line a person can act on, for any error a command can end with: operator mistakes as they are, an unreachable
 * Postgres or Redis named with how to fix it, anything else by its message (never a stack trace).
 */
export function describeCliError(error: unknown): string {
  if (error instanceof AdminError) return error.message;
  if (error instanceof EnvError) return error.message.replace(/\n\s*/g, ' ');
  if (error instanceof z.ZodError) return describeIssues(error);
  const err = error as { code?: string; message?: string; errors?: unknown[] } | null;
  const message = err?.message || (Array.isArray(err?.errors) ? String(err.errors[0]) : String(error));
  const code = err?.code ?? '';
  if (UNREACHABLE.test(code) || UNREACHABLE.test(message)) {
    const redis = /6379|redis/i.test(message);
    return redis
      ? `cannot reach Redis at ${hostOf(process.env.REDIS_URL, 'redis://127.0.0.1:6379')} — start it (redis-server --daemonize yes, or docker compose up -d) or set REDIS_URL`
      : `cannot reach Postgres at ${hostOf(process.env.DATABASE_URL, 'postgres://127.0.0.1:5432/crm')} — start it (see README "Quick start", or docker compose up -d) or set DATABASE_URL`;
  }
  if (code === '3D000') return `${message} — run: npm run db:migrate (it creates the database)`;
  if (code === '42P01') return `${message} — the database is not migrated; run: npm run db:migrate`;
  if (code === '28P01' || code === '28000') return `Postgres refused the login: ${message} — check DATABASE_URL`;
  return message.split('\n')[0]!;
}

export interface Column<T> {
  header: string;
  value: (row: T) => unknown;
  /** Longest a cell may get before it is cut with "…". */
  max?: number;
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (value instanceof Date) return `${value.toISOString().slice(0, 16).replace('T', ' ')}Z`;
  if (Array.isArray(value)) return value.join(',');
  return String(value);
}

/** A plain aligned text table (no colours, so it survives pipes and logs). */
export function formatTable<T>(rows: readonly T[], columns: readonly Column<T>[]): string {
  const cells = rows.map((row) =>
    columns.map((column) => {
      const text = cell(column.value(row)).replace(/\s+/g, ' ');
      return column.max && text.length > column.max ? `${text.slice(0, column.max - 1)}…` : text;
    }),
  );
  const widths = columns.map((column, i) => Math.max(column.header.length, ...cells.map((c) => c[i]!.length)));
  const line = (parts: string[]) => parts.map((part, i) => part.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
