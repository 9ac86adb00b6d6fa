/*
 * bench_stats.c - figure 10 (issue 10 item 8): the office's statistics cost the same whatever is
 * overdue
 *
 * All four daemons with the bench-only rules; --records companies black-listed through the real
 * path (each: one mandatory procurement task, feedback due in 10 working days, and one
 * recommended bank task). stats.get is timed (--calls calls, one at a time) while nothing is
 * overdue, then the clock moves 30 days on so that every procurement task is overdue, and it is
 * timed again. Baseline in the same run: a ping to feedback, the same way (a request that reaches
 * the write loop and writes nothing). Before issue 10 stats.get counted the overdue tasks by
 * scanning them, once in all and once per party.
 */
#include "bench.h"
#include "proto.h"
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void timed(bench_env *b, const char *type, int calls, bench_lat *lat)
{
	for (int i = 0; i < calls; i++) {
		mw w;
		msg_in in;
		jrp_error e;
		int64_t t0;
		mw_init(&w);
		client_begin(NULL, &w, type, "office");
		t0 = bench_ns();
		if (bench_call(b, SVC_FEEDBACK, &w, 60000, &in, &e) == 0) {
			lat_add(lat, bench_ns() - t0);
			msg_in_free(&in);
		}
		mw_free(&w);
	}
}

static uint64_t overdue(bench_env *b)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t n = 0;
	mw_init(&w);
	client_begin(NULL, &w, T_STATS_GET, "office");
	if (bench_call(b, SVC_FEEDBACK, &w, 60000, &in, &e) == 0) {
		n = obj_u64(obj_get(in.root, "feedback"), "overdue");
		msg_in_free(&in);
	}
	mw_free(&w);
	return n;
}

int main(int argc, char **argv)
{
	bench_opts o = { .seconds = 1, .records = 30000, .sockets = 1, .window = 256 };   /* seconds: unused */
	bench_env b;
	bench_lat s0 = { 0 }, s1 = { 0 }, p0 = { 0 }, p1 = { 0 };
	int calls = 20, rc = 1;
	int64_t t0;
	double move_s;

	bench_args(argc, argv, &o, "  --records N  companies black-listed, so N procurement tasks (default 30,000)\n");
	if (bench_env_init(&b, true) < 0 || bench_start_all(&b) < 0)
		goto out;
	bench_note("stats: black-listing %llu companies", (unsigned long long)o.records);
	if (bench_blacklist(&b, o.records, 600) < 0)
		goto out;

	timed(&b, T_PING, calls, &p0);
	timed(&b, T_STATS_GET, calls, &s0);
	bench_note("stats: %llu overdue now; moving the clock 30 days on", (unsigned long long)overdue(&b));
	t0 = bench_ns();
	if (bench_clock(&b, "2026-12-23T09:00:00+08:00") < 0)
		goto out;
	for (int i = 0; i < 6000 && overdue(&b) < o.records; i++)
		usleep(50000);
	move_s = (double)(bench_ns() - t0) / 1e9;
	bench_note("stats: %llu overdue after %.1f s", (unsigned long long)overdue(&b), move_s);
	timed(&b, T_PING, calls, &p1);
	timed(&b, T_STATS_GET, calls, &s1);

	bench_row("10", bench_fmt("stats.get with nothing overdue (%s procurement tasks awaiting), %d calls one at a time",
				  bench_num((double)o.records), calls),
		  bench_fmt("p50 %.2f, max %.2f ms", lat_pct(&s0, 50), lat_pct(&s0, 100)),
		  bench_fmt("ping p50 %.2f ms", lat_pct(&p0, 50)), NULL, NULL, "counters, not tasks");
	bench_row("10b", bench_fmt("stats.get with %s tasks overdue, %d calls one at a time", bench_num((double)overdue(&b)),
				   calls),
		  bench_fmt("p50 %.2f, max %.2f ms", lat_pct(&s1, 50), lat_pct(&s1, 100)),
		  bench_fmt("ping p50 %.2f ms", lat_pct(&p1, 50)),
		  bench_fmt("%.2f× the figure with none overdue", lat_pct(&s0, 50) > 0 ? lat_pct(&s1, 50) / lat_pct(&s0, 50) : 0),
		  "the same whatever is overdue",
		  "moving them to the overdue index took %.1f s (batches of 1,024 in the daemon's timer)", move_s);
	rc = 0;
out:
	lat_free(&s0);
	lat_free(&s1);
	lat_free(&p0);
	lat_free(&p1);
	bench_env_free(&b);
	return rc;
}
