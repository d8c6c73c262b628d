-- SPDX-License-Identifier: MIT
-- 0008: built-in load tests, editable health thresholds, chart series decimated on the server.
--
-- ops.load_tests keeps every finished (or cancelled) load test run from the Health tab or
-- `ops-console loadtest`: what was asked (URL, requests, concurrency, timeout) and what came out
-- (success, throughput, latency percentiles, errors by kind as {"timeout": 3, "http_5xx": 1}).
-- Written only by ops.record_load_test (operators and above), read by project members.
--
-- ops.health_thresholds holds the project's chart and tile thresholds by metric name
-- ('p95_latency' ms, 'success_rate' %, 'error_rate' %, 'uptime' %, or any charted metric such as
-- 'cache_hit_ratio'); a missing row means the built-in default. Changed through
-- ops.set_health_threshold, audited.

CREATE TABLE ops.load_tests (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id    bigint NOT NULL REFERENCES ops.projects (id),
    url           text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
    requests      integer NOT NULL CHECK (requests >= 1),
    concurrency   integer NOT NULL CHECK (concurrency >= 1),
    timeout_ms    integer NOT NULL CHECK (timeout_ms >= 1),
    started_at    timestamptz NOT NULL,
    duration_ms   double precision NOT NULL CHECK (duration_ms >= 0),
    completed     integer NOT NULL CHECK (completed >= 0),
    succeeded     integer NOT NULL CHECK (succeeded >= 0),
    cancelled     boolean NOT NULL,
    throughput    double precision NOT NULL CHECK (throughput >= 0),
    latency_p50   double precision,
    latency_p95   double precision,
    latency_p99   double precision,
    errors        jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(errors) = 'object'),
    run_by        text NOT NULL,
    CHECK (succeeded <= completed AND completed <= requests)
);
CREATE INDEX load_tests_project_started ON ops.load_tests (project_id, started_at DESC);

CREATE TABLE ops.health_thresholds (
    project_id  bigint NOT NULL REFERENCES ops.projects (id),
    metric      text NOT NULL CHECK (metric ~ '^[a-z0-9_.]{1,64}$'),
    value       double precision NOT NULL CHECK (value > '-Infinity' AND value < 'Infinity'),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  text NOT NULL,
    PRIMARY KEY (project_id, metric)
);

ALTER TABLE ops.load_tests ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.health_thresholds ENABLE ROW LEVEL SECURITY;
CREATE POLICY load_tests_visible ON ops.load_tests FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY health_thresholds_visible ON ops.health_thresholds FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.load_tests, ops.health_thresholds TO ops_viewer;

