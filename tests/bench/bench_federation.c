/*
 * bench_federation.c - figure 13 (issue 14 item 4): entries shared between two regions' engines
 *
 * Two real engines on this machine, region sh and region zj, each its four daemons and jrp-exchange,
 * everything over ipc:// (each engine in its own temporary directory; each jrp-exchange pulls the
 * other's socket by its absolute path): no CURVE, as between the daemons of the other benchmarks, so
 * that the figures are the exchange's own work and comparable with theirs. sh's rules copy marks
 * tax.major_violation `share: [zj]`; each registry (a copy of deploy/parties.yaml) knows the other
 * region as a party with role peer. zj's rules are the shipped ones (receiving standard
 * foreign.tax_black: its own tax measures for the foreign entry).
 *
 * 13.  Exchange throughput: --records companies (default 2,000; JRP_BENCH_FED_N overrides) are
 *      black-listed in sh with the test clock at T (real rules: 5 working days' notice, so the entries are
 *      proposed) and every daemon of sh settles; then sh's clock is set to T + 10 days (all N take effect at
 *      once, as in figure 3) and the figure is N / the time from that clock.set until zj has all N foreign
 *      entries in force (zj's feedback, stats.get's foreign.sh.entries) and all N apply tasks on its
 *      procurement centre's stream. Meanwhile the stages are polled every 20 ms: sh's stream for zj holds N
 *      (exchange.status offered), zj has taken N from it (its cursor), zj's jrp-exchange has forwarded N to
 *      its ingest, zj's feedback counts N entries in force, zj's procurement stream has N.
 *      Baselines in the same run: sh's own procurement stream over the same N entries (the home's path);
 *      raw LMDB 1-record commits with fsync (the forward queue sends one record at a time, each an ingest
 *      commit and a queue commit).
 * 13b. Latency: then JRP_BENCH_FED_SINGLES (default 50) more companies, one at a time: record.submit in sh
 *      (its objection window long past at T + 10 days: effective at once) until its task is on zj's
 *      procurement stream (tasks.fetch long-poll). Baseline: the same record's task on sh's own stream.
 * 13c. Counts, to show nothing lost or doubled: shared records sent (exchange.list sent), received
 *      (exchange.list received), forwarded and refused, foreign entries in force, tasks, and the
 *      distinct subjects on zj's procurement stream.
 */
#include "bench.h"
#include "proto.h"
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define POLL_MS 20

typedef struct region {
	const char *id, *peer;
	bench_env b;
	pid_t xpid;
	jrp_client *xcl;
	/* a reader of the procurement centre's stream */
	uint64_t cursor, tasks;
	uint8_t *seen;        /* per subject index: apply tasks seen */
	uint64_t dup, foreign_subj;
} region;

static uint64_t N, M;   /* bulk, singles */

/* ---- setup ---- */

static int sh_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int sh_cmd(const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(cmd, sizeof cmd, fmt, ap);
	va_end(ap);
	return system(cmd) == 0 ? 0 : -1;
}

/* configure - rules and parties copies, the config with an exchange: section, reloaded */
static int configure(region *r, const region *peer)
{
	FILE *f;
	jrp_error e;
	const char *d = r->b.dir;
	if (sh_cmd("cp -r '%s/rules' '%s/rules' && cp '%s/deploy/parties.yaml' '%s/parties.yaml'", JRP_SOURCE_ROOT, d,
		   JRP_SOURCE_ROOT, d) < 0)
		return -1;
	if (!(f = fopen(bench_fmt("%s/parties.yaml", d), "a")))
		return -1;
	fprintf(f, "  - id: %s\n    name: region %s\n    roles: [peer]\n", r->peer, r->peer);
	fclose(f);
	if (strcmp(r->id, "sh") == 0 &&
	    (sh_cmd("sed -i 's/^  - id: tax.major_violation$/&\\n    share: [%s]/' '%s/rules/standards.yaml'", r->peer, d) < 0 ||
	     sh_cmd("test \"$(grep -c 'share: \\[%s\\]' '%s/rules/standards.yaml')\" = 1", r->peer, d) < 0)) {
		bench_note("federation: could not mark tax.major_violation shared in %s/rules", d);
		return -1;
	}
	if (!(f = fopen(r->b.config, "w")))
		return -1;
	fprintf(f, "data_dir: data\nrun_dir: run\nrules: rules\nparties: parties.yaml\n"
		   "test_clock: true\nmap_size_mb: 1024\nlog_level: info\n"
		   "exchange:\n  region: %s\n  peers:\n    - {region: %s, endpoint: \"ipc://%s/run/exchange.sock\"}\n",
		r->id, r->peer, peer->b.dir);
	fclose(f);
	config_free(&r->b.cfg);
	if (config_load(r->b.config, &r->b.cfg, &e) < 0) {
		bench_note("config: %s %s", e.field, e.message);
		return -1;
	}
	return 0;
}

