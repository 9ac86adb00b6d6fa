/*
 * bench_pipeline.c - figures 3 and 4 of issue 5: records all the way to an
 * agency's task stream, in bulk and one by one
 *
 * All four daemons run. Every record is a 5,000,000 yuan major tax evasion of
 * its own company: it meets tax.major_violation (black list), whose measure
 * P-GP-01 gives procurement_centre one task per entry. A reader thread
 * long-polls procurement_centre's stream (tasks.fetch, up to 1024 a time) and
 * notes when each subject's task arrives.
 *
 * 3.  With the real rules: --records records are submitted with the test clock
 *     at T, so their entries are proposed with 5 working days for objections
 *     (row 3a: until the daemons have settled); then the clock is set to
 *     T + 10 days (downstream first) and the figure is records / time from
 *     that clock.set until the last task is on the stream: adjudicate's
 *     deadline sweep, dispatch's task fan-out and the stream read, in bulk.
 * 3b. With bench-only rules (a copy of rules/ where tax.major_violation has
 *     notice_period 0d and records that say the company was notified, so an entry is effective at once): --records records
 *     submitted as fast as the window allows; records / time from the first
 *     submit until the last task arrives: every daemon in the path at once.
 * 3c. The raw baseline of the chain: four LMDB environments on the same disk
 *     committing 1-record transactions at once, as the four daemons do.
 * 4.  The same deployment, records offered at a fixed 10,000/s (open loop) for
 *     --seconds; for each record, the time from its scheduled send until its
 *     task is returned by the long-poll (a late send counts against us).
 * 4b. The same at 1,000 records/s: the latency of the path when it is not
 *     saturated.
 * Also each daemon's peak RssAnon during 3b, 4 and 4b (figure 7).
 */
#include "bench.h"
#include "proto.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFERED_RATE 10000.0
#define LIGHT_RATE 1000.0

static bench_load submit_load(bench_env *b, const bench_opts *o)
{
	bench_load L;
	memset(&L, 0, sizeof L);
	L.endpoint = b->cfg->endpoint[SVC_INGEST];
	L.type = T_RECORD_SUBMIT;
	L.party = "tax_bureau";
	L.build = bench_build_black;
	L.sockets = o->sockets;
	L.window = o->window;
	return L;
}

static const char *commits_str(bench_env *b, const uint64_t *c0)
{
	return bench_fmt("commits: ingest %llu, adjudicate %llu, dispatch %llu, feedback %llu",
			 (unsigned long long)(bench_commits(b, SVC_INGEST) - c0[SVC_INGEST]),
			 (unsigned long long)(bench_commits(b, SVC_ADJUDICATE) - c0[SVC_ADJUDICATE]),
			 (unsigned long long)(bench_commits(b, SVC_DISPATCH) - c0[SVC_DISPATCH]),
			 (unsigned long long)(bench_commits(b, SVC_FEEDBACK) - c0[SVC_FEEDBACK]));
}

static void commits_take(bench_env *b, uint64_t *c)
{
	for (int s = 0; s < SVC__N; s++)
		c[s] = bench_commits(b, s);
}

typedef struct raw_writer {
	char dir[400];
	const mw *rec;
	bench_raw out;
	pthread_t th;
} raw_writer;

static void *raw_writer_run(void *arg)
{
	raw_writer *w = arg;
	bench_raw_append(w->dir, mw_data(w->rec), mw_len(w->rec), false, false, 1, UINT64_MAX, 3, &w->out);
	return NULL;
}

/* raw_chain - the fsync capacity a chain of four daemons shares: four LMDB
 * environments on the same disk, each committing 1-record transactions at
 * once (one thread each), for 3 s; the raw baseline of figures 3b and 4 */
static void raw_chain(bench_env *b)
{
	raw_writer w[SVC__N];
	bench_lat lat;
	mw rec;
	uint64_t commits = 0;
	double secs = 0;
	memset(&lat, 0, sizeof lat);
	mw_init(&rec);
	mw_map(&rec);
	bench_record(&rec, 0, true);
	mw_end(&rec);
	for (int i = 0; i < SVC__N; i++) {
		snprintf(w[i].dir, sizeof w[i].dir, "%s/raw-%d", b->dir, i);
		w[i].rec = &rec;
		pthread_create(&w[i].th, NULL, raw_writer_run, &w[i]);
	}
	for (int i = 0; i < SVC__N; i++) {
		pthread_join(w[i].th, NULL);
		commits += w[i].out.commits;
		secs += w[i].out.seconds / SVC__N;
		lat_merge(&lat, &w[i].out.lat);
		lat_free(&w[i].out.lat);
	}
	mw_free(&rec);
	bench_row("3c", "raw LMDB: 4 environments on this disk committing 1-record transactions at once (the fsync capacity a chain of 4 daemons shares)",
		  bench_fmt("%s commits/s in all", bench_num((double)commits / secs)), "", "", "",
		  "commit p50 %.2f, p99 %.2f, p99.9 %.2f ms in each environment (one writer alone: row 2b)", lat_pct(&lat, 50),
		  lat_pct(&lat, 99), lat_pct(&lat, 99.9));
	lat_free(&lat);
}

