-- SPDX-License-Identifier: MIT
-- Foundation: roles, projects (tenants), membership, and the helpers every later migration uses.
-- Conventions are described in resources/sql/README.md.

-- Roles are cluster-wide and may already exist (another database on the same server, or a
-- console that migrated first): create each one only when missing.
DO $$
DECLARE
    role_name text;
BEGIN
    FOREACH role_name IN ARRAY ARRAY['ops_viewer', 'ops_operator', 'ops_approver', 'ops_admin'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created concurrently by a migration in another database
            END;
        END IF;
    END LOOP;
END
$$;

-- Each role includes the one before it.
GRANT ops_viewer TO ops_operator;
GRANT ops_operator TO ops_approver;
GRANT ops_approver TO ops_admin;

REVOKE ALL ON SCHEMA ops FROM PUBLIC;
GRANT USAGE ON SCHEMA ops TO ops_viewer;
-- Functions created later by the migrating role are not executable by PUBLIC unless granted.
ALTER DEFAULT PRIVILEGES IN SCHEMA ops REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC;
GRANT SELECT ON ops.schema_migrations TO ops_viewer;

CREATE TABLE ops.projects (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    slug        text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now(),
    created_by  name NOT NULL DEFAULT session_user
);

CREATE TABLE ops.project_members (
    project_id bigint NOT NULL REFERENCES ops.projects (id) ON DELETE CASCADE,
    member     name NOT NULL,  -- a PostgreSQL login role
    added_at   timestamptz NOT NULL DEFAULT now(),
    added_by   name NOT NULL DEFAULT session_user,
    PRIMARY KEY (project_id, member)
);
CREATE INDEX project_members_member_idx ON ops.project_members (member);

-- Row visibility helper for policies. SECURITY INVOKER on purpose: current_user is the querying
-- role, and project_members' own policy lets each role see its own memberships only.
CREATE FUNCTION ops.is_member(p_project bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM ops.project_members m
                   WHERE m.project_id = p_project AND m.member = current_user)
$$;

-- Checks used inside SECURITY DEFINER functions, where current_user is the function's owner:
-- they look at session_user, the role that logged in. Superusers pass (the embedded default
-- connects as the cluster's superuser).
CREATE FUNCTION ops.caller_is_superuser() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
$$;

CREATE FUNCTION ops.require_role(p_role name) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT (ops.caller_is_superuser() OR pg_has_role(session_user, p_role, 'MEMBER')) THEN
        RAISE EXCEPTION 'permission denied: % is not a member of %', session_user, p_role
            USING ERRCODE = '42501', HINT = format('an administrator can grant it: GRANT %s TO %s', p_role, session_user);
    END IF;
END
$$;

CREATE FUNCTION ops.require_member(p_project bigint) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT (ops.caller_is_superuser() OR EXISTS (
            SELECT 1 FROM ops.project_members m WHERE m.project_id = p_project AND m.member = session_user)) THEN
        RAISE EXCEPTION 'permission denied: % is not a member of project %', session_user, p_project
            USING ERRCODE = '42501';
    END IF;
END
$$;

-- The caller's highest console role, for the GUI: admin, approver, operator, viewer or none.
CREATE FUNCTION ops.current_role_level() RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN ops.caller_is_superuser() OR pg_has_role(session_user, 'ops_admin', 'MEMBER') THEN 'admin'
        WHEN pg_has_role(session_user, 'ops_approver', 'MEMBER') THEN 'approver'
        WHEN pg_has_role(session_user, 'ops_operator', 'MEMBER') THEN 'operator'
        WHEN pg_has_role(session_user, 'ops_viewer', 'MEMBER') THEN 'viewer'
        ELSE 'none' END
$$;

ALTER TABLE ops.projects ENABLE ROW LEVEL SECURITY;
ALTER TABLE ops.project_members ENABLE ROW LEVEL SECURITY;

CREATE POLICY projects_visible ON ops.projects FOR SELECT
    USING (ops.is_member(id) OR pg_has_role(current_user, 'ops_admin', 'MEMBER'));
CREATE POLICY members_visible ON ops.project_members FOR SELECT
    USING (member = current_user OR pg_has_role(current_user, 'ops_admin', 'MEMBER'));

-- Reads are direct (filtered by the policies); every change goes through a function below.
GRANT SELECT ON ops.projects, ops.project_members TO ops_viewer;

CREATE FUNCTION ops.create_project(p_slug text, p_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_role('ops_admin');
    INSERT INTO ops.projects (slug, name, created_by) VALUES (p_slug, p_name, session_user) RETURNING id INTO new_id;
    INSERT INTO ops.project_members (project_id, member, added_by) VALUES (new_id, session_user, session_user);
    RETURN new_id;
END
$$;

CREATE FUNCTION ops.add_project_member(p_project bigint, p_member name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_admin');
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_member AND rolcanlogin) THEN
        RAISE EXCEPTION 'no login role named %', p_member USING ERRCODE = '42704';
    END IF;
    INSERT INTO ops.project_members (project_id, member, added_by) VALUES (p_project, p_member, session_user)
    ON CONFLICT DO NOTHING;
END
$$;

CREATE FUNCTION ops.remove_project_member(p_project bigint, p_member name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_admin');
    DELETE FROM ops.project_members WHERE project_id = p_project AND member = p_member;
END
$$;

-- An operator's state change on a project: the pattern every later feature follows.
CREATE FUNCTION ops.set_project_description(p_project bigint, p_description text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_operator');
    PERFORM ops.require_member(p_project);
    UPDATE ops.projects SET description = p_description WHERE id = p_project;
END
$$;

REVOKE EXECUTE ON ALL FUNCTIONS IN SCHEMA ops FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.is_member(bigint), ops.current_role_level(), ops.caller_is_superuser()
    TO ops_viewer;
GRANT EXECUTE ON FUNCTION ops.set_project_description(bigint, text) TO ops_operator;
GRANT EXECUTE ON FUNCTION ops.create_project(text, text), ops.add_project_member(bigint, name),
    ops.remove_project_member(bigint, name) TO ops_admin;

-- The demo project the embedded default shows; external databases get it too, harmlessly.
INSERT INTO ops.projects (slug, name, description)
VALUES ('demo', 'Demo platform', 'The demo platform started by the embedded default');
