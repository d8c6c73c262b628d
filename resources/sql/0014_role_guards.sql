-- SPDX-License-Identifier: MIT
-- 0014: one guard for project-scoped functions, and the holes the role attack suite
-- (tests/integration/RoleAttackTest.cpp) found with it.
--
-- - Existence of ids leaked to outsiders. The deploy functions started with
--   ops.environment_project(), which raised "no environment with id N" (P0002) before any role or
--   membership check, while an existing id of another project got "not a member of project <P>"
--   (42501, naming the project). Anyone could probe which ids exist and which project owns them.
--   The same pattern (P0002 or `false` before the membership check) was in the rollout, monitor,
--   alert and maintenance-window functions and in ops.require_plan_row.
--   Now: ops.require_row_role checks the role, then membership of the row's project, and answers a
--   missing row exactly like a row of a project the caller does not belong to. Only a superuser
--   (who sees every row anyway) is told "no <thing> N" (P0002).
-- - 0007 repeated require_role + lookup + require_member in every function: those functions now
--   call the guards (ops.require_project_role of 0006 when the project is named, ops.require_row_role
--   when a row is named). Signatures are unchanged.
-- - ops.apply_health_retention(p_now) took any p_now from any operator, a member of no project
--   included: p_now in 2100 dropped every project's health samples and rollups. A time in the future
--   is now refused (superusers aside, for tests), and the caller must belong to a project.
-- - ops.ensure_health_partition(p_at) let any operator, a member of no project included, create
--   tables in schema ops for any day, years ahead (never dropped by retention). Now the caller must
--   belong to a project and the day may be at most two days ahead.

