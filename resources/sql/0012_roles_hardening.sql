-- SPDX-License-Identifier: MIT
-- Found by the role attack suite (tests/integration/RoleAttackTest.cpp): ops.environment_project is
-- SECURITY DEFINER and was executable by ops_operator, so any operator, including one who belongs
-- to no project, could learn which project owns any environment id. It is an internal helper of the
-- deploy functions (they run as the owner and keep calling it); no client calls it directly.
REVOKE EXECUTE ON FUNCTION ops.environment_project(bigint) FROM ops_operator;