static int call(jrp_client *c, mw *w, msg_in *in, jrp_error *e)
{
	int rc;
	jrp_error_clear(e);
	rc = client_call(c, w, 20000, in, e);
	if (rc == JRP_EREPLY)
		msg_in_free(in);
	return rc;
}

static int ping_x(region *r)
{
	mw w;
	msg_in in;
	jrp_error e;
	jrp_client *c = client_new(r->b.cfg->endpoint[SVC_EXCHANGE]);
	int rc;
	mw_init(&w);
	client_begin(c, &w, T_PING, NULL);
	jrp_error_clear(&e);
	rc = client_call(c, &w, 200, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&c);
	return rc;
}

static int start_exchange(region *r)
{
	const char *ep = r->b.cfg->endpoint[SVC_EXCHANGE];
	char logp[400];
	int64_t until = bench_ns() + 20 * 1000000000LL;
	struct stat st;
	snprintf(logp, sizeof logp, "%s/exchange.log", r->b.dir);
	unlink(ep + 6);
	if ((r->xpid = fork()) == 0) {
		int fd = open(logp, O_WRONLY | O_CREAT | O_APPEND, 0600);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		execl(JRP_BIN_EXCHANGE, JRP_BIN_EXCHANGE, "-c", r->b.config, (char *)NULL);
		_exit(127);
	}
	if (r->xpid < 0)
		return -1;
	for (;;) {
		int wst;
		if (waitpid(r->xpid, &wst, WNOHANG) == r->xpid) {
			bench_note("jrp-exchange of %s exited at start; log in %s", r->id, logp);
			r->xpid = 0;
			return -1;
		}
		if (bench_ns() > until) {
			bench_note("jrp-exchange of %s did not start within 20 s; log in %s", r->id, logp);
			return -1;
		}
		if (stat(ep + 6, &st) == 0 && ping_x(r) == 0)
			break;
		usleep(1000);
	}
	r->xcl = client_new(ep);
	bench_note("jrp-exchange (region %s) pid %d, log %s", r->id, (int)r->xpid, logp);
	return 0;
}

static int stop_exchange(region *r)
{
	int st = 0;
	client_free(&r->xcl);
	if (!r->xpid)
		return 0;
	kill(r->xpid, SIGTERM);
	waitpid(r->xpid, &st, 0);
	r->xpid = 0;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		bench_note("jrp-exchange of %s did not exit cleanly (status %d); log %s/exchange.log", r->id, st, r->b.dir);
		setenv("JRP_KEEP_BENCH_DIR", "1", 1);
		return -1;
	}
	return 0;
}

static int clock_all(region *r, const char *now)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	if (r->xcl) {   /* jrp-exchange is downstream of dispatch: first */
		mw_init(&w);
		client_begin(r->xcl, &w, T_CLOCK_SET, NULL);
		mw_kstr(&w, "now", now);
		rc = call(r->xcl, &w, &in, &e);
		mw_free(&w);
		if (rc) {
			bench_note("clock.set on %s's jrp-exchange: %s %s", r->id, e.code, e.message);
			return rc;
		}
		msg_in_free(&in);
	}
	return bench_clock(&r->b, now);
}

/* ---- figures polled ---- */

typedef struct xstat {
	uint64_t offered;        /* records in this region's stream for its peer */
	uint64_t taken;          /* its cursor on the peer's stream for it */
	uint64_t queued, refused, forwarded, rejected;
	char stopped[200];
} xstat;

