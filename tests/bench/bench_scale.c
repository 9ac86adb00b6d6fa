/*
 * bench_scale.c - the figures of issue 5 that need a large database: checks
 * and restarts with many subjects listed (9), and many entries expiring on the
 * same day (10)
 *
 * Every database here is bulk-loaded through the real path: one record per
 * subject, submitted with record.submit from --sockets DEALER sockets with
 * --window requests in flight each (what `jrpctl submit --lines` does with
 * 256 in flight, from several sockets), with the real rules. Subject i
 * (bench_uscc) is a 5,000,000 yuan major tax evasion when i is a multiple of
 * subjects/entries: it meets tax.major_violation and is proposed for the
 * black list with its 5-day notice period (the record says the company was
 * notified on the decision date); every other subject is
 * a 1,000 yuan penalty that meets no list standard and costs only ingest (and
 * adjudicate's reading of it). When adjudicate has taken everything in, the
 * test clock is set ten days on (downstream first), the entries take effect,
 * and the load is done when all their apply tasks are on procurement_centre's
 * stream (and, where it matters, bank_regulator's).
 *
 * 9.  --subjects subjects with --entries entries (default 2,000,000 and
 *     200,000, about 40 s of loading on a 2-core machine, so that run.sh stays
 *     within 5 minutes; 10,000,000 and 1,000,000 is the size:
 *     run.sh --large),
 *     and in the same run a second deployment with --base-subjects and
 *     --base-entries (100,000 and 10,000): how long each took to build.
 * 9a. Check latency, open loop at --check-rate from one socket, from the
 *     scheduled send, on each database (one in ten checks names a listed
 *     subject, the reply must say listed; the others a subject that has a
 *     record but no entry, the reply must say not listed). After a 1 s round
 *     on each that is not counted, rounds of 1 s alternate small, big, big,
 *     small (--check-seconds on each), both deployments settled before each,
 *     so that drift in the machine (other processes, the hypervisor's steal)
 *     falls on both alike; the figure is the big database's p99 over the
 *     small one's, and the same for the median of the rounds' p99s.
 * 9b. Restart of each daemon on each database: SIGTERM, start again, time from
 *     fork to its first ping answer (and, for dispatch, the first check after);
 *     three times with the page cache as it is (warm: the databases were just
 *     written), then once with the daemon's database file evicted from it
 *     first (posix_fadvise DONTNEED: as after a reboot, for that file).
 * 10. --expiring entries (default 100,000), all decided on the same day and so
 *     with the same valid_until, made effective as above; the clock is then set
 *     to their last valid day and everything settles. A checker starts at
 *     --during-rate (open loop, one socket, its own thread); after
 *     --before-seconds the clock is set to the day after valid_until, and the
 *     figure is the time from that clock.set until all 2 × --expiring stop
 *     tasks are on procurement_centre's and bank_regulator's streams (each gets
 *     one per entry), beside the time the same entries took to take effect.
 *     adjudicate runs the due expiries in bounded batches (TICK_BATCH, 1,024
 *     per transaction): the row gives its commits.
 * 10a. The checker's latency from the scheduled send, for the checks
 *     scheduled during that processing, beside those scheduled before it.
 */
#include "bench.h"
#include "proto.h"
#include <fcntl.h>
#include <getopt.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <zmq.h>

/* a 3-year entry decided on BENCH_DECISION_DATE (2026-11-20) is valid until 2029-11-19 */
#define EXPIRY_LAST_DAY "2029-11-19T09:00:00+08:00"
#define EXPIRY_DAY_AFTER "2029-11-20T09:00:00+08:00"
/* subjects that were never submitted (the expiry run's unlisted checks) */
#define NEVER_SUBMITTED 5000000ULL

typedef struct scale_opts {
	uint64_t subjects, entries, base_subjects, base_entries, expiring;
	double check_rate, check_seconds, during_rate, before_seconds;
	int sockets, window;
	bool scale, expiry;
} scale_opts;

static void usage(const char *argv0)
{
	fprintf(stderr,
		"usage: %s [options]\n"
		"  --subjects N        subjects of the big database, one record each (default 2,000,000)\n"
		"  --entries N         of which black-listed (default 200,000; subjects must be a multiple)\n"
		"  --base-subjects N   the same-run baseline database (default 100,000)\n"
		"  --base-entries N    ... its entries (default 10,000)\n"
		"  --check-rate R      checks/s offered for figure 9a (default 5,000)\n"
		"  --check-seconds S   per database, in rounds of 1 s (default 10)\n"
		"  --expiring N        entries expiring on the same day, figure 10 (default 100,000)\n"
		"  --during-rate R     checks/s offered while they expire (default 2,000)\n"
		"  --before-seconds S  checks before the expiry, the baseline of 10a (default 5)\n"
		"  --sockets N, --window N   the bulk loader (default 4 x 256)\n"
		"  --only scale|expiry one of the two parts\n"
		"The issue's size: --subjects 10000000 --entries 1000000\n",
		argv0);
	exit(2);
}

