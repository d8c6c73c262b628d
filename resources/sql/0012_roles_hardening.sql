-- SPDX-License-Identifier: MIT
-- Roles and projects hardening.
-- Found by the role attack suite (tests/integration/RoleAttackTest.cpp): ops.environment_project is
-- SECURITY DEFINER and was executable by ops_operator, so any operator, including one who belongs
-- to no project, could learn which project owns any environment id. It is an internal helper of the
-- deploy functions (they run as the owner and keep calling it); no client calls it directly.
REVOKE EXECUTE ON FUNCTION ops.environment_project(bigint) FROM ops_operator;

-- Membership changes are audited. The entry has no project (append_audit would otherwise require
-- the administrator to be a member of the project they manage); the project is in its details,
-- and administrators see project-less entries.
CREATE OR REPLACE FUNCTION ops.create_project(p_slug text, p_name text) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
DECLARE
    new_id bigint;
BEGIN
    PERFORM ops.require_role('ops_admin');
    INSERT INTO ops.projects (slug, name, created_by) VALUES (p_slug, p_name, session_user) RETURNING id INTO new_id;
    INSERT INTO ops.project_members (project_id, member, added_by) VALUES (new_id, session_user, session_user);
    PERFORM ops.append_audit(NULL, 'project.created', p_slug, jsonb_build_object('project', new_id, 'name', p_name));
    RETURN new_id;
END
$$;

CREATE OR REPLACE FUNCTION ops.add_project_member(p_project bigint, p_member name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_admin');
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = p_member AND rolcanlogin) THEN
        RAISE EXCEPTION 'no login role named %', p_member USING ERRCODE = '42704';
    END IF;
    INSERT INTO ops.project_members (project_id, member, added_by) VALUES (p_project, p_member, session_user)
    ON CONFLICT DO NOTHING;
    IF FOUND THEN
        PERFORM ops.append_audit(NULL, 'project.member_added', p_member,
                                 jsonb_build_object('project', p_project, 'member', p_member));
    END IF;
END
$$;

-- Removing someone who is not a member is an error (P0002), so a typo is not reported as done.
CREATE OR REPLACE FUNCTION ops.remove_project_member(p_project bigint, p_member name) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    PERFORM ops.require_role('ops_admin');
    DELETE FROM ops.project_members WHERE project_id = p_project AND member = p_member;
    IF NOT FOUND THEN
        RAISE EXCEPTION '% is not a member of project %', p_member, p_project USING ERRCODE = 'P0002';
    END IF;
    PERFORM ops.append_audit(NULL, 'project.member_removed', p_member,
                             jsonb_build_object('project', p_project, 'member', p_member));
END
$$;

-- A role's highest console role (ops.current_role_level for any role), for member lists.
CREATE FUNCTION ops.role_level(p_role name) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN coalesce((SELECT rolsuper FROM pg_roles WHERE rolname = p_role), false)
             OR pg_has_role(p_role, 'ops_admin', 'MEMBER') THEN 'admin'
        WHEN pg_has_role(p_role, 'ops_approver', 'MEMBER') THEN 'approver'
        WHEN pg_has_role(p_role, 'ops_operator', 'MEMBER') THEN 'operator'
        WHEN pg_has_role(p_role, 'ops_viewer', 'MEMBER') THEN 'viewer'
        ELSE 'none' END
$$;

-- A project's members with their levels, for any member of the project (the table's own policy
-- shows a non-administrator only their own row).
CREATE FUNCTION ops.list_project_members(p_project bigint)
RETURNS TABLE (member name, level text, added_at timestamptz, added_by name)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, ops AS $$
BEGIN
    IF NOT pg_has_role(session_user, 'ops_admin', 'MEMBER') THEN
        PERFORM ops.require_member(p_project);
    END IF;
    RETURN QUERY
        SELECT m.member, CASE WHEN EXISTS (SELECT 1 FROM pg_roles r WHERE r.rolname = m.member)
                              THEN ops.role_level(m.member) ELSE 'dropped' END,
               m.added_at, m.added_by
        FROM ops.project_members m WHERE m.project_id = p_project ORDER BY m.member;
END
$$;

REVOKE EXECUTE ON FUNCTION ops.role_level(name), ops.list_project_members(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION ops.role_level(name), ops.list_project_members(bigint) TO ops_viewer;
