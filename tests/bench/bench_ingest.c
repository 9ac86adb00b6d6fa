/*
 * bench_ingest.c - figures 1 and 2 of issue 5: durable ingest and its raw baseline
 *
 * 1. jrp-ingest alone (the other daemons are not needed) takes record.submit
 *    from --sockets DEALER sockets with --window requests in flight each, for
 *    --seconds after a 2 s warm-up. Every record is valid and distinct (its
 *    own subject code and record id) and meets no list standard (a 1,000 yuan
 *    tax penalty). A reply counts when it says ok, which ingest sends only
 *    after the batch's commit (fsync). The batch size achieved is records per
 *    commit, commits read from the transaction id of ingest's LMDB
 *    environment before and after.
 * 2. In the same run, on the same disk: the same event bytes appended by the
 *    same store module to a fresh environment, with ingest's dedupe key, in
 *    transactions of the batch size ingest achieved, default sync: the
 *    machine's ceiling for this design. Then 1-record transactions: the fsync
 *    bound (commits/s, 2b). Then row 2 again with each record in its own
 *    nested transaction, as the daemon skeleton runs each request (2c): what
 *    that choice costs, apart from everything else the daemon does.
 * Also ingest's peak RssAnon during the run (figure 7) and its restart time
 * on the database the run built (figure 8).
 */
#include "bench.h"
#include "proto.h"
#include <stdio.h>
#include <string.h>

/* event_bytes - an event as ingest appends it, around the record of subject n */
static void event_bytes(mw *w, uint64_t n)
{
	mw_reset(w);
	mw_map(w);
	mw_ku64(w, "seq", n + 1);
	mw_kstr(w, "kind", "record");
	mw_ki64(w, "at", 1795395600000);
	mw_kstr(w, "party", "tax_bureau");
	mw_ki64(w, "reported_workdays", 1);
	mw_kbool(w, "late", false);
	bench_record(w, n, false);
	mw_end(w);
}

