-- SPDX-License-Identifier: MIT
-- 0003: live health. Monitors, raw samples (partitioned by UTC day), 1-minute rollups, retention
-- per project, and the collector lease that makes exactly one console the writer.
--
-- Single writer: many consoles may run against one database. Each asks for the project's lease
-- row (holder + expires_at) every interval; the holder renews it, anybody else gets it only once
-- it has expired. No advisory locks and no session state, so it works through a transaction
-- pooler. ops.record_health_sample refuses a sample from a collector that does not hold an
-- unexpired lease (fencing): a stalled former leader cannot write duplicates after a take-over.
--
-- New samples reach every console by NOTIFY on channel 'ops_health' (payload: JSON with project,
-- monitor, sampled_at, state), so readers never poll.

CREATE TABLE ops.monitors (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES ops.projects (id),
    name         text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kind         text NOT NULL DEFAULT 'http' CHECK (kind IN ('http', 'prometheus', 'postgres', 'pool')),
    url          text NOT NULL DEFAULT '',
    interval_ms  integer NOT NULL DEFAULT 60000 CHECK (interval_ms BETWEEN 1000 AND 86400000),
    timeout_ms   integer NOT NULL DEFAULT 10000 CHECK (timeout_ms BETWEEN 100 AND 600000),
    retries      integer NOT NULL DEFAULT 3 CHECK (retries BETWEEN 0 AND 100),
    status_min   integer NOT NULL DEFAULT 200 CHECK (status_min BETWEEN 100 AND 599),
    status_max   integer NOT NULL DEFAULT 299 CHECK (status_max BETWEEN 100 AND 599),
    keyword      text,
    enabled      boolean NOT NULL DEFAULT true,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    UNIQUE (project_id, name),
    CHECK (status_min <= status_max)
);

-- Raw samples. The primary key (monitor, time) also refuses the same sample written twice.
CREATE TABLE ops.health_samples (
    monitor_id      bigint NOT NULL REFERENCES ops.monitors (id),
    project_id      bigint NOT NULL REFERENCES ops.projects (id),
    sampled_at      timestamptz NOT NULL,
    state           text NOT NULL CHECK (state IN ('up', 'pending', 'down', 'maintenance')),
    latency_ms      double precision,
    http_status     integer,
    platform_status text,     -- healthy / degraded / unhealthy as the platform said it
    circuit_state   text,     -- CLOSED / OPEN / HALF_OPEN as the platform said it
    metrics         jsonb NOT NULL DEFAULT '{}'::jsonb,  -- flattened numeric fields: {"pool.idle": 8}
    error           text,
    collector       text NOT NULL,
    PRIMARY KEY (monitor_id, sampled_at)
) PARTITION BY RANGE (sampled_at);
CREATE INDEX health_samples_project_at ON ops.health_samples (project_id, sampled_at DESC);

-- One row per monitor and UTC minute, recomputed from the raw samples of that minute on each write.
CREATE TABLE ops.health_rollups_1m (
    monitor_id   bigint NOT NULL REFERENCES ops.monitors (id),
    project_id   bigint NOT NULL REFERENCES ops.projects (id),
    bucket       timestamptz NOT NULL,
    samples      integer NOT NULL,
    up           integer NOT NULL,
    pending      integer NOT NULL,
    down         integer NOT NULL,
    maintenance  integer NOT NULL,
    latency_min  double precision,
    latency_max  double precision,
    latency_avg  double precision,
    latency_p50  double precision,
    latency_p95  double precision,
    latency_p99  double precision,
    PRIMARY KEY (monitor_id, bucket)
);
CREATE INDEX health_rollups_project_bucket ON ops.health_rollups_1m (project_id, bucket DESC);

CREATE TABLE ops.health_retention (
    project_id   bigint PRIMARY KEY REFERENCES ops.projects (id),
    raw_days     integer NOT NULL DEFAULT 7 CHECK (raw_days BETWEEN 1 AND 3650),
    rollup_days  integer NOT NULL DEFAULT 90 CHECK (rollup_days BETWEEN 1 AND 3650)
);

CREATE TABLE ops.collector_lease (
    project_id   bigint PRIMARY KEY REFERENCES ops.projects (id),
    holder       text NOT NULL,
    acquired_at  timestamptz NOT NULL,
    renewed_at   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL
);

ALTER TABLE ops.monitors ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.health_samples ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.health_rollups_1m ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.health_retention ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.collector_lease ENABLE ROW LEVEL SECURITY;
CREATE POLICY monitors_visible ON ops.monitors FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY health_samples_visible ON ops.health_samples FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY health_rollups_visible ON ops.health_rollups_1m FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY health_retention_visible ON ops.health_retention FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY collector_lease_visible ON ops.collector_lease FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.monitors, ops.health_samples, ops.health_rollups_1m, ops.health_retention,
    ops.collector_lease TO ops_viewer;