-- The guard for a function that names a row of a project-scoped table: the caller must hold p_role
-- and be a member of the row's project. A missing row and a row of someone else's project give the
-- same refusal (42501, same words), so ids cannot be probed. Returns the row's project.
-- p_table is always a constant written in a migration, never caller text.
CREATE FUNCTION ops.require_row_role(p_role name, p_table regclass, p_id bigint, p_what text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
BEGIN
    PERFORM ops.require_role(p_role);
    EXECUTE format('SELECT project_id FROM %s WHERE id = $1', p_table) INTO v_project USING p_id;
    IF ops.caller_is_superuser() THEN
        IF v_project IS NULL THEN
            RAISE EXCEPTION 'no % %', p_what, p_id USING ERRCODE = 'P0002';
        END IF;
        RETURN v_project;
    END IF;
    IF v_project IS NULL OR NOT EXISTS (
            SELECT 1 FROM ops.project_members m WHERE m.project_id = v_project AND m.member = session_user) THEN
        RAISE EXCEPTION 'permission denied: no % % in the projects of %', p_what, p_id, session_user
            USING ERRCODE = '42501';
    END IF;
    RETURN v_project;
END
$$;

-- For shared housekeeping (partitions of every project): the caller must belong to some project.
CREATE FUNCTION ops.require_any_project() RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
BEGIN
    IF NOT (ops.caller_is_superuser() OR EXISTS (SELECT 1 FROM ops.project_members m WHERE m.member = session_user)) THEN
        RAISE EXCEPTION 'permission denied: % is not a member of any project', session_user USING ERRCODE = '42501';
    END IF;
END
$$;

-- 0006's plan guard, now without the existence leak (same signature, same callers).
CREATE OR REPLACE FUNCTION ops.require_plan_row(p_role name, p_table regclass, p_id bigint, p_what text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
BEGIN
    RETURN ops.require_row_role(p_role, p_table, p_id, p_what);
END
$$;

-- Every deploy function on an environment (record_deployment, start_rollout, lock_environment,
-- unlock_environment, record_platform_migration) starts with this, in its DECLARE: the guard now
-- runs before anything else they do. They all require ops_operator.
CREATE OR REPLACE FUNCTION ops.environment_project(p_environment bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    RETURN ops.require_row_role('ops_operator', 'ops.environments', p_environment, 'environment');
END
$$;

CREATE OR REPLACE FUNCTION ops.advance_rollout(p_rollout bigint, p_state text, p_message text, p_evidence jsonb)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    r ops.rollouts%ROWTYPE;
    allowed boolean;
BEGIN
    PERFORM ops.require_row_role('ops_operator', 'ops.rollouts', p_rollout, 'rollout');
    SELECT * INTO r FROM ops.rollouts WHERE id = p_rollout FOR UPDATE;
    allowed := (r.state, p_state) IN (
        ('requested', 'requested'), ('running', 'running'), ('verifying', 'verifying'),
        ('requested', 'running'), ('requested', 'failed'), ('requested', 'needs_attention'),
        ('requested', 'verifying'),
        ('running', 'verifying'), ('running', 'failed'), ('running', 'needs_attention'),
        ('verifying', 'succeeded'), ('verifying', 'needs_attention'), ('verifying', 'failed'));
    IF NOT allowed THEN
        RAISE EXCEPTION 'rollout % cannot go from % to %', p_rollout, r.state, p_state USING ERRCODE = '55000';
    END IF;
    UPDATE ops.rollouts
    SET state = p_state, message = coalesce(p_message, message), evidence = coalesce(p_evidence, evidence),
        updated_at = clock_timestamp(),
        finished_at = CASE WHEN p_state IN ('succeeded', 'failed', 'needs_attention') THEN clock_timestamp() END
    WHERE id = p_rollout;
    IF p_state <> r.state THEN
        PERFORM ops.append_audit(r.project_id, 'rollout.' || p_state, 'rollout ' || p_rollout,
            jsonb_build_object('from_state', r.state, 'message', coalesce(p_message, ''),
                               'evidence', coalesce(p_evidence, '{}'::jsonb)));
    END IF;
    IF p_state = 'succeeded' THEN
        UPDATE ops.environments SET current_deployment = r.target, pinned = (r.kind = 'rollback')
        WHERE id = r.environment_id;
        UPDATE ops.deployments SET health = 'passed' WHERE id = r.target;
    END IF;
END
$$;

CREATE OR REPLACE FUNCTION ops.claim_stale_rollout(p_rollout bigint, p_stale_seconds integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    r ops.rollouts%ROWTYPE;
BEGIN
    PERFORM ops.require_row_role('ops_operator', 'ops.rollouts', p_rollout, 'rollout');
    SELECT * INTO r FROM ops.rollouts WHERE id = p_rollout FOR UPDATE;
    IF r.state NOT IN ('requested', 'running', 'verifying')
       OR r.updated_at > clock_timestamp() - make_interval(secs => p_stale_seconds) THEN
        RETURN false;
    END IF;
    UPDATE ops.rollouts SET updated_at = clock_timestamp() WHERE id = p_rollout;
    PERFORM ops.append_audit(r.project_id, 'rollout.recovering', 'rollout ' || p_rollout,
        jsonb_build_object('state', r.state, 'last_heartbeat', r.updated_at));
    RETURN true;
END
$$;

-- 0007's functions on the guards.
CREATE OR REPLACE FUNCTION ops.set_monitor_config(p_monitor bigint, p_config jsonb) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.require_row_role('ops_operator', 'ops.monitors', p_monitor, 'monitor');
BEGIN
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

CREATE OR REPLACE FUNCTION ops.add_maintenance_once(p_project bigint, p_monitor bigint, p_starts_at timestamptz,
                                                    p_ends_at timestamptz, p_reason text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_project_role('ops_operator', p_project);
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

CREATE OR REPLACE FUNCTION ops.add_maintenance_weekly(p_project bigint, p_monitor bigint, p_weekday integer, p_start_time time,
                                                      p_duration_minutes integer, p_time_zone text, p_reason text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_project_role('ops_operator', p_project);
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

-- False when there is no such window: only a superuser is told so; anyone else gets the guard's
-- refusal, the same as for another project's window.
CREATE OR REPLACE FUNCTION ops.remove_maintenance_window(p_window bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint;
BEGIN
    BEGIN
        project := ops.require_row_role('ops_operator', 'ops.maintenance_windows', p_window, 'maintenance window');
    EXCEPTION WHEN no_data_found THEN
        RETURN false;
    END;
    DELETE FROM ops.maintenance_windows WHERE id = p_window;
    PERFORM ops.append_audit(project, 'health.maintenance.removed', 'window ' || p_window, '{}'::jsonb);
    RETURN true;
END
$$;

CREATE OR REPLACE FUNCTION ops.record_health_sample(p_monitor bigint, p_collector text, p_sampled_at timestamptz,
                                                    p_state text, p_latency_ms double precision, p_http_status integer,
                                                    p_platform_status text, p_circuit_state text, p_metrics jsonb,
                                                    p_error text, p_details jsonb DEFAULT NULL)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project  bigint := ops.require_row_role('ops_operator', 'ops.monitors', p_monitor, 'monitor');
    at       timestamptz := coalesce(p_sampled_at, clock_timestamp());
BEGIN
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

CREATE OR REPLACE FUNCTION ops.raise_health_alert(p_monitor bigint, p_collector text, p_kind text, p_subject text,
                                                  p_message text, p_details jsonb DEFAULT '{}'::jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project  bigint := ops.require_row_role('ops_operator', 'ops.monitors', p_monitor, 'monitor');
    family   text := split_part(p_kind, '_', 1);
    opening  boolean := p_kind IN ('monitor_down', 'circuit_opened', 'threshold_breached');
    v_subject text := coalesce(p_subject, '');
    last     text;
    new_id   bigint;
BEGIN
    PERFORM 1 FROM ops.monitors WHERE id = p_monitor FOR UPDATE;  -- one alert decision at a time per monitor
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

CREATE OR REPLACE FUNCTION ops.acknowledge_health_alert(p_alert bigint) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.require_row_role('ops_operator', 'ops.health_alerts', p_alert, 'alert');
BEGIN
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

-- Shared housekeeping: members only, and never driven by a time in the future.
CREATE OR REPLACE FUNCTION ops.ensure_health_partition(p_at timestamptz) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    day   date := (p_at AT TIME ZONE 'UTC')::date;
    part  text := 'health_samples_p' || to_char(day, 'YYYYMMDD');
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_any_project();
    IF p_at > now() + interval '2 days' AND NOT ops.caller_is_superuser() THEN
        RAISE EXCEPTION 'no health partition more than two days ahead (asked for %)', day USING ERRCODE = '22023';
    END IF;
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

CREATE OR REPLACE FUNCTION ops.apply_health_retention(p_now timestamptz DEFAULT now()) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    keep_days  integer;
    cutoff     date;
    part       record;
    dropped    integer := 0;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_any_project();
    -- A time in the future would expire everything, every project's included (tests pass one as superuser).
    IF p_now > now() + interval '1 minute' AND NOT ops.caller_is_superuser() THEN
        RAISE EXCEPTION 'retention is applied as of now or earlier, not %', p_now USING ERRCODE = '22023';
    END IF;
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

-- Guards are internal: only the functions above (running as the owner) call them.
REVOKE EXECUTE ON FUNCTION ops.require_row_role(name, regclass, bigint, text), ops.require_any_project() FROM PUBLIC;