/* figure 3: the objection window passes for every entry at once */
static int window_passes(const bench_opts *o)
{
	bench_env b;
	bench_load L;
	bench_stream st;
	bench_usage u0, u1;
	uint64_t c0[SVC__N];
	int64_t t0, t_settled;
	int rc = -1;

	if (bench_env_init(&b, false) < 0 || bench_start_all(&b) < 0)
		goto out;
	bench_note("pipeline (real rules): submitting %llu black-list records at %s", (unsigned long long)o->records, BENCH_T0);
	L = submit_load(&b, o);
	L.count = o->records;
	if (bench_load_run(&L, NULL, NULL) < 0 || L.ok != o->records)
		goto out;
	if (bench_settle(&b, 120000) < 0) {
		bench_note("pipeline: the daemons did not settle within 120 s");
		goto out;
	}
	t_settled = bench_ns();
	bench_row("3a", bench_fmt("records → proposed entries (real rules, notice period open): %s records submitted as fast as %d × %d in flight allow, until every daemon has taken in its upstream's log",
				  bench_num((double)o->records), o->sockets, o->window),
		  bench_fmt("%s records/s", bench_num((double)L.ok * 1e9 / (double)(t_settled - L.t_first_ns))),
		  bench_fmt("ingest alone acked %s records/s in this run", bench_num((double)L.ok / L.elapsed)), "", "",
		  "%.2f s (status polled every 10 ms)", (double)(t_settled - L.t_first_ns) / 1e9);
	bench_load_free(&L);

	memset(&st, 0, sizeof st);
	st.b = &b;
	st.agency = "procurement_centre";
	st.want = o->records;
	st.timeout_s = 120;
	commits_take(&b, c0);
	bench_usage_take(&b, &u0);
	t0 = bench_ns();
	if (bench_clock(&b, BENCH_T0_PLUS_10D) < 0)
		goto out;
	/* the reader starts after clock.set: client.h's calls are one thread at a time */
	bench_stream_start(&st);
	if (bench_stream_join(&st) < 0)
		goto out;
	bench_usage_take(&b, &u1);
	{
		double s = (double)(st.last_ns - t0) / 1e9;
		bench_row("3", bench_fmt("records → agency task streams: %s entries become effective at once (clock set past the 5-day notice period) until all %s tasks are on procurement_centre's stream",
					 bench_num((double)o->records), bench_num((double)o->records)),
			  bench_fmt("%s records/s", bench_num((double)o->records / s)), "", "", "≥ 20,000 records/s",
			  "%.2f s; %s; %s", s, commits_str(&b, c0), bench_usage_str(&b, &u0, &u1));
	}
	rc = 0;
out:
	bench_env_free(&b);
	return rc;
}

typedef struct arrivals {
	uint64_t first;     /* subject index of the run's first record */
	uint64_t n;
	int64_t *at;        /* arrival of record i's task, 0 until then */
} arrivals;

static void on_task(void *arg, long index, int64_t now)
{
	arrivals *a = arg;
	if (index >= 0 && (uint64_t)index >= a->first && (uint64_t)index - a->first < a->n &&
	    !a->at[(uint64_t)index - a->first])
		a->at[(uint64_t)index - a->first] = now;
}

/* fixed_rate - records offered at `rate` for `seconds` (subjects from `first`
 * on), and the time from each one's scheduled send until its task arrives */
static int fixed_rate(bench_env *b, const bench_opts *o, bench_stream *st, bench_peak *peak, const char *row,
		      double rate, double seconds, uint64_t first)
{
	bench_load L = submit_load(b, o);
	bench_usage u0, u1;
	bench_lat lat, lat_sent;
	arrivals a;
	uint64_t c0[SVC__N], missing = 0;
	double ns_per = 1e9 / rate;

	L.rate = rate;
	L.sockets = 1;      /* open loop: one sender thread wakes least and leaves the most CPU to the daemons */
	L.window = 65536;   /* ... and the window only bounds memory */
	L.count = (uint64_t)(rate * seconds);
	L.first = first;
	L.sent_at = calloc(L.count, sizeof *L.sent_at);
	a.first = first;
	a.n = L.count;
	a.at = calloc(a.n, sizeof *a.at);
	st->on_task = on_task;
	st->arg = &a;
	st->want = L.count;
	st->timeout_s = seconds + 60;
	bench_note("pipeline (notice period 0d): %.0f records/s offered for %.0f s, latency submit -> task on the stream",
		   rate, seconds);
	commits_take(b, c0);
	bench_usage_take(b, &u0);
	bench_stream_start(st);
	bench_load_run(&L, bench_peak_sample, peak);
	bench_stream_join(st);
	bench_usage_take(b, &u1);
	memset(&lat, 0, sizeof lat);
	memset(&lat_sent, 0, sizeof lat_sent);
	/* record i was due at t_first + i / rate (bench_load's open-loop schedule) */
	for (uint64_t i = 0; i < a.n; i++) {
		if (a.at[i]) {
			lat_add(&lat, a.at[i] - (L.t_first_ns + (int64_t)((double)i * ns_per)));
			lat_add(&lat_sent, a.at[i] - L.sent_at[i]);
		} else {
			missing++;
		}
	}
	bench_row(row, bench_fmt("submit → task visible on the agency stream (long-poll), %s records/s offered for %.0f s (open loop from one socket, %s records)",
				 bench_num(rate), seconds, bench_num((double)L.count)),
		  bench_fmt("p99 %.2f ms", lat_pct(&lat, 99)),
		  bench_fmt("ingest ack alone: p50 %.2f, p99 %.2f ms", lat_pct(&L.lat, 50), lat_pct(&L.lat, 99)), "",
		  "p99 ≤ 10 ms",
		  "p50 %.2f, p99.9 %.2f, max %.2f ms; from the actual send (the sender shares the cores; %llu sends were > 1 ms late): p50 %.2f, p99 %.2f ms; %llu tasks missing; %s; %s",
		  lat_pct(&lat, 50), lat_pct(&lat, 99.9), lat_pct(&lat, 100), (unsigned long long)L.late,
		  lat_pct(&lat_sent, 50), lat_pct(&lat_sent, 99), (unsigned long long)missing, commits_str(b, c0),
		  bench_usage_str(b, &u0, &u1));
	lat_free(&lat);
	lat_free(&lat_sent);
	bench_load_free(&L);
	free(L.sent_at);
	free(a.at);
	if (bench_settle(b, 60000) < 0)
		return -1;
	return 0;
}