-- Creates the day partition holding p_at (UTC day) when missing; returns its name. Safe when two
-- writers race (the loser's duplicate_table is ignored).
CREATE FUNCTION ops.ensure_health_partition(p_at timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    day   date := (p_at AT TIME ZONE 'UTC')::date;
    part  text := 'health_samples_p' || to_char(day, 'YYYYMMDD');
BEGIN
    PERFORM ops.require_role('ops_operator');
    IF to_regclass('ops.' || part) IS NULL THEN
        BEGIN
            EXECUTE format('CREATE TABLE ops.%I PARTITION OF ops.health_samples FOR VALUES FROM (%L) TO (%L)',
                           part, (day::timestamp AT TIME ZONE 'UTC'), ((day + 1)::timestamp AT TIME ZONE 'UTC'));
        EXCEPTION WHEN duplicate_table THEN
            NULL;
        END;
    END IF;
    RETURN part;
END
$$;

-- Creates or updates a monitor, idempotent by (project, name); returns its id. Audited when
-- something changed.
CREATE FUNCTION ops.ensure_monitor(p_project bigint, p_name text, p_url text, p_interval_ms integer,
                                   p_timeout_ms integer DEFAULT 10000, p_retries integer DEFAULT 3,
                                   p_status_min integer DEFAULT 200, p_status_max integer DEFAULT 299,
                                   p_keyword text DEFAULT NULL, p_kind text DEFAULT 'http')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    before  ops.monitors%ROWTYPE;
    after   ops.monitors%ROWTYPE;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    SELECT * INTO before FROM ops.monitors WHERE project_id = p_project AND name = p_name;
    INSERT INTO ops.monitors AS m (project_id, name, kind, url, interval_ms, timeout_ms, retries,
                                   status_min, status_max, keyword)
    VALUES (p_project, p_name, coalesce(p_kind, 'http'), coalesce(p_url, ''), coalesce(p_interval_ms, 60000),
            coalesce(p_timeout_ms, 10000), coalesce(p_retries, 3), coalesce(p_status_min, 200),
            coalesce(p_status_max, 299), p_keyword)
    ON CONFLICT (project_id, name) DO UPDATE
        SET kind = EXCLUDED.kind, url = EXCLUDED.url, interval_ms = EXCLUDED.interval_ms,
            timeout_ms = EXCLUDED.timeout_ms, retries = EXCLUDED.retries, status_min = EXCLUDED.status_min,
            status_max = EXCLUDED.status_max, keyword = EXCLUDED.keyword,
            updated_at = CASE WHEN (m.kind, m.url, m.interval_ms, m.timeout_ms, m.retries, m.status_min,
                                    m.status_max, m.keyword)
                                   IS DISTINCT FROM
                                   (EXCLUDED.kind, EXCLUDED.url, EXCLUDED.interval_ms, EXCLUDED.timeout_ms,
                                    EXCLUDED.retries, EXCLUDED.status_min, EXCLUDED.status_max, EXCLUDED.keyword)
                              THEN now() ELSE m.updated_at END
    RETURNING * INTO after;
    IF before.id IS NULL OR before.updated_at IS DISTINCT FROM after.updated_at THEN
        PERFORM ops.append_audit(p_project, 'health.monitor.saved', 'monitor ' || after.id,
                                 jsonb_build_object('name', after.name, 'url', after.url,
                                                    'interval_ms', after.interval_ms, 'retries', after.retries));
    END IF;
    RETURN after.id;
END
$$;

-- Takes or renews the project's collector lease for p_ttl_ms. True when p_holder holds it
-- afterwards: it already held it, or the row was missing, or the previous holder let it expire.
CREATE FUNCTION ops.acquire_collector_lease(p_project bigint, p_holder text, p_ttl_ms integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    t     timestamptz := clock_timestamp();
    got   text;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    IF p_holder IS NULL OR length(p_holder) = 0 OR p_ttl_ms IS NULL OR p_ttl_ms < 100 THEN
        RAISE EXCEPTION 'a lease needs a holder and a ttl of at least 100 ms' USING ERRCODE = '22023';
    END IF;
    INSERT INTO ops.collector_lease AS l (project_id, holder, acquired_at, renewed_at, expires_at)
    VALUES (p_project, p_holder, t, t, t + make_interval(secs => p_ttl_ms / 1000.0))
    ON CONFLICT (project_id) DO UPDATE
        SET holder = EXCLUDED.holder,
            acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE EXCLUDED.acquired_at END,
            renewed_at = EXCLUDED.renewed_at,
            expires_at = EXCLUDED.expires_at
        WHERE l.holder = EXCLUDED.holder OR l.expires_at < EXCLUDED.renewed_at
    RETURNING holder INTO got;
    RETURN got IS NOT NULL;
END
$$;

-- Renews only: false when p_holder no longer holds an unexpired lease (it must stop writing).
CREATE FUNCTION ops.renew_collector_lease(p_project bigint, p_holder text, p_ttl_ms integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    t  timestamptz := clock_timestamp();
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    UPDATE ops.collector_lease
       SET renewed_at = t, expires_at = t + make_interval(secs => p_ttl_ms / 1000.0)
     WHERE project_id = p_project AND holder = p_holder AND expires_at >= t;
    RETURN FOUND;
END
$$;

-- A collector that exits cleanly hands the lease over at once instead of letting it expire.
CREATE FUNCTION ops.release_collector_lease(p_project bigint, p_holder text) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    UPDATE ops.collector_lease SET expires_at = clock_timestamp() - interval '1 millisecond'
     WHERE project_id = p_project AND holder = p_holder;
    RETURN FOUND;
END
$$;

-- Recomputes one monitor's 1-minute rollup bucket from its raw samples.
CREATE FUNCTION ops.refresh_health_rollup(p_monitor bigint, p_bucket timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_operator');
    INSERT INTO ops.health_rollups_1m AS r (monitor_id, project_id, bucket, samples, up, pending, down, maintenance,
        latency_min, latency_max, latency_avg, latency_p50, latency_p95, latency_p99)
    SELECT s.monitor_id, min(s.project_id), p_bucket, count(*)::int,
           count(*) FILTER (WHERE s.state = 'up')::int,
           count(*) FILTER (WHERE s.state = 'pending')::int,
           count(*) FILTER (WHERE s.state = 'down')::int,
           count(*) FILTER (WHERE s.state = 'maintenance')::int,
           min(s.latency_ms), max(s.latency_ms), avg(s.latency_ms),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.latency_ms),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.latency_ms),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY s.latency_ms)
      FROM ops.health_samples s
     WHERE s.monitor_id = p_monitor AND s.sampled_at >= p_bucket AND s.sampled_at < p_bucket + interval '1 minute'
     GROUP BY s.monitor_id
    ON CONFLICT (monitor_id, bucket) DO UPDATE
        SET samples = EXCLUDED.samples, up = EXCLUDED.up, pending = EXCLUDED.pending, down = EXCLUDED.down,
            maintenance = EXCLUDED.maintenance, latency_min = EXCLUDED.latency_min,
            latency_max = EXCLUDED.latency_max, latency_avg = EXCLUDED.latency_avg,
            latency_p50 = EXCLUDED.latency_p50, latency_p95 = EXCLUDED.latency_p95,
            latency_p99 = EXCLUDED.latency_p99;
END
$$;

-- Writes one sample, only for the collector holding the project's unexpired lease (returns false
-- otherwise and writes nothing), refreshes its minute's rollup and notifies 'ops_health'.
CREATE FUNCTION ops.record_health_sample(p_monitor bigint, p_collector text, p_sampled_at timestamptz,
                                         p_state text, p_latency_ms double precision, p_http_status integer,
                                         p_platform_status text, p_circuit_state text, p_metrics jsonb,
                                         p_error text)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project  bigint;
    at       timestamptz := coalesce(p_sampled_at, clock_timestamp());
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT project_id INTO project FROM ops.monitors WHERE id = p_monitor;
    IF project IS NULL THEN
        RAISE EXCEPTION 'no monitor %', p_monitor USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.require_member(project);
    -- Fencing: the lease row is locked so a take-over cannot interleave with this write.
    PERFORM 1 FROM ops.collector_lease
      WHERE project_id = project AND holder = p_collector AND expires_at >= clock_timestamp()
      FOR SHARE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM ops.ensure_health_partition(at);
    INSERT INTO ops.health_samples (monitor_id, project_id, sampled_at, state, latency_ms, http_status,
                                    platform_status, circuit_state, metrics, error, collector)
    VALUES (p_monitor, project, at, p_state, p_latency_ms, p_http_status, p_platform_status,
            p_circuit_state, coalesce(p_metrics, '{}'::jsonb), p_error, p_collector);
    PERFORM ops.refresh_health_rollup(p_monitor, date_trunc('minute', at));
    PERFORM pg_notify('ops_health', json_build_object('project', project, 'monitor', p_monitor,
                                                       'sampled_at', at, 'state', p_state)::text);
    RETURN true;
END
$$;

-- Drops every day partition whose whole day is older than the longest raw retention of any
-- project (partitions are shared by projects), and deletes rollups past each project's rollup
-- retention. Returns the number of partitions dropped. p_now is a parameter for tests.
CREATE FUNCTION ops.apply_health_retention(p_now timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    keep_days  integer;
    cutoff     date;
    part       record;
    dropped    integer := 0;
BEGIN
    PERFORM ops.require_role('ops_operator');
    -- Projects without a row keep the default 7 days; the longest retention wins for the shared partitions.
    SELECT coalesce(max(d), 7) INTO keep_days FROM (
        SELECT raw_days AS d FROM ops.health_retention
        UNION ALL
        SELECT 7 WHERE EXISTS (SELECT 1 FROM ops.projects p
                                WHERE NOT EXISTS (SELECT 1 FROM ops.health_retention r WHERE r.project_id = p.id))
    ) x;
    cutoff := (p_now AT TIME ZONE 'UTC')::date - keep_days;
    FOR part IN
        SELECT c.relname
          FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
         WHERE i.inhparent = 'ops.health_samples'::regclass AND c.relname ~ '^health_samples_p[0-9]{8}$'
    LOOP
        -- The partition covers [day, day + 1): expired when day + 1 <= cutoff.
        IF to_date(substr(part.relname, 17), 'YYYYMMDD') + 1 <= cutoff THEN
            EXECUTE format('DROP TABLE ops.%I', part.relname);
            dropped := dropped + 1;
        END IF;
    END LOOP;
    DELETE FROM ops.health_rollups_1m r
     WHERE r.bucket < p_now - make_interval(days => coalesce(
               (SELECT rollup_days FROM ops.health_retention t WHERE t.project_id = r.project_id), 90));
    RETURN dropped;
END
$$;

CREATE FUNCTION ops.set_health_retention(p_project bigint, p_raw_days integer, p_rollup_days integer)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_admin');
    PERFORM ops.require_member(p_project);
    INSERT INTO ops.health_retention (project_id, raw_days, rollup_days) VALUES (p_project, p_raw_days, p_rollup_days)
    ON CONFLICT (project_id) DO UPDATE SET raw_days = EXCLUDED.raw_days, rollup_days = EXCLUDED.rollup_days;
    PERFORM ops.append_audit(p_project, 'health.retention.set', 'project ' || p_project,
                             jsonb_build_object('raw_days', p_raw_days, 'rollup_days', p_rollup_days));
END
$$;

-- One figure over the project's samples of the last p_window, across its monitors (maintenance
-- samples are kept out of every rate). Used by the tiles, the command line and the Go/No-Go
-- checkpoints. Rates are percentages. No samples: samples = 0 and value NULL.
--   success_rate  % of samples that were up
--   error_rate    % of samples that were pending or down
--   uptime        % of samples not down (pending counts as up: retries not used up yet)
--   p50/p95/p99_latency  latency in ms (percentile_cont)
--   throughput    mean of the platform's numeric 'throughput' field (requests per second)
--   circuit_state text_value = the latest circuit state; value 0 CLOSED, 1 HALF_OPEN, 2 OPEN
--   health_status text_value healthy / degraded / unhealthy from every monitor's latest sample
--                 (value 0 / 1 / 2): down or platform 'unhealthy' -> unhealthy, pending or
--                 platform 'degraded' or circuit not CLOSED -> degraded
-- SECURITY INVOKER: row-level security decides which samples the caller sees.
CREATE FUNCTION ops.health_metric(p_project bigint, p_metric text, p_window interval)
RETURNS TABLE (value double precision, text_value text, samples bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    since timestamptz := now() - p_window;
BEGIN
    CASE p_metric
    WHEN 'success_rate', 'error_rate', 'uptime' THEN
        RETURN QUERY
        SELECT CASE WHEN count(*) = 0 THEN NULL ELSE 100.0 * count(*) FILTER (WHERE
                    CASE p_metric WHEN 'success_rate' THEN s.state = 'up'
                                  WHEN 'error_rate' THEN s.state IN ('pending', 'down')
                                  ELSE s.state <> 'down' END) / count(*) END::double precision,
               NULL::text, count(*)
          FROM ops.health_samples s
         WHERE s.project_id = p_project AND s.sampled_at > since AND s.state <> 'maintenance';
    WHEN 'p50_latency', 'p95_latency', 'p99_latency' THEN
        RETURN QUERY
        SELECT percentile_cont(CASE p_metric WHEN 'p50_latency' THEN 0.5 WHEN 'p95_latency' THEN 0.95 ELSE 0.99 END)
                   WITHIN GROUP (ORDER BY s.latency_ms),
               NULL::text, count(*)
          FROM ops.health_samples s
         WHERE s.project_id = p_project AND s.sampled_at > since AND s.latency_ms IS NOT NULL
           AND s.state <> 'maintenance';
    WHEN 'throughput' THEN
        RETURN QUERY
        SELECT avg((s.metrics ->> 'throughput')::double precision), NULL::text, count(*)
          FROM ops.health_samples s
         WHERE s.project_id = p_project AND s.sampled_at > since
           AND jsonb_typeof(s.metrics -> 'throughput') = 'number';
    WHEN 'circuit_state' THEN
        RETURN QUERY
        WITH w AS (SELECT s.circuit_state, s.sampled_at FROM ops.health_samples s
                    WHERE s.project_id = p_project AND s.sampled_at > since AND s.circuit_state IS NOT NULL),
             latest AS (SELECT w.circuit_state FROM w ORDER BY w.sampled_at DESC LIMIT 1)
        SELECT (SELECT CASE l.circuit_state WHEN 'CLOSED' THEN 0 WHEN 'HALF_OPEN' THEN 1 WHEN 'OPEN' THEN 2 END
                  FROM latest l)::double precision,
               (SELECT l.circuit_state FROM latest l), (SELECT count(*) FROM w);
    WHEN 'health_status' THEN
        RETURN QUERY
        WITH latest AS (
            SELECT DISTINCT ON (s.monitor_id) s.state, s.platform_status, s.circuit_state
              FROM ops.health_samples s
             WHERE s.project_id = p_project AND s.sampled_at > since
             ORDER BY s.monitor_id, s.sampled_at DESC),
        graded AS (
            SELECT CASE WHEN l.state = 'down' OR l.platform_status = 'unhealthy' THEN 2
                        WHEN l.state = 'pending' OR l.platform_status = 'degraded'
                             OR coalesce(l.circuit_state, 'CLOSED') <> 'CLOSED' THEN 1
                        ELSE 0 END AS grade
              FROM latest l WHERE l.state <> 'maintenance')
        SELECT max(g.grade)::double precision,
               CASE max(g.grade) WHEN 0 THEN 'healthy' WHEN 1 THEN 'degraded' WHEN 2 THEN 'unhealthy' END,
               (SELECT count(*) FROM ops.health_samples s WHERE s.project_id = p_project AND s.sampled_at > since)
          FROM graded g;
    ELSE
        RAISE EXCEPTION 'unknown health metric "%"', p_metric
            USING ERRCODE = '22023',
                  HINT = 'one of success_rate, error_rate, p95_latency, p50_latency, p99_latency, throughput, circuit_state, health_status, uptime';
    END CASE;
END
$$;

REVOKE EXECUTE ON FUNCTION ops.ensure_health_partition(timestamptz),
    ops.ensure_monitor(bigint, text, text, integer, integer, integer, integer, integer, text, text),
    ops.acquire_collector_lease(bigint, text, integer), ops.renew_collector_lease(bigint, text, integer),
    ops.release_collector_lease(bigint, text), ops.refresh_health_rollup(bigint, timestamptz),
    ops.record_health_sample(bigint, text, timestamptz, text, double precision, integer, text, text, jsonb, text),
    ops.apply_health_retention(timestamptz), ops.set_health_retention(bigint, integer, integer),
    ops.health_metric(bigint, text, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.health_metric(bigint, text, interval) TO ops_viewer;
GRANT EXECUTE ON FUNCTION ops.ensure_health_partition(timestamptz),
    ops.ensure_monitor(bigint, text, text, integer, integer, integer, integer, integer, text, text),
    ops.acquire_collector_lease(bigint, text, integer), ops.renew_collector_lease(bigint, text, integer),
    ops.release_collector_lease(bigint, text), ops.refresh_health_rollup(bigint, timestamptz),
    ops.record_health_sample(bigint, text, timestamptz, text, double precision, integer, text, text, jsonb, text),
    ops.apply_health_retention(timestamptz) TO ops_operator;
GRANT EXECUTE ON FUNCTION ops.set_health_retention(bigint, integer, integer) TO ops_admin;

-- Today's and tomorrow's partitions exist from the start; the collector creates later ones.
SELECT ops.ensure_health_partition(now());
SELECT ops.ensure_health_partition(now() + interval '1 day');
