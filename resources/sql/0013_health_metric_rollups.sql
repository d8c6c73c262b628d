-- SPDX-License-Identifier: MIT
-- 0013: long chart ranges for the jsonb metrics and the circuit band.
--
-- Until now only latency and the success/error rates had rollups, so charts of the samples'
-- numeric `metrics` fields (throughput, pool usage, database TPS/sessions/cache hit) and the
-- circuit band read raw samples even for 30 days, and reached back only as far as raw retention
-- (7 days by default). The rollups now carry what those charts need:
--
--   ops.health_rollups_1m   metrics_min / metrics_max / metrics_avg: per numeric field of the
--                           minute's samples its lowest, highest and mean value, as
--                           {"tps": 120.5, "pool.in_use": 3}; fields that are not numbers are left out.
--                           circuit_worst: the worst circuit state of the minute (0 CLOSED,
--                           1 HALF_OPEN, 2 OPEN); circuit_closed / circuit_half_open / circuit_open:
--                           how many samples reported each.
--   ops.health_rollups_10m  metrics_min / metrics_max (lowest and highest of the minute rows'),
--                           circuit_worst (the worst of the minute rows').
--
-- Maintenance samples are left out of these figures, as the raw series leave them out. The minute
-- rows are written where they always were (ops.refresh_health_rollup, on each recorded sample);
-- the 10-minute rows by the 0008 trigger, so retention deleting minute rows keeps both in step.
-- ops.health_series reads the rollups for these metrics too when asked for rollups (ranges
-- beyond HealthReader::rawLimit), exactly as it does for latency.

ALTER TABLE ops.health_rollups_1m
    ADD COLUMN metrics_min       jsonb,
    ADD COLUMN metrics_max       jsonb,
    ADD COLUMN metrics_avg       jsonb,
    ADD COLUMN circuit_worst     smallint,
    ADD COLUMN circuit_closed    integer NOT NULL DEFAULT 0,
    ADD COLUMN circuit_half_open integer NOT NULL DEFAULT 0,
    ADD COLUMN circuit_open      integer NOT NULL DEFAULT 0;

ALTER TABLE ops.health_rollups_10m
    ADD COLUMN metrics_min   jsonb,
    ADD COLUMN metrics_max   jsonb,
    ADD COLUMN circuit_worst smallint;

-- Recomputes one monitor's minute row from its raw samples. Internal (no role check): called by
-- ops.refresh_health_rollup, which checks the caller, and by the back-fill below.
CREATE FUNCTION ops.compute_health_rollup_1m(p_monitor bigint, p_bucket timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    WITH s AS (
        SELECT * FROM ops.health_samples x
         WHERE x.monitor_id = p_monitor AND x.sampled_at >= p_bucket AND x.sampled_at < p_bucket + interval '1 minute'),
    fields AS (
        SELECT e.key, min(e.value::double precision) AS lo, max(e.value::double precision) AS hi,
               avg(e.value::double precision) AS mean
          FROM s CROSS JOIN LATERAL jsonb_each(s.metrics) e
         WHERE s.state <> 'maintenance' AND jsonb_typeof(e.value) = 'number'
         GROUP BY e.key),
    numeric AS (
        SELECT jsonb_object_agg(f.key, f.lo) AS lo, jsonb_object_agg(f.key, f.hi) AS hi,
               jsonb_object_agg(f.key, f.mean) AS mean
          FROM fields f)
    INSERT INTO ops.health_rollups_1m AS r (monitor_id, project_id, bucket, samples, up, pending, down, maintenance,
        latency_min, latency_max, latency_avg, latency_p50, latency_p95, latency_p99,
        metrics_min, metrics_max, metrics_avg, circuit_worst, circuit_closed, circuit_half_open, circuit_open)
    SELECT s.monitor_id, min(s.project_id), p_bucket, count(*)::int,
           count(*) FILTER (WHERE s.state = 'up')::int,
           count(*) FILTER (WHERE s.state = 'pending')::int,
           count(*) FILTER (WHERE s.state = 'down')::int,
           count(*) FILTER (WHERE s.state = 'maintenance')::int,
           min(s.latency_ms), max(s.latency_ms), avg(s.latency_ms),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY s.latency_ms),
           percentile_cont(0.95) WITHIN GROUP (ORDER BY s.latency_ms),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY s.latency_ms),
           (SELECT n.lo FROM numeric n), (SELECT n.hi FROM numeric n), (SELECT n.mean FROM numeric n),
           max(CASE s.circuit_state WHEN 'CLOSED' THEN 0 WHEN 'HALF_OPEN' THEN 1 WHEN 'OPEN' THEN 2 END)
               FILTER (WHERE s.state <> 'maintenance')::smallint,
           count(*) FILTER (WHERE s.state <> 'maintenance' AND s.circuit_state = 'CLOSED')::int,
           count(*) FILTER (WHERE s.state <> 'maintenance' AND s.circuit_state = 'HALF_OPEN')::int,
           count(*) FILTER (WHERE s.state <> 'maintenance' AND s.circuit_state = 'OPEN')::int
      FROM s
     GROUP BY s.monitor_id
    ON CONFLICT (monitor_id, bucket) DO UPDATE
        SET samples = EXCLUDED.samples, up = EXCLUDED.up, pending = EXCLUDED.pending, down = EXCLUDED.down,
            maintenance = EXCLUDED.maintenance, latency_min = EXCLUDED.latency_min,
            latency_max = EXCLUDED.latency_max, latency_avg = EXCLUDED.latency_avg,
            latency_p50 = EXCLUDED.latency_p50, latency_p95 = EXCLUDED.latency_p95,
            latency_p99 = EXCLUDED.latency_p99, metrics_min = EXCLUDED.metrics_min,
            metrics_max = EXCLUDED.metrics_max, metrics_avg = EXCLUDED.metrics_avg,
            circuit_worst = EXCLUDED.circuit_worst, circuit_closed = EXCLUDED.circuit_closed,
            circuit_half_open = EXCLUDED.circuit_half_open, circuit_open = EXCLUDED.circuit_open;
END
$$;

-- Same signature as 0003's: every caller (ops.record_health_sample) keeps working.
CREATE OR REPLACE FUNCTION ops.refresh_health_rollup(p_monitor bigint, p_bucket timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.compute_health_rollup_1m(p_monitor, p_bucket);
END
$$;

-- 0008's 10-minute row plus the new figures: per field the lowest of the minutes' lowest and the
-- highest of their highest, and the worst circuit state.
CREATE OR REPLACE FUNCTION ops.refresh_health_rollup_10m(p_monitor bigint, p_bucket timestamptz) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    WITH m AS (
        SELECT r.*, 100.0 * r.up / nullif(r.samples - r.maintenance, 0) AS success,
               100.0 * (r.pending + r.down) / nullif(r.samples - r.maintenance, 0) AS errors
          FROM ops.health_rollups_1m r
         WHERE r.monitor_id = p_monitor AND r.bucket >= p_bucket AND r.bucket < p_bucket + interval '10 minutes'),
    lows AS (
        SELECT jsonb_object_agg(e.key, e.v) AS lo
          FROM (SELECT e.key, min(e.value::double precision) AS v
                  FROM m CROSS JOIN LATERAL jsonb_each(coalesce(m.metrics_min, '{}'::jsonb)) e GROUP BY e.key) e),
    highs AS (
        SELECT jsonb_object_agg(e.key, e.v) AS hi
          FROM (SELECT e.key, max(e.value::double precision) AS v
                  FROM m CROSS JOIN LATERAL jsonb_each(coalesce(m.metrics_max, '{}'::jsonb)) e GROUP BY e.key) e)
    INSERT INTO ops.health_rollups_10m AS t (monitor_id, project_id, bucket, latency_min, latency_max, p50_min, p50_max,
                                             p95_min, p95_max, p99_min, p99_max, success_min, success_max, error_min, error_max,
                                             metrics_min, metrics_max, circuit_worst)
    SELECT p_monitor, min(m.project_id), p_bucket, min(m.latency_min), max(m.latency_max), min(m.latency_p50),
           max(m.latency_p50), min(m.latency_p95), max(m.latency_p95), min(m.latency_p99), max(m.latency_p99),
           min(m.success), max(m.success), min(m.errors), max(m.errors),
           (SELECT lows.lo FROM lows), (SELECT highs.hi FROM highs), max(m.circuit_worst)
      FROM m HAVING count(*) > 0
    ON CONFLICT (monitor_id, bucket) DO UPDATE
        SET latency_min = EXCLUDED.latency_min, latency_max = EXCLUDED.latency_max,
            p50_min = EXCLUDED.p50_min, p50_max = EXCLUDED.p50_max, p95_min = EXCLUDED.p95_min,
            p95_max = EXCLUDED.p95_max, p99_min = EXCLUDED.p99_min, p99_max = EXCLUDED.p99_max,
            success_min = EXCLUDED.success_min, success_max = EXCLUDED.success_max,
            error_min = EXCLUDED.error_min, error_max = EXCLUDED.error_max,
            metrics_min = EXCLUDED.metrics_min, metrics_max = EXCLUDED.metrics_max,
            circuit_worst = EXCLUDED.circuit_worst;
    IF NOT EXISTS (SELECT 1 FROM ops.health_rollups_1m r WHERE r.monitor_id = p_monitor AND r.bucket >= p_bucket
                     AND r.bucket < p_bucket + interval '10 minutes') THEN
        DELETE FROM ops.health_rollups_10m WHERE monitor_id = p_monitor AND bucket = p_bucket;
    END IF;
END
$$;

-- Minute rows written before this migration, where their raw samples are still kept (the
-- trigger brings the 10-minute rows along). Older minutes keep NULL: their raw samples are gone.
SELECT ops.compute_health_rollup_1m(r.monitor_id, r.bucket)
  FROM ops.health_rollups_1m r
 WHERE EXISTS (SELECT 1 FROM ops.health_samples s
                WHERE s.monitor_id = r.monitor_id AND s.sampled_at >= r.bucket AND s.sampled_at < r.bucket + interval '1 minute');

-- 0008's series with one more branch: asked for rollups, the circuit band and `metrics` fields
-- read them too (the 10-minute rows when a column is at least ten minutes wide, else the minute
-- rows), so a 30-day chart reaches back as far as rollup retention instead of raw retention.
CREATE OR REPLACE FUNCTION ops.health_series(p_project bigint, p_monitor bigint, p_metric text, p_from timestamptz,
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
    wide  boolean := (t - f) / cols >= 600;  -- columns at least ten minutes wide
BEGIN
    IF NOT (t > f) THEN
        RAISE EXCEPTION 'the series range must not be empty' USING ERRCODE = '22023';
    END IF;
    IF p_rollups AND wide
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
    ELSIF p_rollups THEN
        -- The circuit band (worst state, so low = high) and `metrics` fields (lowest and highest).
        RETURN QUERY
        SELECT (extract(epoch FROM min(r.bucket)) * 1000)::double precision,
               (extract(epoch FROM max(r.bucket)) * 1000)::double precision, min(r.lo), max(r.hi)
          FROM (SELECT b.bucket,
                       CASE WHEN p_metric = 'circuit' THEN b.circuit_worst::double precision
                            WHEN jsonb_typeof(b.metrics_min -> p_metric) = 'number' THEN (b.metrics_min ->> p_metric)::double precision
                       END AS lo,
                       CASE WHEN p_metric = 'circuit' THEN b.circuit_worst::double precision
                            WHEN jsonb_typeof(b.metrics_max -> p_metric) = 'number' THEN (b.metrics_max ->> p_metric)::double precision
                       END AS hi
                  FROM (SELECT x.bucket, x.circuit_worst, x.metrics_min, x.metrics_max
                          FROM ops.health_rollups_10m x
                         WHERE wide AND x.project_id = p_project AND (p_monitor IS NULL OR x.monitor_id = p_monitor)
                           AND x.bucket >= p_from AND x.bucket <= p_to
                        UNION ALL
                        SELECT x.bucket, x.circuit_worst, x.metrics_min, x.metrics_max
                          FROM ops.health_rollups_1m x
                         WHERE NOT wide AND x.project_id = p_project AND (p_monitor IS NULL OR x.monitor_id = p_monitor)
                           AND x.bucket >= p_from AND x.bucket <= p_to) b) r
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

REVOKE EXECUTE ON FUNCTION ops.compute_health_rollup_1m(bigint, timestamptz) FROM PUBLIC;
