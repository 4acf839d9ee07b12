-- No planner statistics for the wide columns no query filters or joins on (jsonb bodies, free text, hashes, ids
-- that are only ever looked up through a unique index). ANALYZE computed them from a sample of up to 30,000 rows of
-- each table, and the worker analyzes a growing table every few seconds when autovacuum is off: on a backlog the
-- sync log's analyze went from ~0.77 s to ~0.25 s, the score history's from 88 to 19 ms. Plans do not change: these
-- columns appear in no WHERE, JOIN or ORDER BY (a jsonb path or expression index keeps statistics of its own).
ALTER TABLE "sync_log" ALTER COLUMN "steps" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "warnings" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "error" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "body_hash" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "sync_log" ALTER COLUMN "event_id" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "properties" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "title" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "source_event_id" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "envelope" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "factors" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "field_versions" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "dead_letters" ALTER COLUMN "job_data" SET STATISTICS 0;--> statement-breakpoint
ALTER TABLE "dead_letters" ALTER COLUMN "error" SET STATISTICS 0;
