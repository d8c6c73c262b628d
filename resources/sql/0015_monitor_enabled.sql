-- SPDX-License-Identifier: MIT
-- 0015: monitors can be removed from the settings dialog.
--
-- A monitor's samples, rollups and alerts reference it, and its history stays useful after it is
-- no longer checked, so "remove" switches it off (enabled = false: the collector, the charts and
-- the tiles already leave disabled monitors out). Saving a monitor of the same name again
-- switches it back on. Retention is already a per-project setting (ops.health_retention,
-- ops.set_health_retention for ops_admin, used by ops.apply_health_retention since 0003).

CREATE FUNCTION ops.set_monitor_enabled(p_monitor bigint, p_enabled boolean) RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT project_id INTO project FROM ops.monitors WHERE id = p_monitor;
    IF project IS NULL THEN
        RETURN false;
    END IF;
    PERFORM ops.require_member(project);
    UPDATE ops.monitors SET enabled = p_enabled, updated_at = now()
     WHERE id = p_monitor AND enabled IS DISTINCT FROM p_enabled;
    IF FOUND THEN
        PERFORM ops.append_audit(project, CASE WHEN p_enabled THEN 'health.monitor.enabled' ELSE 'health.monitor.disabled' END,
                                 'monitor ' || p_monitor, '{}'::jsonb);
    END IF;
    RETURN true;
END
$$;

REVOKE EXECUTE ON FUNCTION ops.set_monitor_enabled(bigint, boolean) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.set_monitor_enabled(bigint, boolean) TO ops_operator;