/* figures 3b and 4: notice period 0d, every daemon in the path at once */
static int end_to_end(const bench_opts *o)
{
	bench_env b;
	bench_load L;
	bench_stream st;
	bench_peak peak;
	bench_usage u0, u1;
	arrivals a;
	uint64_t c0[SVC__N];
	int rc = -1;

	memset(&a, 0, sizeof a);
	if (bench_env_init(&b, true) < 0 || bench_start_all(&b) < 0)
		goto out;
	memset(&peak, 0, sizeof peak);
	peak.b = &b;
	memset(&st, 0, sizeof st);
	st.b = &b;
	st.agency = "procurement_centre";
	st.on_task = on_task;
	st.arg = &a;

	/* 3b: as fast as the window allows */
	bench_note("pipeline (notice period 0d): %llu records end to end", (unsigned long long)o->records);
	a.first = 0;
	a.n = o->records;
	a.at = calloc(a.n, sizeof *a.at);
	L = submit_load(&b, o);
	L.count = o->records;
	st.want = o->records;
	st.timeout_s = 120;
	commits_take(&b, c0);
	bench_usage_take(&b, &u0);
	bench_stream_start(&st);
	bench_load_run(&L, bench_peak_sample, &peak);
	if (bench_stream_join(&st) < 0)
		goto out;
	bench_usage_take(&b, &u1);
	{
		double s = (double)(st.last_ns - L.t_first_ns) / 1e9;
		bench_row("3b", bench_fmt("records → agency task streams end to end: %s records submitted as fast as %d × %d in flight allow, first submit to last task on the stream (bench rules: notice period 0d)",
					  bench_num((double)o->records), o->sockets, o->window),
			  bench_fmt("%s records/s", bench_num((double)o->records / s)),
			  bench_fmt("ingest alone acked %s records/s in this run", bench_num((double)L.ok / L.elapsed)), "",
			  "≥ 20,000 records/s", "%.2f s; %s; %s", s, commits_str(&b, c0), bench_usage_str(&b, &u0, &u1));
	}
	bench_load_free(&L);
	free(a.at);
	a.at = NULL;
	if (bench_settle(&b, 60000) < 0)
		goto out;
	raw_chain(&b);

	/* 4: a fixed offered rate, latency per record; then a light one, for contrast */
	if (fixed_rate(&b, o, &st, &peak, "4", OFFERED_RATE, o->seconds, o->records) < 0 ||
	    fixed_rate(&b, o, &st, &peak, "4b", LIGHT_RATE, o->seconds,
		       o->records + (uint64_t)(OFFERED_RATE * o->seconds)) < 0)
		goto out;
	bench_peak_sample(&peak);
	for (int s = 0; s < SVC__N; s++)
		bench_row("7", bench_fmt("RssAnon jrp-%s, peak during 3b, 4 and 4b", svc_names[s]),
			  bench_fmt("%.1f MiB", peak.kb[s] / 1024.0), "", "", "≤ 64 MiB", "sampled every 100 ms from /proc/PID/status");
	rc = 0;
out:
	free(a.at);
	bench_env_free(&b);
	return rc;
}

int main(int argc, char **argv)
{
	bench_opts o = { .seconds = 10, .records = 50000, .sockets = 4, .window = 256 };
	int rc = 0;
	bench_args(argc, argv, &o,
		   "  --records N  records for figures 3 and 3b (default 50,000)\n"
		   "  --seconds N  the fixed-rate run of figure 4 (default 10)\n");
	if (window_passes(&o) < 0)
		rc = 1;
	if (end_to_end(&o) < 0)
		rc = 1;
	return rc;
}
