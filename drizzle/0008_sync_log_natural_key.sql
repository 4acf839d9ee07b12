-- The sync log is keyed by what identifies an event, (event id, source), instead of a random uuid that nothing
-- read: every event writes one row, and each of its indexes was one more random B-tree page per event once the table
-- outgrew memory (in a 30-minute soak the event-id indexes and this table's uuid key were the most-read pages). The
-- new key serves the pipeline's claim by (source, event id) (ON CONFLICT infers it from the columns, in any order)
-- and, event id first, the event trace's lookup by id alone, which had an index of its own.
ALTER TABLE "sync_log" DROP CONSTRAINT "sync_log_pkey";--> statement-breakpoint
ALTER TABLE "sync_log" DROP COLUMN "id";--> statement-breakpoint
ALTER TABLE "sync_log" ADD CONSTRAINT "sync_log_pkey" PRIMARY KEY("event_id","source");--> statement-breakpoint
DROP INDEX "sync_log_source_event_uq";--> statement-breakpoint
DROP INDEX "sync_log_event_id_idx";
