-- The relay now deletes each outbox row as it sends it, so the outbox holds only what is still to be sent. Kept an
-- hour after sending (to dedupe a re-emitted id), the sent rows made the outbox the largest and most-read table of a
-- busy club: every row was written twice (sending updated it, never in place, as published_at was in the index's
-- predicate), and the hourly window was scanned each minute for rows to prune. A re-emitted id is still deduped by
-- crm-outbound's retained jobs, and by consumers on the id (at-least-once).
DELETE FROM "outbox" WHERE "published_at" IS NOT NULL;--> statement-breakpoint
DROP INDEX "outbox_unpublished_idx";--> statement-breakpoint
CREATE INDEX "outbox_created_idx" ON "outbox" USING btree ("created_at");--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "published_at";
