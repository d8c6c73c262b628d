-- SPDX-License-Identifier: MIT
-- 0007: more health sources (Prometheus, PostgreSQL statistics, the console's pool), maintenance
-- windows, a precise uptime, and alerts.
--
-- - ops.monitors.config: per-kind settings as JSON, e.g. for 'prometheus'
--   {"series": ["pg_stat_database_xact_commit{datname=\"postgres\"}"], "username": "metrics",
--    "secret": "supabase-metrics"}. Credentials are never stored: "secret" names an entry of the
--   console's secret store. A config with a "password" key is refused.
-- - ops.health_samples.details: non-numeric extras of a sample (top statements of
--   pg_stat_statements). metrics stays flat and numeric.
-- - Maintenance windows: one-off [starts_at, ends_at) or weekly (ISO weekday, local start time,
--   duration, IANA time zone), for one monitor or (monitor_id NULL) every monitor of the project.
--   The collector evaluates them (QTimeZone, DST-correct); during a window samples are written
--   with state 'maintenance', so they are muted and kept out of uptime.
-- - Uptime (ops.health_uptime, and 'uptime' in ops.health_metric): the share of the counted time
--   that was up. Every sample stands for one interval of its monitor, so per monitor
--       uptime = up samples / (all samples - maintenance samples)
--   PENDING (a failed check while retries are not used up) is "not yet down": it raises no alert
--   and does not mark the monitor down, but it is a failed check, so it is not up time either.
--   No samples in the window: NULL (unknown), never 100%.
-- - Alerts: written only by the collector holding the lease (fenced like samples). Alerts come in
--   pairs per monitor and subject (monitor_down/monitor_up, circuit_opened/circuit_closed,
--   threshold_breached/threshold_cleared); the database refuses an opening alert while the same one
--   is still open and a closing one when nothing is open, so a collector that takes over (its state
--   machine starts afresh) never repeats an alert. NOTIFY 'ops_health_alert' tells every console.

ALTER TABLE ops.monitors ADD COLUMN config jsonb NOT NULL DEFAULT '{}'::jsonb;
ALTER TABLE ops.health_samples ADD COLUMN details jsonb;

CREATE TABLE ops.maintenance_windows (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES ops.projects (id),
    monitor_id        bigint REFERENCES ops.monitors (id),  -- NULL: every monitor of the project
    kind              text NOT NULL CHECK (kind IN ('once', 'weekly')),
    starts_at         timestamptz,
    ends_at           timestamptz,
    weekday           integer CHECK (weekday BETWEEN 1 AND 7),  -- ISO: Monday 1 .. Sunday 7
    start_time        time,
    duration_minutes  integer CHECK (duration_minutes BETWEEN 1 AND 10080),
    time_zone         text,
    reason            text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    created_by        name NOT NULL DEFAULT session_user,
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK ((kind = 'once' AND starts_at IS NOT NULL AND ends_at > starts_at)
        OR (kind = 'weekly' AND weekday IS NOT NULL AND start_time IS NOT NULL
            AND duration_minutes IS NOT NULL AND time_zone IS NOT NULL))
);
CREATE INDEX maintenance_windows_project ON ops.maintenance_windows (project_id);

CREATE TABLE ops.health_alerts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       bigint NOT NULL REFERENCES ops.projects (id),
    monitor_id       bigint NOT NULL REFERENCES ops.monitors (id),
    kind             text NOT NULL CHECK (kind IN ('monitor_down', 'monitor_up', 'circuit_opened', 'circuit_closed',
                                                   'threshold_breached', 'threshold_cleared')),
    subject          text NOT NULL DEFAULT '',  -- the threshold rule ("latency_p95 > 200 for 300 s"); '' otherwise
    message          text NOT NULL,
    details          jsonb NOT NULL DEFAULT '{}'::jsonb,
    raised_at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    raised_by        text NOT NULL,            -- the collector (console) that held the lease
    acknowledged_at  timestamptz,
    acknowledged_by  name
);
CREATE INDEX health_alerts_project_raised ON ops.health_alerts (project_id, raised_at DESC);
CREATE INDEX health_alerts_pair ON ops.health_alerts (monitor_id, subject, id DESC);

