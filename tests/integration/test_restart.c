/*
 * test_restart.c - a daemon killed at any point restarts from its cursor:
 * nothing lost, nothing repeated
 *
 * DESIGN.md "Data flow: logs and cursors": the consumer's cursor is committed
 * with its effects, so SIGKILL between any two commits is harmless. Here each
 * daemon is killed with SIGKILL while records flow, restarted, and the end
 * state is counted exactly (issue 4 runs the long randomised version).
 * Checks are answered before their record reaches dispatch's log (journal.h):
 * killed right after the answers, dispatch still logs each answered check
 * exactly once, and a torn journal tail costs nothing that was answered; the
 * journal's segments (64 KiB here) roll over while it runs and are deleted
 * once moved.
 */
#include "../tap.h"
#include "codes.h"
#include "harness.h"
#include "journal.h"
#include "proto.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
	h_tax_penalty(&w, rid, code, "测试企业", "tax_fraud", 5000000, NULL, "2026-11-20");
	rc = h_call(&H, SVC_INGEST, &w, &in, &e);
	if (rc == 0) {
		*dup = obj_bool(in.root, "duplicate");
		msg_in_free(&in);
	} else if (rc == JRP_EREPLY) {
		printf("# submit %d refused: %s %s\n", i, e.code, e.message);
		msg_in_free(&in);
	}
	mw_free(&w);
	return rc;
}

typedef struct action_count {
	const char *action;
	int n;
} action_count;

static void count_action(void *arg, const msgpack_object *t)
{
	action_count *a = arg;
	a->n += obj_str_eq(obj_get(t, "action"), a->action);
}

