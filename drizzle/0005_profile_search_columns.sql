-- profile_search carries every profile column, so a member search reads each candidate row once, from the view
-- (LIKE through the trigram index, filters, ranking), instead of collecting ids there and fetching every candidate
-- again from profiles by primary key. Same rows, scope, owner and grants as before (0004); columns are only added
-- at the end, which CREATE OR REPLACE VIEW allows. A column added to profiles later must be added here too.
CREATE OR REPLACE VIEW profile_search AS
  SELECT id, tenant_id, search_text, display_name, first_name, last_name, email, phone_number, date_of_birth, status,
    lifecycle_stage, tags, membership_status, membership_tier, member_since, membership_expiry, handicap,
    handicap_updated_at, home_club_id, home_club_name, email_opt_in, sms_opt_in, push_opt_in, whatsapp_opt_in,
    email_undeliverable, phone_undeliverable, lifetime_value, last_activity_at, last_activity_type, last_booking_at,
    last_email_open_at, last_email_click_at, activity_count30d, activity_count90d, booking_count30d, engagement_score,
    engagement_score_at, engagement_level, churn_risk_score, churn_risk_score_at, churn_risk_level, merged_into_id,
    field_versions, phone_digits, created_at, updated_at
  FROM profiles WHERE tenant_id = ANY ((SELECT crm_scope_tenants())::text[]);
