-- A row that names a profile names it with its club: (tenant_id, profile_id) must be a profile's (tenant_id, id), the
-- unique index profiles_tenant_id_id_uq. Before, a foreign key to profiles(id) and another to tenants(id) let a row of
-- one club point at another club's person; now that cannot be written. The tenant need not be checked apart: the
-- profile's own foreign key says it exists. One check per inserted row instead of two, and no row of tenants locked
-- by each (every insert of every club's busiest tables took a share lock on its club's one tenants row).
-- The new constraints go on before the old ones come off, and an existing row that breaks them stops the migration.
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_profile_a_fk" FOREIGN KEY ("tenant_id","profile_a") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "duplicate_candidates" ADD CONSTRAINT "duplicate_candidates_profile_b_fk" FOREIGN KEY ("tenant_id","profile_b") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "profile_identities" ADD CONSTRAINT "profile_identities_profile_fk" FOREIGN KEY ("tenant_id","profile_id") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "profile_merges" ADD CONSTRAINT "profile_merges_winner_fk" FOREIGN KEY ("tenant_id","winner_id") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "profile_merges" ADD CONSTRAINT "profile_merges_loser_fk" FOREIGN KEY ("tenant_id","loser_id") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "profile_rankings" ADD CONSTRAINT "profile_rankings_profile_fk" FOREIGN KEY ("tenant_id","profile_id") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE cascade ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "activities" ADD CONSTRAINT "activities_profile_fk" FOREIGN KEY ("tenant_id","profile_id") REFERENCES "public"."profiles"("tenant_id","id") ON DELETE no action ON UPDATE no action;
--> statement-breakpoint
ALTER TABLE "duplicate_candidates" DROP CONSTRAINT "duplicate_candidates_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "duplicate_candidates" DROP CONSTRAINT "duplicate_candidates_profile_a_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "duplicate_candidates" DROP CONSTRAINT "duplicate_candidates_profile_b_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_identities" DROP CONSTRAINT "profile_identities_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_identities" DROP CONSTRAINT "profile_identities_profile_id_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_merges" DROP CONSTRAINT "profile_merges_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_merges" DROP CONSTRAINT "profile_merges_winner_id_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_merges" DROP CONSTRAINT "profile_merges_loser_id_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_rankings" DROP CONSTRAINT "profile_rankings_profile_id_profiles_id_fk";
--> statement-breakpoint
ALTER TABLE "profile_rankings" DROP CONSTRAINT "profile_rankings_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "activities" DROP CONSTRAINT "activities_tenant_id_tenants_id_fk";
--> statement-breakpoint
ALTER TABLE "activities" DROP CONSTRAINT "activities_profile_id_profiles_id_fk";
