/*
 * bench_check.c - figures 5, 6, 7 and 8 of issue 5: the check service
 *
 * All four daemons run with the bench-only rules (notice_period 0d for
 * tax.major_violation); 1,000 companies are black-listed through the real
 * path and their 1,000 procurement tasks read, so dispatch holds 1,000
 * effective entries. Then procurement_centre sends "check" {subject, matter:
 * public_procurement}: one request in ten names a listed company (the reply
 * must say listed), the others an unlisted one (must say not listed).
 *
 * 5.  checks/s with --sockets × --window in flight for --seconds. Dispatch's
 *     front thread answers each check from a read transaction and journals
 *     its record (one write(2) per batch, no fsync) before the answer; the
 *     main thread moves the records into dispatch's log in its own commits
 *     (feedback counts them). Baselines in the same run: pings/s with the
 *     same clients (a ping goes front -> main thread -> front: the daemon's
 *     ceiling for a request that reaches the write loop, without a write),
 *     and the same check records appended raw to LMDB at the batch size
 *     dispatch's main thread achieved (after feedback has caught up).
 * 5b. check latency at 20,000 checks/s offered (open loop, from the
 *     scheduled send time) for --seconds.
 * 6.  dispatch's CPU (utime + stime from /proc/PID/stat) over the checks/s run
 *     divided by the checks.
 * 7.  dispatch's and feedback's peak RssAnon during the runs.
 * 8.  SIGTERM dispatch, start it again on the database built above, and time
 *     until it answers ping.
 */
#include "bench.h"
#include "proto.h"
#include <stdio.h>
#include <string.h>

#define LISTED 1000
#define UNLISTED_BASE 5000000ULL
#define OFFERED_RATE 20000.0

/* request i checks listed subject i/10 % LISTED when i % 10 == 0, else an unlisted one */
static bool is_listed(uint64_t i)
{
	return i % 10 == 0;
}

static void build_check(void *arg, uint64_t i, mw *w)
{
	char code[19];
	bench_uscc(is_listed(i) ? i / 10 % LISTED : UNLISTED_BASE + (i * 2654435761ULL) % 4000000, code);
	mw_kstr(w, "subject", code);
	mw_kstr(w, "matter", "public_procurement");
}

static bool verify_check(void *arg, uint64_t i, const msg_in *reply)
{
	return obj_bool(reply->root, "listed") == is_listed(i);
}

static void build_ping(void *arg, uint64_t i, mw *w)
{
}

/* check_bytes - a check record as dispatch appends it */
static void check_bytes(mw *w)
{
	char code[19];
	bench_uscc(UNLISTED_BASE, code);
	mw_reset(w);
	mw_map(w);
	mw_ku64(w, "seq", 1000000);
	mw_kstr(w, "kind", "check");
	mw_kstr(w, "check_id", "1-1000000");
	mw_ki64(w, "at", 1795395600000);
	mw_kstr(w, "party", "procurement_centre");
	mw_kstr(w, "subject", code);
	mw_kstr(w, "matter", "public_procurement");
	mw_kbool(w, "listed", false);
	mw_kstr(w, "lists", "");
	mw_ku64(w, "as_of", 1000000);
	mw_end(w);
}

