-- SPDX-License-Identifier: MIT
-- 0005: deployments and rollouts.
--
-- Environments (staging, production) per project, the deployments a provider reports for them, and
-- rollouts: one row per rollback/promotion with an idempotency key and a state machine
-- requested -> running -> verifying -> succeeded | failed | needs_attention.
-- "One at a time per environment, across all consoles" is a UNIQUE partial index over the
-- environment's unfinished rollouts: no advisory lock, so it also holds through a transaction
-- pooler. Every change goes through a SECURITY DEFINER function below, which checks the caller's
-- role and membership and writes ops.append_audit in the same transaction.

CREATE TABLE ops.environments (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id          bigint NOT NULL REFERENCES ops.projects (id) ON DELETE CASCADE,
    name                text NOT NULL CHECK (name ~ '^[a-z][a-z0-9-]{0,40}$'),
    provider_project    text NOT NULL DEFAULT '',   -- the provider's project id (Vercel prj_...)
    health_url          text NOT NULL DEFAULT '',   -- where verification asks /api/health
    current_deployment  bigint,                     -- ops.deployments.id, set by the functions
    pinned              boolean NOT NULL DEFAULT false,  -- after a rollback: new builds do not go live
    UNIQUE (project_id, name)
);

CREATE TABLE ops.deployments (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES ops.projects (id) ON DELETE CASCADE,
    environment_id  bigint NOT NULL REFERENCES ops.environments (id) ON DELETE CASCADE,
    provider_id     text NOT NULL,                  -- dpl_...
    version         text NOT NULL DEFAULT '',
    git_commit      text NOT NULL DEFAULT '',
    url             text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    created_by      text NOT NULL DEFAULT '',
    provider_state  text NOT NULL DEFAULT 'READY',
    health          text NOT NULL DEFAULT 'unknown' CHECK (health IN ('passed', 'failed', 'unknown')),
    is_rollback     boolean NOT NULL DEFAULT false,
    UNIQUE (environment_id, provider_id)
);
CREATE INDEX deployments_env_created ON ops.deployments (environment_id, created_at DESC);
ALTER TABLE ops.environments ADD CONSTRAINT environments_current_fk
    FOREIGN KEY (current_deployment) REFERENCES ops.deployments (id) ON DELETE SET NULL;

CREATE TABLE ops.rollouts (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id       bigint NOT NULL REFERENCES ops.projects (id) ON DELETE CASCADE,
    environment_id   bigint NOT NULL REFERENCES ops.environments (id) ON DELETE CASCADE,
    kind             text NOT NULL CHECK (kind IN ('rollback', 'promote', 'deploy')),
    idempotency_key  text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 8 AND 200),
    from_deployment  bigint REFERENCES ops.deployments (id),
    target           bigint NOT NULL REFERENCES ops.deployments (id),
    reason           text NOT NULL DEFAULT '',
    state            text NOT NULL DEFAULT 'requested'
        CHECK (state IN ('requested', 'running', 'verifying', 'succeeded', 'failed', 'needs_attention')),
    message          text NOT NULL DEFAULT '',
    evidence         jsonb NOT NULL DEFAULT '{}'::jsonb,
    requested_by     name NOT NULL,
    requested_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at       timestamptz NOT NULL DEFAULT clock_timestamp(),  -- heartbeat of the console driving it
    finished_at      timestamptz
);
-- The rule itself: at most one unfinished rollout per environment, whichever console asks.
CREATE UNIQUE INDEX rollouts_one_unfinished_per_env ON ops.rollouts (environment_id)
    WHERE state IN ('requested', 'running', 'verifying');
CREATE INDEX rollouts_env_requested ON ops.rollouts (environment_id, requested_at DESC);

CREATE TABLE ops.environment_locks (
    environment_id  bigint PRIMARY KEY REFERENCES ops.environments (id) ON DELETE CASCADE,
    project_id      bigint NOT NULL REFERENCES ops.projects (id) ON DELETE CASCADE,
    locked_by       name NOT NULL,
    reason          text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    locked_at       timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz
);

ALTER TABLE ops.environments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.deployments ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.rollouts ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.environment_locks ENABLE ROW LEVEL SECURITY;
CREATE POLICY environments_visible ON ops.environments FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY deployments_visible ON ops.deployments FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY rollouts_visible ON ops.rollouts FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY environment_locks_visible ON ops.environment_locks FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.environments, ops.deployments, ops.rollouts, ops.environment_locks TO ops_viewer;

