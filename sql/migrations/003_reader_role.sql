-- chainwatch_reader: a read-only group role for analysts (NOLOGIN; grant it to login roles:
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE chainwatch_reader;).
-- Roles are cluster-wide while this file runs once per database, so creating the role must
-- be safe when it already exists, including when another database's migration creates it at
-- the same moment (hence the exception handler as well as the existence check). No COMMENT ON
-- ROLE either: it is a shared catalog row that concurrent migrations would both update.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'chainwatch_reader') THEN
        CREATE ROLE chainwatch_reader NOLOGIN;
    END IF;
EXCEPTION
    WHEN duplicate_object OR unique_violation THEN
        NULL;  -- created concurrently by another database's migration
END
$$;

-- Privileges are per database: grant them here.
DO $$
BEGIN
    EXECUTE format('GRANT CONNECT ON DATABASE %I TO chainwatch_reader', current_database());
END
$$;
GRANT USAGE ON SCHEMA public TO chainwatch_reader;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO chainwatch_reader;  -- tables and views
-- Tables and views created later by the role that runs migrations are readable too.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO chainwatch_reader;

-- Nobody but the owner creates objects in the schema (the default since PostgreSQL 15; older
-- servers let every role create tables in public, which would break "read-only").
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