int main(int argc, char **argv)
{
	bench_opts o = { .seconds = 10, .records = LISTED, .sockets = 4, .window = 256 };
	bench_env b;
	bench_load L, P;
	bench_peak peak;
	bench_usage u0, u1;
	bench_raw raw;
	uint64_t c0, c1;
	double rate, batch, ping_rate, ping_us, restart_ms = 0, stop_ms = 0;
	char rawdir[400], dbpath[400];
	mw rec;
	int rc = 1;

	bench_args(argc, argv, &o, "  --seconds N  each timed run (default 10)\n");
	memset(&raw, 0, sizeof raw);
	mw_init(&rec);
	if (bench_env_init(&b, true) < 0 || bench_start_all(&b) < 0)
		goto out;
	memset(&peak, 0, sizeof peak);
	peak.b = &b;

	/* 1,000 effective entries, through the real path */
	bench_note("check: black-listing %d companies", LISTED);
	if (bench_blacklist(&b, LISTED, 60) < 0)
		goto out;

	/* the ceiling without writes: pings, same clients */
	memset(&P, 0, sizeof P);
	P.endpoint = b.cfg->endpoint[SVC_DISPATCH];
	P.type = T_PING;
	P.party = "procurement_centre";
	P.build = build_ping;
	P.sockets = o.sockets;
	P.window = o.window;
	P.seconds = o.seconds / 2;
	bench_note("check: pings for %.0f s (no write, no fsync)", P.seconds);
	bench_usage_take(&b, &u0);
	bench_load_run(&P, bench_peak_sample, &peak);
	bench_usage_take(&b, &u1);
	ping_rate = P.elapsed > 0 ? (double)P.ok / P.elapsed : 0;
	ping_us = P.ok ? (double)(u1.main[SVC_DISPATCH] - u0.main[SVC_DISPATCH]) / (double)P.ok : 0;
	bench_load_free(&P);

	/* 5 and 6: checks/s and CPU per check */
	memset(&L, 0, sizeof L);
	L.endpoint = b.cfg->endpoint[SVC_DISPATCH];
	L.type = T_CHECK;
	L.party = "procurement_centre";
	L.build = build_check;
	L.verify = verify_check;
	L.sockets = o.sockets;
	L.window = o.window;
	L.seconds = o.seconds;
	bench_note("check: %.0f s, %d sockets x %d in flight", o.seconds, o.sockets, o.window);
	c0 = bench_commits(&b, SVC_DISPATCH);
	bench_usage_take(&b, &u0);
	bench_load_run(&L, bench_peak_sample, &peak);
	bench_usage_take(&b, &u1);
	c1 = bench_commits(&b, SVC_DISPATCH);
	rate = L.elapsed > 0 ? (double)L.ok / L.elapsed : 0;
	batch = c1 > c0 ? (double)L.ok / (double)(c1 - c0) : 0;
	bench_note("check: %llu ok in %.2f s, %llu commits; latency p50 %.2f ms, p99 %.2f ms (closed loop, queueing included)",
		   (unsigned long long)L.ok, L.elapsed, (unsigned long long)(c1 - c0), lat_pct(&L.lat, 50), lat_pct(&L.lat, 99));
	bench_load_free(&L);

	/* the raw baseline on a quiet disk: first let feedback take in the check log */
	{
		int64_t t = bench_ns();
		if (bench_settle(&b, 120000) < 0)
			goto out;
		bench_note("check: feedback caught up with dispatch's log %.1f s after the run", (double)(bench_ns() - t) / 1e9);
	}
	check_bytes(&rec);
	snprintf(rawdir, sizeof rawdir, "%s/raw-check", b.dir);
	if (bench_raw_append(rawdir, mw_data(&rec), mw_len(&rec), false, false, batch >= 1 ? (unsigned)(batch + 0.5) : 1,
			     L.ok ? L.ok : 1, o.seconds, &raw) < 0)
		goto out;
	{
		double raw_rate = raw.seconds > 0 ? (double)raw.records / raw.seconds : 0;
		double s = L.elapsed;
		double busy = s > 0 ? (double)(u1.main[SVC_DISPATCH] - u0.main[SVC_DISPATCH]) / (s * 1e6) : 0;
		double front = s > 0 ? (double)(u1.front[SVC_DISPATCH] - u0.front[SVC_DISPATCH]) / (s * 1e6) : 0;
		double us_front = L.ok ? (double)(u1.front[SVC_DISPATCH] - u0.front[SVC_DISPATCH]) / (double)L.ok : 0;
		double us_all = L.ok ? (double)(u1.cpu[SVC_DISPATCH] - u0.cpu[SVC_DISPATCH]) / (double)L.ok : 0;
		double us_main = L.ok ? (double)(u1.main[SVC_DISPATCH] - u0.main[SVC_DISPATCH]) / (double)L.ok : 0;
		double cps = s > 0 ? (double)(c1 - c0) / s : 0;
		double raw_commit_ms = raw.commits ? raw.commit_seconds * 1000 / (double)raw.commits : 0;
		bench_row("5", bench_fmt("checks/s, pipelined (%d sockets × %d in flight, %.0f s), 1 in 10 on a list of %d effective entries; each check is recorded in dispatch's log",
					 o.sockets, o.window, o.seconds, LISTED),
			  bench_fmt("%s checks/s", bench_num(rate)),
			  bench_fmt("%s pings/s (no write); raw LMDB append of the %zu-byte check records at %.0f per transaction: %s/s",
				    bench_num(ping_rate), mw_len(&rec), batch, bench_num(raw_rate)),
			  bench_fmt("%.2f of pings; %.2f of raw", ping_rate > 0 ? rate / ping_rate : 0, raw_rate > 0 ? rate / raw_rate : 0),
			  "≥ 120,000 checks/s",
			  "dispatch's front thread answers (%.0f%% of a core); its main thread moves the journaled records into the log: %.0f%% on CPU + ≈ %.0f%% in commits (%s commits/s of %.0f records, each ≈ %.2f ms of page writes and fsync in the raw run); %s",
			  100 * front, 100 * busy, 100 * cps * raw_commit_ms / 1000, bench_num(cps), batch, raw_commit_ms,
			  bench_usage_str(&b, &u0, &u1));
		bench_row("6", "server CPU per check (jrp-dispatch, utime + stime over the checks/s run)",
			  bench_fmt("%.1f µs", us_all), "", "", "≤ 15 µs",
			  "front thread %.1f µs (answering, journaling), main thread %.1f µs (the record into the log; a ping, which writes nothing: %.1f µs), ZeroMQ I/O thread and the rest %.1f µs",
			  us_front, us_main, ping_us, us_all - us_main - us_front);
	}

	/* 5b: latency at a fixed offered rate; its floor: pings at the same rate, same sender (the
	 * sockets and the scheduling of this machine; a ping also crosses from the front to the
	 * main thread and back, which a check does not) */
	memset(&P, 0, sizeof P);
	P.endpoint = b.cfg->endpoint[SVC_DISPATCH];
	P.type = T_PING;
	P.party = "procurement_centre";
	P.build = build_ping;
	P.rate = OFFERED_RATE;
	P.sockets = 1;
	P.window = 65536;
	P.seconds = o.seconds / 2;
	bench_note("check: %.0f pings/s offered for %.0f s", OFFERED_RATE, P.seconds);
	bench_load_run(&P, NULL, NULL);
	L.rate = OFFERED_RATE;
	L.sockets = 1;   /* open loop: one sender thread wakes least and leaves the most CPU to the daemons */
	L.window = 65536;
	L.first = L.sent + 1;
	bench_note("check: %.0f checks/s offered for %.0f s", OFFERED_RATE, o.seconds);
	c0 = bench_commits(&b, SVC_DISPATCH);
	bench_usage_take(&b, &u0);
	bench_load_run(&L, bench_peak_sample, &peak);
	bench_usage_take(&b, &u1);
	c1 = bench_commits(&b, SVC_DISPATCH);
	bench_row("5b", bench_fmt("check latency at %s checks/s offered (open loop from one socket, %.0f s, from the scheduled send)",
				 bench_num(OFFERED_RATE), o.seconds),
		  bench_fmt("p50 %.2f, p99 %.2f, p99.9 %.2f ms", lat_pct(&L.lat, 50), lat_pct(&L.lat, 99), lat_pct(&L.lat, 99.9)),
		  bench_fmt("pings at the same rate: p50 %.2f, p99 %.2f, p99.9 %.2f ms", lat_pct(&P.lat, 50),
			    lat_pct(&P.lat, 99), lat_pct(&P.lat, 99.9)),
		  "", "p50, p99 ≤ 1 ms",
		  "max %.2f ms; from the actual send (the sender shares the cores; %llu sends were > 1 ms late): p50 %.2f, p99 %.2f, p99.9 %.2f ms; achieved %s checks/s, recorded in %.0f commits/s of dispatch (%.0f records/commit), none waited for; %s",
		  lat_pct(&L.lat, 100), (unsigned long long)L.late, lat_pct(&L.lat_sent, 50), lat_pct(&L.lat_sent, 99),
		  lat_pct(&L.lat_sent, 99.9), bench_num(L.elapsed > 0 ? (double)L.ok / L.elapsed : 0),
		  L.elapsed > 0 ? (double)(c1 - c0) / L.elapsed : 0, c1 > c0 ? (double)L.ok / (double)(c1 - c0) : 0,
		  bench_usage_str(&b, &u0, &u1));
	bench_load_free(&L);
	bench_load_free(&P);

	bench_peak_sample(&peak);
	for (int s = SVC_DISPATCH; s <= SVC_FEEDBACK; s++)
		bench_row("7", bench_fmt("RssAnon jrp-%s, peak during the check runs", svc_names[s]),
			  bench_fmt("%.1f MiB", peak.kb[s] / 1024.0), "", "", "≤ 64 MiB", "sampled every 100 ms from /proc/PID/status");

	/* 8: restart dispatch on what was built */
	snprintf(dbpath, sizeof dbpath, "%s/dispatch/data.mdb", b.cfg->data_dir);
	if (bench_settle(&b, 60000) < 0 || bench_stop(&b, SVC_DISPATCH, &stop_ms) != 0 ||
	    bench_start(&b, SVC_DISPATCH, &restart_ms) < 0)
		goto out;
	bench_row("8", bench_fmt("restart jrp-dispatch to serving (%d effective entries, %s log records, %.0f MiB database)",
				 LISTED, bench_num((double)bench_status_u64(&b, SVC_DISPATCH, "log_last")), bench_file_mb(dbpath)),
		  bench_fmt("%.0f ms", restart_ms), "", "", "≤ 1 s", "fork to first ping answer; SIGTERM to exit took %.0f ms",
		  stop_ms);
	rc = 0;
out:
	mw_free(&rec);
	lat_free(&raw.lat);
	bench_env_free(&b);
	return rc;
}
