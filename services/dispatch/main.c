/*
 * jrp-dispatch - measures to per-agency task streams; the check service
 *
 * Pulls adjudicate's change log; tasks.c turns each change into tasks for the
 * executing agencies, check.c answers agencies before they approve a matter.
 * Its outbound log (changes, tasks, checks) is what feedback pulls; each
 * agency reads its own slice of it with tasks.fetch and acknowledges with
 * tasks.ack (the agency's cursor is kept here).
 */
#include "dispatch.h"
#include "proto.h"

static const char *const dbs[] = { "meta", "out", "astream", "acks", "active", "etasks" };

static const jrp_route routes[] = {
	/* agencies read their measures; departments their duties (notice, objection, repair, interview) */
	{ T_TASKS_FETCH, tasks_h_fetch, ROLE_AGENCY | ROLE_DEPARTMENT, 0 },
	{ T_TASKS_ACK, tasks_h_ack, ROLE_AGENCY | ROLE_DEPARTMENT, 0 },
	{ T_CHECK, check_h_check, ROLE_AGENCY | ROLE_DEPARTMENT | ROLE_OFFICE, ROUTE_READ },
	{ NULL, NULL, 0, 0 },
};

static const jrp_service dispatch = {
	.name = "dispatch",
	.svc = SVC_DISPATCH,
	.dbs = dbs,
	.ndbs = DB__N,
	.outlog = DB_OUT,
	.routes = routes,
	.upstream = SVC_ADJUDICATE,
	.apply = tasks_apply_change,
};

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &dispatch);
}
