/*
 * jrp-adjudicate - list standards, list state, deadlines, cross-checks
 *
 * Pulls ingest's event log, applies the standards of the catalogue (lists.c),
 * keeps every entry's life and appends each change to the change log that
 * dispatch pulls; takes the actions on entries (actions.c) and keeps the
 * publication log (publish.c). entries.get answers what a subject's entries are.
 */
#include "daemon.h"
#include "lists.h"
#include "proto.h"
#include <string.h>

static const char *const dbs[] = { "meta", "changes", "entries", "by_subject", "due", "by_standard", "links",
				   "publication" };

static int h_entries_get(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e)
{
	char code[33];
	int rc;
	if ((rc = mr_cstr(&r->body, "subject", MR_REQ, 32, code)) < 0)
		return rc;
	mw_kstr(out, "subject", code);
	mw_str(out, "entries");
	return lists_subject(d, txn, code, out);
}

/* reload - DOMAIN.md Life 8 [001 §(五)6]: entries whose standard changed so that they no longer
 * fit exit; the reply says which */
static int reload(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, jrp_error *e)
{
	size_t n = 0;
	int rc;
	mw_str(out, "changed");
	mw_arr(out);
	rc = lists_reevaluate(d, txn, old, out, &n);
	mw_end(out);
	mw_ku64(out, "changed_total", n);
	return rc;
}

static int apply(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *rec, jrp_error *e)
{
	return lists_apply_event(d, txn, seq, rec, e);
}

#define ANYONE (ROLE_DEPARTMENT | ROLE_OFFICE | ROLE_AGENCY)

static const jrp_route routes[] = {
	{ T_ENTRIES_GET, h_entries_get, ANYONE, 0 },
	{ T_ENTRY_NOTICE, actions_h_notice, ROLE_DEPARTMENT, ROUTE_ATOMIC },
	{ T_OBJECTION_FILE, actions_h_objection_file, ANYONE, ROUTE_ATOMIC },
	{ T_OBJECTION_DECIDE, actions_h_objection_decide, ROLE_DEPARTMENT | ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_REPAIR_APPLY, actions_h_repair_apply, ROLE_DEPARTMENT | ROLE_OFFICE, ROUTE_ATOMIC },
	{ T_REPAIR_DECIDE, actions_h_repair_decide, ROLE_DEPARTMENT, ROUTE_ATOMIC },
	{ T_REWARD_ABUSE, actions_h_reward_abuse, ANYONE, ROUTE_ATOMIC },
	{ T_PUBLICATION_FETCH, publish_h_fetch, 0, 0 },
	{ NULL, NULL, 0, 0 },
};

static const jrp_service adjudicate = {
	.name = "adjudicate",
	.svc = SVC_ADJUDICATE,
	.dbs = dbs,
	.ndbs = DB__N,
	.outlog = DB_CHANGES,
	.routes = routes,
	.upstream = SVC_INGEST,
	.apply = apply,
	.tick = lists_tick,
	.reload = reload,
};

int main(int argc, char **argv)
{
	return daemon_main(argc, argv, &adjudicate);
}
