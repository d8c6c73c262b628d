-- SPDX-License-Identifier: MIT
-- 0006: plans imported from Markdown, daily standup, Go/No-Go checkpoints and their sign-offs.
--
-- Every imported thing carries a stable key derived from the file (task number, checkpoint title,
-- criterion text...), so re-importing an edited plan updates rows in place: check states, ticks,
-- standup entries and sign-offs survive. Items that disappear from the file are flagged `removed`,
-- never deleted (a sign-off's checkpoint must keep existing).
-- Sign-offs are append-only: no UPDATE/DELETE grant and a trigger refusing both, even for the
-- owner's functions; a later sign-off supersedes an earlier one.
-- Every change notifies channel 'ops_standup' with {"project": id, "what": ...} so other consoles
-- refresh live.

CREATE TABLE ops.plans (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES ops.projects (id),
    plan_key     text NOT NULL CHECK (length(plan_key) BETWEEN 1 AND 200),
    title        text NOT NULL,
    shape        text NOT NULL CHECK (shape IN ('day_by_day', 'phase_based')),
    source_name  text NOT NULL DEFAULT '',
    content      jsonb NOT NULL DEFAULT '{}'::jsonb,  -- objectives, metrics, risks, team, escalation, notes
    imported_at  timestamptz NOT NULL DEFAULT now(),
    imported_by  name NOT NULL DEFAULT session_user,
    UNIQUE (project_id, plan_key)
);

-- A day (day-by-day plans, "Day 2-3" spans days 2..3) or a phase (phase-based plans).
CREATE TABLE ops.plan_days (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES ops.projects (id),
    plan_id     bigint NOT NULL REFERENCES ops.plans (id),
    day_key     text NOT NULL,
    ordinal     int NOT NULL,
    title       text NOT NULL,
    day_from    int,
    day_to      int,
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- deliverables; phase duration, risk, status, readiness
    removed     boolean NOT NULL DEFAULT false,
    UNIQUE (plan_id, day_key)
);

CREATE TABLE ops.plan_tasks (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES ops.projects (id),
    plan_id     bigint NOT NULL REFERENCES ops.plans (id),
    day_id      bigint REFERENCES ops.plan_days (id),
    task_key    text NOT NULL,
    ordinal     int NOT NULL,
    number      int,
    title       text NOT NULL,
    estimate    text NOT NULL DEFAULT '',
    assignee    text NOT NULL DEFAULT '',
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,  -- steps, notes
    done        boolean NOT NULL DEFAULT false,
    done_by     name,
    done_at     timestamptz,
    removed     boolean NOT NULL DEFAULT false,
    UNIQUE (plan_id, task_key)
);

-- kind 'gate': a Go/No-Go checkpoint that is signed; 'list': must-have / nice-to-have criteria.
CREATE TABLE ops.checkpoints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id      bigint NOT NULL REFERENCES ops.projects (id),
    plan_id         bigint NOT NULL REFERENCES ops.plans (id),
    checkpoint_key  text NOT NULL,
    ordinal         int NOT NULL,
    title           text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('gate', 'list')),
    category        text NOT NULL DEFAULT '',  -- must_have, nice_to_have, phase_success, checkpoint
    decision_text   text NOT NULL DEFAULT '',
    removed         boolean NOT NULL DEFAULT false,
    UNIQUE (plan_id, checkpoint_key)
);

-- A criterion is manual (expression NULL: a person ticks it) or metric-bound (expression text such
-- as 'success_rate(1h) > 95%', evaluated by the console).
CREATE TABLE ops.checkpoint_criteria (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES ops.projects (id),
    checkpoint_id  bigint NOT NULL REFERENCES ops.checkpoints (id),
    criterion_key  text NOT NULL,
    ordinal        int NOT NULL,
    text           text NOT NULL,
    expression     text,
    checked        boolean NOT NULL DEFAULT false,
    checked_by     name,      -- null while only the file's [x] said so
    checked_at     timestamptz,
    removed        boolean NOT NULL DEFAULT false,
    UNIQUE (checkpoint_id, criterion_key)
);