-- Stores one load test result; returns its id. Error counts must be non-negative numbers.
CREATE FUNCTION ops.record_load_test(p_project bigint, p_url text, p_requests integer, p_concurrency integer,
                                     p_timeout_ms integer, p_started_at timestamptz, p_duration_ms double precision,
                                     p_completed integer, p_succeeded integer, p_cancelled boolean,
                                     p_throughput double precision, p_p50 double precision,
                                     p_p95 double precision, p_p99 double precision, p_errors jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id  bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    IF p_errors IS NULL OR jsonb_typeof(p_errors) <> 'object' OR EXISTS (
           SELECT 1 FROM jsonb_each(p_errors) e
            WHERE jsonb_typeof(e.value) <> 'number' OR (e.value)::text::numeric < 0) THEN
        RAISE EXCEPTION 'errors must be an object of non-negative counts' USING ERRCODE = '22023';
    END IF;
    INSERT INTO ops.load_tests (project_id, url, requests, concurrency, timeout_ms, started_at, duration_ms,
                                completed, succeeded, cancelled, throughput, latency_p50, latency_p95,
                                latency_p99, errors, run_by)
    VALUES (p_project, p_url, p_requests, p_concurrency, p_timeout_ms, p_started_at, p_duration_ms,
            p_completed, p_succeeded, coalesce(p_cancelled, false), p_throughput, p_p50, p_p95, p_p99,
            p_errors, session_user)
    RETURNING id INTO new_id;
    PERFORM ops.append_audit(p_project, 'health.loadtest.recorded', 'load test ' || new_id,
                             jsonb_build_object('url', p_url, 'requests', p_requests, 'concurrency', p_concurrency,
                                                'succeeded', p_succeeded, 'cancelled', coalesce(p_cancelled, false)));
    RETURN new_id;
END
$$;

-- Sets (p_value) or clears back to the default (p_value NULL) one threshold of a project.
CREATE FUNCTION ops.set_health_threshold(p_project bigint, p_metric text, p_value double precision)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    IF p_value IS NULL THEN
        DELETE FROM ops.health_thresholds WHERE project_id = p_project AND metric = p_metric;
    ELSE
        INSERT INTO ops.health_thresholds (project_id, metric, value, updated_by)
        VALUES (p_project, p_metric, p_value, session_user)
        ON CONFLICT (project_id, metric) DO UPDATE
            SET value = EXCLUDED.value, updated_at = now(), updated_by = EXCLUDED.updated_by;
    END IF;
    PERFORM ops.append_audit(p_project, 'health.threshold.set', 'threshold ' || p_metric,
                             jsonb_build_object('metric', p_metric, 'value', p_value));
END
$$;

-- 10-minute rollups for long chart ranges: per monitor and 10 minutes, the lowest and highest of
-- each per-minute figure. A chart column of 30 days is 30 minutes wide, so its min/max over these
-- rows equals its min/max over the 1-minute rollups, read from a tenth of the rows. Kept in step
-- with ops.health_rollups_1m by a trigger (whatever writes or deletes minute rows, the collector
-- or retention), so no writer needs to know about it.
CREATE TABLE ops.health_rollups_10m (
    monitor_id       bigint NOT NULL REFERENCES ops.monitors (id),
    project_id       bigint NOT NULL REFERENCES ops.projects (id),
    bucket           timestamptz NOT NULL,
    latency_min      double precision,
    latency_max      double precision,
    p50_min          double precision,
    p50_max          double precision,
    p95_min          double precision,
    p95_max          double precision,
    p99_min          double precision,
    p99_max          double precision,
    success_min      double precision,
    success_max      double precision,
    error_min        double precision,
    error_max        double precision,
    PRIMARY KEY (monitor_id, bucket)
);
CREATE INDEX health_rollups_10m_project_bucket ON ops.health_rollups_10m (project_id, bucket DESC);
ALTER TABLE ops.health_rollups_10m ENABLE ROW LEVEL SECURITY;
CREATE POLICY health_rollups_10m_visible ON ops.health_rollups_10m FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.health_rollups_10m TO ops_viewer;

-- Recomputes one monitor's 10-minute row from its (at most ten) minute rows; removes it when none is left.
CREATE FUNCTION ops.refresh_health_rollup_10m(p_monitor bigint, p_bucket timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    WITH m AS (
        SELECT r.*, 100.0 * r.up / nullif(r.samples - r.maintenance, 0) AS success,
               100.0 * (r.pending + r.down) / nullif(r.samples - r.maintenance, 0) AS errors
          FROM ops.health_rollups_1m r
         WHERE r.monitor_id = p_monitor AND r.bucket >= p_bucket AND r.bucket < p_bucket + interval '10 minutes')
    INSERT INTO ops.health_rollups_10m AS t (monitor_id, project_id, bucket, latency_min, latency_max, p50_min, p50_max,
                                             p95_min, p95_max, p99_min, p99_max, success_min, success_max, error_min, error_max)
    SELECT p_monitor, min(m.project_id), p_bucket, min(m.latency_min), max(m.latency_max), min(m.latency_p50),
           max(m.latency_p50), min(m.latency_p95), max(m.latency_p95), min(m.latency_p99), max(m.latency_p99),
           min(m.success), max(m.success), min(m.errors), max(m.errors)
      FROM m HAVING count(*) > 0
    ON CONFLICT (monitor_id, bucket) DO UPDATE
        SET latency_min = EXCLUDED.latency_min, latency_max = EXCLUDED.latency_max,
            p50_min = EXCLUDED.p50_min, p50_max = EXCLUDED.p50_max, p95_min = EXCLUDED.p95_min,
            p95_max = EXCLUDED.p95_max, p99_min = EXCLUDED.p99_min, p99_max = EXCLUDED.p99_max,
            success_min = EXCLUDED.success_min, success_max = EXCLUDED.success_max,
            error_min = EXCLUDED.error_min, error_max = EXCLUDED.error_max;
    IF NOT EXISTS (SELECT 1 FROM ops.health_rollups_1m r WHERE r.monitor_id = p_monitor AND r.bucket >= p_bucket
                     AND r.bucket < p_bucket + interval '10 minutes') THEN
        DELETE FROM ops.health_rollups_10m WHERE monitor_id = p_monitor AND bucket = p_bucket;
    END IF;
END
$$;

CREATE FUNCTION ops.health_rollups_1m_changed() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    r  ops.health_rollups_1m%ROWTYPE := CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
BEGIN
    PERFORM ops.refresh_health_rollup_10m(r.monitor_id, date_bin('10 minutes', r.bucket, timestamptz '2000-01-01 00:00:00+00'));
    RETURN NULL;
END
$$;
CREATE TRIGGER health_rollups_1m_to_10m AFTER INSERT OR UPDATE OR DELETE ON ops.health_rollups_1m
    FOR EACH ROW EXECUTE FUNCTION ops.health_rollups_1m_changed();

-- Minute rows written before this migration.
INSERT INTO ops.health_rollups_10m (monitor_id, project_id, bucket, latency_min, latency_max, p50_min, p50_max,
                                    p95_min, p95_max, p99_min, p99_max, success_min, success_max, error_min, error_max)
SELECT r.monitor_id, min(r.project_id), date_bin('10 minutes', r.bucket, timestamptz '2000-01-01 00:00:00+00'),
       min(r.latency_min), max(r.latency_max), min(r.latency_p50), max(r.latency_p50), min(r.latency_p95),
       max(r.latency_p95), min(r.latency_p99), max(r.latency_p99),
       min(100.0 * r.up / nullif(r.samples - r.maintenance, 0)), max(100.0 * r.up / nullif(r.samples - r.maintenance, 0)),
       min(100.0 * (r.pending + r.down) / nullif(r.samples - r.maintenance, 0)),
       max(100.0 * (r.pending + r.down) / nullif(r.samples - r.maintenance, 0))
  FROM ops.health_rollups_1m r GROUP BY 1, 3;

-- One chart series, decimated on the server: the range [p_from, p_to] is cut into p_columns
-- equal buckets (one per pixel column) and each non-empty bucket returns its first and last
-- sample time and its lowest and highest value, so a 30-day chart ships about two rows per pixel
-- column instead of millions of samples. p_monitor NULL: every monitor of the project.
-- Metrics: 'latency' (min/max of latency_ms), 'latency_p50' / 'latency_p95' / 'latency_p99'
-- (percentile per bucket), 'success_rate' / 'error_rate' (% per bucket), 'circuit' (worst state
-- per bucket: 0 CLOSED, 1 HALF_OPEN, 2 OPEN), anything else a numeric field of the samples'
-- `metrics` (e.g. 'tps', 'sessions.active', 'cache_hit_ratio', 'pool.in_use').
-- p_rollups: read the 1-minute rollups instead of raw samples (latency and rates only; other
-- metrics always come from raw samples, so they reach back as far as raw retention).
-- Maintenance samples are left out. SECURITY INVOKER: row-level security decides what is seen.
CREATE FUNCTION ops.health_series(p_project bigint, p_monitor bigint, p_metric text, p_from timestamptz,
                                  p_to timestamptz, p_columns integer, p_rollups boolean DEFAULT false)
RETURNS TABLE (first_ms double precision, last_ms double precision, low double precision, high double precision)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    -- date_part, not extract: extract returns numeric, and numeric bucket arithmetic over
    -- tens of thousands of rows costs several times more than double precision.
    f     double precision := date_part('epoch', p_from);
    t     double precision := date_part('epoch', p_to);
    cols  integer := greatest(1, least(coalesce(p_columns, 1000), 20000));
    pct   double precision := CASE p_metric WHEN 'latency_p50' THEN 0.5 WHEN 'latency_p95' THEN 0.95
                                            WHEN 'latency_p99' THEN 0.99 END;
BEGIN
    IF NOT (t > f) THEN
        RAISE EXCEPTION 'the series range must not be empty' USING ERRCODE = '22023';
    END IF;
    IF p_rollups AND (t - f) / cols >= 600
       AND p_metric IN ('latency', 'latency_p50', 'latency_p95', 'latency_p99', 'success_rate', 'error_rate') THEN
        -- Columns at least ten minutes wide: the 10-minute rollups give the same min/max.
        RETURN QUERY
        SELECT (extract(epoch FROM min(r.bucket)) * 1000)::double precision,
               (extract(epoch FROM max(r.bucket)) * 1000)::double precision, min(r.lo), max(r.hi)
          FROM (SELECT x.bucket,
                       CASE p_metric WHEN 'latency' THEN x.latency_min WHEN 'latency_p50' THEN x.p50_min
                                     WHEN 'latency_p95' THEN x.p95_min WHEN 'latency_p99' THEN x.p99_min
                                     WHEN 'success_rate' THEN x.success_min ELSE x.error_min END AS lo,
                       CASE p_metric WHEN 'latency' THEN x.latency_max WHEN 'latency_p50' THEN x.p50_max
                                     WHEN 'latency_p95' THEN x.p95_max WHEN 'latency_p99' THEN x.p99_max
                                     WHEN 'success_rate' THEN x.success_max ELSE x.error_max END AS hi
                  FROM ops.health_rollups_10m x
                 WHERE x.project_id = p_project AND (p_monitor IS NULL OR x.monitor_id = p_monitor)
                   AND x.bucket >= p_from AND x.bucket <= p_to) r
         WHERE r.lo IS NOT NULL
         GROUP BY width_bucket(date_part('epoch', r.bucket), f, t, cols)
         ORDER BY 1;
    ELSIF p_rollups AND p_metric IN ('latency', 'latency_p50', 'latency_p95', 'latency_p99', 'success_rate', 'error_rate') THEN
        RETURN QUERY
        SELECT (extract(epoch FROM min(r.bucket)) * 1000)::double precision, (extract(epoch FROM max(r.bucket)) * 1000)::double precision, min(r.lo), max(r.hi)
          FROM (SELECT x.bucket,
                       CASE p_metric WHEN 'latency' THEN x.latency_min WHEN 'latency_p50' THEN x.latency_p50
                                     WHEN 'latency_p95' THEN x.latency_p95 WHEN 'latency_p99' THEN x.latency_p99
                                     WHEN 'success_rate' THEN 100.0 * x.up / nullif(x.samples - x.maintenance, 0)
                                     ELSE 100.0 * (x.pending + x.down) / nullif(x.samples - x.maintenance, 0) END::double precision AS lo,
                       CASE p_metric WHEN 'latency' THEN x.latency_max WHEN 'latency_p50' THEN x.latency_p50
                                     WHEN 'latency_p95' THEN x.latency_p95 WHEN 'latency_p99' THEN x.latency_p99
                                     WHEN 'success_rate' THEN 100.0 * x.up / nullif(x.samples - x.maintenance, 0)
                                     ELSE 100.0 * (x.pending + x.down) / nullif(x.samples - x.maintenance, 0) END::double precision AS hi
                  FROM ops.health_rollups_1m x
                 WHERE x.project_id = p_project AND (p_monitor IS NULL OR x.monitor_id = p_monitor)
                   AND x.bucket >= p_from AND x.bucket <= p_to) r
         WHERE r.lo IS NOT NULL
         GROUP BY width_bucket(date_part('epoch', r.bucket), f, t, cols)
         ORDER BY 1;
    ELSIF pct IS NOT NULL THEN
        RETURN QUERY
        SELECT (extract(epoch FROM min(s.sampled_at)) * 1000)::double precision, (extract(epoch FROM max(s.sampled_at)) * 1000)::double precision,
               percentile_cont(pct) WITHIN GROUP (ORDER BY s.latency_ms),
               percentile_cont(pct) WITHIN GROUP (ORDER BY s.latency_ms)
          FROM ops.health_samples s
         WHERE s.project_id = p_project AND (p_monitor IS NULL OR s.monitor_id = p_monitor)
           AND s.sampled_at >= p_from AND s.sampled_at <= p_to AND s.state <> 'maintenance' AND s.latency_ms IS NOT NULL
         GROUP BY width_bucket(date_part('epoch', s.sampled_at), f, t, cols)
         ORDER BY 1;
    ELSIF p_metric IN ('success_rate', 'error_rate', 'circuit') THEN
        RETURN QUERY
        SELECT (extract(epoch FROM min(v.sampled_at)) * 1000)::double precision, (extract(epoch FROM max(v.sampled_at)) * 1000)::double precision,
               CASE WHEN p_metric = 'circuit' THEN max(v.value) ELSE avg(v.value) END,
               CASE WHEN p_metric = 'circuit' THEN max(v.value) ELSE avg(v.value) END
          FROM (SELECT s.sampled_at,
                       CASE p_metric
                           WHEN 'success_rate' THEN CASE WHEN s.state = 'up' THEN 100.0 ELSE 0.0 END
                           WHEN 'error_rate' THEN CASE WHEN s.state IN ('pending', 'down') THEN 100.0 ELSE 0.0 END
                           ELSE CASE s.circuit_state WHEN 'CLOSED' THEN 0.0 WHEN 'HALF_OPEN' THEN 1.0 WHEN 'OPEN' THEN 2.0 END
                       END::double precision AS value
                  FROM ops.health_samples s
                 WHERE s.project_id = p_project AND (p_monitor IS NULL OR s.monitor_id = p_monitor)
                   AND s.sampled_at >= p_from AND s.sampled_at <= p_to AND s.state <> 'maintenance') v
         WHERE v.value IS NOT NULL
         GROUP BY width_bucket(date_part('epoch', v.sampled_at), f, t, cols)
         ORDER BY 1;
    ELSE
        RETURN QUERY
        SELECT (extract(epoch FROM min(v.sampled_at)) * 1000)::double precision, (extract(epoch FROM max(v.sampled_at)) * 1000)::double precision,
               min(v.value), max(v.value)
          FROM (SELECT s.sampled_at,
                       CASE WHEN p_metric = 'latency' THEN s.latency_ms
                            WHEN jsonb_typeof(s.metrics -> p_metric) = 'number' THEN (s.metrics ->> p_metric)::double precision
                       END AS value
                  FROM ops.health_samples s
                 WHERE s.project_id = p_project AND (p_monitor IS NULL OR s.monitor_id = p_monitor)
                   AND s.sampled_at >= p_from AND s.sampled_at <= p_to AND s.state <> 'maintenance') v
         WHERE v.value IS NOT NULL
         GROUP BY width_bucket(date_part('epoch', v.sampled_at), f, t, cols)
         ORDER BY 1;
    END IF;
END
$$;

REVOKE EXECUTE ON FUNCTION
    ops.record_load_test(bigint, text, integer, integer, integer, timestamptz, double precision, integer, integer,
                         boolean, double precision, double precision, double precision, double precision, jsonb),
    ops.set_health_threshold(bigint, text, double precision) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    ops.record_load_test(bigint, text, integer, integer, integer, timestamptz, double precision, integer, integer,
                         boolean, double precision, double precision, double precision, double precision, jsonb),
    ops.set_health_threshold(bigint, text, double precision) TO ops_operator;
-- Several series at once, in the order asked (metric_index 1, 2, ...). Columns ten minutes wide
-- or wider on rollup metrics read the 10-minute rollups once for all of them (the latency chart's
-- p50, p95 and p99 cost one scan); anything else is one ops.health_series per metric.
CREATE FUNCTION ops.health_series_set(p_project bigint, p_monitor bigint, p_metrics text[], p_from timestamptz,
                                      p_to timestamptz, p_columns integer, p_rollups boolean DEFAULT false)
RETURNS TABLE (metric_index integer, first_ms double precision, last_ms double precision, low double precision,
               high double precision)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    f     double precision := date_part('epoch', p_from);
    t     double precision := date_part('epoch', p_to);
    cols  integer := greatest(1, least(coalesce(p_columns, 1000), 20000));
BEGIN
    IF p_rollups AND t > f AND (t - f) / cols >= 600
       AND p_metrics <@ ARRAY['latency', 'latency_p50', 'latency_p95', 'latency_p99', 'success_rate', 'error_rate'] THEN
        RETURN QUERY
        SELECT r.n::integer, (extract(epoch FROM min(r.bucket)) * 1000)::double precision,
               (extract(epoch FROM max(r.bucket)) * 1000)::double precision, min(r.lo), max(r.hi)
          FROM (SELECT u.n, x.bucket,
                       CASE u.metric WHEN 'latency' THEN x.latency_min WHEN 'latency_p50' THEN x.p50_min
                                     WHEN 'latency_p95' THEN x.p95_min WHEN 'latency_p99' THEN x.p99_min
                                     WHEN 'success_rate' THEN x.success_min ELSE x.error_min END AS lo,
                       CASE u.metric WHEN 'latency' THEN x.latency_max WHEN 'latency_p50' THEN x.p50_max
                                     WHEN 'latency_p95' THEN x.p95_max WHEN 'latency_p99' THEN x.p99_max
                                     WHEN 'success_rate' THEN x.success_max ELSE x.error_max END AS hi
                  FROM ops.health_rollups_10m x
                 CROSS JOIN unnest(p_metrics) WITH ORDINALITY AS u(metric, n)
                 WHERE x.project_id = p_project AND (p_monitor IS NULL OR x.monitor_id = p_monitor)
                   AND x.bucket >= p_from AND x.bucket <= p_to) r
         WHERE r.lo IS NOT NULL
         GROUP BY r.n, width_bucket(date_part('epoch', r.bucket), f, t, cols)
         ORDER BY 1, 2;
        RETURN;
    END IF;
    FOR i IN 1 .. coalesce(array_length(p_metrics, 1), 0) LOOP
        RETURN QUERY SELECT i, h.first_ms, h.last_ms, h.low, h.high
                       FROM ops.health_series(p_project, p_monitor, p_metrics[i], p_from, p_to, p_columns, p_rollups) h;
    END LOOP;
END
$$;

REVOKE EXECUTE ON FUNCTION ops.refresh_health_rollup_10m(bigint, timestamptz), ops.health_rollups_1m_changed() FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION ops.health_series(bigint, bigint, text, timestamptz, timestamptz, integer, boolean),
    ops.health_series_set(bigint, bigint, text[], timestamptz, timestamptz, integer, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.health_series(bigint, bigint, text, timestamptz, timestamptz, integer, boolean),
    ops.health_series_set(bigint, bigint, text[], timestamptz, timestamptz, integer, boolean) TO ops_viewer;
