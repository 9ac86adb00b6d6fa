/*
 * test_chaos.c - a steady load through all four daemons while random daemons
 * are killed and restarted; at the end everything is counted exactly
 *
 * DESIGN.md "Data flow: logs and cursors" and the brief's "Nothing is lost":
 * a reply that says accepted means committed; a daemon killed at any point
 * restarts from its cursor with no duplicated effect. Two rounds: SIGKILL (no
 * chance to clean up) and SIGTERM (graceful: the batch in flight commits and
 * the daemon exits 0). Each round: 240 records (every third one meets the tax
 * black-list standard), at least 12 kills with every daemon killed at least
 * once, the test clock moving so entries take effect between kills. Checked:
 * every acknowledged record is in the event log exactly once; each listed
 * company has exactly one entry, proposed once and effective once; each agency
 * stream has exactly one apply task per entry; the office's statistics agree
 * with the logs. Bounded: a few seconds of load per round, fixed seed.
 */
#include "../tap.h"
#include "codes.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 240
#define KILLS 12

static harness H;

static void code_of(int round, int i, char out[19])
{
	h_uscc(round ? "91350100ME" : "91350100MD", i, out);
}

static bool qualifies(int i)
{
	return i % 3 == 0;
}

/* submit - until acknowledged: a timeout (the daemon was killed) is retried with the
 * same record id, which the idempotency key makes safe */
static int submit(int round, int i, uint64_t *seq)
{
	char code[19], rid[32];
	code_of(round, i, code);
	snprintf(rid, sizeof rid, "CH-%d-%04d", round, i);
	for (int attempt = 0; attempt < 50; attempt++) {
		mw w;
		msg_in in;
		jrp_error e;
		int rc;
		h_tax_penalty(&w, rid, code, "混沌测试企业", "arrears_evasion", qualifies(i) ? 2000000 : 5000, NULL, "2026-11-20");
		jrp_error_clear(&e);
		rc = client_call(H.cl[SVC_INGEST], &w, 1500, &in, &e);
		mw_free(&w);
		if (rc == 0) {
			*seq = obj_u64(in.root, "seq");
			msg_in_free(&in);
			return 0;
		}
		if (rc == JRP_EREPLY) {
			printf("# record %d refused: %s %s\n", i, e.code, e.message);
			msg_in_free(&in);
			return -1;
		}
		usleep(50000);
	}
	return -1;
}

static int restart(int svc, int sig)
{
	int st = h_kill(&H, svc, sig);
	if (sig == SIGTERM && (!WIFEXITED(st) || WEXITSTATUS(st) != 0)) {
		printf("# jrp-%s did not exit 0 on SIGTERM (status %d)\n", svc_names[svc], st);
		return -1;
	}
	return h_start_daemon(&H, svc);
}

typedef struct apply_seen {
	uint64_t seen[N + 8];
	int n, dup;
} apply_seen;

static void see_apply(void *arg, const msgpack_object *t)
{
	apply_seen *a = arg;
	uint64_t en = obj_u64(t, "entry");
	if (!obj_str_eq(obj_get(t, "action"), "apply"))
		return;
	for (int j = 0; j < a->n; j++)
		if (a->seen[j] == en)
			a->dup++;
	if (a->n < N + 8)
		a->seen[a->n++] = en;
}

/* stream_exact - apply tasks per entry in an agency's whole stream: every entry exactly once */
static int stream_exact(const char *agency, int expect_entries)
{
	apply_seen a;
	a.n = a.dup = 0;
	if (h_stream_each(&H, agency, see_apply, &a) < 0)
		return -1;
	if (a.dup)
		printf("# %s: %d duplicated apply tasks\n", agency, a.dup);
	return a.dup == 0 && a.n == expect_entries ? 0 : -1;
}

typedef struct change_counts {
	int proposed, effective;
} change_counts;

static void count_change(void *arg, const msgpack_object *c)
{
	change_counts *k = arg;
	k->proposed += obj_str_eq(obj_get(c, "action"), "proposed");
	k->effective += obj_str_eq(obj_get(c, "action"), "effective");
}