static int xstatus(region *r, xstat *s)
{
	mw w;
	msg_in in;
	jrp_error e;
	const msgpack_object *ps, *fw;
	int rc;
	memset(s, 0, sizeof *s);
	mw_init(&w);
	client_begin(r->xcl, &w, T_EXCHANGE_STATUS, "office");
	rc = call(r->xcl, &w, &in, &e);
	mw_free(&w);
	if (rc) {
		bench_note("exchange.status (%s): %s %s", r->id, e.code, e.message);
		return rc;
	}
	ps = obj_get(in.root, "peers");
	if (ps && ps->type == MSGPACK_OBJECT_ARRAY && ps->via.array.size) {
		const msgpack_object *p = &ps->via.array.ptr[0], *pl = obj_get(p, "pulling");
		s->offered = obj_u64(p, "offered");
		s->taken = obj_u64(pl, "cursor");
		s->rejected = obj_u64(pl, "rejected");
		obj_cstr(pl, "stopped", s->stopped, sizeof s->stopped);
	}
	fw = obj_get(in.root, "forward");
	s->queued = obj_u64(fw, "queued");
	s->refused = obj_u64(fw, "refused");
	s->forwarded = obj_u64(fw, "forwarded");
	msg_in_free(&in);
	return 0;
}

/* foreign_stats - feedback's stats.get foreign.<from>: entries in force, tasks pushed */
static int foreign_stats(region *r, const char *from, uint64_t *entries, uint64_t *tasks)
{
	mw w;
	msg_in in;
	jrp_error e;
	const msgpack_object *f;
	int rc;
	mw_init(&w);
	client_begin(NULL, &w, T_STATS_GET, "office");
	rc = bench_call(&r->b, SVC_FEEDBACK, &w, 20000, &in, &e);
	mw_free(&w);
	if (rc) {
		if (rc == JRP_EREPLY)
			msg_in_free(&in);
		bench_note("stats.get (%s): %s %s", r->id, e.code, e.message);
		return rc;
	}
	f = obj_get(obj_get(in.root, "foreign"), from);
	*entries = obj_u64(f, "entries");
	*tasks = obj_u64(f, "tasks");
	msg_in_free(&in);
	return 0;
}

/* fetch - the procurement centre's new tasks (apply tasks counted by subject); wait_ms: long-poll */
static int fetch(region *r, int wait_ms, long want_subject, int64_t *seen_at)
{
	mw w;
	msg_in in;
	jrp_error e;
	const msgpack_object *ts;
	int rc;
	mw_init(&w);
	client_begin(NULL, &w, T_TASKS_FETCH, "procurement_centre");
	mw_ku64(&w, "after", r->cursor);
	mw_ku64(&w, "max", JRP_MAX_FETCH);
	mw_ku64(&w, "wait_ms", (uint64_t)wait_ms);
	rc = bench_call(&r->b, SVC_DISPATCH, &w, wait_ms + 20000, &in, &e);
	mw_free(&w);
	if (rc) {
		if (rc == JRP_EREPLY)
			msg_in_free(&in);
		bench_note("tasks.fetch (%s): %s %s", r->id, e.code, e.message);
		return rc;
	}
	ts = obj_get(in.root, "tasks");
	if (ts && ts->type == MSGPACK_OBJECT_ARRAY) {
		int64_t now = bench_ns();
		for (uint32_t i = 0; i < ts->via.array.size; i++) {
			const msgpack_object *t = &ts->via.array.ptr[i];
			char code[40], action[16];
			long n;
			if (strcmp(obj_cstr(t, "action", action, sizeof action), "apply") != 0)
				continue;
			n = bench_uscc_index(obj_cstr(obj_get(t, "subject"), "code", code, sizeof code));
			if (n < 0 || (uint64_t)n >= N + M)
				continue;
			r->tasks++;
			if (r->seen[n]++)
				r->dup++;
			if (obj_get(t, "origin"))
				r->foreign_subj++;
			if (seen_at && n == want_subject)
				*seen_at = now;
		}
	}
	r->cursor = obj_u64(in.root, "cursor");
	msg_in_free(&in);
	return 0;
}

