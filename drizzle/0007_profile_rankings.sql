CREATE TABLE "profile_rankings" (
	"profile_id" uuid PRIMARY KEY NOT NULL,
	"tenant_id" text NOT NULL,
	"status" text NOT NULL,
	"churn_risk_score" integer,
	"last_activity_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "profiles_tenant_churn_idx";--> statement-breakpoint
DROP INDEX "profiles_tenant_last_activity_idx";--> statement-breakpoint
ALTER TABLE "profile_rankings" ADD CONSTRAINT "profile_rankings_profile_id_profiles_id_fk" FOREIGN KEY ("profile_id") REFERENCES "public"."profiles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "profile_rankings" ADD CONSTRAINT "profile_rankings_tenant_id_tenants_id_fk" FOREIGN KEY ("tenant_id") REFERENCES "public"."tenants"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "profile_rankings_churn_idx" ON "profile_rankings" USING btree ("tenant_id","churn_risk_score" DESC NULLS LAST,"profile_id");--> statement-breakpoint
CREATE INDEX "profile_rankings_last_activity_idx" ON "profile_rankings" USING btree ("tenant_id","last_activity_at" DESC NULLS LAST,"profile_id");--> statement-breakpoint
-- Most events change a profile's last activity or churn score, so with those two columns indexed in profiles every
-- event rewrote every index of the row (nine, the trigram index with its ~40 entries among them) and left a dead
-- version behind in each. Without them, such an update is a HOT update: the new version goes on the same page (hence
-- the fillfactor) and no index changes. The lists ordered by those columns read this narrow copy instead, kept equal
-- to profiles by the triggers below: one set-based statement per statement on profiles, writing only rows whose keys
-- moved (each looked up by its primary key, whatever plan is cached).
CREATE FUNCTION profile_rankings_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO profile_rankings AS r (profile_id, tenant_id, status, churn_risk_score, last_activity_at)
  SELECT c.id, c.tenant_id, c.status, c.churn_risk_score, c.last_activity_at
  FROM changed c
  LEFT JOIN LATERAL (
    SELECT x.tenant_id, x.status, x.churn_risk_score, x.last_activity_at FROM profile_rankings x WHERE x.profile_id = c.id LIMIT 1
  ) AS held ON true
  WHERE held.status IS NULL
    OR (held.tenant_id, held.status, held.churn_risk_score, held.last_activity_at)
       IS DISTINCT FROM (c.tenant_id, c.status, c.churn_risk_score, c.last_activity_at)
  ON CONFLICT (profile_id) DO UPDATE SET
    tenant_id = excluded.tenant_id, status = excluded.status,
    churn_risk_score = excluded.churn_risk_score, last_activity_at = excluded.last_activity_at;
  RETURN NULL;
END $$;
--> statement-breakpoint
INSERT INTO profile_rankings (profile_id, tenant_id, status, churn_risk_score, last_activity_at)
  SELECT id, tenant_id, status, churn_risk_score, last_activity_at FROM profiles;--> statement-breakpoint
CREATE TRIGGER profile_rankings_after_insert AFTER INSERT ON profiles
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION profile_rankings_sync();--> statement-breakpoint
CREATE TRIGGER profile_rankings_after_update AFTER UPDATE ON profiles
  REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION profile_rankings_sync();--> statement-breakpoint
-- Room on each page for the next version of its rows (applies to pages written from now on).
ALTER TABLE profiles SET (fillfactor = 60);--> statement-breakpoint
-- Tenant isolation as on every table with a tenant column (0004).
ALTER TABLE profile_rankings ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
ALTER TABLE profile_rankings FORCE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE POLICY tenant_scope ON profile_rankings
  USING (tenant_id = ANY ((SELECT crm_scope_tenants())::text[])) WITH CHECK (tenant_id = ANY ((SELECT crm_scope_tenants())::text[]));--> statement-breakpoint
CREATE POLICY system_scope ON profile_rankings TO crm_system USING (true) WITH CHECK (true);
