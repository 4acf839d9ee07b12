import type { ScenarioResult } from './types';

export interface TableRow {
  id: number;
  name: string;
  result: ScenarioResult;
  ms: number;
}

const dash = (v: number | null) => (v === null ? '—' : v.toLocaleString('en-US'));

/** The result table, as Markdown so a run can be pasted into the README as it is. */
export function formatTable(rows: TableRow[]): string {
  const header = ['#', 'scenario', 'events', 'lost', 'duplicated effects', 'dead-lettered', 'recovery', 'took', 'result'];
  const body = rows.map((r) => [
    String(r.id), r.name, r.result.events ? r.result.events.toLocaleString('en-US') : '—', dash(r.result.lost), dash(r.result.duplicated),
    r.result.deadLettered, r.result.recovery, `${Math.round(r.ms / 1000)} s`, r.result.problems.length ? 'FAIL' : 'PASS',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)].join('\n');
}

/** What each scenario checked and measured, and any problem, below the table. */
export function formatNotes(rows: TableRow[]): string {
  return rows
    .map((r) => [`${r.id}. ${r.name}`, ...r.result.notes.map((n) => `   - ${n}`), ...r.result.problems.map((p) => `   - FAIL: ${p}`)].join('\n'))
    .join('\n');
}
