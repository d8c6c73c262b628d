-- SPDX-License-Identifier: MIT
-- 0004: sandbox violations: what the coding agents' sandbox blocked (or allowed), per project.
--
-- Writes only through SECURITY DEFINER functions:
--   ops.report_violation(...)        one event from the platform (role ops_sandbox_reporter);
--   ops.ingest_violations(...)       a batch from the console's importers/tailers (unnest of arrays:
--                                    one statement per batch, never a round trip per event);
--   ops.record_unparsed(...)         a batch of lines no parser understood, with file and line;
--   ops.save_ingest_position(...)    where a tailed file was read up to, compare-and-set, in the same
--                                    transaction as the batch it covers: a restart resumes exactly;
--   ops.set_violation_status(...)    triage (ops_operator, audited).
-- Every insert statement sends ONE notification on channel 'ops_sandbox' (a statement-level trigger
-- over the transition table), so a 10,000-row batch wakes the tab once, not 10,000 times.

-- Cluster-wide role for the platform's reporting login: it may report, nothing else. Operators
-- include it (they run imports).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ops_sandbox_reporter') THEN
        BEGIN
            CREATE ROLE ops_sandbox_reporter NOLOGIN;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN
            NULL;  -- created concurrently by a migration in another database
        END;
    END IF;
END
$$;
GRANT ops_sandbox_reporter TO ops_operator;
GRANT USAGE ON SCHEMA ops TO ops_sandbox_reporter;

-- Trigram search on target and operation. pg_trgm is a trusted extension (PostgreSQL 13+), shipped
-- in Debian's postgresql-15 package. It may already live in another schema: the index below looks
-- its operator class up instead of assuming `public`.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE ops.sandbox_violations (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id        bigint NOT NULL REFERENCES ops.projects (id),
    occurred_at       timestamptz NOT NULL,
    received_at       timestamptz NOT NULL DEFAULT now(),
    -- where it came from
    machine           text NOT NULL DEFAULT '' CHECK (length(machine) <= 256),
    agent             text NOT NULL DEFAULT '' CHECK (length(agent) <= 256),
    session           text NOT NULL DEFAULT '' CHECK (length(session) <= 256),
    -- what happened
    kind              text NOT NULL CHECK (kind IN ('file_read', 'file_write', 'network', 'process', 'secret', 'other')),
    operation         text NOT NULL DEFAULT '' CHECK (length(operation) <= 512),
    target            text NOT NULL DEFAULT '' CHECK (length(target) <= 8192),  -- path, or host:port
    target_untrusted  boolean NOT NULL DEFAULT false,  -- text chosen by the sandboxed process (seccomp hints)
    rule              text NOT NULL DEFAULT '' CHECK (length(rule) <= 1024),   -- the rule that decided it
    decision          text NOT NULL DEFAULT 'blocked' CHECK (decision IN ('blocked', 'allowed')),
    severity          text NOT NULL DEFAULT 'medium' CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    -- triage
    status            text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'allowed', 'resolved')),
    status_note       text NOT NULL DEFAULT '',
    status_changed_at timestamptz,
    status_changed_by name,
    -- provenance
    source_format     text NOT NULL DEFAULT '' CHECK (length(source_format) <= 64),  -- which parser
    source_name       text NOT NULL DEFAULT '' CHECK (length(source_name) <= 4096),  -- file, or 'platform'
    source_line       bigint,
    raw               text NOT NULL DEFAULT '',  -- the original text, cut at 64 KiB by the client
    -- Idempotency: the same event reported twice (re-import of a file, a retried platform call)
    -- is stored once. Null means "no key": always inserted.
    dedup_key         text CHECK (length(dedup_key) <= 200)
);

