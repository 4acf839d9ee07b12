/**
 * What a backlog cost Postgres's write-ahead log: bytes and full-page images per event, and the checkpoints it
 * started. After each checkpoint, the first change to a page logs the whole page (8 KB) before its own record, and
 * WAL volume itself starts the next checkpoint (every `max_wal_size` / (1 + `checkpoint_completion_target`) of WAL),
 * so a backfill that touches many pages at random (profiles, the timeline and sync-log indexes) logs mostly page
 * images: 13 KB per event in the million against ~4 KB in a 100,000-event backlog (2026-12-07), 9.5 KB since field
 * versions are stored once per version (migration 0013). That volume did not set the backfill's pace: with
 * checkpoints held off it ran no faster, nor with the narrower rows (the README's "What sets the pace").
 *
 * The figures are the whole server's (pg_stat_wal, pg_stat_bgwriter): the benchmark runs alone on its server.
 */
import { sql } from 'drizzle-orm';
import type { BenchEnv } from './setup';

export interface WalSnapshot {
  bytes: number;
  fullPageImages: number;
  checkpoints: number;
}

export interface WalCost {
  kbPerEvent: number;
  fullPageImagesPerEvent: number;
  checkpoints: number;
}

export async function walSnapshot(db: BenchEnv['db']): Promise<WalSnapshot> {
  const [row] = await db.execute<{ bytes: string; fpi: string; checkpoints: string }>(sql`
    select w.wal_bytes::text as bytes, w.wal_fpi::text as fpi, (b.checkpoints_timed + b.checkpoints_req)::text as checkpoints
    from pg_stat_wal w, pg_stat_bgwriter b`);
  return { bytes: Number(row.bytes), fullPageImages: Number(row.fpi), checkpoints: Number(row.checkpoints) };
}

export function walCost(before: WalSnapshot, after: WalSnapshot, events: number): WalCost {
  return {
    kbPerEvent: Math.round(((after.bytes - before.bytes) / 1024 / events) * 10) / 10,
    fullPageImagesPerEvent: Math.round(((after.fullPageImages - before.fullPageImages) / events) * 100) / 100,
    checkpoints: after.checkpoints - before.checkpoints,
  };
}

export function formatWal(w: WalCost, seconds: number): string {
  const every = w.checkpoints > 0 ? ` (one every ${Math.round(seconds / w.checkpoints)} s)` : '';
  return `WAL (the server's): ${w.kbPerEvent} KB per event, ${w.fullPageImagesPerEvent} full-page images per event; ${w.checkpoints} checkpoint${w.checkpoints === 1 ? '' : 's'}${every}`;
}
