-- SPDX-License-Identifier: MIT
-- 0002: the audit log every feature writes to (rollouts, triage, sign-offs, membership).
--
-- Append-only: nobody is granted INSERT/UPDATE/DELETE; rows are written only by ops.append_audit,
-- which SECURITY DEFINER feature functions call, and a trigger refuses UPDATE and DELETE even for
-- the owner's functions (a superuser can still disable the trigger: that is what the hash chain
-- is for). Each row carries the SHA-256 of the previous row's hash and its own canonical text, so
-- editing or deleting a row breaks every link after it; `ops-console audit verify` recomputes the
-- chain with ops.audit_row_hash and reports the first broken link.
--
-- Appends are serialised by a row lock on ops.audit_head (a transaction-level lock, so it also
-- works through a transaction pooler): the chain order is the commit order of the appends.

CREATE TABLE ops.audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint REFERENCES ops.projects (id),   -- null for cluster-wide actions
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor       name NOT NULL,                         -- session_user of the caller
    action      text NOT NULL CHECK (action ~ '^[a-z][a-z0-9_.-]{0,80}$'),  -- e.g. rollout.requested
    subject     text NOT NULL DEFAULT '',              -- what it is about, e.g. 'rollout 42'
    details     jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   bytea NOT NULL,
    row_hash    bytea NOT NULL
);
CREATE INDEX audit_log_project_at ON ops.audit_log (project_id, id DESC);

-- The single row whose lock serialises appends and which remembers the chain's tip.
CREATE TABLE ops.audit_head (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    last_id    bigint,
    last_hash  bytea NOT NULL
);
INSERT INTO ops.audit_head (last_id, last_hash) VALUES (NULL, sha256(''::bytea));

-- The canonical text of a row, hashed together with the previous hash. Also used by the verifier,
-- so there is exactly one definition of what a row's hash covers.
CREATE FUNCTION ops.audit_row_hash(p_prev bytea, p_id bigint, p_project bigint, p_at timestamptz,
                                   p_actor name, p_action text, p_subject text, p_details jsonb)
RETURNS bytea
LANGUAGE sql IMMUTABLE AS $$
    SELECT sha256(p_prev || convert_to(concat_ws(E'\x1f',
        p_id::text, coalesce(p_project::text, ''),
        to_char(p_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        p_actor::text, p_action, p_subject, p_details::text), 'UTF8'))
$$;

-- Appends one entry; returns its id. Called from SECURITY DEFINER feature functions (which have
-- already checked the caller's role) and directly by operators for console-side events.
CREATE FUNCTION ops.append_audit(p_project bigint, p_action text, p_subject text, p_details jsonb)
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    head      ops.audit_head%ROWTYPE;
    new_id    bigint;
    new_at    timestamptz := clock_timestamp();
    new_hash  bytea;
    details   jsonb := coalesce(p_details, '{}'::jsonb);
BEGIN
    PERFORM ops.require_role('ops_operator');
    IF p_project IS NOT NULL THEN
        PERFORM ops.require_member(p_project);
    END IF;
    SELECT * INTO head FROM ops.audit_head FOR UPDATE;
    new_id := nextval(pg_get_serial_sequence('ops.audit_log', 'id'));
    new_hash := ops.audit_row_hash(head.last_hash, new_id, p_project, new_at, session_user, p_action,
                                   coalesce(p_subject, ''), details);
    INSERT INTO ops.audit_log (id, project_id, at, actor, action, subject, details, prev_hash, row_hash)
    OVERRIDING SYSTEM VALUE
    VALUES (new_id, p_project, new_at, session_user, p_action, coalesce(p_subject, ''), details,
            head.last_hash, new_hash);
    UPDATE ops.audit_head SET last_id = new_id, last_hash = new_hash;
    RETURN new_id;
END
$$;

CREATE FUNCTION ops.refuse_audit_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ops.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION ops.refuse_audit_change();

ALTER TABLE ops.audit_log ENABLE ROW LEVEL SECURITY;
CREATE POLICY audit_visible ON ops.audit_log FOR SELECT
    USING ((project_id IS NULL AND pg_has_role(current_user, 'ops_admin', 'MEMBER'))
           OR (project_id IS NOT NULL AND ops.is_member(project_id))
           OR pg_has_role(current_user, 'ops_admin', 'MEMBER'));
GRANT SELECT ON ops.audit_log TO ops_viewer;

REVOKE EXECUTE ON FUNCTION ops.audit_row_hash(bytea, bigint, bigint, timestamptz, name, text, text, jsonb),
    ops.append_audit(bigint, text, text, jsonb), ops.refuse_audit_change() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.audit_row_hash(bytea, bigint, bigint, timestamptz, name, text, text, jsonb)
    TO ops_viewer;
GRANT EXECUTE ON FUNCTION ops.append_audit(bigint, text, text, jsonb) TO ops_operator;
