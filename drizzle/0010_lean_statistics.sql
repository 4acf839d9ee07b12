-- Smaller planner samples for the three tables that grow by a row or more per event. ANALYZE reads 300 rows per unit
-- of the largest statistics target among a table's columns (and expression indexes): at the default 100 that is
-- 30,000 rows read from all over a table of millions, ~0.4 s of a core for a 1.4 M-row sync log, paid each time the
-- table doubles, beside live traffic (in a soak, each such analyze was followed by seconds of slow events). At 10,
-- 3,000 rows: ~0.05 s. Nothing here needs fine histograms: the pipeline's look-ups are index probes by key, and the
-- staff app reads these tables by tenant and profile through their indexes.
ALTER TABLE "sync_log" ALTER COLUMN "tenant_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "source" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "event_type" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "status" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "attempts" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "profile_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "activity_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "error_code" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "failed_step" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "event_at" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "received_at" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "processed_at" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "updated_at" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "tenant_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "profile_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "source" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "event_type" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "type" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "occurred_at" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "created_at" SET STATISTICS 10;--> statement-breakpoint
ALTER INDEX "activities_payment_id_idx" ALTER COLUMN 2 SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "tenant_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "profile_id" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "kind" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "score" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "level" SET STATISTICS 10;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "scored_at" SET STATISTICS 10;
