-- SPDX-License-Identifier: MIT
-- 0011: the production readiness score of a plan and one stored snapshot of it per plan and day,
-- so the Standup tab and the week report can show its trend.
--
-- Score (percent, 0..100):
--   day-by-day plans: the share of must-have criteria that are checked (by a person or the file);
--   phase-based plans: the phases' readiness weighted by each phase's weight. A phase's weight is
--     its `weight` field when the plan gives one, else its duration in days ("3 days"), else 1;
--     its readiness is the plan's "Readiness: 60%" line, else the share of its tasks done.
-- Snapshots are written by triggers whenever a criterion, task or phase of the plan changes (the
-- import included), one row per plan and UTC day, the day's latest value winning.

CREATE TABLE ops.readiness_snapshots (
    project_id     bigint NOT NULL REFERENCES ops.projects (id),
    plan_id        bigint NOT NULL REFERENCES ops.plans (id),
    snapshot_date  date NOT NULL,
    score          double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    met            integer NOT NULL,
    total          integer NOT NULL,
    details        jsonb NOT NULL DEFAULT '{}'::jsonb,   -- phase plans: [{phase, weight, readiness}]
    updated_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (plan_id, snapshot_date)
);
ALTER TABLE ops.readiness_snapshots ENABLE ROW LEVEL SECURITY;
CREATE POLICY readiness_snapshots_visible ON ops.readiness_snapshots FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.readiness_snapshots TO ops_viewer;

-- The score as it stands now (see the header). SECURITY INVOKER: row-level security applies.
CREATE FUNCTION ops.readiness_score(p_plan bigint)
RETURNS TABLE (score double precision, met integer, total integer, details jsonb)
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    v_shape text;
BEGIN
    SELECT shape INTO v_shape FROM ops.plans WHERE id = p_plan;
    IF v_shape = 'phase_based' THEN
        RETURN QUERY
        WITH phases AS (
            SELECT d.title,
                   coalesce(CASE WHEN d.details->>'weight' ~ '^\d+(\.\d+)?$' THEN (d.details->>'weight')::double precision END,
                            (substring(d.details->>'duration' FROM '(\d+(?:\.\d+)?)\s*day'))::double precision,
                            1.0) AS weight,
                   coalesce(CASE WHEN jsonb_typeof(d.details->'readiness') = 'number'
                                 THEN (d.details->>'readiness')::double precision END,
                            (SELECT 100.0 * count(*) FILTER (WHERE t.done) / nullif(count(*), 0)
                               FROM ops.plan_tasks t WHERE t.day_id = d.id AND NOT t.removed),
                            0.0) AS readiness
              FROM ops.plan_days d WHERE d.plan_id = p_plan AND NOT d.removed)
        SELECT coalesce(sum(p.weight * p.readiness) / nullif(sum(p.weight), 0), 0)::double precision,
               (count(*) FILTER (WHERE p.readiness >= 100))::integer, count(*)::integer,
               coalesce(jsonb_agg(jsonb_build_object('phase', p.title, 'weight', p.weight, 'readiness', p.readiness)),
                        '[]'::jsonb)
          FROM phases p;
    ELSE
        RETURN QUERY
        SELECT coalesce(100.0 * count(*) FILTER (WHERE k.checked) / nullif(count(*), 0), 0)::double precision,
               (count(*) FILTER (WHERE k.checked))::integer, count(*)::integer, '[]'::jsonb
          FROM ops.checkpoint_criteria k JOIN ops.checkpoints c ON c.id = k.checkpoint_id
         WHERE c.plan_id = p_plan AND c.category = 'must_have' AND NOT c.removed AND NOT k.removed;
    END IF;
END
$$;

-- Writes today's snapshot of one plan. Internal: called by the triggers below only.
CREATE FUNCTION ops.refresh_readiness_snapshot(p_plan bigint) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    INSERT INTO ops.readiness_snapshots (project_id, plan_id, snapshot_date, score, met, total, details)
    SELECT p.project_id, p.id, (clock_timestamp() AT TIME ZONE 'UTC')::date,
           least(greatest(r.score, 0), 100), r.met, r.total, r.details
      FROM ops.plans p, ops.readiness_score(p.id) r WHERE p.id = p_plan
    ON CONFLICT (plan_id, snapshot_date) DO UPDATE
        SET score = EXCLUDED.score, met = EXCLUDED.met, total = EXCLUDED.total, details = EXCLUDED.details,
            updated_at = clock_timestamp();
END
$$;

-- Statement-level triggers (one refresh per plan touched, not per row: an import writes many rows).
CREATE FUNCTION ops.readiness_after_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_plan bigint;
BEGIN
    IF TG_TABLE_NAME = 'checkpoint_criteria' THEN
        FOR v_plan IN SELECT DISTINCT c.plan_id FROM changed k JOIN ops.checkpoints c ON c.id = k.checkpoint_id LOOP
            PERFORM ops.refresh_readiness_snapshot(v_plan);
        END LOOP;
    ELSE
        FOR v_plan IN SELECT DISTINCT plan_id FROM changed LOOP
            PERFORM ops.refresh_readiness_snapshot(v_plan);
        END LOOP;
    END IF;
    RETURN NULL;
END
$$;

-- PostgreSQL allows transition tables only on single-event triggers: one for INSERT, one for UPDATE.
CREATE TRIGGER readiness_criteria_inserted AFTER INSERT ON ops.checkpoint_criteria
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ops.readiness_after_change();
CREATE TRIGGER readiness_criteria_updated AFTER UPDATE ON ops.checkpoint_criteria
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ops.readiness_after_change();
CREATE TRIGGER readiness_tasks_inserted AFTER INSERT ON ops.plan_tasks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ops.readiness_after_change();
CREATE TRIGGER readiness_tasks_updated AFTER UPDATE ON ops.plan_tasks
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ops.readiness_after_change();
CREATE TRIGGER readiness_days_inserted AFTER INSERT ON ops.plan_days
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ops.readiness_after_change();
CREATE TRIGGER readiness_days_updated AFTER UPDATE ON ops.plan_days
    REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION ops.readiness_after_change();

REVOKE EXECUTE ON FUNCTION ops.readiness_score(bigint), ops.refresh_readiness_snapshot(bigint),
    ops.readiness_after_change() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.readiness_score(bigint) TO ops_viewer;