int main(int argc, char **argv)
{
	bench_opts o = { .seconds = 20, .records = 1, .sockets = 4, .window = 256 };
	bench_env b;
	bench_load L;
	bench_peak peak;
	bench_usage u0, u1;
	bench_raw raw, nested, one;
	uint64_t c0, c1, first;
	unsigned nb;
	double rate, batch, cps, restart_ms = 0, stop_ms = 0;
	char rawdir[400], dbpath[400];
	mw ev;
	int rc = 1;

	bench_args(argc, argv, &o, "  --seconds N  the sustained run (default 20)\n");
	memset(&raw, 0, sizeof raw);
	memset(&nested, 0, sizeof nested);
	memset(&one, 0, sizeof one);
	mw_init(&ev);
	if (bench_env_init(&b, false) < 0 || bench_start(&b, SVC_INGEST, NULL) < 0 ||
	    bench_clock(&b, BENCH_T0) < 0)
		goto out;
	memset(&peak, 0, sizeof peak);
	peak.b = &b;
	memset(&L, 0, sizeof L);
	L.endpoint = b.cfg->endpoint[SVC_INGEST];
	L.type = T_RECORD_SUBMIT;
	L.party = "tax_bureau";
	L.build = bench_build_plain;
	L.sockets = o.sockets;
	L.window = o.window;

	bench_note("ingest: warm-up 2 s");
	L.seconds = 2;
	if (bench_load_run(&L, NULL, NULL) < 0 || !L.ok)
		goto out;
	first = L.sent;
	bench_load_free(&L);

	bench_note("ingest: sustained %.0f s, %d sockets x %d in flight", o.seconds, o.sockets, o.window);
	L.first = first;
	L.seconds = o.seconds;
	c0 = bench_commits(&b, SVC_INGEST);
	bench_usage_take(&b, &u0);
	bench_load_run(&L, bench_peak_sample, &peak);
	bench_usage_take(&b, &u1);
	c1 = bench_commits(&b, SVC_INGEST);
	rate = L.elapsed > 0 ? (double)L.ok / L.elapsed : 0;
	batch = c1 > c0 ? (double)L.ok / (double)(c1 - c0) : 0;
	cps = L.elapsed > 0 ? (double)(c1 - c0) / L.elapsed : 0;
	bench_note("ingest: %llu records ok in %.2f s, %llu commits; ack latency p50 %.2f ms, p99 %.2f ms (closed loop, queueing included)",
		   (unsigned long long)L.ok, L.elapsed, (unsigned long long)(c1 - c0), lat_pct(&L.lat, 50), lat_pct(&L.lat, 99));
	bench_note("ingest: %s", bench_usage_str(&b, &u0, &u1));

	/* 2: the same bytes, the same batch size, the same count, raw; then each
	 * record in a nested transaction, as the daemon runs each request */
	nb = batch >= 1 ? (unsigned)(batch + 0.5) : 1;
	event_bytes(&ev, first);
	snprintf(rawdir, sizeof rawdir, "%s/raw-batch", b.dir);
	bench_note("raw LMDB: %zu-byte events + dedupe key, %u per transaction", mw_len(&ev), nb);
	if (bench_raw_append(rawdir, mw_data(&ev), mw_len(&ev), true, false, nb, L.ok ? L.ok : 1, o.seconds, &raw) < 0)
		goto out;
	snprintf(rawdir, sizeof rawdir, "%s/raw-nested", b.dir);
	bench_note("raw LMDB: the same, each record in its own nested transaction");
	if (bench_raw_append(rawdir, mw_data(&ev), mw_len(&ev), true, true, nb, L.ok ? L.ok : 1, o.seconds, &nested) < 0)
		goto out;
	snprintf(rawdir, sizeof rawdir, "%s/raw-one", b.dir);
	bench_note("raw LMDB: 1-record transactions, 3 s");
	if (bench_raw_append(rawdir, mw_data(&ev), mw_len(&ev), true, false, 1, UINT64_MAX, 3, &one) < 0)
		goto out;

	/* 8: restart on the database just built */
	snprintf(dbpath, sizeof dbpath, "%s/ingest/data.mdb", b.cfg->data_dir);
	if (bench_stop(&b, SVC_INGEST, &stop_ms) != 0 || bench_start(&b, SVC_INGEST, &restart_ms) < 0)
		goto out;

	{
		double raw_rate = raw.seconds > 0 ? (double)raw.records / raw.seconds : 0;
		double one_rate = one.seconds > 0 ? (double)one.commits / one.seconds : 0;
		double ratio = raw_rate > 0 ? rate / raw_rate : 0;
		/* the commit of a batch of that size in the raw run: page writes and fsync */
		double raw_commit_ms = raw.commits ? raw.commit_seconds * 1000 / (double)raw.commits : 0;
		double busy = L.elapsed > 0 ? (double)(u1.main[SVC_INGEST] - u0.main[SVC_INGEST]) / (L.elapsed * 1e6) : 0;
		double us_per = L.ok ? (double)(u1.cpu[SVC_INGEST] - u0.cpu[SVC_INGEST]) / (double)L.ok : 0;
		bench_row("1", bench_fmt("durable ingest, acked after commit, sustained %.0f s (%d sockets × %d in flight, distinct valid records)",
					 o.seconds, o.sockets, o.window),
			  bench_fmt("%s records/s", bench_num(rate)), bench_fmt("%s records/s (row 2)", bench_num(raw_rate)),
			  bench_fmt("%.2f", ratio), "≥ 50,000 records/s",
			  "one thread that computes, then waits for its commit: main thread %.0f%% on CPU + ≈ %.0f%% in commits (%s commits/s of %.0f records, each ≈ %.2f ms of page writes and fsync as in row 2); %.1f µs CPU/record (whole process); %s",
			  100 * busy, 100 * cps * raw_commit_ms / 1000, bench_num(cps), batch, raw_commit_ms, us_per,
			  bench_usage_str(&b, &u0, &u1));
		bench_row("2", bench_fmt("raw LMDB append, same %zu-byte events + dedupe key, %.0f per transaction, fsync per commit, same count",
					 mw_len(&ev), batch),
			  bench_fmt("%s records/s", bench_num(raw_rate)), "", bench_fmt("row 1 / row 2 = %.2f", ratio),
			  "row 1 / row 2 ≥ 0.5", "%s commits/s; no sockets, no parsing, no validation",
			  bench_num(raw.seconds > 0 ? (double)raw.commits / raw.seconds : 0));
		bench_row("2c", "raw LMDB append as row 2, but each record in its own nested transaction inside the batch's (as the daemon skeleton runs each request)",
			  bench_fmt("%s records/s", bench_num(nested.seconds > 0 ? (double)nested.records / nested.seconds : 0)),
			  "", bench_fmt("row 2c / row 2 = %.2f", raw_rate > 0 && nested.seconds > 0 ?
					(double)nested.records / nested.seconds / raw_rate : 0),
			  "", "a nested transaction allocates its own dirty-page and free-page lists and copies each page it changes that the batch has already changed");
		bench_row("2b", "raw LMDB commits of 1 record (the fsync bound)", bench_fmt("%s commits/s", bench_num(one_rate)),
			  "", "", "", "commit p50 %.2f, p99 %.2f, p99.9 %.2f ms (page writes, fdatasync, then a synchronous meta page write)",
			  lat_pct(&one.lat, 50), lat_pct(&one.lat, 99), lat_pct(&one.lat, 99.9));
		bench_row("7", "RssAnon jrp-ingest, peak during row 1", bench_fmt("%.1f MiB", peak.kb[SVC_INGEST] / 1024.0), "", "",
			  "≤ 64 MiB", "sampled every 100 ms from /proc/PID/status");
		bench_row("8", bench_fmt("restart jrp-ingest to serving (%s records, %.0f MiB database)",
					 bench_num((double)bench_status_u64(&b, SVC_INGEST, "log_last")), bench_file_mb(dbpath)),
			  bench_fmt("%.0f ms", restart_ms), "", "", "≤ 1 s",
			  "fork to first ping answer; SIGTERM to exit took %.0f ms", stop_ms);
	}
	bench_load_free(&L);
	rc = 0;
out:
	mw_free(&ev);
	lat_free(&raw.lat);
	lat_free(&nested.lat);
	lat_free(&one.lat);
	bench_env_free(&b);
	return rc;
}
