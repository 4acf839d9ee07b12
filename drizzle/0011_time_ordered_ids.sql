-- Time-ordered ids (UUID version 7, RFC 9562) for the tables that gain rows with every event: 48 bits of Unix
-- milliseconds, the version and variant, then random bits. A random (version 4) primary key puts each insert on a
-- random leaf page, so once an index outgrows shared_buffers most inserts read a page first; a version 7 key inserts
-- at the index's right edge. Profile ids matter most: every profile-keyed index (timeline, scores, identifiers,
-- segment memberships) then keeps the people created lately, the ones events are about, on shared pages.
-- Postgres 15 has no built-in generator (18 adds uuidv7()): this takes a random UUID, writes the millisecond
-- timestamp over its first 6 bytes and turns its version nibble from 0100 into 0111 (bits 52 and 53).
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
  SELECT encode(
    set_bit(set_bit(
      overlay(uuid_send(gen_random_uuid())
        placing substring(int8send(floor(extract(epoch from clock_timestamp()) * 1000)::bigint) from 3)
        from 1 for 6),
      52, 1), 53, 1),
    'hex')::uuid
$$;--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ALTER COLUMN "id" SET DEFAULT uuid_v7();--> statement-breakpoint
ALTER TABLE "profile_identities" ALTER COLUMN "id" SET DEFAULT uuid_v7();--> statement-breakpoint
ALTER TABLE "profile_merges" ALTER COLUMN "id" SET DEFAULT uuid_v7();--> statement-breakpoint
ALTER TABLE "profiles" ALTER COLUMN "id" SET DEFAULT uuid_v7();--> statement-breakpoint
ALTER TABLE "activities" ALTER COLUMN "id" SET DEFAULT uuid_v7();--> statement-breakpoint
ALTER TABLE "profile_scores" ALTER COLUMN "id" SET DEFAULT uuid_v7();--> statement-breakpoint
ALTER TABLE "segment_membership_events" ALTER COLUMN "id" SET DEFAULT uuid_v7();