CREATE TABLE ops.signoffs (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id     bigint NOT NULL REFERENCES ops.projects (id),
    checkpoint_id  bigint NOT NULL REFERENCES ops.checkpoints (id),
    decision       text NOT NULL CHECK (decision IN ('go', 'no_go')),
    comment        text NOT NULL DEFAULT '',
    snapshot       jsonb NOT NULL,   -- every criterion with its state and measured value at signing
    signed_by      name NOT NULL,
    signed_at      timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX signoffs_checkpoint_idx ON ops.signoffs (checkpoint_id, id DESC);

CREATE TABLE ops.standup_entries (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES ops.projects (id),
    entry_date  date NOT NULL,
    person      text NOT NULL CHECK (length(person) BETWEEN 1 AND 100),
    yesterday   text NOT NULL DEFAULT '',
    today       text NOT NULL DEFAULT '',
    blockers    text NOT NULL DEFAULT '',
    updated_at  timestamptz NOT NULL DEFAULT now(),
    updated_by  name NOT NULL DEFAULT session_user,
    UNIQUE (project_id, entry_date, person)
);

CREATE TABLE ops.blockers (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint NOT NULL REFERENCES ops.projects (id),
    entry_date   date NOT NULL,
    person       text NOT NULL DEFAULT '',
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 500),
    priority     text NOT NULL CHECK (priority IN ('P0', 'P1', 'P2')),
    raised_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
    raised_by    name NOT NULL,
    resolved_at  timestamptz,
    resolved_by  name,
    resolution   text NOT NULL DEFAULT ''
);
CREATE INDEX blockers_open_idx ON ops.blockers (project_id) WHERE resolved_at IS NULL;

-- Row-level security: members see their projects' rows; nobody writes directly.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['plans', 'plan_days', 'plan_tasks', 'checkpoints', 'checkpoint_criteria',
                             'signoffs', 'standup_entries', 'blockers'] LOOP
        EXECUTE format('ALTER TABLE ops.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON ops.%I FOR SELECT USING (ops.is_member(project_id))', t || '_visible', t);
        EXECUTE format('GRANT SELECT ON ops.%I TO ops_viewer', t);
    END LOOP;
END
$$;

CREATE FUNCTION ops.refuse_signoff_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'sign-offs are immutable: sign again to supersede' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER signoffs_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ops.signoffs
    FOR EACH STATEMENT EXECUTE FUNCTION ops.refuse_signoff_change();

CREATE FUNCTION ops.notify_standup(p_project bigint, p_what text) RETURNS void
LANGUAGE sql AS $$
    SELECT pg_notify('ops_standup', json_build_object('project', p_project, 'what', p_what)::text)
$$;

-- The one guard every change function below starts with: the caller (session_user) must hold
-- p_role, the row p_id of p_table (a plan table with project_id) must exist (P0002 "no <what> <id>"
-- otherwise), and the caller must be a member of its project. Returns that project.
-- p_table is always a constant written in this file, never caller text.
CREATE FUNCTION ops.require_plan_row(p_role name, p_table regclass, p_id bigint, p_what text) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
BEGIN
    PERFORM ops.require_role(p_role);
    EXECUTE format('SELECT project_id FROM %s WHERE id = $1', p_table) INTO v_project USING p_id;
    IF v_project IS NULL THEN
        RAISE EXCEPTION 'no % %', p_what, p_id USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.require_member(v_project);
    RETURN v_project;
END
$$;

-- The same for functions that name the project directly.
CREATE FUNCTION ops.require_project_role(p_role name, p_project bigint) RETURNS void
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role(p_role);
    PERFORM ops.require_member(p_project);
END
$$;

-- Imports (or re-imports) a whole plan given as JSON (see services/plan/PlanStore.cpp for the
-- shape). Rows are matched by stable keys; a person's tick (checked_by / done_by set) is never
-- overwritten by the file, the file's [x] only sets an untouched row. Returns the plan id.
CREATE FUNCTION ops.import_plan(p_project bigint, p_plan jsonb) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_plan bigint;
    v_day bigint;
    v_checkpoint bigint;
    d jsonb;
    t jsonb;
    c jsonb;
    k jsonb;
    d_ord int := 0;
    t_ord int := 0;
    c_ord int := 0;
    k_ord int;
