-- Field versions stored once per version instead of once per field. They were a map from field to
-- [rank, event time, event id]; one event usually writes several fields (a member's name, email, tier, …), so the
-- same version was stored under each, and the map was ~65 % of a profile row's bytes. Now they are a list of
-- [rank, event time, event id, ...fields], one entry per distinct version, entries in version order and fields in
-- the order server/profiles/fields.ts lists them (storeVersions), so a profile's versions have one stored form.
-- A narrower row means fewer pages for a search to read, and less to copy and log on each event's update.
-- The column is converted by rewriting the table (ALTER ... TYPE ... USING), not by an UPDATE: an update leaves
-- each row's new version on its old page, and the table would keep its size. Rewritten, the 200,000 profiles of the
-- read benchmark take 236 MB instead of 396. The view over the column is dropped and created again around it, as
-- 0004 and 0005 made it. Holds an exclusive lock on profiles while it runs.
-- Byte order ("C") for the event time and id, as the worker compares them.
CREATE FUNCTION stored_field_versions(versions jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN jsonb_typeof(versions) <> 'object' THEN versions ELSE (
    SELECT coalesce(jsonb_agg(entry.version || entry.fields
      ORDER BY (entry.version->>0)::int, (entry.version->>1) COLLATE "C", (entry.version->>2) COLLATE "C"), '[]'::jsonb)
    FROM (
      SELECT field.value AS version, jsonb_agg(to_jsonb(field.key) ORDER BY array_position(ARRAY[
        'firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'membershipStatus', 'membershipTier',
        'memberSince', 'membershipExpiry', 'handicap', 'handicapUpdatedAt', 'homeClubId', 'homeClubName', 'emailOptIn',
        'smsOptIn', 'pushOptIn', 'whatsappOptIn', 'emailUndeliverable', 'phoneUndeliverable'], field.key)) AS fields
      FROM jsonb_each(versions) AS field
      GROUP BY field.value
    ) AS entry) END
$$;--> statement-breakpoint
DROP VIEW profile_search;--> statement-breakpoint
ALTER TABLE "profiles"
  ALTER COLUMN "field_versions" SET DATA TYPE jsonb USING stored_field_versions("field_versions"),
  ALTER COLUMN "field_versions" SET DEFAULT '[]'::jsonb;--> statement-breakpoint
DROP FUNCTION stored_field_versions(jsonb);--> statement-breakpoint
CREATE VIEW profile_search AS
  SELECT id, tenant_id, search_text, display_name, first_name, last_name, email, phone_number, date_of_birth, status,
    lifecycle_stage, tags, membership_status, membership_tier, member_since, membership_expiry, handicap,
    handicap_updated_at, home_club_id, home_club_name, email_opt_in, sms_opt_in, push_opt_in, whatsapp_opt_in,
    email_undeliverable, phone_undeliverable, lifetime_value, last_activity_at, last_activity_type, last_booking_at,
    last_email_open_at, last_email_click_at, activity_count30d, activity_count90d, booking_count30d, engagement_score,
    engagement_score_at, engagement_level, churn_risk_score, churn_risk_score_at, churn_risk_level, merged_into_id,
    field_versions, phone_digits, created_at, updated_at
  FROM profiles WHERE tenant_id = ANY ((SELECT crm_scope_tenants())::text[]);
--> statement-breakpoint
ALTER VIEW profile_search OWNER TO crm_system;--> statement-breakpoint
REVOKE ALL ON profile_search FROM PUBLIC, crm_app;--> statement-breakpoint
GRANT SELECT ON profile_search TO crm_app;