/* changes_exact - in adjudicate's change log, each entry is proposed once and effective once */
static int changes_exact(int expect_entries)
{
	change_counts k = { 0, 0 };
	if (h_log_each(&H, SVC_ADJUDICATE, count_change, &k) < 0)
		return -1;
	if (k.proposed != expect_entries || k.effective != expect_entries)
		printf("# change log: %d proposed, %d effective, expected %d each\n", k.proposed, k.effective, expect_entries);
	return k.proposed == expect_entries && k.effective == expect_entries ? 0 : -1;
}

static void round_with(int round, int sig)
{
	uint64_t seqs[N];
	int kills = 0, killed[SVC__N] = { 0 }, nq = 0;
	char when[40];
	srand(20261123 + round);
	for (int i = 0; i < N; i++) {
		CHECK_INT(submit(round, i, &seqs[i]), 0);
		nq += qualifies(i);
		if (i % 20 == 10 && kills < KILLS) {
			/* every daemon once, in turn, then at random */
			int svc = kills < SVC__N ? (kills + round) % SVC__N : rand() % SVC__N;
			if (rand() % 2)
				usleep((useconds_t)(rand() % 20000));   /* somewhere inside the pipeline's work */
			CHECK_INT(restart(svc, sig), 0);
			kills++;
			killed[svc]++;
		}
		if (i % 40 == 39) {
			/* time passes: the objection windows of earlier records run out */
			snprintf(when, sizeof when, "2026-%02d-%02dT09:00:00+08:00", round ? 12 : 11, 24 + i / 40);
			CHECK_INT(h_clock(&H, when), 0);
		}
	}
	CHECK(kills >= KILLS);
	for (int s = 0; s < SVC__N; s++)
		CHECK(killed[s] >= 1);
	/* entries are identified when adjudicate applies the record (it may have been down):
	 * let the pipeline drain, then let every objection window run out */
	CHECK_INT(h_settle(&H), 0);
	snprintf(when, sizeof when, "%s", round ? "2027-01-20T09:00:00+08:00" : "2026-12-20T09:00:00+08:00");
	CHECK_INT(h_clock(&H, when), 0);
	CHECK_INT(h_settle(&H), 0);
	/* every acknowledged record exactly once: resubmitting answers the same seq */
	for (int i = 0; i < N; i += 7) {
		uint64_t again;
		CHECK_INT(submit(round, i, &again), 0);
		CHECK_INT(again, seqs[i]);
	}
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), (round + 1) * N);
	/* exactly one entry per listed company, proposed once and effective once */
	CHECK_INT(changes_exact((round + 1) * nq), 0);
	/* each agency stream complete, each entry exactly once */
	CHECK_INT(stream_exact("procurement_centre", (round + 1) * nq), 0);
	CHECK_INT(stream_exact("bank_regulator", (round + 1) * nq), 0);
	/* the office's statistics agree with the logs */
	{
		mw w;
		msg_in in;
		jrp_error e;
		mw_init(&w);
		h_req(&w, T_STATS_GET, "office");
		CHECK_INT(h_call(&H, SVC_FEEDBACK, &w, &in, &e), 0);
		CHECK_INT(obj_u64(obj_get(in.root, "entries"), "black"), (round + 1) * nq);
		CHECK_INT(obj_u64(obj_get(in.root, "tasks"), "apply"), 2 * (round + 1) * nq);
		CHECK_INT(obj_u64(obj_get(in.root, "feedback"), "awaiting"), 2 * (round + 1) * nq);
		msg_in_free(&in);
		mw_free(&w);
	}
}

/* SIGKILL: the process dies between any two instructions */
static void sigkill_round(void)
{
	round_with(0, SIGKILL);
}

/* SIGTERM: graceful, the batch in flight commits, exit 0 */
static void sigterm_round(void)
{
	round_with(1, SIGTERM);
}

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
	RUN(sigkill_round);
	RUN(sigterm_round);
	RUN(clean_shutdown);
	TAP_DONE();
}