/* xlist_shared - records of kind shared in exchange.list {dir, region} */
static int xlist_shared(region *r, const char *dir, uint64_t *n)
{
	uint64_t after = 0;
	*n = 0;
	for (;;) {
		mw w;
		msg_in in;
		jrp_error e;
		const msgpack_object *rs;
		int rc;
		uint32_t k;
		mw_init(&w);
		client_begin(r->xcl, &w, T_EXCHANGE_LIST, "office");
		mw_kstr(&w, "dir", dir);
		mw_kstr(&w, "region", r->peer);
		mw_ku64(&w, "after", after);
		mw_ku64(&w, "max", 1000);
		rc = call(r->xcl, &w, &in, &e);
		mw_free(&w);
		if (rc) {
			bench_note("exchange.list %s (%s): %s %s", dir, r->id, e.code, e.message);
			return rc;
		}
		rs = obj_get(in.root, "records");
		k = rs && rs->type == MSGPACK_OBJECT_ARRAY ? rs->via.array.size : 0;
		for (uint32_t i = 0; i < k; i++) {
			char kind[16];
			if (strcmp(obj_cstr(obj_get(&rs->via.array.ptr[i], "record"), "kind", kind, sizeof kind), "shared") == 0)
				(*n)++;
		}
		after = obj_u64(in.root, "last");
		msg_in_free(&in);
		if (!k)
			return 0;
	}
}

static uint64_t env_u64(const char *name, uint64_t dflt)
{
	const char *v = getenv(name);
	return v && strtoull(v, NULL, 10) > 0 ? strtoull(v, NULL, 10) : dflt;
}

static int submit_one(region *r, uint64_t n)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	mw_init(&w);
	client_begin(NULL, &w, T_RECORD_SUBMIT, "tax_bureau");
	bench_record(&w, n, true);
	rc = bench_call(&r->b, SVC_INGEST, &w, 20000, &in, &e);
	mw_free(&w);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	if (rc)
		bench_note("record.submit (%s): %s %s", r->id, e.code, e.message);
	return rc;
}

static const char *sec(int64_t t, int64_t t0)
{
	return t ? bench_fmt("%.2f s", (double)(t - t0) / 1e9) : "never";
}