-- Keyset paging newest first, per project; the filters' own indexes keep the same order.
CREATE INDEX sandbox_violations_page ON ops.sandbox_violations (project_id, occurred_at DESC, id DESC);
CREATE INDEX sandbox_violations_kind ON ops.sandbox_violations (project_id, kind, occurred_at DESC, id DESC);
CREATE INDEX sandbox_violations_status ON ops.sandbox_violations (project_id, status, occurred_at DESC, id DESC);
CREATE UNIQUE INDEX sandbox_violations_dedup ON ops.sandbox_violations (project_id, dedup_key)
    WHERE dedup_key IS NOT NULL;

DO $$
DECLARE
    trgm_schema name;
BEGIN
    SELECT n.nspname INTO trgm_schema
    FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    EXECUTE format('CREATE INDEX sandbox_violations_target_trgm ON ops.sandbox_violations USING gin (target %I.gin_trgm_ops)', trgm_schema);
    EXECUTE format('CREATE INDEX sandbox_violations_operation_trgm ON ops.sandbox_violations USING gin (operation %I.gin_trgm_ops)', trgm_schema);
END
$$;

-- Lines no parser understood: kept (cut) with file and line number, shown in the tab.
CREATE TABLE ops.sandbox_unparsed (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint NOT NULL REFERENCES ops.projects (id),
    received_at timestamptz NOT NULL DEFAULT now(),
    source_name text NOT NULL CHECK (length(source_name) <= 4096),
    line_number bigint NOT NULL CHECK (line_number >= 1),
    reason      text NOT NULL DEFAULT '' CHECK (length(reason) <= 1024),
    raw         text NOT NULL DEFAULT ''
);
CREATE INDEX sandbox_unparsed_page ON ops.sandbox_unparsed (project_id, id DESC);

-- Where each tailed file was read up to. `file_identity` is "device:inode" of the file the offset
-- belongs to, so a rotated or replaced file is recognised; `byte_offset` is the first byte not yet
-- ingested (always just after a newline: a partial last line is never consumed).
CREATE TABLE ops.sandbox_ingest_positions (
    project_id    bigint NOT NULL REFERENCES ops.projects (id),
    source_path   text NOT NULL CHECK (length(source_path) BETWEEN 1 AND 4096),
    file_identity text NOT NULL CHECK (length(file_identity) <= 200),
    byte_offset   bigint NOT NULL CHECK (byte_offset >= 0),
    line_number   bigint NOT NULL DEFAULT 0 CHECK (line_number >= 0),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project_id, source_path)
);

ALTER TABLE ops.sandbox_violations ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.sandbox_unparsed ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.sandbox_ingest_positions ENABLE ROW LEVEL SECURITY;
CREATE POLICY sandbox_violations_visible ON ops.sandbox_violations FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY sandbox_unparsed_visible ON ops.sandbox_unparsed FOR SELECT USING (ops.is_member(project_id));
CREATE POLICY sandbox_positions_visible ON ops.sandbox_ingest_positions FOR SELECT USING (ops.is_member(project_id));
GRANT SELECT ON ops.sandbox_violations, ops.sandbox_unparsed, ops.sandbox_ingest_positions TO ops_viewer;

-- One notification per INSERT statement: {"projects":[..],"rows":N,"max_id":M}. The payload stays
-- small whatever the batch size (a batch rarely spans more than one project).
CREATE FUNCTION ops.notify_sandbox_inserted() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    payload text;
BEGIN
    SELECT json_build_object('projects', array_agg(DISTINCT project_id), 'rows', count(*), 'max_id', max(id))::text
    INTO payload FROM inserted;
    IF payload IS NOT NULL AND (SELECT count(*) FROM inserted) > 0 THEN
        PERFORM pg_notify('ops_sandbox', payload);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER sandbox_violations_notify AFTER INSERT ON ops.sandbox_violations
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION ops.notify_sandbox_inserted();