ALTER TABLE ops.maintenance_windows ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.health_alerts ENABLE ROW LEVEL SECURITY;
CREATE POLICY maintenance_windows_visible ON ops.maintenance_windows FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY health_alerts_visible ON ops.health_alerts FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.maintenance_windows, ops.health_alerts TO ops_viewer;

-- Sets a monitor's per-kind config. Refuses stored credentials.
CREATE FUNCTION ops.set_monitor_config(p_monitor bigint, p_config jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT project_id INTO project FROM ops.monitors WHERE id = p_monitor;
    IF project IS NULL THEN
        RAISE EXCEPTION 'no monitor %', p_monitor USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.require_member(project);
    IF p_config IS NULL OR jsonb_typeof(p_config) <> 'object' THEN
        RAISE EXCEPTION 'a monitor config is a JSON object' USING ERRCODE = '22023';
    END IF;
    IF p_config ? 'password' THEN
        RAISE EXCEPTION 'credentials are never stored in the database'
            USING ERRCODE = '22023', HINT = 'name a secret of the console''s secret store instead: {"secret": "NAME"}';
    END IF;
    UPDATE ops.monitors SET config = p_config, updated_at = now() WHERE id = p_monitor AND config IS DISTINCT FROM p_config;
    IF FOUND THEN
        PERFORM ops.append_audit(project, 'health.monitor.config', 'monitor ' || p_monitor, p_config);
    END IF;
END
$$;

-- Maintenance windows. p_monitor NULL: the whole project. Return the window's id.
CREATE FUNCTION ops.add_maintenance_once(p_project bigint, p_monitor bigint, p_starts_at timestamptz,
                                         p_ends_at timestamptz, p_reason text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    IF p_monitor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ops.monitors WHERE id = p_monitor AND project_id = p_project) THEN
        RAISE EXCEPTION 'monitor % is not in project %', p_monitor, p_project USING ERRCODE = '22023';
    END IF;
    IF p_starts_at IS NULL OR p_ends_at IS NULL OR p_ends_at <= p_starts_at THEN
        RAISE EXCEPTION 'a maintenance window ends after it starts' USING ERRCODE = '22023';
    END IF;
    INSERT INTO ops.maintenance_windows (project_id, monitor_id, kind, starts_at, ends_at, reason)
    VALUES (p_project, p_monitor, 'once', p_starts_at, p_ends_at, coalesce(p_reason, ''))
    RETURNING id INTO new_id;
    PERFORM ops.append_audit(p_project, 'health.maintenance.added', 'window ' || new_id,
                             jsonb_build_object('monitor', p_monitor, 'starts_at', p_starts_at, 'ends_at', p_ends_at));
    RETURN new_id;
END
$$;

CREATE FUNCTION ops.add_maintenance_weekly(p_project bigint, p_monitor bigint, p_weekday integer, p_start_time time,
                                           p_duration_minutes integer, p_time_zone text, p_reason text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    IF p_monitor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ops.monitors WHERE id = p_monitor AND project_id = p_project) THEN
        RAISE EXCEPTION 'monitor % is not in project %', p_monitor, p_project USING ERRCODE = '22023';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_timezone_names WHERE name = p_time_zone) THEN
        RAISE EXCEPTION 'unknown time zone "%"', p_time_zone USING ERRCODE = '22023', HINT = 'an IANA name such as Europe/Berlin';
    END IF;
    INSERT INTO ops.maintenance_windows (project_id, monitor_id, kind, weekday, start_time, duration_minutes, time_zone, reason)
    VALUES (p_project, p_monitor, 'weekly', p_weekday, p_start_time, p_duration_minutes, p_time_zone, coalesce(p_reason, ''))
    RETURNING id INTO new_id;
    PERFORM ops.append_audit(p_project, 'health.maintenance.added', 'window ' || new_id,
                             jsonb_build_object('monitor', p_monitor, 'weekday', p_weekday, 'start_time', p_start_time,
                                                'duration_minutes', p_duration_minutes, 'time_zone', p_time_zone));
    RETURN new_id;
END
$$;