BEGIN
    PERFORM ops.require_project_role('ops_operator', p_project);
    IF coalesce(p_plan->>'key', '') = '' THEN
        RAISE EXCEPTION 'a plan needs a key' USING ERRCODE = '22023';
    END IF;

    INSERT INTO ops.plans (project_id, plan_key, title, shape, source_name, content, imported_by)
    VALUES (p_project, p_plan->>'key', coalesce(p_plan->>'title', ''), p_plan->>'shape',
            coalesce(p_plan->>'source', ''), coalesce(p_plan->'content', '{}'::jsonb), session_user)
    ON CONFLICT (project_id, plan_key) DO UPDATE
        SET title = EXCLUDED.title, shape = EXCLUDED.shape, source_name = EXCLUDED.source_name,
            content = EXCLUDED.content, imported_at = now(), imported_by = session_user
    RETURNING id INTO v_plan;

    UPDATE ops.plan_days SET removed = true WHERE plan_id = v_plan;
    UPDATE ops.plan_tasks SET removed = true WHERE plan_id = v_plan;
    UPDATE ops.checkpoints SET removed = true WHERE plan_id = v_plan;
    UPDATE ops.checkpoint_criteria SET removed = true
        WHERE checkpoint_id IN (SELECT id FROM ops.checkpoints WHERE plan_id = v_plan);

    FOR d IN SELECT * FROM jsonb_array_elements(coalesce(p_plan->'days', '[]'::jsonb)) LOOP
        d_ord := d_ord + 1;
        INSERT INTO ops.plan_days (project_id, plan_id, day_key, ordinal, title, day_from, day_to, details)
        VALUES (p_project, v_plan, d->>'key', d_ord, coalesce(d->>'title', ''), (d->>'from')::int,
                (d->>'to')::int, coalesce(d->'details', '{}'::jsonb))
        ON CONFLICT (plan_id, day_key) DO UPDATE
            SET ordinal = EXCLUDED.ordinal, title = EXCLUDED.title, day_from = EXCLUDED.day_from,
                day_to = EXCLUDED.day_to, details = EXCLUDED.details, removed = false
        RETURNING id INTO v_day;
        FOR t IN SELECT * FROM jsonb_array_elements(coalesce(d->'tasks', '[]'::jsonb)) LOOP
            t_ord := t_ord + 1;
            INSERT INTO ops.plan_tasks (project_id, plan_id, day_id, task_key, ordinal, number, title,
                                        estimate, assignee, details, done)
            VALUES (p_project, v_plan, v_day, t->>'key', t_ord, (t->>'number')::int, coalesce(t->>'title', ''),
                    coalesce(t->>'estimate', ''), coalesce(t->>'assignee', ''),
                    coalesce(t->'details', '{}'::jsonb), coalesce((t->>'done')::boolean, false))
            ON CONFLICT (plan_id, task_key) DO UPDATE
                SET day_id = EXCLUDED.day_id, ordinal = EXCLUDED.ordinal, number = EXCLUDED.number,
                    title = EXCLUDED.title, estimate = EXCLUDED.estimate, assignee = EXCLUDED.assignee,
                    details = EXCLUDED.details, removed = false,
                    done = CASE WHEN plan_tasks.done_by IS NULL THEN EXCLUDED.done ELSE plan_tasks.done END;
        END LOOP;
    END LOOP;

    FOR c IN SELECT * FROM jsonb_array_elements(coalesce(p_plan->'checkpoints', '[]'::jsonb)) LOOP
        c_ord := c_ord + 1;
        INSERT INTO ops.checkpoints (project_id, plan_id, checkpoint_key, ordinal, title, kind, category, decision_text)
        VALUES (p_project, v_plan, c->>'key', c_ord, coalesce(c->>'title', ''), coalesce(c->>'kind', 'gate'),
                coalesce(c->>'category', ''), coalesce(c->>'decision', ''))
        ON CONFLICT (plan_id, checkpoint_key) DO UPDATE
            SET ordinal = EXCLUDED.ordinal, title = EXCLUDED.title, kind = EXCLUDED.kind,
                category = EXCLUDED.category, decision_text = EXCLUDED.decision_text, removed = false
        RETURNING id INTO v_checkpoint;
        k_ord := 0;
        FOR k IN SELECT * FROM jsonb_array_elements(coalesce(c->'criteria', '[]'::jsonb)) LOOP
            k_ord := k_ord + 1;
            -- The expression is kept when a person edited the binding (expression_edited in details
            -- is not tracked: an existing non-null expression wins over the importer's guess).
            INSERT INTO ops.checkpoint_criteria (project_id, checkpoint_id, criterion_key, ordinal, text, expression, checked)
            VALUES (p_project, v_checkpoint, k->>'key', k_ord, coalesce(k->>'text', ''), nullif(k->>'expression', ''),
                    coalesce((k->>'checked')::boolean, false))
            ON CONFLICT (checkpoint_id, criterion_key) DO UPDATE
                SET ordinal = EXCLUDED.ordinal, text = EXCLUDED.text, removed = false,
                    expression = coalesce(checkpoint_criteria.expression, EXCLUDED.expression),
                    checked = CASE WHEN checkpoint_criteria.checked_by IS NULL THEN EXCLUDED.checked
                                   ELSE checkpoint_criteria.checked END;
        END LOOP;
    END LOOP;

    PERFORM ops.append_audit(p_project, 'plan.imported', format('plan %s', v_plan),
                             jsonb_build_object('key', p_plan->>'key', 'title', p_plan->>'title'));
    PERFORM ops.notify_standup(p_project, 'plan');
    RETURN v_plan;
END
$$;

CREATE FUNCTION ops.set_task_done(p_task bigint, p_done boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
BEGIN
    v_project := ops.require_plan_row('ops_operator', 'ops.plan_tasks', p_task, 'task');
    UPDATE ops.plan_tasks SET done = p_done, done_by = session_user, done_at = clock_timestamp() WHERE id = p_task;
    PERFORM ops.notify_standup(v_project, 'task');
END
$$;

CREATE FUNCTION ops.set_criterion_checked(p_criterion bigint, p_checked boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
BEGIN
    v_project := ops.require_plan_row('ops_operator', 'ops.checkpoint_criteria', p_criterion, 'criterion');
    UPDATE ops.checkpoint_criteria SET checked = p_checked, checked_by = session_user, checked_at = clock_timestamp()
    WHERE id = p_criterion;
    PERFORM ops.notify_standup(v_project, 'criterion');
END
$$;

-- Binds a criterion to a metric expression (NULL or '' makes it manual again).
CREATE FUNCTION ops.set_criterion_expression(p_criterion bigint, p_expression text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
BEGIN
    v_project := ops.require_plan_row('ops_operator', 'ops.checkpoint_criteria', p_criterion, 'criterion');
    UPDATE ops.checkpoint_criteria SET expression = nullif(btrim(p_expression), '') WHERE id = p_criterion;
    PERFORM ops.notify_standup(v_project, 'criterion');
END
$$;

-- Signs a checkpoint Go or No-Go. The snapshot is built here from the criteria as stored (text,
-- binding, manual tick and who ticked it), merged with what the console measured:
-- p_values = {"<criterion id>": {"state": "met", "value": "97.2%"}, ...}. Returns the sign-off id.
CREATE FUNCTION ops.sign_checkpoint(p_checkpoint bigint, p_decision text, p_comment text, p_values jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
    v_title text;
    v_snapshot jsonb;
    v_id bigint;
BEGIN
    v_project := ops.require_plan_row('ops_approver', 'ops.checkpoints', p_checkpoint, 'checkpoint');
    SELECT title INTO v_title FROM ops.checkpoints WHERE id = p_checkpoint;
    IF p_decision NOT IN ('go', 'no_go') THEN
        RAISE EXCEPTION 'a decision is go or no_go, not %', p_decision USING ERRCODE = '22023';
    END IF;
    SELECT jsonb_build_object(
               'checkpoint', v_title,
               'criteria', coalesce(jsonb_agg(jsonb_build_object(
                   'id', k.id, 'text', k.text, 'expression', k.expression, 'checked', k.checked,
                   'checked_by', k.checked_by, 'checked_at', k.checked_at)
                   || coalesce(p_values -> k.id::text, '{}'::jsonb) ORDER BY k.ordinal), '[]'::jsonb))
    INTO v_snapshot
    FROM ops.checkpoint_criteria k WHERE k.checkpoint_id = p_checkpoint AND NOT k.removed;
    INSERT INTO ops.signoffs (project_id, checkpoint_id, decision, comment, snapshot, signed_by)
    VALUES (v_project, p_checkpoint, p_decision, coalesce(p_comment, ''), v_snapshot, session_user)
    RETURNING id INTO v_id;
    PERFORM ops.append_audit(v_project, 'checkpoint.signed', v_title,
                             jsonb_build_object('signoff', v_id, 'decision', p_decision));
    PERFORM ops.notify_standup(v_project, 'signoff');
    RETURN v_id;
END
$$;

CREATE FUNCTION ops.save_standup_entry(p_project bigint, p_date date, p_person text, p_yesterday text,
                                       p_today text, p_blockers text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM ops.require_project_role('ops_operator', p_project);
    INSERT INTO ops.standup_entries (project_id, entry_date, person, yesterday, today, blockers, updated_by)
    VALUES (p_project, p_date, p_person, coalesce(p_yesterday, ''), coalesce(p_today, ''), coalesce(p_blockers, ''), session_user)
    ON CONFLICT (project_id, entry_date, person) DO UPDATE
        SET yesterday = EXCLUDED.yesterday, today = EXCLUDED.today, blockers = EXCLUDED.blockers,
            updated_at = now(), updated_by = session_user
    RETURNING id INTO v_id;
    PERFORM ops.notify_standup(p_project, 'standup');
    RETURN v_id;
END
$$;

CREATE FUNCTION ops.raise_blocker(p_project bigint, p_date date, p_person text, p_title text, p_priority text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_id bigint;
BEGIN
    PERFORM ops.require_project_role('ops_operator', p_project);
    INSERT INTO ops.blockers (project_id, entry_date, person, title, priority, raised_by)
    VALUES (p_project, p_date, coalesce(p_person, ''), p_title, p_priority, session_user)
    RETURNING id INTO v_id;
    PERFORM ops.notify_standup(p_project, 'blocker');
    RETURN v_id;
END
$$;

CREATE FUNCTION ops.resolve_blocker(p_blocker bigint, p_resolution text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    v_project bigint;
BEGIN
    v_project := ops.require_plan_row('ops_operator', 'ops.blockers', p_blocker, 'blocker');
    UPDATE ops.blockers SET resolved_at = clock_timestamp(), resolved_by = session_user,
                            resolution = coalesce(p_resolution, '')
    WHERE id = p_blocker AND resolved_at IS NULL;
    PERFORM ops.notify_standup(v_project, 'blocker');
END
$$;

-- The deploy feature's gate: the current Go/No-Go checkpoint of the project's current plan (the
-- most recently created one) = the first gate, in plan order, whose latest sign-off is not Go;
-- with that latest decision ('no_go', or NULL when never signed). No row when every gate is Go
-- (or there is no plan). SECURITY INVOKER: the caller's row-level security applies.
CREATE OR REPLACE FUNCTION ops.promotion_gate(p_project bigint)
RETURNS TABLE (checkpoint_title text, decision text)
LANGUAGE sql STABLE AS $$
    WITH current_plan AS (
        SELECT id FROM ops.plans WHERE project_id = p_project ORDER BY id DESC LIMIT 1
    ), gates AS (
        SELECT c.title, c.ordinal,
               (SELECT s.decision FROM ops.signoffs s WHERE s.checkpoint_id = c.id ORDER BY s.id DESC LIMIT 1) AS latest
        FROM ops.checkpoints c JOIN current_plan p ON c.plan_id = p.id
        WHERE c.kind = 'gate' AND NOT c.removed
    )
    SELECT title, latest FROM gates WHERE latest IS DISTINCT FROM 'go' ORDER BY ordinal LIMIT 1
$$;

REVOKE EXECUTE ON FUNCTION ops.refuse_signoff_change(), ops.notify_standup(bigint, text),
    ops.require_plan_row(name, regclass, bigint, text), ops.require_project_role(name, bigint),
    ops.import_plan(bigint, jsonb), ops.set_task_done(bigint, boolean),
    ops.set_criterion_checked(bigint, boolean), ops.set_criterion_expression(bigint, text),
    ops.sign_checkpoint(bigint, text, text, jsonb),
    ops.save_standup_entry(bigint, date, text, text, text, text),
    ops.raise_blocker(bigint, date, text, text, text), ops.resolve_blocker(bigint, text),
    ops.promotion_gate(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.promotion_gate(bigint) TO ops_viewer;
GRANT EXECUTE ON FUNCTION ops.import_plan(bigint, jsonb), ops.set_task_done(bigint, boolean),
    ops.set_criterion_checked(bigint, boolean), ops.set_criterion_expression(bigint, text),
    ops.save_standup_entry(bigint, date, text, text, text, text),
    ops.raise_blocker(bigint, date, text, text, text), ops.resolve_blocker(bigint, text) TO ops_operator;
GRANT EXECUTE ON FUNCTION ops.sign_checkpoint(bigint, text, text, jsonb) TO ops_approver;
