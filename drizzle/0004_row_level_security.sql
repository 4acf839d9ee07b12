-- Row-level security: tenant isolation enforced by PostgreSQL as well as by every query's tenant condition.
--
-- crm_app      the role the web app, API and worker run as (connection startup parameter `role`, see
--              server/db/client.ts). Not the tables' owner, not a superuser, no BYPASSRLS. NOINHERIT, so being a
--              member of crm_system lets it `SET ROLE crm_system` but never gives it crm_system's policy by default.
-- crm_system   the system scope: deliberate cross-tenant work (outbox relay, event pipeline, sweep scheduling,
--              operator CLI, sign-in lookups) switches to it for one transaction (server/db/scope.ts).
--
-- A transaction's tenant scope is `set_config('crm.tenants', '{a,b}', true)`: rows of other tenants are invisible
-- and cannot be written. Without a scope nothing is visible. Roles are cluster-wide and test databases migrate in
-- parallel, so creating them tolerates another migration having just done it.
DO $$
BEGIN
  BEGIN
    CREATE ROLE crm_system NOLOGIN;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  BEGIN
    CREATE ROLE crm_app NOLOGIN NOINHERIT;
  EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL;
  END;
  IF NOT pg_has_role('crm_app', 'crm_system', 'MEMBER') THEN
    BEGIN
      GRANT crm_system TO crm_app;
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
  END IF;
  -- The login that migrates may then connect as the app (startup parameter role=crm_app). A superuser already can.
  IF NOT pg_has_role(session_user, 'crm_app', 'MEMBER') THEN
    BEGIN
      EXECUTE format('GRANT crm_app TO %I', session_user);
    EXCEPTION WHEN unique_violation THEN NULL;
    END;
  END IF;
END $$;
--> statement-breakpoint
GRANT USAGE ON SCHEMA public TO crm_app, crm_system;--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO crm_app, crm_system;--> statement-breakpoint
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO crm_app, crm_system;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO crm_app, crm_system;--> statement-breakpoint
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO crm_app, crm_system;--> statement-breakpoint
-- The tenants of the current transaction's scope; empty outside one. Policies call it as `(SELECT crm_scope_tenants())`,
-- an init plan evaluated once per query rather than once per row.
CREATE FUNCTION crm_scope_tenants() RETURNS text[] LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT coalesce(nullif(current_setting('crm.tenants', true), '')::text[], '{}'::text[])
$$;
--> statement-breakpoint
-- Every table with a tenant column: enabled and forced (the owner is bound too, unless it is a superuser), one policy
-- for the tenant scope and one that lets crm_system through. `USING (true)` folds away at planning time, so system
-- scope costs nothing per row and leaves every index usable.
DO $$
DECLARE
  t text;
  scoped text;
BEGIN
  FOREACH t IN ARRAY ARRAY[
    'activities', 'api_keys', 'audit_log', 'competitions', 'dead_letters', 'duplicate_candidates', 'outbox',
    'profile_identities', 'profile_merges', 'profile_scores', 'profiles', 'segment_membership_events',
    'segment_memberships', 'segments', 'staff_memberships', 'sweep_runs', 'sync_log', 'tenants'
  ] LOOP
    scoped := format('%I = ANY ((SELECT crm_scope_tenants())::text[])', CASE WHEN t = 'tenants' THEN 'id' ELSE 'tenant_id' END);
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY tenant_scope ON %I USING (%s) WITH CHECK (%s)', t, scoped, scoped);
    EXECUTE format('CREATE POLICY system_scope ON %I TO crm_system USING (true) WITH CHECK (true)', t);
  END LOOP;
END $$;
--> statement-breakpoint
-- Member search filters search_text with LIKE through the trigram index. LIKE is not leakproof, so under a policy
-- PostgreSQL must evaluate it after the policy, i.e. never as an index condition: every search would scan the
-- club's profiles. This view (owned by crm_system, whose policy folds away) applies the same tenant scope as an
-- ordinary condition, so the search finds its candidates through the index. Outside a scope it is empty too.
CREATE VIEW profile_search AS
  SELECT id, tenant_id, search_text FROM profiles WHERE tenant_id = ANY ((SELECT crm_scope_tenants())::text[]);
--> statement-breakpoint
ALTER VIEW profile_search OWNER TO crm_system;--> statement-breakpoint
-- Read-only for the app (the default privileges above would let it write profiles through the view, unscoped).
REVOKE ALL ON profile_search FROM PUBLIC, crm_app;--> statement-breakpoint
GRANT SELECT ON profile_search TO crm_app;