int main(int argc, char **argv)
{
	bench_opts o = { .seconds = 1, .records = 2000, .sockets = 1, .window = 256 };   /* seconds: unused */
	region sh = { .id = "sh", .peer = "zj" }, zj = { .id = "zj", .peer = "sh" };
	region *rs[2] = { &sh, &zj };
	bench_load L;
	bench_raw raw = { 0 };
	bench_lat lat = { 0 }, home = { 0 }, hop = { 0 };
	bench_usage u0, u1;
	int64_t x0[2] = { 0 }, x1[2] = { 0 };
	uint64_t c0[SVC__ALL], c1[SVC__ALL];
	xstat xs, xz;
	int rc = 1;
	int64_t t0, t_offered = 0, t_taken = 0, t_fwd = 0, t_entries = 0, t_zj_tasks = 0, t_sh_tasks = 0, t_end = 0,
		last_progress;
	uint64_t entries = 0, ftasks = 0, progress = 0;
	double timeout_s;

	bench_args(argc, argv, &o, "  --records N  companies black-listed in region sh, shared with zj (default 2,000; "
				   "JRP_BENCH_FED_N overrides); JRP_BENCH_FED_SINGLES: single entries timed (50)\n");
	N = env_u64("JRP_BENCH_FED_N", o.records);
	M = env_u64("JRP_BENCH_FED_SINGLES", 50);
	timeout_s = 120 + (double)N / 20;
	for (int i = 0; i < 2; i++) {
		rs[i]->seen = calloc(N + M, 1);
		if (bench_env_init(&rs[i]->b, false) < 0)
			goto out;
	}
	if (configure(&sh, &zj) < 0 || configure(&zj, &sh) < 0)
		goto out;
	for (int i = 0; i < 2; i++)
		if (bench_start_all(&rs[i]->b) < 0 || start_exchange(rs[i]) < 0 || clock_all(rs[i], BENCH_T0) < 0)
			goto out;

	/* the raw baseline first, while nothing else runs */
	{
		mw rec;
		mw_init(&rec);
		mw_map(&rec);
		bench_record(&rec, 0, true);
		mw_end(&rec);
		if (bench_raw_append(bench_fmt("%s/raw", sh.b.dir), mw_data(&rec), mw_len(&rec), true, false, 1, UINT64_MAX,
				     3, &raw) < 0)
			goto out;
		mw_free(&rec);
	}

	bench_note("federation: black-listing %llu companies in region sh at %s (5 working days' notice: proposed)",
		   (unsigned long long)N, BENCH_T0);
	memset(&L, 0, sizeof L);
	L.endpoint = sh.b.cfg->endpoint[SVC_INGEST];
	L.type = T_RECORD_SUBMIT;
	L.party = "tax_bureau";
	L.build = bench_build_black;
	L.sockets = 1;
	L.window = o.window;
	L.count = N;
	if (bench_load_run(&L, NULL, NULL) < 0 || L.ok != N) {
		bench_load_free(&L);
		goto out;
	}
	bench_load_free(&L);
	if (bench_settle(&sh.b, 120000) < 0 || xstatus(&sh, &xs) < 0) {
		bench_note("federation: region sh did not settle");
		goto out;
	}
	bench_note("federation: %llu proposed in sh; sh's stream for zj holds %llu records; zj's clock to %s, then sh's",
		   (unsigned long long)N, (unsigned long long)xs.offered, BENCH_T0_PLUS_10D);
	if (clock_all(&zj, BENCH_T0_PLUS_10D) < 0)
		goto out;

	/* 13: sh's entries take effect at once; until zj has them all in force, tasks pushed */
	bench_usage_take(&zj.b, &u0);
	for (int i = 0; i < 2; i++)
		x0[i] = bench_cpu_us(rs[i]->xpid);
	for (int s = 0; s < SVC__ALL; s++)
		c0[s] = bench_commits(&zj.b, s);
	t0 = bench_ns();
	if (clock_all(&sh, BENCH_T0_PLUS_10D) < 0)
		goto out;
	last_progress = t0;
	for (;;) {
		int64_t now;
		uint64_t p;
		if (!t_sh_tasks && fetch(&sh, 0, -1, NULL) == 0 && sh.tasks >= N)
			t_sh_tasks = bench_ns();
		if (xstatus(&sh, &xs) < 0 || xstatus(&zj, &xz) < 0 || fetch(&zj, 0, -1, NULL) < 0 ||
		    foreign_stats(&zj, "sh", &entries, &ftasks) < 0)
			goto out;
		now = bench_ns();
		if (!t_offered && xs.offered >= N)
			t_offered = now;
		if (!t_taken && xz.taken >= N)
			t_taken = now;
		if (!t_fwd && xz.forwarded >= N)
			t_fwd = now;
		if (!t_entries && entries >= N)
			t_entries = now;
		if (!t_zj_tasks && zj.tasks >= N)
			t_zj_tasks = now;
		if (t_entries && t_zj_tasks) {
			t_end = t_entries > t_zj_tasks ? t_entries : t_zj_tasks;
			break;
		}
		p = xs.offered + xz.taken + xz.forwarded + entries + zj.tasks + sh.tasks;
		if (p != progress) {
			progress = p;
			last_progress = now;
		}
		if (now - last_progress > 30 * 1000000000LL || now - t0 > (int64_t)(timeout_s * 1e9)) {
			bench_note("federation: STALLED after %.1f s: sh offered %llu, zj took %llu, forwarded %llu (queued %llu, refused "
				   "%llu, rejected %llu%s%s), foreign entries in force %llu, zj procurement tasks %llu, sh's %llu",
				   (double)(now - t0) / 1e9, (unsigned long long)xs.offered, (unsigned long long)xz.taken,
				   (unsigned long long)xz.forwarded, (unsigned long long)xz.queued, (unsigned long long)xz.refused,
				   (unsigned long long)xz.rejected, xz.stopped[0] ? ", stopped: " : "", xz.stopped,
				   (unsigned long long)entries, (unsigned long long)zj.tasks, (unsigned long long)sh.tasks);
			setenv("JRP_KEEP_BENCH_DIR", "1", 1);
			goto out;
		}
		usleep(POLL_MS * 1000);
	}
	while (sh.tasks < N && fetch(&sh, 1000, -1, NULL) == 0 && bench_ns() - t0 < (int64_t)(timeout_s * 1e9))
		;
	if (!t_sh_tasks)
		t_sh_tasks = bench_ns();   /* only if it finished after zj: then this is late by up to one poll */
	bench_usage_take(&zj.b, &u1);
	for (int i = 0; i < 2; i++)
		x1[i] = bench_cpu_us(rs[i]->xpid);
	for (int s = 0; s < SVC__ALL; s++)
		c1[s] = bench_commits(&zj.b, s);
	bench_note("federation: stages after sh's clock.set: sh's stream for zj holds %llu at %s; zj took them at %s; "
		   "forwarded to zj's ingest at %s; %llu foreign entries in force at %s; %llu apply tasks on zj's "
		   "procurement stream at %s; sh's own %llu at %s", (unsigned long long)xs.offered, sec(t_offered, t0),
		   sec(t_taken, t0), sec(t_fwd, t0), (unsigned long long)entries, sec(t_entries, t0),
		   (unsigned long long)zj.tasks, sec(t_zj_tasks, t0), (unsigned long long)sh.tasks, sec(t_sh_tasks, t0));
	{
		double s = (double)(t_end - t0) / 1e9, hs = (double)(t_sh_tasks - t0) / 1e9;
		double ux = (double)(u1.ns - u0.ns) / 1e3;
		bench_row("13", bench_fmt("entries shared between two engines on this machine (ipc://): %s entries of a shared "
					  "standard take effect at once in region sh (clock set past the notice period) until "
					  "region zj has all %s foreign entries in force and their apply tasks on its procurement "
					  "centre's stream", bench_num((double)N), bench_num((double)N)),
			  bench_fmt("%s entries/s", bench_num((double)N / s)),
			  bench_fmt("sh's own tasks for the same entries: %s entries/s (%.2f s); raw LMDB 1-record commits, "
				    "fsync each: %s/s", bench_num((double)N / hs), hs,
				    bench_num((double)raw.commits / raw.seconds)),
			  bench_fmt("%.2f of sh's own", hs / s), "",
			  "%.2f s: sh's stream for zj full at %s, taken by zj at %s, forwarded to zj's ingest (one record in "
			  "flight) at %s, in force in zj at %s, zj's tasks at %s (stages polled every %d ms); zj's LMDB commits "
			  "an entry: exchange %.2f, ingest %.2f, adjudicate %.2f, dispatch %.2f, feedback %.2f; jrp-exchange CPU "
			  "sh %.0f%%, zj %.0f%% of a core; zj: %s", s, sec(t_offered, t0), sec(t_taken, t0), sec(t_fwd, t0),
			  sec(t_entries, t0), sec(t_zj_tasks, t0), POLL_MS, (double)(c1[SVC_EXCHANGE] - c0[SVC_EXCHANGE]) / (double)N,
			  (double)(c1[SVC_INGEST] - c0[SVC_INGEST]) / (double)N,
			  (double)(c1[SVC_ADJUDICATE] - c0[SVC_ADJUDICATE]) / (double)N,
			  (double)(c1[SVC_DISPATCH] - c0[SVC_DISPATCH]) / (double)N,
			  (double)(c1[SVC_FEEDBACK] - c0[SVC_FEEDBACK]) / (double)N, 100.0 * (double)(x1[0] - x0[0]) / ux,
			  100.0 * (double)(x1[1] - x0[1]) / ux, bench_usage_str(&zj.b, &u0, &u1));
	}

	/* 13b: one at a time */
	bench_note("federation: %llu single entries, one at a time", (unsigned long long)M);
	for (uint64_t i = 0; i < M; i++) {
		uint64_t n = N + i;
		int64_t ts, th = 0, tz = 0, until;
		usleep(100000);
		ts = bench_ns();
		if (submit_one(&sh, n) < 0)
			goto out;
		until = bench_ns() + 30 * 1000000000LL;
		while (!th && bench_ns() < until)
			if (fetch(&sh, 1000, (long)n, &th) < 0)
				goto out;
		while (!tz && bench_ns() < until)
			if (fetch(&zj, 1000, (long)n, &tz) < 0)
				goto out;
		if (!th || !tz) {
			bench_note("federation: single %llu: its task did not reach %s within 30 s", (unsigned long long)n,
				   th ? "zj" : "sh");
			setenv("JRP_KEEP_BENCH_DIR", "1", 1);
			goto out;
		}
		lat_add(&lat, tz - ts);
		lat_add(&home, th - ts);
		lat_add(&hop, tz - th);
	}
	bench_row("13b", bench_fmt("one entry: record.submit in region sh (effective at once: its notice period long past) "
				   "→ its task on region zj's procurement stream (tasks.fetch long-poll), %s entries one at a "
				   "time, 100 ms apart", bench_num((double)M)),
		  bench_fmt("p50 %.1f, p99 %.1f, max %.1f ms", lat_pct(&lat, 50), lat_pct(&lat, 99), lat_pct(&lat, 100)),
		  bench_fmt("the same record's task on sh's own stream: p50 %.1f, p99 %.1f ms", lat_pct(&home, 50),
			    lat_pct(&home, 99)),
		  "", "",
		  "sh's task → zj's task (the exchange's share): p50 %.1f, p99 %.1f ms: sh's jrp-exchange pulls dispatch's log "
		  "(no coalescing: it asks again at once), zj's long-polls sh's stream, forwards to its ingest; zj's adjudicate and dispatch",
		  lat_pct(&hop, 50), lat_pct(&hop, 99));

	/* 13c: counts */
	{
		uint64_t sent = 0, recv = 0, distinct = 0;
		int64_t until = bench_ns() + 30 * 1000000000LL;
		if (bench_settle(&zj.b, 30000) < 0)
			bench_note("federation: zj did not settle within 30 s");
		do {   /* feedback's counters follow dispatch's log */
			if (foreign_stats(&zj, "sh", &entries, &ftasks) < 0 || xstatus(&zj, &xz) < 0)
				goto out;
		} while (entries < N + M && bench_ns() < until && usleep(50000) == 0);
		if (xstatus(&sh, &xs) < 0 || xlist_shared(&sh, "sent", &sent) < 0 || xlist_shared(&zj, "received", &recv) < 0)
			goto out;
		fetch(&zj, 0, -1, NULL);
		for (uint64_t i = 0; i < N + M; i++)
			distinct += zj.seen[i] > 0;
		bench_row("13c", bench_fmt("counts after 13 and 13b (%s entries shared in all)", bench_num((double)(N + M))),
			  bench_fmt("sh: %llu shared records sent; zj: %llu received, %llu forwarded to ingest (%llu queued, %llu "
				    "refused, %llu rejected), %llu foreign entries in force, %llu tasks pushed (%.2f an entry), "
				    "%llu apply tasks on the procurement stream for %llu distinct subjects (%llu doubled)",
				    (unsigned long long)sent, (unsigned long long)recv, (unsigned long long)xz.forwarded,
				    (unsigned long long)xz.queued, (unsigned long long)xz.refused, (unsigned long long)xz.rejected,
				    (unsigned long long)entries, (unsigned long long)ftasks,
				    entries ? (double)ftasks / (double)entries : 0, (unsigned long long)zj.tasks,
				    (unsigned long long)distinct, (unsigned long long)zj.dup),
			  bench_fmt("sh's own procurement stream: %llu apply tasks", (unsigned long long)sh.tasks),
			  sent == N + M && recv == N + M && xz.forwarded == N + M && entries == N + M && distinct == N + M &&
					  !zj.dup && !xz.refused && !xz.queued ? "all equal" : "MISMATCH",
			  "each exactly once", "sh's stream for zj holds %llu records (shared, and zj's reports go the other way)",
			  (unsigned long long)xs.offered);
		if (!(sent == N + M && recv == N + M && entries == N + M && distinct == N + M && !zj.dup)) {
			setenv("JRP_KEEP_BENCH_DIR", "1", 1);
			goto out;
		}
	}
	rc = 0;
out:
	lat_free(&lat);
	lat_free(&home);
	lat_free(&hop);
	lat_free(&raw.lat);
	for (int i = 1; i >= 0; i--)
		if (stop_exchange(rs[i]) < 0)
			rc = 1;
	for (int i = 1; i >= 0; i--) {
		bench_env_free(&rs[i]->b);
		free(rs[i]->seen);
	}
	return rc;
}