-- The environment's project, or an error naming the id; every function starts with it.
CREATE FUNCTION ops.environment_project(p_environment bigint) RETURNS bigint
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint;
BEGIN
    SELECT project_id INTO project FROM ops.environments WHERE id = p_environment;
    IF project IS NULL THEN
        RAISE EXCEPTION 'no environment with id %', p_environment USING ERRCODE = 'P0002';
    END IF;
    RETURN project;
END
$$;

CREATE FUNCTION ops.upsert_environment(p_project bigint, p_name text, p_provider_project text, p_health_url text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    env_id bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    INSERT INTO ops.environments (project_id, name, provider_project, health_url)
    VALUES (p_project, p_name, coalesce(p_provider_project, ''), coalesce(p_health_url, ''))
    ON CONFLICT (project_id, name) DO UPDATE
        SET provider_project = EXCLUDED.provider_project, health_url = EXCLUDED.health_url
    RETURNING id INTO env_id;
    PERFORM ops.append_audit(p_project, 'environment.configured', 'environment ' || p_name,
        jsonb_build_object('provider_project', p_provider_project, 'health_url', p_health_url));
    RETURN env_id;
END
$$;

-- Records (or refreshes) what the provider reports and, when p_is_current, which one is live and
-- whether production is pinned. Not audited: it mirrors the provider, it is no operator decision.
CREATE FUNCTION ops.record_deployment(p_environment bigint, p_provider_id text, p_version text, p_commit text,
                                      p_url text, p_created_at timestamptz, p_created_by text,
                                      p_provider_state text, p_health text, p_is_current boolean, p_pinned boolean)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.environment_project(p_environment);
    dep_id bigint;
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(project);
    INSERT INTO ops.deployments (project_id, environment_id, provider_id, version, git_commit, url, created_at,
                                 created_by, provider_state, health)
    VALUES (project, p_environment, p_provider_id, coalesce(p_version, ''), coalesce(p_commit, ''),
            coalesce(p_url, ''), coalesce(p_created_at, now()), coalesce(p_created_by, ''),
            coalesce(p_provider_state, 'READY'), coalesce(p_health, 'unknown'))
    ON CONFLICT (environment_id, provider_id) DO UPDATE
        SET version = EXCLUDED.version, git_commit = EXCLUDED.git_commit, url = EXCLUDED.url,
            provider_state = EXCLUDED.provider_state,
            -- A failed verdict sticks (seen unhealthy in production beats green checks); a passed
            -- one only fills an unknown. A succeeded rollout marks its target passed.
            health = CASE WHEN p_health = 'failed' THEN 'failed'
                          WHEN ops.deployments.health = 'unknown' THEN coalesce(p_health, 'unknown')
                          ELSE ops.deployments.health END
    RETURNING id INTO dep_id;
    IF p_is_current THEN
        UPDATE ops.environments SET current_deployment = dep_id, pinned = coalesce(p_pinned, pinned)
        WHERE id = p_environment;
    END IF;
    RETURN dep_id;
END
$$;

-- Starts a rollout. The same idempotency key returns the same rollout (a retried click). A second
-- rollout while one is unfinished is refused by the unique index; the refusal names who holds the
-- environment, towards what and since when (SQLSTATE 55006, DETAIL as JSON for the console).
-- A locked environment refuses deploys and promotions, never a rollback.
CREATE FUNCTION ops.start_rollout(p_environment bigint, p_kind text, p_target bigint, p_reason text, p_key text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project   bigint := ops.environment_project(p_environment);
    env_name  text;
    current   bigint;
    new_id    bigint;
    holder    record;
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
    SELECT name, current_deployment INTO env_name, current FROM ops.environments WHERE id = p_environment;
    IF p_kind <> 'rollback' THEN
        SELECT * INTO lock_row FROM ops.environment_locks
        WHERE environment_id = p_environment AND (locked_until IS NULL OR locked_until > now());
        IF FOUND THEN
            RAISE EXCEPTION '% is locked by % since %: %', env_name, lock_row.locked_by, lock_row.locked_at, lock_row.reason
                USING ERRCODE = '55006';
        END IF;
    END IF;
    IF p_kind = 'promote' THEN
        -- The plan's current checkpoint must be signed Go (the plan feature fills in the gate).
        SELECT * INTO holder FROM ops.promotion_gate(project) LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'promotion of % refused: checkpoint "%" is %', env_name, holder.checkpoint_title, holder.decision
                USING ERRCODE = '55006';
        END IF;
    END IF;
    BEGIN
        INSERT INTO ops.rollouts (project_id, environment_id, kind, idempotency_key, from_deployment, target,
                                  reason, requested_by)
        VALUES (project, p_environment, p_kind, p_key, current, p_target, coalesce(p_reason, ''), session_user)
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
    RETURN new_id;
END
$$;

-- Moves a rollout along its state machine; refuses a transition the machine does not have, so a
-- finished rollout can never be re-opened. Also the heartbeat (same state, new message).
CREATE FUNCTION ops.advance_rollout(p_rollout bigint, p_state text, p_message text, p_evidence jsonb)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    r ops.rollouts%ROWTYPE;
    allowed boolean;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT * INTO r FROM ops.rollouts WHERE id = p_rollout FOR UPDATE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'no rollout with id %', p_rollout USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.require_member(r.project_id);
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

-- Crash recovery: takes over an unfinished rollout whose console stopped its heartbeat more than
-- p_stale_seconds ago. Returns true to exactly one caller (the row lock and the re-check decide).
CREATE FUNCTION ops.claim_stale_rollout(p_rollout bigint, p_stale_seconds integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    r ops.rollouts%ROWTYPE;
BEGIN
    PERFORM ops.require_role('ops_operator');
    SELECT * INTO r FROM ops.rollouts WHERE id = p_rollout FOR UPDATE;
    IF NOT FOUND OR r.state NOT IN ('requested', 'running', 'verifying')
       OR r.updated_at > clock_timestamp() - make_interval(secs => p_stale_seconds) THEN
        RETURN false;
    END IF;
    PERFORM ops.require_member(r.project_id);
    UPDATE ops.rollouts SET updated_at = clock_timestamp() WHERE id = p_rollout;
    PERFORM ops.append_audit(r.project_id, 'rollout.recovering', 'rollout ' || p_rollout,
        jsonb_build_object('state', r.state, 'last_heartbeat', r.updated_at));
    RETURN true;
END
$$;

CREATE FUNCTION ops.lock_environment(p_environment bigint, p_reason text, p_until timestamptz)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.environment_project(p_environment);
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(project);
    INSERT INTO ops.environment_locks (environment_id, project_id, locked_by, reason, locked_until)
    VALUES (p_environment, project, session_user, p_reason, p_until)
    ON CONFLICT (environment_id) DO UPDATE
        SET locked_by = EXCLUDED.locked_by, reason = EXCLUDED.reason, locked_at = now(),
            locked_until = EXCLUDED.locked_until;
    PERFORM ops.append_audit(project, 'environment.locked', 'environment ' || p_environment,
        jsonb_build_object('reason', p_reason, 'until', p_until));
END
$$;

CREATE FUNCTION ops.unlock_environment(p_environment bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    project bigint := ops.environment_project(p_environment);
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(project);
    DELETE FROM ops.environment_locks WHERE environment_id = p_environment;
    PERFORM ops.append_audit(project, 'environment.unlocked', 'environment ' || p_environment, '{}'::jsonb);
END
$$;

-- The plan feature replaces this with CREATE OR REPLACE: one row per unsigned checkpoint that
-- blocks promotion. No plan, no rows, no block.
CREATE FUNCTION ops.promotion_gate(p_project bigint) RETURNS TABLE (checkpoint_title text, decision text)
LANGUAGE sql STABLE AS $$
    SELECT NULL::text, NULL::text WHERE false
$$;

REVOKE EXECUTE ON FUNCTION ops.environment_project(bigint),
    ops.upsert_environment(bigint, text, text, text),
    ops.record_deployment(bigint, text, text, text, text, timestamptz, text, text, text, boolean, boolean),
    ops.start_rollout(bigint, text, bigint, text, text),
    ops.advance_rollout(bigint, text, text, jsonb),
    ops.claim_stale_rollout(bigint, integer),
    ops.lock_environment(bigint, text, timestamptz),
    ops.unlock_environment(bigint),
    ops.promotion_gate(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.promotion_gate(bigint) TO ops_viewer;
GRANT EXECUTE ON FUNCTION ops.environment_project(bigint),
    ops.upsert_environment(bigint, text, text, text),
    ops.record_deployment(bigint, text, text, text, text, timestamptz, text, text, text, boolean, boolean),
    ops.start_rollout(bigint, text, bigint, text, text),
    ops.advance_rollout(bigint, text, text, jsonb),
    ops.claim_stale_rollout(bigint, integer),
    ops.lock_environment(bigint, text, timestamptz),
    ops.unlock_environment(bigint) TO ops_operator;
