-- Hardening (issue 17): locks an analyst cannot take, crawl-run owners, bounded classification retries,
-- no temporary objects for analysts.

-- Pipeline locks are row locks on this table (SELECT ... FOR UPDATE). Taking one needs UPDATE on the
-- table, which chainwatch_reader lacks, so an analyst can neither take nor block them (any role may
-- call pg_advisory_lock(), which is why the pipeline no longer uses advisory locks).
CREATE TABLE pipeline_locks (
    name  text PRIMARY KEY
);
INSERT INTO pipeline_locks (name) VALUES ('story_reconciliation');
COMMENT ON TABLE pipeline_locks IS 'one row per pipeline-wide lock, taken with SELECT ... FOR UPDATE';

-- The database session that owns a running crawl's row: the row is orphaned (closed as interrupted by the
-- next crawl) when no session with that process id is connected, or the server restarted since.
ALTER TABLE crawl_runs
    ADD COLUMN owner_pid integer,
    ADD COLUMN owner_server_start timestamptz;

-- A classification that ended in `error` is tried again by the next runs, up to a bound.
ALTER TABLE classified_articles ADD COLUMN attempts integer NOT NULL DEFAULT 1;

-- Analysts create nothing, temporary tables and pg_temp functions included: TEMPORARY is a PUBLIC
-- privilege by default. The role running migrations (the pipeline's own) keeps it.
DO $$
BEGIN
    EXECUTE format('REVOKE TEMPORARY ON DATABASE %I FROM PUBLIC', current_database());
    EXECUTE format('GRANT TEMPORARY ON DATABASE %I TO %I', current_database(), current_user);
END
$$;
