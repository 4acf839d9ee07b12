-- Activities lose their unique index on (tenant, source, source event id). It guarded against an event applied twice,
-- but only its activity: the guard of every effect is the sync log, whose one SUCCESS row per (source, event id) is
-- written in the transaction that applies the event, under the event's advisory lock, and now refuses a second
-- (workers/pipeline/sync-log.ts). Nothing reads activities by event id. Event ids are random, so the index put each
-- insert on a random page: in a 30-minute soak it was the most-read index of the database (731,000 pages from
-- outside shared buffers by the 26th minute, against 580,000 for the sync log's key and 21,000 for the timeline).
DROP INDEX "activities_tenant_source_event_uq";