CREATE FUNCTION ops.remove_maintenance_window(p_window bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT project_id INTO project FROM ops.maintenance_windows WHERE id = p_window;
    IF project IS NULL THEN
        RETURN false;
    END IF;
    PERFORM ops.require_member(project);
    DELETE FROM ops.maintenance_windows WHERE id = p_window;
    PERFORM ops.append_audit(project, 'health.maintenance.removed', 'window ' || p_window, '{}'::jsonb);
    RETURN true;
END
$$;

-- The sample writer of 0003 with one more (optional) parameter: details.
DROP FUNCTION ops.record_health_sample(bigint, text, timestamptz, text, double precision, integer, text, text, jsonb, text);
CREATE FUNCTION ops.record_health_sample(p_monitor bigint, p_collector text, p_sampled_at timestamptz,
                                         p_state text, p_latency_ms double precision, p_http_status integer,
                                         p_platform_status text, p_circuit_state text, p_metrics jsonb,
                                         p_error text, p_details jsonb DEFAULT NULL)
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
    PERFORM 1 FROM ops.collector_lease
      WHERE project_id = project AND holder = p_collector AND expires_at >= clock_timestamp()
      FOR SHARE;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM ops.ensure_health_partition(at);
    INSERT INTO ops.health_samples (monitor_id, project_id, sampled_at, state, latency_ms, http_status,
                                    platform_status, circuit_state, metrics, error, collector, details)
    VALUES (p_monitor, project, at, p_state, p_latency_ms, p_http_status, p_platform_status,
            p_circuit_state, coalesce(p_metrics, '{}'::jsonb), p_error, p_collector, p_details);
    PERFORM ops.refresh_health_rollup(p_monitor, date_trunc('minute', at));
    PERFORM pg_notify('ops_health', json_build_object('project', project, 'monitor', p_monitor,
                                                       'sampled_at', at, 'state', p_state)::text);
    RETURN true;
END
$$;

-- Raises one alert for the collector holding the lease. Returns the alert's id, or NULL when it
-- was refused: not the lease holder, the same alert is still open, or a closing alert with
-- nothing open.
CREATE FUNCTION ops.raise_health_alert(p_monitor bigint, p_collector text, p_kind text, p_subject text,
                                       p_message text, p_details jsonb DEFAULT '{}'::jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project  bigint;
    family   text := split_part(p_kind, '_', 1);
    opening  boolean := p_kind IN ('monitor_down', 'circuit_opened', 'threshold_breached');
    v_subject text := coalesce(p_subject, '');
    last     text;
    new_id   bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT project_id INTO project FROM ops.monitors WHERE id = p_monitor FOR UPDATE;  -- one alert decision at a time per monitor
    IF project IS NULL THEN
        RAISE EXCEPTION 'no monitor %', p_monitor USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.require_member(project);
    PERFORM 1 FROM ops.collector_lease
      WHERE project_id = project AND holder = p_collector AND expires_at >= clock_timestamp()
      FOR SHARE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT a.kind INTO last FROM ops.health_alerts a
     WHERE a.monitor_id = p_monitor AND a.subject = v_subject AND split_part(a.kind, '_', 1) = family
     ORDER BY a.id DESC LIMIT 1;
    IF (opening AND last = p_kind) OR (NOT opening AND (last IS NULL OR last = p_kind)) THEN
        RETURN NULL;
    END IF;
    INSERT INTO ops.health_alerts (project_id, monitor_id, kind, subject, message, details, raised_by)
    VALUES (project, p_monitor, p_kind, v_subject, left(coalesce(p_message, ''), 2000), coalesce(p_details, '{}'::jsonb), p_collector)
    RETURNING id INTO new_id;
    PERFORM pg_notify('ops_health_alert', json_build_object('project', project, 'monitor', p_monitor, 'id', new_id,
                                                             'kind', p_kind)::text);
    RETURN new_id;
END
$$;

-- Acknowledges an alert (operators and above); who and when are recorded and audited. False when
-- it was already acknowledged.
CREATE FUNCTION ops.acknowledge_health_alert(p_alert bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT project_id INTO project FROM ops.health_alerts WHERE id = p_alert;
    IF project IS NULL THEN
        RAISE EXCEPTION 'no alert %', p_alert USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.require_member(project);
    UPDATE ops.health_alerts SET acknowledged_at = clock_timestamp(), acknowledged_by = session_user
     WHERE id = p_alert AND acknowledged_at IS NULL;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    PERFORM ops.append_audit(project, 'health.alert.acknowledged', 'alert ' || p_alert, '{}'::jsonb);
    PERFORM pg_notify('ops_health_alert', json_build_object('project', project, 'id', p_alert, 'kind', 'acknowledged')::text);
    RETURN true;
END
$$;

-- Per-monitor uptime over p_window from the 1-minute rollups (definition at the top of this file).
-- SECURITY INVOKER: row-level security decides what the caller sees.
CREATE FUNCTION ops.health_uptime(p_project bigint, p_window interval)
RETURNS TABLE (monitor_id bigint, monitor_name text, uptime double precision, counted bigint, maintenance bigint)
LANGUAGE sql STABLE SET search_path = pg_catalog, ops AS $$
    SELECT m.id, m.name,
           (100.0 * sum(r.up) / nullif(sum(r.up + r.pending + r.down), 0))::double precision,
           coalesce(sum(r.up + r.pending + r.down), 0)::bigint,
           coalesce(sum(r.maintenance), 0)::bigint
      FROM ops.monitors m
      LEFT JOIN ops.health_rollups_1m r ON r.monitor_id = m.id AND r.bucket > now() - p_window
     WHERE m.project_id = p_project
     GROUP BY m.id, m.name
     ORDER BY m.name
$$;

-- 0003's figures with the uptime of this file (only 'up' samples are up time) and the circuit state
-- as the worst of every monitor's latest.
CREATE OR REPLACE FUNCTION ops.health_metric(p_project bigint, p_metric text, p_window interval)
RETURNS TABLE (value double precision, text_value text, samples bigint)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    since timestamptz := now() - p_window;
BEGIN
    CASE p_metric
    WHEN 'success_rate', 'error_rate', 'uptime' THEN
        RETURN QUERY
        SELECT CASE WHEN count(*) = 0 THEN NULL ELSE 100.0 * count(*) FILTER (WHERE
                    CASE p_metric WHEN 'error_rate' THEN s.state IN ('pending', 'down')
                                  ELSE s.state = 'up' END) / count(*) END::double precision,
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
        -- The worst of every monitor's latest circuit state (several sources report one now).
        RETURN QUERY
        WITH w AS (SELECT s.monitor_id, s.circuit_state, s.sampled_at FROM ops.health_samples s
                    WHERE s.project_id = p_project AND s.sampled_at > since AND s.circuit_state IS NOT NULL),
             latest AS (SELECT DISTINCT ON (w.monitor_id) w.circuit_state FROM w ORDER BY w.monitor_id, w.sampled_at DESC),
             graded AS (SELECT l.circuit_state,
                               CASE l.circuit_state WHEN 'CLOSED' THEN 0 WHEN 'HALF_OPEN' THEN 1 WHEN 'OPEN' THEN 2 END AS grade
                          FROM latest l)
        SELECT (SELECT max(g.grade) FROM graded g)::double precision,
               (SELECT g.circuit_state FROM graded g ORDER BY g.grade DESC NULLS LAST LIMIT 1), (SELECT count(*) FROM w);
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

REVOKE EXECUTE ON FUNCTION ops.set_monitor_config(bigint, jsonb),
    ops.add_maintenance_once(bigint, bigint, timestamptz, timestamptz, text),
    ops.add_maintenance_weekly(bigint, bigint, integer, time, integer, text, text),
    ops.remove_maintenance_window(bigint),
    ops.record_health_sample(bigint, text, timestamptz, text, double precision, integer, text, text, jsonb, text, jsonb),
    ops.raise_health_alert(bigint, text, text, text, text, jsonb),
    ops.acknowledge_health_alert(bigint), ops.health_uptime(bigint, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.health_uptime(bigint, interval) TO ops_viewer;
GRANT EXECUTE ON FUNCTION ops.set_monitor_config(bigint, jsonb),
    ops.add_maintenance_once(bigint, bigint, timestamptz, timestamptz, text),
    ops.add_maintenance_weekly(bigint, bigint, integer, time, integer, text, text),
    ops.remove_maintenance_window(bigint),
    ops.record_health_sample(bigint, text, timestamptz, text, double precision, integer, text, text, jsonb, text, jsonb),
    ops.raise_health_alert(bigint, text, text, text, text, jsonb),
    ops.acknowledge_health_alert(bigint) TO ops_operator;