static void parse(int argc, char **argv, scale_opts *o)
{
	static const struct option longs[] = {
		{ "subjects", required_argument, NULL, 's' },      { "entries", required_argument, NULL, 'e' },
		{ "base-subjects", required_argument, NULL, 'S' }, { "base-entries", required_argument, NULL, 'E' },
		{ "check-rate", required_argument, NULL, 'r' },    { "check-seconds", required_argument, NULL, 't' },
		{ "expiring", required_argument, NULL, 'x' },      { "during-rate", required_argument, NULL, 'd' },
		{ "before-seconds", required_argument, NULL, 'b' }, { "sockets", required_argument, NULL, 'k' },
		{ "window", required_argument, NULL, 'w' },        { "only", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },                { NULL, 0, NULL, 0 },
	};
	int c;
	while ((c = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
		switch (c) {
		case 's': o->subjects = strtoull(optarg, NULL, 10); break;
		case 'e': o->entries = strtoull(optarg, NULL, 10); break;
		case 'S': o->base_subjects = strtoull(optarg, NULL, 10); break;
		case 'E': o->base_entries = strtoull(optarg, NULL, 10); break;
		case 'r': o->check_rate = atof(optarg); break;
		case 't': o->check_seconds = atof(optarg); break;
		case 'x': o->expiring = strtoull(optarg, NULL, 10); break;
		case 'd': o->during_rate = atof(optarg); break;
		case 'b': o->before_seconds = atof(optarg); break;
		case 'k': o->sockets = atoi(optarg); break;
		case 'w': o->window = atoi(optarg); break;
		case 'o':
			o->scale = strcmp(optarg, "scale") == 0;
			o->expiry = strcmp(optarg, "expiry") == 0;
			if (!o->scale && !o->expiry)
				usage(argv[0]);
			break;
		default: usage(argv[0]);
		}
	}
	if (optind < argc || !o->entries || !o->base_entries || o->subjects % o->entries ||
	    o->subjects / o->entries < 2 || o->base_subjects % o->base_entries || o->base_subjects / o->base_entries < 2 ||
	    o->subjects > 10000000 || o->base_subjects > 10000000 || !o->expiring || o->expiring > NEVER_SUBMITTED ||
	    o->check_rate <= 0 || o->check_seconds <= 0 || o->during_rate <= 0 || o->before_seconds <= 0 ||
	    o->sockets < 1 || o->sockets > 64 || o->window < 1 || o->window > 65536) {
		fprintf(stderr, "%s: bad option value (subjects ≤ 10,000,000, a multiple of entries, at least twice as many)\n",
			argv[0]);
		usage(argv[0]);
	}
}

/* ---- the population: subject i is black-listed iff i % stride == 0 ---- */

typedef struct population {
	uint64_t subjects, entries, stride;
} population;

static population population_of(uint64_t subjects, uint64_t entries)
{
	population p = { subjects, entries, subjects / entries };
	return p;
}

static void build_subject(void *arg, uint64_t i, mw *w)
{
	const population *p = arg;
	bench_record(w, i, i % p->stride == 0);
}

/* ---- an agency reading its stream, with its own socket and ids ---- */

/* client.h keeps one request id for the process, so its calls are one thread
 * at a time; a reader builds its own requests and may run beside others */
typedef struct reader {
	const char *endpoint, *agency, *action;
	uint64_t want;           /* stop after this many tasks with that action */
	uint64_t cursor;         /* in: read after this; out: the last task read */
	double timeout_s;
	uint64_t *seq_of;        /* optional, nsubjects: each subject's task seq (bench_uscc index) */
	uint64_t nsubjects;
	/* results */
	uint64_t got, others;    /* tasks with that action, and any other */
	int64_t done_ns;         /* when the want-th arrived */
	atomic_bool cancel;      /* set by another thread: stop reading (within the 1 s long-poll) */
	atomic_bool finished;
	char error[300];
	pthread_t th;
} reader;

static void *reader_run(void *arg)
{
	reader *r = arg;
	void *ctx = zmq_ctx_new(), *s = zmq_socket(ctx, ZMQ_DEALER);
	int lin = 0;
	uint64_t id = 0;
	int64_t until = bench_ns() + (int64_t)(r->timeout_s * 1e9);
	mw w;

	mw_init(&w);
	zmq_setsockopt(s, ZMQ_LINGER, &lin, sizeof lin);
	zmq_connect(s, r->endpoint);
	while (r->got < r->want && bench_ns() < until && !atomic_load(&r->cancel)) {
		zmq_pollitem_t pi = { s, 0, ZMQ_POLLIN, 0 };
		const msgpack_object *ts;
		zmq_msg_t m;
		msg_in in;
		jrp_error e;
		int64_t now;
		mw_reset(&w);
		mw_map(&w);
		mw_ku64(&w, "v", JRP_PROTO_VERSION);
		mw_kstr(&w, "type", T_TASKS_FETCH);
		mw_ku64(&w, "id", ++id);
		mw_kstr(&w, "party", r->agency);
		mw_ku64(&w, "after", r->cursor);
		mw_ku64(&w, "max", JRP_MAX_FETCH);
		mw_ku64(&w, "wait_ms", 1000);
		mw_end(&w);
		if (zmq_send(s, mw_data(&w), mw_len(&w), 0) < 0) {
			snprintf(r->error, sizeof r->error, "send: %s", zmq_strerror(zmq_errno()));
			break;
		}
		if (zmq_poll(&pi, 1, 30000) <= 0) {
			snprintf(r->error, sizeof r->error, "no tasks.fetch reply within 30 s");
			break;
		}
		zmq_msg_init(&m);
		if (zmq_msg_recv(&m, s, 0) < 0) {
			zmq_msg_close(&m);
			snprintf(r->error, sizeof r->error, "recv: %s", zmq_strerror(zmq_errno()));
			break;
		}
		now = bench_ns();
		if (msg_parse(zmq_msg_data(&m), zmq_msg_size(&m), 64u << 20, &in, &e) < 0) {
			msg_in_free(&in);
			zmq_msg_close(&m);
			snprintf(r->error, sizeof r->error, "unreadable reply: %.200s", e.message);
			break;
		}
		zmq_msg_close(&m);
		if (!obj_bool(in.root, "ok") || obj_u64(in.root, "id") != id) {
			char code[32], msg[200];
			const msgpack_object *err = obj_get(in.root, "error");
			snprintf(r->error, sizeof r->error, "tasks.fetch: %s %s", obj_cstr(err, "code", code, sizeof code),
				 obj_cstr(err, "message", msg, sizeof msg));
			msg_in_free(&in);
			break;
		}
		ts = obj_get(in.root, "tasks");
		if (ts && ts->type == MSGPACK_OBJECT_ARRAY)
			for (uint32_t i = 0; i < ts->via.array.size; i++) {
				const msgpack_object *t = &ts->via.array.ptr[i];
				if (!obj_str_eq(obj_get(t, "action"), r->action)) {
					r->others++;
					continue;
				}
				if (++r->got == r->want)
					r->done_ns = now;
				if (r->seq_of) {
					char code[40];
					long k = bench_uscc_index(obj_cstr(obj_get(t, "subject"), "code", code, sizeof code));
					if (k >= 0 && (uint64_t)k < r->nsubjects)
						r->seq_of[k] = obj_u64(t, "seq");
				}
			}
		r->cursor = obj_u64(in.root, "cursor");
		msg_in_free(&in);
	}
	if (r->got < r->want && !r->error[0])
		snprintf(r->error, sizeof r->error, "%llu of %llu %s tasks within %.0f s%s", (unsigned long long)r->got,
			 (unsigned long long)r->want, r->action, (double)(bench_ns() - until) / 1e9 + r->timeout_s,
			 atomic_load(&r->cancel) ? " (stopped waiting)" : "");
	mw_free(&w);
	zmq_close(s);
	zmq_ctx_term(ctx);
	atomic_store(&r->finished, true);
	return NULL;
}

static void reader_start(reader *r, bench_env *b, const char *agency, const char *action, uint64_t want,
			 uint64_t after, double timeout_s)
{
	r->endpoint = b->cfg->endpoint[SVC_DISPATCH];
	r->agency = agency;
	r->action = action;
	r->want = want;
	r->cursor = after;
	r->timeout_s = timeout_s;
	r->got = r->others = 0;
	r->done_ns = 0;
	r->error[0] = 0;
	atomic_store(&r->cancel, false);
	atomic_store(&r->finished, false);
	pthread_create(&r->th, NULL, reader_run, r);
}

static int reader_join(reader *r)
{
	pthread_join(r->th, NULL);
	if (r->error[0])
		bench_note("%s stream: %s", r->agency, r->error);
	return r->got >= r->want ? 0 : -1;
}

/* ---- building a database ---- */

typedef struct built {
	population p;
	double submit_s, settle_s, effective_s;   /* the three phases */
	double acked_rate;                         /* records/s ingest acknowledged */
	double effective_pc_s, effective_bank_s;   /* clock.set to the last apply task on each stream */
	double settled_after_s;                    /* then until every consumer was at its upstream's log end */
	uint64_t cursor_pc, cursor_bank;           /* the streams after those apply tasks */
	char commits[200];                         /* of the effective phase */
	char usage[600];
} built;

typedef struct progress {
	bench_env *b;
	uint64_t total;
	int64_t t0, next;
} progress;

/* progress - every 10 s while loading: how far ingest and adjudicate are */
static void progress_sample(void *arg)
{
	progress *p = arg;
	int64_t now = bench_ns();
	if (now < p->next)
		return;
	p->next = now + 10 * 1000000000LL;
	bench_note("scale: %.0f s: %s of %s records in ingest's log, adjudicate has taken in %s", (double)(now - p->t0) / 1e9,
		   bench_num((double)bench_status_u64(p->b, SVC_INGEST, "log_last")), bench_num((double)p->total),
		   bench_num((double)bench_status_u64(p->b, SVC_ADJUDICATE, "cursor")));
}

static void commits_take(bench_env *b, uint64_t *c)
{
	for (int s = 0; s < SVC__N; s++)
		c[s] = bench_commits(b, s);
}

static const char *commits_str(bench_env *b, const uint64_t *c0, const uint64_t *c1)
{
	return bench_fmt("commits: ingest %llu, adjudicate %llu, dispatch %llu, feedback %llu",
			 (unsigned long long)(c1[SVC_INGEST] - c0[SVC_INGEST]),
			 (unsigned long long)(c1[SVC_ADJUDICATE] - c0[SVC_ADJUDICATE]),
			 (unsigned long long)(c1[SVC_DISPATCH] - c0[SVC_DISPATCH]),
			 (unsigned long long)(c1[SVC_FEEDBACK] - c0[SVC_FEEDBACK]));
}

/* build - start a deployment with the real rules and load p through it; with
 * bank, wait for bank_regulator's apply tasks too */
static int build(bench_env *b, const scale_opts *o, population p, bool bank, built *out)
{
	bench_load L;
	progress pr;
	reader rd[2];
	bench_usage u0, u1;
	uint64_t c0[SVC__N], c1[SVC__N];
	int64_t t1, t2, t3;
	double slack = 120 + (double)p.subjects / 5000;   /* generous: a time-out means something is wrong */
	int rc = -1;

	memset(out, 0, sizeof *out);
	memset(rd, 0, sizeof rd);
	out->p = p;
	if (bench_env_init(b, false) < 0 || bench_start_all(b) < 0)
		return -1;
	bench_note("scale: loading %s subjects, %s of them black-listed (one in %llu), %d sockets x %d in flight",
		   bench_num((double)p.subjects), bench_num((double)p.entries), (unsigned long long)p.stride, o->sockets,
		   o->window);
	memset(&L, 0, sizeof L);
	L.endpoint = b->cfg->endpoint[SVC_INGEST];
	L.type = T_RECORD_SUBMIT;
	L.party = "tax_bureau";
	L.build = build_subject;
	L.arg = &p;
	L.sockets = o->sockets;
	L.window = o->window;
	L.count = p.subjects;
	pr.b = b;
	pr.total = p.subjects;
	pr.t0 = bench_ns();
	pr.next = pr.t0 + 10 * 1000000000LL;
	if (bench_load_run(&L, progress_sample, &pr) < 0 || L.ok != p.subjects) {
		bench_note("scale: %llu of %llu records acknowledged", (unsigned long long)L.ok, (unsigned long long)p.subjects);
		goto out;
	}
	t1 = bench_ns();
	out->submit_s = (double)(t1 - L.t_first_ns) / 1e9;
	out->acked_rate = L.elapsed > 0 ? (double)L.ok / L.elapsed : 0;
	if (bench_settle(b, (int)(slack * 1000)) < 0) {
		bench_note("scale: the daemons did not settle within %.0f s", slack);
		goto out;
	}
	t2 = bench_ns();
	out->settle_s = (double)(t2 - t1) / 1e9;
	bench_note("scale: submitted in %.1f s (%s records/s acknowledged), adjudicate and the rest had taken it all in %.1f s later",
		   out->submit_s, bench_num(out->acked_rate), out->settle_s);

	commits_take(b, c0);
	bench_usage_take(b, &u0);
	t2 = bench_ns();
	if (bench_clock(b, BENCH_T0_PLUS_10D) < 0)
		goto out;
	reader_start(&rd[0], b, "procurement_centre", "apply", p.entries, 0, slack);
	if (bank)
		reader_start(&rd[1], b, "bank_regulator", "apply", p.entries, 0, slack);
	{
		int r0 = reader_join(&rd[0]), r1 = bank ? reader_join(&rd[1]) : 0;
		if (r0 < 0 || r1 < 0)
			goto out;
	}
	t3 = rd[0].done_ns > rd[1].done_ns ? rd[0].done_ns : rd[1].done_ns;
	bench_usage_take(b, &u1);
	commits_take(b, c1);
	out->effective_s = (double)(t3 - t2) / 1e9;
	out->effective_pc_s = (double)(rd[0].done_ns - t2) / 1e9;
	out->effective_bank_s = bank ? (double)(rd[1].done_ns - t2) / 1e9 : 0;
	out->cursor_pc = rd[0].cursor;
	out->cursor_bank = rd[1].cursor;
	snprintf(out->commits, sizeof out->commits, "%s", commits_str(b, c0, c1));
	snprintf(out->usage, sizeof out->usage, "%s", bench_usage_str(b, &u0, &u1));
	if (bench_settle(b, (int)(slack * 1000)) < 0) {
		bench_note("scale: the daemons did not settle within %.0f s after the entries took effect", slack);
		goto out;
	}
	out->settled_after_s = (double)(bench_ns() - t3) / 1e9;
	bench_note("scale: %s entries effective %.1f s after the clock.set; settled %.1f s after that", bench_num((double)p.entries),
		   out->effective_s, out->settled_after_s);
	rc = 0;
out:
	bench_load_free(&L);
	return rc;
}

/* db_str - each daemon's database size and log length */
static const char *db_str(bench_env *b)
{
	char path[400];
	double mb[SVC__N];
	for (int s = 0; s < SVC__N; s++) {
		snprintf(path, sizeof path, "%s/%s/data.mdb", b->cfg->data_dir, svc_names[s]);
		mb[s] = bench_file_mb(path);
	}
	/* memory: the daemons' own (RssAnon) and the pages of their LMDB maps they have touched (RssFile: page
	 * cache the kernel may take back) */
	long anon[SVC__N], file[SVC__N];
	for (int s = 0; s < SVC__N; s++) {
		anon[s] = b->pid[s] ? bench_rss_kb(b->pid[s], "RssAnon") : -1;
		file[s] = b->pid[s] ? bench_rss_kb(b->pid[s], "RssFile") : -1;
	}
	return bench_fmt("databases: ingest %.0f MiB (%s records), adjudicate %.0f MiB (%s changes), dispatch %.0f MiB (%s log records), feedback %.0f MiB; "
			 "memory (own + mapped pages touched), MiB: ingest %.1f + %.0f, adjudicate %.1f + %.0f, dispatch %.1f + %.0f, feedback %.1f + %.0f",
			 mb[SVC_INGEST], bench_num((double)bench_status_u64(b, SVC_INGEST, "log_last")), mb[SVC_ADJUDICATE],
			 bench_num((double)bench_status_u64(b, SVC_ADJUDICATE, "log_last")), mb[SVC_DISPATCH],
			 bench_num((double)bench_status_u64(b, SVC_DISPATCH, "log_last")), mb[SVC_FEEDBACK],
			 anon[SVC_INGEST] / 1024.0, file[SVC_INGEST] / 1024.0, anon[SVC_ADJUDICATE] / 1024.0,
			 file[SVC_ADJUDICATE] / 1024.0, anon[SVC_DISPATCH] / 1024.0, file[SVC_DISPATCH] / 1024.0,
			 anon[SVC_FEEDBACK] / 1024.0, file[SVC_FEEDBACK] / 1024.0);
}

/* ---- checks ---- */

typedef struct checkmix {
	population p;
	uint64_t unlisted_base;  /* > 0: unlisted checks name subjects from here on, never submitted */
	bool expiring;           /* the listed subjects' entries expire during the run */
	atomic_llong t_clock;    /* expiring: when the clock was set past their validity (0: not yet) */
	/* optional, per request i - first < n: when its reply came, what it said (1 not listed,
	 * 2 listed but not black, 3 black-listed) and its as_of (the last seq of dispatch's log it read) */
	uint64_t first, n;
	int64_t *reply_ns;
	unsigned char *said;
	uint64_t *as_of;
} checkmix;

/* check_subject - request i names a listed subject when i % 10 == 0, otherwise an unlisted one */
static uint64_t check_subject(const checkmix *c, uint64_t i, bool *listed)
{
	uint64_t h = (i * 0x9e3779b97f4a7c15ULL) >> 17, j;
	*listed = i % 10 == 0;
	if (*listed)
		return h % c->p.entries * c->p.stride;
	if (c->unlisted_base)
		return c->unlisted_base + h % 1000000;
	j = h % c->p.subjects;
	if (j % c->p.stride == 0)   /* a black-listed one: its neighbour has a plain record (stride ≥ 2) */
		j = j + 1 < c->p.subjects ? j + 1 : j - 1;
	return j;
}

static void build_check(void *arg, uint64_t i, mw *w)
{
	char code[19];
	bool listed;
	bench_uscc(check_subject(arg, i, &listed), code);
	mw_kstr(w, "subject", code);
	mw_kstr(w, "matter", "public_procurement");
}

/* on_black - whether a check reply lists the subject on the black list */
static bool on_black(const msg_in *reply)
{
	const msgpack_object *es = obj_get(reply->root, "entries");
	if (es && es->type == MSGPACK_OBJECT_ARRAY)
		for (uint32_t i = 0; i < es->via.array.size; i++)
			if (obj_str_eq(obj_get(&es->via.array.ptr[i], "list"), "black"))
				return true;
	return false;
}

static bool verify_check(void *arg, uint64_t i, const msg_in *reply)
{
	checkmix *c = arg;
	bool listed, said = obj_bool(reply->root, "listed"), black = on_black(reply);
	check_subject(c, i, &listed);
	if (c->reply_ns && i - c->first < c->n) {
		c->reply_ns[i - c->first] = bench_ns();
		c->said[i - c->first] = black ? 3 : said ? 2 : 1;
		c->as_of[i - c->first] = obj_u64(reply->root, "as_of");
	}
	if (!listed)
		return !said;
	/* an expiring entry is black-listed until its exit reaches dispatch, after the clock.set
	 * (then the subject is on the focus list that follows a black-list exit) */
	return black || (c->expiring && atomic_load(&c->t_clock) != 0);
}

typedef struct checks {
	bench_lat lat, lat_sent;
	uint64_t ok, bad, late, commits;
	uint64_t written, read;  /* bytes written to and read from the disk meanwhile (by everyone) */
	uint64_t majflt;         /* dispatch's page faults that read from the disk */
	double seconds;
	double round_p99[64];    /* each round's p99, ms */
	double probe_max[64];    /* the fsync probe's slowest in each round, ms */
	bench_lat probe;         /* the fsync probe's, all rounds */
	int nrounds;
	bench_usage sum;         /* CPU over the rounds: the sum of each round's usage */
} checks;

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* rounds_median, rounds_max - of the rounds' p99s */
static double rounds_median(const checks *c)
{
	double v[64];
	if (!c->nrounds)
		return 0;
	memcpy(v, c->round_p99, (size_t)c->nrounds * sizeof v[0]);
	qsort(v, (size_t)c->nrounds, sizeof v[0], cmp_double);
	return c->nrounds % 2 ? v[c->nrounds / 2] : (v[c->nrounds / 2 - 1] + v[c->nrounds / 2]) / 2;
}

/* rounds_str - "p99/probe max" of each round, ms */
static const char *rounds_str(const checks *c)
{
	char out[512];
	size_t o = 0;
	out[0] = 0;
	for (int i = 0; i < c->nrounds && o < sizeof out - 24; i++)
		o += (size_t)snprintf(out + o, sizeof out - o, "%s%.0f/%.0f", i ? " " : "", c->round_p99[i], c->probe_max[i]);
	return bench_fmt("%s", out);
}

static double rounds_max(const checks *c)
{
	double m = 0;
	for (int i = 0; i < c->nrounds; i++)
		if (c->round_p99[i] > m)
			m = c->round_p99[i];
	return m;
}

/* disk_io - bytes read from and written to the block device that holds dir,
 * by everyone (/sys/dev/block/MAJ:MIN/stat; not /proc/PID/io's write_bytes,
 * which counts each dirtied page-cache folio, not what reaches the disk) */
static void disk_io(const char *dir, uint64_t *rd, uint64_t *wr)
{
	char path[96];
	unsigned long long v[7] = { 0 };
	struct stat st;
	FILE *f;
	*rd = *wr = 0;
	if (stat(dir, &st) != 0)
		return;
	snprintf(path, sizeof path, "/sys/dev/block/%u:%u/stat", major(st.st_dev), minor(st.st_dev));
	if (!(f = fopen(path, "r")))
		return;
	if (fscanf(f, "%llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6]) == 7) {
		*rd = (uint64_t)v[2] * 512;   /* sectors read */
		*wr = (uint64_t)v[6] * 512;   /* sectors written */
	}
	fclose(f);
}

/* major_faults - page faults of a process that had to read from the disk (/proc/PID/stat field 12) */
static uint64_t major_faults(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long v = 0;
	size_t n;
	FILE *f;
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	if (!(f = fopen(path, "r")))
		return 0;
	n = fread(buf, 1, sizeof buf - 1, f);
	fclose(f);
	buf[n] = 0;
	/* after the ")" that ends comm: state is field 3, majflt 12 */
	if ((p = strrchr(buf, ')')))
		sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %llu", &v);
	return (uint64_t)v;
}

/* free_pages - pages on the free list of svc's LMDB environment (read as
 * mdb_stat -f does, beside the running daemon), -1 if it cannot be read */
static long free_pages(bench_env *b, int svc)
{
	char path[400];
	MDB_env *env;
	MDB_txn *txn;
	MDB_cursor *c;
	MDB_val k, v;
	long n = -1;
	snprintf(path, sizeof path, "%s/%s", b->cfg->data_dir, svc_names[svc]);
	if (mdb_env_create(&env) != 0)
		return -1;
	if (mdb_env_open(env, path, MDB_RDONLY, 0600) == 0 && mdb_txn_begin(env, NULL, MDB_RDONLY, &txn) == 0) {
		if (mdb_cursor_open(txn, 0, &c) == 0) {   /* 0: LMDB's own free-page database */
			n = 0;
			while (mdb_cursor_get(c, &k, &v, MDB_NEXT) == 0)
				if (v.mv_size >= sizeof(size_t))
					n += (long)*(const size_t *)v.mv_data;   /* an ID list: its count first */
			mdb_cursor_close(c);
		}
		mdb_txn_abort(txn);
	}
	mdb_env_close(env);
	return n;
}

static void checks_free(checks *c)
{
	lat_free(&c->probe);
	lat_free(&c->lat);
	lat_free(&c->lat_sent);
}

/* ---- an fsync probe: is the disk slow right now? ---- */

typedef struct probe {
	char path[400];
	atomic_bool stop;
	bench_lat lat;           /* each 4 KiB pwrite + fdatasync */
	pthread_t th;
} probe;

static void *probe_run(void *arg)
{
	probe *p = arg;
	char page[4096];
	int fd = open(p->path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	memset(page, 'p', sizeof page);
	if (fd < 0)
		return NULL;
	while (!atomic_load(&p->stop)) {
		int64_t t = bench_ns();
		if (pwrite(fd, page, sizeof page, 0) != (ssize_t)sizeof page || fdatasync(fd) != 0)
			break;
		lat_add(&p->lat, bench_ns() - t);
		usleep(10000);
	}
	close(fd);
	unlink(p->path);
	return NULL;
}

/* probe_start - every 10 ms, a 4 KiB write and fdatasync to a file in dir, timed */
static void probe_start(probe *p, const char *dir)
{
	memset(&p->lat, 0, sizeof p->lat);
	snprintf(p->path, sizeof p->path, "%s/fsync-probe", dir);
	atomic_store(&p->stop, false);
	pthread_create(&p->th, NULL, probe_run, p);
}

static void probe_stop(probe *p)
{
	atomic_store(&p->stop, true);
	pthread_join(p->th, NULL);
}

/* check_round - checks at rate for secs on b's dispatch (after both deployments have
 * settled), with the fsync probe alongside */
static int check_round(bench_env *b, bench_env *other, checkmix *mix, double rate, double secs, uint64_t first,
		       checks *acc)
{
	bench_load L;
	bench_usage u0, u1;
	probe pr;
	uint64_t c0, w0, r0, w1, r1, f0;
	if (bench_settle(b, 120000) < 0 || (other && bench_settle(other, 120000) < 0))
		return -1;
	memset(&L, 0, sizeof L);
	L.endpoint = b->cfg->endpoint[SVC_DISPATCH];
	L.type = T_CHECK;
	L.party = "procurement_centre";
	L.build = build_check;
	L.verify = verify_check;
	L.arg = mix;
	L.sockets = 1;      /* open loop: one sender thread wakes least and leaves the most CPU to the daemons */
	L.window = 65536;   /* ... and the window only bounds memory */
	L.rate = rate;
	L.seconds = secs;
	L.first = first;
	c0 = bench_commits(b, SVC_DISPATCH);
	disk_io(b->dir, &r0, &w0);
	f0 = major_faults(b->pid[SVC_DISPATCH]);
	bench_usage_take(b, &u0);
	probe_start(&pr, b->dir);
	if (bench_load_run(&L, NULL, NULL) < 0) {
		probe_stop(&pr);
		lat_free(&pr.lat);
		return -1;
	}
	probe_stop(&pr);
	bench_usage_take(b, &u1);
	disk_io(b->dir, &r1, &w1);
	acc->written += w1 - w0;
	acc->read += r1 - r0;
	acc->majflt += major_faults(b->pid[SVC_DISPATCH]) - f0;
	acc->commits += bench_commits(b, SVC_DISPATCH) - c0;
	if (acc->nrounds < 64) {
		acc->probe_max[acc->nrounds] = lat_pct(&pr.lat, 100);
		acc->round_p99[acc->nrounds++] = lat_pct(&L.lat, 99);
	}
	lat_merge(&acc->probe, &pr.lat);
	lat_free(&pr.lat);
	acc->sum.ns += u1.ns - u0.ns;
	for (int s = 0; s < SVC__N; s++) {
		acc->sum.cpu[s] += u1.cpu[s] - u0.cpu[s];
		acc->sum.main[s] += u1.main[s] - u0.main[s];
	}
	acc->sum.self += u1.self - u0.self;
	acc->sum.machine_busy += u1.machine_busy - u0.machine_busy;
	acc->sum.machine_steal += u1.machine_steal - u0.machine_steal;
	acc->ok += L.ok;
	acc->bad += L.failed + L.wrong + L.lost;
	acc->late += L.late;
	acc->seconds += L.elapsed;
	lat_merge(&acc->lat, &L.lat);
	lat_merge(&acc->lat_sent, &L.lat_sent);
	bench_load_free(&L);
	return 0;
}

/* ---- restarts ---- */

#define WARM_RESTARTS 3

/* one daemon's restarts: WARM_RESTARTS with the page cache as it is, then one
 * with its database file evicted from the page cache first (as after a reboot) */
typedef struct restarts {
	double start_ms[SVC__N][WARM_RESTARTS + 1], stop_ms[SVC__N][WARM_RESTARTS + 1];
	double first_check_ms[WARM_RESTARTS + 1];   /* dispatch: the first check after each start */
	double mb[SVC__N];
	uint64_t log_last[SVC__N];
} restarts;

static const int restart_order[] = { SVC_DISPATCH, SVC_INGEST, SVC_ADJUDICATE, SVC_FEEDBACK };

/* evict - drop a file's pages from the page cache (they are clean: every commit was synced) */
static int evict(const char *path)
{
	int fd = open(path, O_RDONLY), rc;
	if (fd < 0)
		return -1;
	rc = posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	close(fd);
	return rc == 0 ? 0 : -1;
}

/* first_check - one check of a listed subject on a fresh socket (the old one
 * reconnects by itself, but only after ZeroMQ's reconnect interval); ms, or -1 */
static double first_check(bench_env *b, const population *p)
{
	jrp_client *c = client_new(b->cfg->endpoint[SVC_DISPATCH]);
	char code[19];
	mw w;
	msg_in in;
	jrp_error e;
	int64_t t0 = bench_ns();
	double ms;
	int rc;
	bench_uscc(p->entries / 2 * p->stride, code);
	mw_init(&w);
	client_begin(c, &w, T_CHECK, "procurement_centre");
	mw_kstr(&w, "subject", code);
	mw_kstr(&w, "matter", "public_procurement");
	jrp_error_clear(&e);
	rc = client_call(c, &w, 10000, &in, &e);
	ms = (double)(bench_ns() - t0) / 1e6;
	if (rc == 0 && !obj_bool(in.root, "listed"))
		rc = -1;
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	client_free(&c);
	if (rc != 0)
		bench_note("scale: the first check after dispatch's restart failed or did not say listed");
	return rc == 0 ? ms : -1;
}

/* restart_all - each daemon in turn, settled first: SIGTERM, start, first
 * ping answer; after dispatch's, one check */
static int restart_all(bench_env *b, const population *p, restarts *r)
{
	char path[400];
	memset(r, 0, sizeof *r);
	for (size_t i = 0; i < sizeof restart_order / sizeof restart_order[0]; i++) {
		int s = restart_order[i];
		snprintf(path, sizeof path, "%s/%s/data.mdb", b->cfg->data_dir, svc_names[s]);
		r->mb[s] = bench_file_mb(path);
		r->log_last[s] = s == SVC_FEEDBACK ? 0 : bench_status_u64(b, s, "log_last");
		for (int k = 0; k <= WARM_RESTARTS; k++) {
			if (bench_settle(b, 120000) < 0 || bench_stop(b, s, &r->stop_ms[s][k]) != 0)
				return -1;
			if (k == WARM_RESTARTS && evict(path) < 0)
				bench_note("scale: could not evict %s from the page cache", path);
			if (bench_start(b, s, &r->start_ms[s][k]) < 0)
				return -1;
			if (s == SVC_DISPATCH && (r->first_check_ms[k] = first_check(b, p)) < 0)
				return -1;
		}
	}
	return 0;
}

static double warm_max(const double *v)
{
	double m = 0;
	for (int k = 0; k < WARM_RESTARTS; k++)
		if (v[k] > m)
			m = v[k];
	return m;
}

static const char *warm_list(const double *v, const char *fmt)
{
	char out[200];
	size_t o = 0;
	out[0] = 0;
	for (int k = 0; k < WARM_RESTARTS && o < sizeof out; k++) {
		if (k)
			o += (size_t)snprintf(out + o, sizeof out - o, ", ");
		if (o < sizeof out)
			o += (size_t)snprintf(out + o, sizeof out - o, fmt, v[k]);
	}
	return bench_fmt("%s", out);
}

/* ---- figure 9 ---- */

static int scale(const scale_opts *o)
{
	bench_env small, big;
	built bs, bb;
	checkmix ms, mb;
	checks cs, cb;
	restarts rs, rb;
	int64_t t0 = bench_ns();
	int rc = -1;

	memset(&small, 0, sizeof small);
	memset(&big, 0, sizeof big);
	memset(&ms, 0, sizeof ms);
	memset(&mb, 0, sizeof mb);
	memset(&cs, 0, sizeof cs);
	memset(&cb, 0, sizeof cb);
	if (build(&small, o, population_of(o->base_subjects, o->base_entries), false, &bs) < 0 ||
	    build(&big, o, population_of(o->subjects, o->entries), false, &bb) < 0)
		goto out;
	{
		double total_s = bb.submit_s + bb.settle_s + bb.effective_s;
		double base_s = bs.submit_s + bs.settle_s + bs.effective_s;
		bench_row("9", bench_fmt("bulk load through record.submit (%d sockets × %d in flight): %s subjects, of which %s meet tax.major_violation, then the clock past the objection window until all %s entries are effective (apply tasks on procurement_centre's stream)",
					 o->sockets, o->window, bench_num((double)o->subjects), bench_num((double)o->entries),
					 bench_num((double)o->entries)),
			  bench_fmt("%.1f s (%s subjects/s)", total_s, bench_num((double)o->subjects / total_s)),
			  bench_fmt("%s subjects, %s entries: %.1f s (%s subjects/s)", bench_num((double)o->base_subjects),
				    bench_num((double)o->base_entries), base_s, bench_num((double)o->base_subjects / base_s)),
			  "", o->subjects == 10000000 && o->entries == 1000000
				      ? "— (the issue's size)"
				      : "— (reduced size; the issue's, 10,000,000 and 1,000,000: `tests/bench/run.sh --large`)",
			  "submit %.1f s (ingest acked %s records/s), adjudicate done %.1f s later, entries effective %.1f s after the clock.set (%s entries/s; %s; %s), feedback done with dispatch's log %.1f s after that (not counted); %s",
			  bb.submit_s, bench_num(bb.acked_rate), bb.settle_s, bb.effective_s,
			  bench_num((double)o->entries / bb.effective_s), bb.commits, bb.usage, bb.settled_after_s, db_str(&big));
	}

	/* 9a: short rounds, alternating small big big small, so that the machine's drift (other
	 * processes, the hypervisor) falls on both alike */
	ms.p = bs.p;
	mb.p = bb.p;
	{
		int blocks = (int)(o->check_seconds / 2 + 0.999);
		checks warm;
		bench_usage zero;
		if (blocks > 16)
			blocks = 16;
		memset(&zero, 0, sizeof zero);
		bench_note("scale: check latency at %.0f checks/s: 1 s on each (not counted), then %d × (1 s on %s entries, 2 × 1 s on %s, 1 s on %s)",
			   o->check_rate, blocks, bench_num((double)o->base_entries), bench_num((double)o->entries),
			   bench_num((double)o->base_entries));
		/* a first round on each, not counted (in some runs the very first second after the load
		 * was far slower, on whichever database came first) */
		memset(&warm, 0, sizeof warm);
		if (check_round(&small, &big, &ms, o->check_rate, 1, 90000000, &warm) < 0 ||
		    check_round(&big, &small, &mb, o->check_rate, 1, 90000000, &warm) < 0) {
			checks_free(&warm);
			goto out;
		}
		bench_note("scale: warm-up rounds (not counted): p99 %.2f ms (%s entries), %.2f ms (%s)", warm.round_p99[0],
			   bench_num((double)o->base_entries), warm.round_p99[1], bench_num((double)o->entries));
		checks_free(&warm);
		for (int k = 0; k < blocks; k++) {
			uint64_t first = (uint64_t)k * 4000000;
			if (check_round(&small, &big, &ms, o->check_rate, 1, first, &cs) < 0 ||
			    check_round(&big, &small, &mb, o->check_rate, 1, first + 1000000, &cb) < 0 ||
			    check_round(&big, &small, &mb, o->check_rate, 1, first + 2000000, &cb) < 0 ||
			    check_round(&small, &big, &ms, o->check_rate, 1, first + 3000000, &cs) < 0)
				goto out;
		}
		{
			double p99s = lat_pct(&cs.lat, 99), p99b = lat_pct(&cb.lat, 99);
			double meds = rounds_median(&cs), medb = rounds_median(&cb);
			bench_row("9a", bench_fmt("check latency with %s subjects and %s effective entries (bulk-loaded), %s checks/s offered (open loop from one socket, %d rounds of 1 s alternating with the baseline's, from the scheduled send; 1 in 10 names a listed subject)",
						  bench_num((double)o->subjects), bench_num((double)o->entries), bench_num(o->check_rate),
						  cb.nrounds),
				  bench_fmt("p50 %.2f, p99 %.2f, p99.9 %.2f ms", lat_pct(&cb.lat, 50), p99b, lat_pct(&cb.lat, 99.9)),
				  bench_fmt("%s entries (%s subjects): p50 %.2f, p99 %.2f, p99.9 %.2f ms",
					    bench_num((double)o->base_entries), bench_num((double)o->base_subjects), lat_pct(&cs.lat, 50),
					    p99s, lat_pct(&cs.lat, 99.9)),
				  bench_fmt("p99 %.2f; median of the rounds' p99s %.2f", p99s > 0 ? p99b / p99s : 0,
					    meds > 0 ? medb / meds : 0),
				  "p99 ≤ 1.5 × the same on 10,000 entries",
				  "the rounds' p99: median %.2f, worst %.2f ms (baseline %.2f, %.2f); an fsync probe on the same disk meanwhile (4 KiB pwrite + fdatasync every 10 ms): p50 %.2f, p99 %.2f, max %.2f ms (baseline's rounds: %.2f, %.2f, %.2f), each round's check p99 / probe max: %s (baseline %s); max %.2f ms (baseline %.2f); from the actual send: p99 %.2f ms (baseline %.2f); %llu (baseline %llu) sends > 1 ms late; %llu wrong or failed; each check is recorded (journaled, then moved into the log): %s check records per dispatch commit, %s KiB written to the disk (by everyone) per dispatch commit (baseline %s, %s); %s pages on dispatch's LMDB free list after (baseline %s); dispatch had %s major page faults (reads from the disk) per 1,000 checks, and %s KiB were read from the disk per 1,000 checks (baseline %s, %s); over the big database's rounds: %s; over the baseline's: %s",
				  medb, rounds_max(&cb), meds, rounds_max(&cs), lat_pct(&cb.probe, 50), lat_pct(&cb.probe, 99),
				  lat_pct(&cb.probe, 100), lat_pct(&cs.probe, 50), lat_pct(&cs.probe, 99), lat_pct(&cs.probe, 100),
				  rounds_str(&cb), rounds_str(&cs), lat_pct(&cb.lat, 100), lat_pct(&cs.lat, 100),
				  lat_pct(&cb.lat_sent, 99), lat_pct(&cs.lat_sent, 99), (unsigned long long)cb.late,
				  (unsigned long long)cs.late, (unsigned long long)(cb.bad + cs.bad),
				  bench_fmt("%.1f", cb.commits ? (double)cb.ok / (double)cb.commits : 0),
				  bench_fmt("%.0f", cb.commits ? (double)cb.written / 1024.0 / (double)cb.commits : 0),
				  bench_fmt("%.1f", cs.commits ? (double)cs.ok / (double)cs.commits : 0),
				  bench_fmt("%.0f", cs.commits ? (double)cs.written / 1024.0 / (double)cs.commits : 0),
				  bench_num((double)free_pages(&big, SVC_DISPATCH)), bench_num((double)free_pages(&small, SVC_DISPATCH)),
				  bench_fmt("%.1f", cb.ok ? 1000.0 * (double)cb.majflt / (double)cb.ok : 0),
				  bench_fmt("%.0f", cb.ok ? 1000.0 * (double)cb.read / 1024.0 / (double)cb.ok : 0),
				  bench_fmt("%.1f", cs.ok ? 1000.0 * (double)cs.majflt / (double)cs.ok : 0),
				  bench_fmt("%.0f", cs.ok ? 1000.0 * (double)cs.read / 1024.0 / (double)cs.ok : 0),
				  bench_usage_str(&big, &zero, &cb.sum), bench_usage_str(&small, &zero, &cs.sum));
		}
	}

	/* 9b: restarts */
	bench_note("scale: restarting each daemon, %s entries, then %s entries", bench_num((double)o->base_entries),
		   bench_num((double)o->entries));
	if (restart_all(&small, &bs.p, &rs) < 0 || restart_all(&big, &bb.p, &rb) < 0)
		goto out;
	for (size_t i = 0; i < sizeof restart_order / sizeof restart_order[0]; i++) {
		int s = restart_order[i];
		const double *w = rb.start_ms[s], *ws = rs.start_ms[s];
		bench_row("9b", bench_fmt("restart jrp-%s to serving with %s subjects and %s entries (%.0f MiB database%s)", svc_names[s],
					  bench_num((double)o->subjects), bench_num((double)o->entries), rb.mb[s],
					  s == SVC_FEEDBACK ? "" : bench_fmt(", %s log records", bench_num((double)rb.log_last[s]))),
			  bench_fmt("%.0f ms; from a cold page cache %.0f ms", warm_max(w), w[WARM_RESTARTS]),
			  bench_fmt("%s entries (%.0f MiB): %.0f ms; cold %.0f ms", bench_num((double)o->base_entries), rs.mb[s],
				    warm_max(ws), ws[WARM_RESTARTS]),
			  "", "≤ 1 s",
			  "fork to first ping answer, the slowest of %d restarts (%s ms; baseline %s ms), then one with the database file evicted from the page cache first (posix_fadvise DONTNEED, as after a reboot); SIGTERM to exit took at most %.0f ms (baseline %.0f)%s",
			  WARM_RESTARTS, warm_list(w, "%.0f"), warm_list(ws, "%.0f"), warm_max(rb.stop_ms[s]), warm_max(rs.stop_ms[s]),
			  s == SVC_DISPATCH ? bench_fmt("; then the first check of a listed subject took %s ms, cold %.1f ms (baseline %s, cold %.1f)",
							warm_list(rb.first_check_ms, "%.1f"), rb.first_check_ms[WARM_RESTARTS],
							warm_list(rs.first_check_ms, "%.1f"), rs.first_check_ms[WARM_RESTARTS])
					    : "");
	}
	bench_note("scale: done in %.0f s", (double)(bench_ns() - t0) / 1e9);
	rc = 0;
out:
	checks_free(&cs);
	checks_free(&cb);
	bench_env_free(&big);
	bench_env_free(&small);
	return rc;
}

/* ---- figure 10 ---- */

typedef struct checker {
	bench_load L;
	pthread_t th;
} checker;

static void *checker_run(void *arg)
{
	checker *c = arg;
	bench_load_run(&c->L, NULL, NULL);
	return NULL;
}

static int expiry(const scale_opts *o)
{
	bench_env b;
	built bt;
	checkmix mix;
	checker ck;
	reader pc, bank, mkt;
	probe pb, pd;            /* the fsync probe before the clock.set, and during the processing */
	bench_usage u0, u1;
	bench_lat before, during;
	atomic_bool stop = false;
	bool reading = false;
	uint64_t c0[SVC__N], c1[SVC__N], log0[SVC__N], log1[SVC__N], adj_commits0, stale = 0, checks_during = 0;
	uint64_t *stop_seq, after_exit = 0, after_exit_focus = 0;
	int64_t t0 = bench_ns(), t_clock, t_done, t_adj_last = 0, t_last_listed = 0, until;
	double max_s = 300 + (double)o->expiring / 1000, ns_per = 1e9 / o->during_rate;
	uint64_t n = (uint64_t)(o->during_rate * (o->before_seconds + max_s + 10));
	int rc = -1;

	memset(&b, 0, sizeof b);
	memset(&mix, 0, sizeof mix);
	memset(&ck, 0, sizeof ck);
	memset(&pc, 0, sizeof pc);
	memset(&bank, 0, sizeof bank);
	memset(&mkt, 0, sizeof mkt);
	memset(&pb, 0, sizeof pb);
	memset(&pd, 0, sizeof pd);
	memset(&before, 0, sizeof before);
	memset(&during, 0, sizeof during);
	mix.reply_ns = calloc(n, sizeof *mix.reply_ns);
	mix.said = calloc(n, 1);
	mix.as_of = calloc(n, sizeof *mix.as_of);
	stop_seq = calloc(o->expiring, sizeof *stop_seq);
	/* every subject is black-listed, all decided on BENCH_DECISION_DATE */
	bench_note("expiry: %s entries decided on %s", bench_num((double)o->expiring), BENCH_DECISION_DATE);
	if (build(&b, o, population_of(o->expiring, o->expiring), true, &bt) < 0)
		goto out;
	bench_note("expiry: clock to the entries' last valid day, %s", EXPIRY_LAST_DAY);
	commits_take(&b, c0);
	if (bench_clock(&b, EXPIRY_LAST_DAY) < 0 || bench_settle(&b, 120000) < 0)
		goto out;
	commits_take(&b, c1);
	bench_note("expiry: nothing was due: %s", commits_str(&b, c0, c1));

	/* the streams from where the apply tasks ended; the focus entries that follow a black-list exit give market_regulator apply tasks */
	/* procurement_centre's stop tasks' seqs: a check logged after its subject's stop task must say not listed */
	pc.seq_of = stop_seq;
	pc.nsubjects = o->expiring;
	reader_start(&pc, &b, "procurement_centre", "stop", o->expiring, bt.cursor_pc, max_s);
	reader_start(&bank, &b, "bank_regulator", "stop", o->expiring, bt.cursor_bank, max_s);
	reader_start(&mkt, &b, "market_regulator", "apply", o->expiring, 0, max_s);
	reading = true;
	mix.p = bt.p;
	mix.unlisted_base = NEVER_SUBMITTED;
	mix.expiring = true;
	mix.n = n;
	ck.L.endpoint = b.cfg->endpoint[SVC_DISPATCH];
	ck.L.type = T_CHECK;
	ck.L.party = "procurement_centre";
	ck.L.build = build_check;
	ck.L.verify = verify_check;
	ck.L.arg = &mix;
	ck.L.sockets = 1;
	ck.L.window = 65536;
	ck.L.rate = o->during_rate;
	ck.L.count = n;
	ck.L.stop = &stop;
	bench_note("expiry: checks at %.0f/s for %.0f s, then the clock to %s", o->during_rate, o->before_seconds, EXPIRY_DAY_AFTER);
	pthread_create(&ck.th, NULL, checker_run, &ck);
	probe_start(&pb, b.dir);
	usleep((useconds_t)((o->before_seconds + 0.05) * 1e6));

	for (int s = 0; s < SVC__N; s++)
		log0[s] = s == SVC_FEEDBACK ? 0 : bench_status_u64(&b, s, "log_last");
	commits_take(&b, c0);
	adj_commits0 = c0[SVC_ADJUDICATE];
	bench_usage_take(&b, &u0);
	probe_stop(&pb);
	probe_start(&pd, b.dir);
	t_clock = bench_ns();
	atomic_store(&mix.t_clock, t_clock);
	if (bench_clock(&b, EXPIRY_DAY_AFTER) < 0) {
		atomic_store(&stop, true);
		pthread_join(ck.th, NULL);
		probe_stop(&pd);
		goto out;
	}
	/* meanwhile: when adjudicate's last commit came (the end of its deadline sweep) */
	until = t_clock + (int64_t)(max_s * 1e9);
	while (!(atomic_load(&pc.finished) && atomic_load(&bank.finished)) && bench_ns() < until) {
		uint64_t c = bench_commits(&b, SVC_ADJUDICATE);
		if (c != adj_commits0) {
			adj_commits0 = c;
			t_adj_last = bench_ns();
		}
		usleep(5000);
	}
	bench_usage_take(&b, &u1);
	probe_stop(&pd);
	commits_take(&b, c1);
	atomic_store(&stop, true);
	pthread_join(ck.th, NULL);
	/* market_regulator's tasks are context: wait for them at most 30 s more */
	until = bench_ns() + 30 * 1000000000LL;
	while (!atomic_load(&mkt.finished) && bench_ns() < until)
		usleep(5000);
	atomic_store(&mkt.cancel, true);
	reading = false;
	if ((reader_join(&pc) | reader_join(&bank)) < 0) {
		reader_join(&mkt);
		goto out;
	}
	reader_join(&mkt);
	t_done = pc.done_ns > bank.done_ns ? pc.done_ns : bank.done_ns;
	if (bench_settle(&b, 120000) < 0)
		goto out;
	for (int s = 0; s < SVC__N; s++)
		log1[s] = s == SVC_FEEDBACK ? 0 : bench_status_u64(&b, s, "log_last");

	/* a timeline for the log: the slowest check due in each half second */
	{
		char line[2048];
		size_t pos = 0;
		double worst = 0;
		int64_t bucket = ck.L.t_first_ns + 500000000LL;
		line[0] = 0;
		for (uint64_t i = 0; i < n && i < ck.L.sent && pos < sizeof line - 16; i++) {
			int64_t due = ck.L.t_first_ns + (int64_t)((double)i * ns_per);
			if (due >= bucket) {
				pos += (size_t)snprintf(line + pos, sizeof line - pos, "%s%.0f", pos ? " " : "", worst);
				worst = 0;
				bucket += 500000000LL;
			}
			if (mix.reply_ns[i] && (double)(mix.reply_ns[i] - due) / 1e6 > worst)
				worst = (double)(mix.reply_ns[i] - due) / 1e6;
		}
		bench_note("expiry: slowest check per half second, ms (the clock.set at %.1f s): %s",
			   (double)(t_clock - ck.L.t_first_ns) / 1e9, line);
	}
	/* each check by when it was due to be sent: before the clock.set, or while the expiries were processed */
	for (uint64_t i = 0; i < n && i < ck.L.sent; i++) {
		int64_t due = ck.L.t_first_ns + (int64_t)((double)i * ns_per), lat;
		bool listed;
		if (!mix.reply_ns[i])
			continue;
		lat = mix.reply_ns[i] - due;
		if (due < t_clock)
			lat_add(&before, lat);
		else if (due <= t_done) {
			lat_add(&during, lat);
			checks_during++;
		}
		{
			uint64_t k = check_subject(&mix, i, &listed);
			if (!listed || due < t_clock)
				continue;
			if (stop_seq[k] && mix.as_of[i] >= stop_seq[k]) {
				after_exit++;
				after_exit_focus += mix.said[i] == 2;
			}
			if (mix.said[i] != 3)
				continue;
			if (mix.reply_ns[i] > t_last_listed)
				t_last_listed = mix.reply_ns[i];
			if (stop_seq[k] && mix.as_of[i] >= stop_seq[k])
				stale++;
		}
	}
	{
		double s = (double)(t_done - t_clock) / 1e9;
		uint64_t adj = c1[SVC_ADJUDICATE] - c0[SVC_ADJUDICATE];
		uint64_t changes = log1[SVC_ADJUDICATE] - log0[SVC_ADJUDICATE];
		double dmain_s = (double)(u1.main[SVC_DISPATCH] - u0.main[SVC_DISPATCH]) / 1e6;
		bench_row("10", bench_fmt("%s entries expiring on the same day: clock.set past their valid_until until all %s stop tasks are on procurement_centre's and bank_regulator's streams (one each per entry)",
					  bench_num((double)o->expiring), bench_num(2.0 * (double)o->expiring)),
			  bench_fmt("%.2f s (%s stop tasks/s)", s, bench_num(2.0 * (double)o->expiring / s)),
			  bench_fmt("the same entries taking effect (clock past the objection window) until their %s apply tasks were on the same streams: %.2f s",
				    bench_num(2.0 * (double)o->expiring), bt.effective_s),
			  bench_fmt("%.2f", bt.effective_s > 0 ? s / bt.effective_s : 0),
			  "processed in bounded batches; checks within target meanwhile (10a)",
			  "adjudicate ran the %s due expiries in %llu write transactions (≈ %.0f deadlines each; TICK_BATCH 1,024), its last %.2f s after the clock.set, and logged %s changes (%.1f per entry: the exit, and the focus entry that follows a black-list exit, proposed and effective); dispatch logged %s records; market_regulator's %s apply tasks for those focus entries were on its stream %s; %s; %s",
			  bench_num((double)o->expiring), (unsigned long long)adj, adj ? (double)o->expiring / (double)adj : 0,
			  t_adj_last ? (double)(t_adj_last - t_clock) / 1e9 : 0, bench_num((double)changes),
			  (double)changes / (double)o->expiring, bench_num((double)(log1[SVC_DISPATCH] - log0[SVC_DISPATCH])),
			  bench_num((double)mkt.got),
			  mkt.got >= mkt.want ? bench_fmt("%.2f s after it", (double)(mkt.done_ns - t_clock) / 1e9) : "(not all)",
			  commits_str(&b, c0, c1), bench_usage_str(&b, &u0, &u1));
		bench_row("10a", bench_fmt("check latency while those %s entries expire: %s checks/s offered (open loop from one socket, its own thread, from the scheduled send; 1 in 10 names an expiring subject)",
					   bench_num((double)o->expiring), bench_num(o->during_rate)),
			  bench_fmt("p50 %.2f, p99 %.2f, p99.9 %.2f ms", lat_pct(&during, 50), lat_pct(&during, 99),
				    lat_pct(&during, 99.9)),
			  bench_fmt("the same checker in the %.0f s before the clock.set: p50 %.2f, p99 %.2f, p99.9 %.2f ms",
				    o->before_seconds, lat_pct(&before, 50), lat_pct(&before, 99), lat_pct(&before, 99.9)),
			  bench_fmt("p99 %.1f", lat_pct(&before, 99) > 0 ? lat_pct(&during, 99) / lat_pct(&before, 99) : 0),
			  "p50, p99 ≤ 1 ms (as 5b)",
			  "%s checks due during the %.2f s, max %.2f ms; %llu sends > 1 ms late, %llu wrong or failed (whole run); an expiring subject was still answered black-listed up to %.2f s after the clock.set (dispatch answers from its own index until the exit reaches it); of the %llu checks of an expiring subject answered from a state that held that subject's stop task (as_of), %llu said black-listed and %llu listed on another list (the focus entry that follows a black-list exit); an fsync probe on the same disk (4 KiB pwrite + fdatasync every 10 ms): before p50 %.2f, p99 %.2f, max %.2f ms, during p50 %.2f, p99 %.2f, max %.2f ms; meanwhile dispatch's main thread takes in adjudicate's changes up to 1,024 per write transaction (%.1f s of CPU for %s changes and the check records, ≈ %.0f ms per 1,024 changes, plus the commit) while its front thread answers the checks; what remains is the machine's: both cores busy with the expiry",
			  bench_num((double)checks_during), s, lat_pct(&during, 100), (unsigned long long)ck.L.late,
			  (unsigned long long)(ck.L.failed + ck.L.wrong + ck.L.lost),
			  t_last_listed ? (double)(t_last_listed - t_clock) / 1e9 : 0.0, (unsigned long long)after_exit,
			  (unsigned long long)stale, (unsigned long long)after_exit_focus, lat_pct(&pb.lat, 50), lat_pct(&pb.lat, 99),
			  lat_pct(&pb.lat, 100), lat_pct(&pd.lat, 50), lat_pct(&pd.lat, 99), lat_pct(&pd.lat, 100),
			  dmain_s, bench_num((double)changes), changes ? dmain_s * 1000.0 * 1024.0 / (double)changes : 0);
	}
	bench_note("expiry: done in %.0f s", (double)(bench_ns() - t0) / 1e9);
	rc = 0;
out:
	lat_free(&pb.lat);
	lat_free(&pd.lat);
	if (reading) {
		/* a failure while the readers run: stop them before their memory goes */
		atomic_store(&pc.cancel, true);
		atomic_store(&bank.cancel, true);
		atomic_store(&mkt.cancel, true);
		reader_join(&pc);
		reader_join(&bank);
		reader_join(&mkt);
	}
	bench_load_free(&ck.L);
	lat_free(&before);
	lat_free(&during);
	free(mix.reply_ns);
	free(mix.said);
	free(mix.as_of);
	free(stop_seq);
	bench_env_free(&b);
	return rc;
}

int main(int argc, char **argv)
{
	scale_opts o = {
		.subjects = 2000000, .entries = 200000, .base_subjects = 100000, .base_entries = 10000, .expiring = 100000,
		.check_rate = 5000, .check_seconds = 10, .during_rate = 2000, .before_seconds = 5,
		.sockets = 4, .window = 256, .scale = true, .expiry = true,
	};
	int rc = 0;
	parse(argc, argv, &o);
	if (o.scale && scale(&o) < 0)
		rc = 1;
	if (o.expiry && expiry(&o) < 0)
		rc = 1;
	return rc;
}
