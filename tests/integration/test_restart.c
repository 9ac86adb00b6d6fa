/*
 * test_restart.c - a daemon killed at any point restarts from its cursor:
 * nothing lost, nothing repeated
 *
 * DESIGN.md "Data flow: logs and cursors": the consumer's cursor is committed
 * with its effects, so SIGKILL between any two commits is harmless. Here each
 * daemon is killed with SIGKILL while records flow, restarted, and the end
 * state is counted exactly (issue 4 runs the long randomised version).
 */
#include "../tap.h"
#include "codes.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#define N 40

static harness H;

static void org_code(int i, char out[19])
{
	h_uscc("91350100MA", i, out);
}

static int submit(int i, bool *dup)
{
	mw w;
	msg_in in;
	jrp_error e;
	char code[19], rid[32];
	int rc;
	org_code(i, code);
	snprintf(rid, sizeof rid, "TAX-R-%04d", i);
	h_tax_penalty(&w, rid, code, "测试企业", "tax_fraud", 5000000, NULL);
	rc = h_call(&H, SVC_INGEST, &w, &in, &e);
	if (rc == 0) {
		*dup = obj_bool(in.root, "duplicate");
		msg_in_free(&in);
	} else if (rc == JRP_EINVAL) {
		printf("# submit %d refused: %s %s\n", i, e.code, e.message);
		msg_in_free(&in);
	}
	mw_free(&w);
	return rc;
}

/* count - tasks with action in an agency's whole stream */
static int count_tasks(const char *agency, const char *action)
{
	uint64_t after = 0;
	int n = 0;
	for (;;) {
		mw w;
		msg_in in;
		jrp_error e;
		const msgpack_object *ts;
		mw_init(&w);
		h_req(&w, T_TASKS_FETCH, agency);
		mw_ku64(&w, "after", after);
		mw_ku64(&w, "max", 1000);
		int rc = h_call(&H, SVC_DISPATCH, &w, &in, &e);
		if (rc != 0) {
			printf("# tasks.fetch: %s %s: %s\n", e.code, e.field, e.message);
			if (rc == JRP_EINVAL)
				msg_in_free(&in);
			mw_free(&w);
			return -1;
		}
		mw_free(&w);
		ts = obj_get(in.root, "tasks");
		for (uint32_t i = 0; i < ts->via.array.size; i++)
			if (obj_str_eq(obj_get(&ts->via.array.ptr[i], "action"), action))
				n++;
		after = obj_u64(in.root, "cursor");
		if (ts->via.array.size == 0) {
			msg_in_free(&in);
			return n;
		}
		msg_in_free(&in);
	}
}

static void kill_and_restart_each(void)
{
	bool dup;
	int accepted = 0;
	for (int i = 0; i < N; i++) {
		if (submit(i, &dup) == 0 && !dup)
			accepted++;
		if (i == 10) {
			h_kill(&H, SVC_ADJUDICATE, SIGKILL);
			CHECK_INT(h_start_daemon(&H, SVC_ADJUDICATE), 0);
		}
		if (i == 20) {
			h_kill(&H, SVC_DISPATCH, SIGKILL);
			CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
			/* the restarted daemon keeps its test clock (stored with its state) */
		}
		if (i == 30) {
			h_kill(&H, SVC_INGEST, SIGKILL);
			CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
		}
	}
	CHECK_INT(accepted, N);
	/* every acknowledged record is there: resubmitting is a duplicate every time */
	for (int i = 0; i < N; i++)
		CHECK(submit(i, &dup) == 0 && dup);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), N);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_clock(&H, "2026-12-01T09:00:00+08:00"), 0);
	h_kill(&H, SVC_FEEDBACK, SIGKILL);
	CHECK_INT(h_start_daemon(&H, SVC_FEEDBACK), 0);
	h_kill(&H, SVC_DISPATCH, SIGKILL);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	CHECK_INT(h_settle(&H), 0);
	/* one entry, one mandatory and one recommended task per company: exactly */
	CHECK_INT(count_tasks("procurement_centre", "apply"), N);
	CHECK_INT(count_tasks("bank_regulator", "apply"), N);
	{
		mw w;
		msg_in in;
		jrp_error e;
		mw_init(&w);
		h_req(&w, T_STATS_GET, "office");
		CHECK_INT(h_call(&H, SVC_FEEDBACK, &w, &in, &e), 0);
		CHECK_INT(obj_u64(obj_get(in.root, "entries"), "black"), N);
		CHECK_INT(obj_u64(obj_get(in.root, "entries"), "proposed_total"), N);
		CHECK_INT(obj_u64(obj_get(in.root, "tasks"), "apply"), 2 * N);
		CHECK_INT(obj_u64(obj_get(in.root, "feedback"), "awaiting"), 2 * N);
		msg_in_free(&in);
		mw_free(&w);
	}
}

/* every daemon stops gracefully on SIGTERM and exits 0 (DESIGN.md: clean shutdown) */
static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(kill_and_restart_each);
	RUN(clean_shutdown);
	TAP_DONE();
}