-- The platform reports one event. Returns the new id, or null when dedup_key was already stored.
CREATE FUNCTION ops.report_violation(p_project bigint, p_occurred_at timestamptz, p_machine text, p_agent text,
                                     p_session text, p_kind text, p_operation text, p_target text,
                                     p_rule text, p_decision text, p_severity text, p_raw text,
                                     p_dedup_key text DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_role('ops_sandbox_reporter');
    PERFORM ops.require_member(p_project);
    INSERT INTO ops.sandbox_violations (project_id, occurred_at, machine, agent, session, kind, operation,
                                        target, rule, decision, severity, source_format, source_name, raw, dedup_key)
    VALUES (p_project, coalesce(p_occurred_at, now()), coalesce(p_machine, ''), coalesce(p_agent, ''),
            coalesce(p_session, ''), p_kind, coalesce(p_operation, ''), coalesce(p_target, ''),
            coalesce(p_rule, ''), coalesce(p_decision, 'blocked'), coalesce(p_severity, 'medium'),
            'platform', 'platform', coalesce(p_raw, ''), p_dedup_key)
    ON CONFLICT (project_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING
    RETURNING id INTO new_id;
    RETURN new_id;
END
$$;

-- A batch from the console's parsers: parallel arrays of equal length, one INSERT ... SELECT FROM
-- unnest(...). Returns how many rows were inserted (the rest had a dedup_key already stored).
CREATE FUNCTION ops.ingest_violations(p_project bigint, p_occurred_at timestamptz[], p_machine text[],
                                      p_agent text[], p_session text[], p_kind text[], p_operation text[],
                                      p_target text[], p_target_untrusted boolean[], p_rule text[],
                                      p_decision text[], p_severity text[], p_source_format text[],
                                      p_source_name text[], p_source_line bigint[], p_raw text[],
                                      p_dedup_key text[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    inserted bigint;
BEGIN
    PERFORM ops.require_role('ops_sandbox_reporter');
    PERFORM ops.require_member(p_project);
    INSERT INTO ops.sandbox_violations (project_id, occurred_at, machine, agent, session, kind, operation, target,
                                        target_untrusted, rule, decision, severity, source_format, source_name,
                                        source_line, raw, dedup_key)
    SELECT p_project, u.occurred_at, u.machine, u.agent, u.session, u.kind, u.operation, u.target,
           u.untrusted, u.rule, u.decision, u.severity, u.format, u.name, u.line, u.raw, u.dedup
    FROM unnest(p_occurred_at, p_machine, p_agent, p_session, p_kind, p_operation, p_target, p_target_untrusted,
                p_rule, p_decision, p_severity, p_source_format, p_source_name, p_source_line, p_raw, p_dedup_key)
         AS u(occurred_at, machine, agent, session, kind, operation, target, untrusted, rule, decision, severity,
              format, name, line, raw, dedup)
    ON CONFLICT (project_id, dedup_key) WHERE dedup_key IS NOT NULL DO NOTHING;
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN inserted;
END
$$;

CREATE FUNCTION ops.record_unparsed(p_project bigint, p_source_name text[], p_line_number bigint[],
                                    p_reason text[], p_raw text[])
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    inserted bigint;
BEGIN
    PERFORM ops.require_role('ops_sandbox_reporter');
    PERFORM ops.require_member(p_project);
    INSERT INTO ops.sandbox_unparsed (project_id, source_name, line_number, reason, raw)
    SELECT p_project, u.name, u.line, u.reason, u.raw
    FROM unnest(p_source_name, p_line_number, p_reason, p_raw) AS u(name, line, reason, raw);
    GET DIAGNOSTICS inserted = ROW_COUNT;
    RETURN inserted;
END
$$;

-- Compare-and-set of a tailed file's position: succeeds only when the stored position is still
-- (p_expected_identity, p_expected_offset) (both null: no position stored yet). Called in the same
-- transaction as the batch it covers, so either both commit or neither: nothing lost, nothing twice,
-- and two tailers of the same file cannot both commit the same lines (the loser gets 40001).
CREATE FUNCTION ops.save_ingest_position(p_project bigint, p_source_path text, p_expected_identity text,
                                         p_expected_offset bigint, p_identity text, p_offset bigint,
                                         p_line_number bigint)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    current ops.sandbox_ingest_positions%ROWTYPE;
BEGIN
    PERFORM ops.require_role('ops_sandbox_reporter');
    PERFORM ops.require_member(p_project);
    SELECT * INTO current FROM ops.sandbox_ingest_positions
    WHERE project_id = p_project AND source_path = p_source_path FOR UPDATE;
    IF FOUND THEN
        IF p_expected_identity IS DISTINCT FROM current.file_identity
           OR p_expected_offset IS DISTINCT FROM current.byte_offset THEN
            RAISE EXCEPTION 'ingest position of % moved underneath this tailer', p_source_path
                USING ERRCODE = '40001';
        END IF;
        UPDATE ops.sandbox_ingest_positions
        SET file_identity = p_identity, byte_offset = p_offset, line_number = p_line_number, updated_at = now()
        WHERE project_id = p_project AND source_path = p_source_path;
    ELSE
        IF p_expected_identity IS NOT NULL THEN
            RAISE EXCEPTION 'ingest position of % moved underneath this tailer', p_source_path
                USING ERRCODE = '40001';
        END IF;
        INSERT INTO ops.sandbox_ingest_positions (project_id, source_path, file_identity, byte_offset, line_number)
        VALUES (p_project, p_source_path, p_identity, p_offset, p_line_number);
    END IF;
END
$$;

-- Triage of a set of events (bulk acknowledge / resolve / allow). Audited. Returns rows changed.
CREATE FUNCTION ops.set_violation_status(p_project bigint, p_ids bigint[], p_status text, p_note text)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    changed_ids bigint[];
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    IF p_status IS NULL OR p_status NOT IN ('new', 'acknowledged', 'allowed', 'resolved') THEN
        RAISE EXCEPTION 'unknown triage status: %', p_status USING ERRCODE = '22023';
    END IF;
    WITH changed AS (
        UPDATE ops.sandbox_violations
        SET status = p_status, status_note = coalesce(p_note, ''), status_changed_at = now(),
            status_changed_by = session_user
        WHERE project_id = p_project AND id = ANY (p_ids) AND status IS DISTINCT FROM p_status
        RETURNING id)
    SELECT coalesce(array_agg(id ORDER BY id), '{}') INTO changed_ids FROM changed;
    IF cardinality(changed_ids) > 0 THEN
        PERFORM ops.append_audit(p_project, 'sandbox.status_changed',
                                 format('%s sandbox violations -> %s', cardinality(changed_ids), p_status),
                                 jsonb_build_object('ids', to_jsonb(changed_ids), 'status', p_status,
                                                    'note', coalesce(p_note, '')));
    END IF;
    RETURN cardinality(changed_ids);
END
$$;

REVOKE EXECUTE ON FUNCTION ops.notify_sandbox_inserted(),
    ops.report_violation(bigint, timestamptz, text, text, text, text, text, text, text, text, text, text, text),
    ops.ingest_violations(bigint, timestamptz[], text[], text[], text[], text[], text[], text[], boolean[], text[],
                          text[], text[], text[], text[], bigint[], text[], text[]),
    ops.record_unparsed(bigint, text[], bigint[], text[], text[]),
    ops.save_ingest_position(bigint, text, text, bigint, text, bigint, bigint),
    ops.set_violation_status(bigint, bigint[], text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION
    ops.report_violation(bigint, timestamptz, text, text, text, text, text, text, text, text, text, text, text),
    ops.ingest_violations(bigint, timestamptz[], text[], text[], text[], text[], text[], text[], boolean[], text[],
                          text[], text[], text[], text[], bigint[], text[], text[]),
    ops.record_unparsed(bigint, text[], bigint[], text[], text[]),
    ops.save_ingest_position(bigint, text, text, bigint, text, bigint, bigint)
    TO ops_sandbox_reporter;
GRANT EXECUTE ON FUNCTION ops.set_violation_status(bigint, bigint[], text, text) TO ops_operator;
-- The reporter needs membership checks and is_member to run inside the functions above.
GRANT EXECUTE ON FUNCTION ops.is_member(bigint) TO ops_sandbox_reporter;