/* count_tasks - tasks with action in an agency's whole stream */
static int count_tasks(const char *agency, const char *action)
{
	action_count a = { action, 0 };
	return h_stream_each(&H, agency, count_action, &a) < 0 ? -1 : a.n;
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

#define NCHECKS 3000

typedef struct check_count {
	char (*ids)[JOURNAL_REF_MAX];
	int n, *times, total;
} check_count;

static void count_check(void *arg, const msgpack_object *r)
{
	check_count *k = arg;
	char id[JOURNAL_REF_MAX];
	if (!obj_str_eq(obj_get(r, "kind"), "check"))
		return;
	k->total++;
	obj_cstr(r, "check_id", id, sizeof id);
	for (int i = 0; i < k->n; i++)
		if (strcmp(k->ids[i], id) == 0)
			k->times[i]++;
}

/* log_checks - every check record in dispatch's log: how many times each id of ids[0..n) occurs
 * (times[i]); returns how many check records there are in all */
static int log_checks(char (*ids)[JOURNAL_REF_MAX], int n, int *times)
{
	check_count k = { ids, n, times, 0 };
	memset(times, 0, sizeof(int) * (size_t)n);
	return h_log_each(&H, SVC_DISPATCH, count_check, &k) < 0 ? -1 : k.total;
}

/* checks_pipelined - NCHECKS checks, all in flight at once; each answer's check_id in ids */
static int checks_pipelined(char (*ids)[JOURNAL_REF_MAX], int first)
{
	jrp_client *c = client_new(H.cfg->endpoint[SVC_DISPATCH]);
	int ok = 0;
	for (int i = 0; i < NCHECKS; i++) {
		mw w;
		char code[19];
		org_code(i % N, code);
		mw_init(&w);
		client_begin(c, &w, T_CHECK, "bank_regulator");
		mw_kstr(&w, "subject", code);
		mw_kstr(&w, "matter", "financing");
		client_send(c, &w);
		mw_free(&w);
	}
	for (int i = 0; i < NCHECKS; i++) {
		msg_in in;
		if (client_recv(c, 10000, &in) != 0)
			break;
		if (obj_bool(in.root, "ok") && obj_bool(in.root, "listed")) {
			obj_cstr(in.root, "check_id", ids[first + ok], JOURNAL_REF_MAX);
			ok++;
		}
		msg_in_free(&in);
	}
	client_free(&c);
	return ok;
}

/* DOMAIN.md "Trigger, response, feedback": agencies check on every handling and "every check
 * is recorded" [003 §五]; DESIGN.md "nothing is lost": a daemon killed at any point */
static void checks_survive_kill(void)
{
	static char ids[2 * NCHECKS][JOURNAL_REF_MAX];
	static int times[2 * NCHECKS];
	char jpath[600] = "";
	uint64_t before = 0;
	int n, total, once = 0, fd;
	DIR *dp;
	struct dirent *de;
	mw w;
	msg_in in;
	jrp_error e;

	CHECK_INT(h_settle(&H), 0);
	mw_init(&w);
	h_req(&w, T_STATS_GET, "office");
	if (h_call(&H, SVC_FEEDBACK, &w, &in, &e) == 0) {
		before = obj_u64(obj_get(in.root, "checks"), "total");
		msg_in_free(&in);
	}
	mw_free(&w);
	/* answered, then killed at once: the records are journaled, not yet in the log */
	n = checks_pipelined(ids, 0);
	CHECK_INT(n, NCHECKS);
	h_kill(&H, SVC_DISPATCH, SIGKILL);
	/* a crash inside a write leaves a torn frame at the journal's end: append one by hand */
	snprintf(jpath, sizeof jpath, "%s/data/dispatch", H.dir);
	if ((dp = opendir(jpath))) {
		char newest[256] = "";
		while ((de = readdir(dp)))
			if (strncmp(de->d_name, "journal.", 8) == 0 && strcmp(de->d_name, newest) > 0)
				snprintf(newest, sizeof newest, "%s", de->d_name);
		closedir(dp);
		CHECK(newest[0] != 0);
		snprintf(jpath + strlen(jpath), sizeof jpath - strlen(jpath), "/%s", newest);
		fd = open(jpath, O_WRONLY | O_APPEND);
		CHECK(fd >= 0 && write(fd, "\x40\0\0\0torn", 8) == 8);
		if (fd >= 0)
			close(fd);
	}
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	{
		/* the restart dropped the torn frame, and said so */
		char cmd[700];
		snprintf(cmd, sizeof cmd, "grep -q 'event=journal_tail_dropped.*bytes=8 ' '%s/dispatch.log'", H.dir);
		CHECK_INT(system(cmd), 0);
	}
	/* and once more, answered then killed, to restart on the journal the restart began */
	n += checks_pipelined(ids, n);
	CHECK_INT(n, 2 * NCHECKS);
	h_kill(&H, SVC_DISPATCH, SIGKILL);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	CHECK_INT(h_settle(&H), 0);
	total = log_checks(ids, n, times);
	for (int i = 0; i < n; i++)
		once += times[i] == 1;
	CHECK_INT(once, n);          /* each answered check is in the log exactly once */
	CHECK(total >= n);
	/* and the office counts them (query volume per agency [003 六]) */
	mw_init(&w);
	h_req(&w, T_STATS_GET, "office");
	CHECK_INT(h_call(&H, SVC_FEEDBACK, &w, &in, &e), 0);
	CHECK_INT(obj_u64(obj_get(in.root, "checks"), "total"), before + (uint64_t)total);
	msg_in_free(&in);
	mw_free(&w);
	{
		/* segments roll over while dispatch runs (64 KiB here, JRP_JOURNAL_SEGMENT_BYTES), and those
		 * already moved into the log are deleted: what is left is at most the newest two */
		int segs = 0;
		snprintf(jpath, sizeof jpath, "%s/data/dispatch", H.dir);
		if ((dp = opendir(jpath))) {
			while ((de = readdir(dp)))
				segs += strncmp(de->d_name, "journal.", 8) == 0;
			closedir(dp);
		}
		CHECK(segs >= 1 && segs <= 2);
		CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "journal_behind_bytes"), 0);
	}
}

/* every daemon stops gracefully on SIGTERM and exits 0 (DESIGN.md: clean shutdown) */
static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	/* small journal segments: 6,000 checks fill about fifteen, so they roll over while running */
	setenv("JRP_JOURNAL_SEGMENT_BYTES", "65536", 1);
	if (h_start(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(kill_and_restart_each);
	RUN(checks_survive_kill);
	RUN(clean_shutdown);
	TAP_DONE();
}
