-- SPDX-License-Identifier: MIT
-- 0010: undo of a rollback, the promotion gate's approver override, the platform's newest schema
-- migration (for the rollback warning) and checked environment locks.
--
-- - kind 'undo': promotes the deployment a rollback replaced, so a rollback is undone in one click.
--   It goes through the same rollout rows, idempotency key and one-at-a-time index. It is not a
--   rollback: a locked environment refuses it, like any promotion. The promotion gate does not
--   apply (it restores what production ran before, it does not ship a new staging build).
-- - kind 'promote' (staging to production) is refused while ops.promotion_gate (0006: the plan's
--   current checkpoint not signed Go) returns a row; an ops_approver may override it with a
--   written reason, kept on the rollout and in the audit log. An operator's override is refused.
-- - ops.environments.newest_migration(_at): what the platform reports as its newest applied
--   schema migration (its /api/health "schema" object, mirrored by the console's sync). A rollback
--   target built before it runs against a schema it has never seen: the confirmation warns.

ALTER TABLE ops.rollouts DROP CONSTRAINT rollouts_kind_check;
ALTER TABLE ops.rollouts ADD CONSTRAINT rollouts_kind_check
    CHECK (kind IN ('rollback', 'promote', 'deploy', 'undo'));
ALTER TABLE ops.rollouts ADD COLUMN gate_override text NOT NULL DEFAULT '';
ALTER TABLE ops.environments ADD COLUMN newest_migration text NOT NULL DEFAULT '';
ALTER TABLE ops.environments ADD COLUMN newest_migration_at timestamptz;

-- The same function with one more argument (defaulted, so 0005's five-argument calls still work).
DROP FUNCTION ops.start_rollout(bigint, text, bigint, text, text);
CREATE FUNCTION ops.start_rollout(p_environment bigint, p_kind text, p_target bigint, p_reason text, p_key text,
                                  p_gate_override text DEFAULT '')
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project   bigint := ops.environment_project(p_environment);
    env_name  text;
    current   bigint;
    is_pinned boolean;
    new_id    bigint;
    holder    record;
    gate      record;
    overridden text;  -- the checkpoint an approver's override passed, else NULL
    undoable  bigint;
    override  text := btrim(coalesce(p_gate_override, ''));
    lock_row  ops.environment_locks%ROWTYPE;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(project);
    SELECT id INTO new_id FROM ops.rollouts WHERE idempotency_key = p_key AND environment_id = p_environment;
    IF new_id IS NOT NULL THEN
        RETURN new_id;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM ops.deployments WHERE id = p_target AND environment_id = p_environment) THEN
        RAISE EXCEPTION 'deployment % does not belong to environment %', p_target, p_environment USING ERRCODE = 'P0002';
    END IF;
    SELECT name, current_deployment, pinned INTO env_name, current, is_pinned FROM ops.environments WHERE id = p_environment;
    IF p_kind <> 'rollback' THEN
        SELECT * INTO lock_row FROM ops.environment_locks
        WHERE environment_id = p_environment AND (locked_until IS NULL OR locked_until > now());
        IF FOUND THEN
            RAISE EXCEPTION '% is locked by % since %: %', env_name, lock_row.locked_by,
                to_char(lock_row.locked_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')
                || CASE WHEN lock_row.locked_until IS NULL THEN ''
                        ELSE ' until ' || to_char(lock_row.locked_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"') END,
                lock_row.reason
                USING ERRCODE = '55006', HINT = 'a rollback is still allowed';
        END IF;
    END IF;
    IF p_kind = 'undo' THEN
        -- Only the rollback that put the current deployment there can be undone.
        SELECT r.from_deployment INTO undoable FROM ops.rollouts r
        WHERE r.environment_id = p_environment AND r.kind = 'rollback' AND r.state = 'succeeded'
          AND r.target = current
        ORDER BY r.id DESC LIMIT 1;
        IF undoable IS NULL OR NOT is_pinned OR undoable <> p_target THEN
            RAISE EXCEPTION 'nothing to undo in %: it is not pinned by a rollback from deployment %', env_name, p_target
                USING ERRCODE = '55000';
        END IF;
    END IF;
    IF p_kind = 'promote' THEN
        SELECT * INTO gate FROM ops.promotion_gate(project) LIMIT 1;
        IF FOUND THEN
            IF override = '' THEN
                RAISE EXCEPTION 'promotion of % refused: checkpoint "%" is %', env_name, gate.checkpoint_title,
                    coalesce(gate.decision, 'not signed')
                    USING ERRCODE = '55006', HINT = 'an ops_approver may override the gate with a written reason';
            END IF;
            PERFORM ops.require_role('ops_approver');  -- an operator's override is refused (42501)
            overridden := gate.checkpoint_title || ' (' || coalesce(gate.decision, 'not signed') || ')';
        END IF;
    END IF;
    BEGIN
        INSERT INTO ops.rollouts (project_id, environment_id, kind, idempotency_key, from_deployment, target,
                                  reason, requested_by, gate_override)
        VALUES (project, p_environment, p_kind, p_key, current, p_target, coalesce(p_reason, ''), session_user,
                CASE WHEN overridden IS NULL THEN '' ELSE override END)
        RETURNING id INTO new_id;
    EXCEPTION WHEN unique_violation THEN
        SELECT r.id, r.kind, r.requested_by, r.requested_at, r.state, d.version INTO holder
        FROM ops.rollouts r JOIN ops.deployments d ON d.id = r.target
        WHERE r.environment_id = p_environment AND r.state IN ('requested', 'running', 'verifying');
        IF NOT FOUND THEN
            RAISE;  -- the key itself collided with another environment's rollout
        END IF;
        RAISE EXCEPTION '% is already being changed: % by % to % since % (rollout %, %)', env_name, holder.kind,
            holder.requested_by, holder.version, to_char(holder.requested_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS "UTC"'),
            holder.id, holder.state
            USING ERRCODE = '55006',
                  DETAIL = jsonb_build_object('rollout', holder.id, 'kind', holder.kind, 'by', holder.requested_by,
                                              'target', holder.version, 'since', holder.requested_at,
                                              'state', holder.state)::text;
    END;
    PERFORM ops.append_audit(project, 'rollout.requested', 'rollout ' || new_id,
        jsonb_build_object('environment', env_name, 'kind', p_kind, 'from', current, 'target', p_target,
                           'reason', coalesce(p_reason, ''), 'key', p_key));
    IF overridden IS NOT NULL THEN
        PERFORM ops.append_audit(project, 'promotion.gate_overridden', 'rollout ' || new_id,
            jsonb_build_object('environment', env_name, 'checkpoint', overridden, 'reason', override));
    END IF;
    RETURN new_id;
END
$$;

-- A lock needs a reason and, when it has an end, an end in the future.
CREATE OR REPLACE FUNCTION ops.lock_environment(p_environment bigint, p_reason text, p_until timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.environment_project(p_environment);
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(project);
    IF btrim(coalesce(p_reason, '')) = '' THEN
        RAISE EXCEPTION 'a lock needs a reason' USING ERRCODE = '22023';
    END IF;
    IF p_until IS NOT NULL AND p_until <= now() THEN
        RAISE EXCEPTION 'the lock would end in the past (%)', p_until USING ERRCODE = '22023';
    END IF;
    INSERT INTO ops.environment_locks (environment_id, project_id, locked_by, reason, locked_until)
    VALUES (p_environment, project, session_user, btrim(p_reason), p_until)
    ON CONFLICT (environment_id) DO UPDATE
        SET locked_by = EXCLUDED.locked_by, reason = EXCLUDED.reason, locked_at = now(),
            locked_until = EXCLUDED.locked_until;
    PERFORM ops.append_audit(project, 'environment.locked', 'environment ' || p_environment,
        jsonb_build_object('reason', btrim(p_reason), 'until', p_until));
END
$$;

-- Mirrors the platform's newest applied schema migration (not audited: no operator decision).
CREATE FUNCTION ops.record_platform_migration(p_environment bigint, p_name text, p_applied_at timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.environment_project(p_environment);
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(project);
    UPDATE ops.environments SET newest_migration = coalesce(p_name, ''), newest_migration_at = p_applied_at
    WHERE id = p_environment;
END
$$;

-- "alice: release freeze (until 2026-11-23 18:00 UTC)" for an environment's lock in force, else ''.
-- One wording for the tab and the command line; SECURITY INVOKER, so row-level security applies.
CREATE FUNCTION ops.lock_summary(p_environment bigint) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT l.locked_by || ': ' || l.reason
                            || coalesce(' (until ' || to_char(l.locked_until AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') || ' UTC)', '')
                     FROM ops.environment_locks l
                     WHERE l.environment_id = p_environment AND (l.locked_until IS NULL OR l.locked_until > now())), '')
$$;

REVOKE EXECUTE ON FUNCTION ops.lock_summary(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.lock_summary(bigint) TO ops_viewer;
REVOKE EXECUTE ON FUNCTION ops.start_rollout(bigint, text, bigint, text, text, text),
    ops.record_platform_migration(bigint, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.start_rollout(bigint, text, bigint, text, text, text),
    ops.record_platform_migration(bigint, text, timestamptz) TO ops_operator;
