/*
 * bench_retention.c - figure 11 (issue 12 item 2): the store's size under a steady load, with log
 * retention; months of checks and records through the real daemons, the test clock moving day by day
 *
 * The four daemons run with log_retention_days: --retention (30) and the bench rules (notice period 0,
 * so a black-list record takes effect at once). Each day of --days (90), at 09:00 on the test clock:
 * --records tax penalties (one in ten a black-list case of a new company: an entry, its tasks, its
 * publication; the others a 1,000-yuan penalty, published as 双公示) through record.submit, and
 * --checks checks (procurement_centre, one in ten naming a listed company) through check; then the
 * pipeline settles (every consumer at its upstream's end) and the archive pass catches up (nothing
 * older than the retention left in any log below its consumer). Every --every days (10) and at the
 * end: each daemon's used_bytes (status), the records each log keeps in LMDB and what its archives
 * hold.
 *
 * 11.  dispatch's used_bytes (the out log: checks, tasks, copies of changes) from the day retention
 *      first applies to the end, against the same out-log records appended raw to an LMDB of its own
 *      without deletion in the same run (what the store would hold without retention).
 * 11b. each daemon's used_bytes at those two days, and what still grows (entries, task states, the
 *      indexes of state that retention does not touch: dedupe keys, a subject's records, streams).
 * 11c. the archives: bytes a record takes, per log, and the time and dispatch CPU the pass costs per
 *      record archived (measured over each day's catch-up, when it is the only work left).
 *
 * --large: 365 days of 50,000 checks and 1,000 records (about 18 million checks; several minutes).
 */
#include "bench.h"
#include "archive.h"
#include "clock.h"
#include "proto.h"
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define LISTED_EVERY 10
#define UNLISTED_BASE 7000000ULL

typedef struct opts {
	int days, retention, every;
	uint64_t checks, records;
} opts;

static uint64_t listed_n;   /* black-listed companies so far (bench_uscc indexes 1..listed_n) */

static void build_record(void *arg, uint64_t n, mw *w)
{
	bench_record(w, n, n % LISTED_EVERY == 0);
}

static void build_check(void *arg, uint64_t i, mw *w)
{
	char code[19];
	uint64_t listed = listed_n ? (i * 2654435761ULL) % listed_n : 0;
	/* one in ten names a listed company (a multiple of LISTED_EVERY), the others an unlisted one */
	bench_uscc(i % 10 == 0 && listed_n ? (listed / LISTED_EVERY + 1) * LISTED_EVERY : UNLISTED_BASE + (i * 40503ULL) % 3000000,
		   code);
	mw_kstr(w, "subject", code);
	mw_kstr(w, "matter", "public_procurement");
}

/* a snapshot of the store's size */
typedef struct point {
	int day;
	uint64_t used[SVC__N];
	uint64_t kept[SVC__N];        /* records the outbound log keeps in LMDB */
	uint64_t archived[SVC__N];    /* records archived */
	uint64_t abytes[SVC__N];      /* archive bytes, all logs of the daemon */
	uint64_t out_last;            /* dispatch's last seq */
	uint64_t pub_kept, pub_archived;
} point;

/* logs_of - the retention figures of svc's status: outbound log (kept, archived), all archive bytes,
 * and whether every log is caught up (nothing older than the retention below its consumer) */
static bool logs_of(bench_env *b, int svc, int retention, point *p)
{
	mw w;
	msg_in in;
	jrp_error e;
	bool caught = true;
	mw_init(&w);
	client_begin(NULL, &w, T_STATUS, NULL);
	if (bench_call(b, svc, &w, 5000, &in, &e) != 0) {
		mw_free(&w);
		return false;
	}
	mw_free(&w);
	p->used[svc] = obj_u64(in.root, "used_bytes");
	p->abytes[svc] = 0;
	{
		const msgpack_object *ls = obj_get(in.root, "logs");
		for (uint32_t i = 0; ls && ls->type == MSGPACK_OBJECT_ARRAY && i < ls->via.array.size; i++) {
			const msgpack_object *l = &ls->via.array.ptr[i];
			uint64_t first = obj_u64(l, "first"), last = obj_u64(l, "last"), through = obj_u64(l, "archived_through");
			uint64_t kept = first ? last - first + 1 : 0, limit = last ? last - 1 : 0;
			if (obj_get(l, "consumer") && obj_u64(l, "consumer_cursor") < limit)
				limit = obj_u64(l, "consumer_cursor");   /* its consumer holds the rest */
			p->abytes[svc] += obj_u64(l, "archive_bytes");
			if (obj_str_eq(obj_get(l, "log"), "publication")) {
				p->pub_kept = kept;
				p->pub_archived = through;
			} else {
				p->kept[svc] = kept;
				p->archived[svc] = through;
			}
			if (obj_get(l, "oldest_at") && obj_u64(l, "oldest_age_days") >= (uint64_t)retention && through < limit)
				caught = false;
		}
	}
	if (svc == SVC_DISPATCH)
		p->out_last = obj_u64(in.root, "log_last");
	msg_in_free(&in);
	return caught;
}

/* caught_up - the pass has taken every log as far as it may; p gets the figures */
static int caught_up(bench_env *b, int retention, point *p, int timeout_ms)
{
	int64_t until = bench_ns() + (int64_t)timeout_ms * 1000000;
	while (bench_ns() < until) {
		bool all = true;
		for (int s = SVC_INGEST; s <= SVC_DISPATCH; s++)
			all &= logs_of(b, s, retention, p);
		if (all) {
			logs_of(b, SVC_FEEDBACK, retention, p);
			return 0;
		}
		usleep(5000);
	}
	return -1;
}

/* out_record - a check record as dispatch appends it (the raw baseline's record) */
static void out_record(mw *w)
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
	mw_str(w, "lists");
	mw_arr(w);
	mw_end(w);
	mw_ku64(w, "as_of", 1000000);
	mw_end(w);
}

/* realistic_bytes - archive bytes a check record takes when the records vary as real ones do (the test
 * clock stands still within a day here, so every check of a day has the same `at`, and the bench's
 * subjects repeat): 100 blocks of 1,000 checks with times a few ms apart, random subjects among 10
 * million, 40 agencies, a growing check_id and as_of; compressed as the pass does (archive.h) */
static double realistic_bytes(void)
{
	static const char *const agencies[] = { "procurement_centre", "bank_regulator", "land_bureau", "tax_bureau",
						"market_regulator", "customs", "rail_group", "civil_aviation" };
	archive_builder bld;
	abuf out = { 0 };
	archive_block m;
	jrp_error e;
	mw w;
	uint64_t total = 0, n = 0, x = 88172645463325252ULL;
	int64_t at = 1795395600000;
	memset(&bld, 0, sizeof bld);
	mw_init(&w);
	for (int blk = 0; blk < 100; blk++) {
		archive_builder_reset(&bld);
		for (int i = 0; i < 1000; i++, n++) {
			char code[19], id[40];
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			at += (int64_t)(x % 9);
			bench_uscc(x % 10000000, code);
			snprintf(id, sizeof id, "%llu-%llu", (unsigned long long)(n / 400000 + 1), (unsigned long long)(n * 187 % 67108864));
			mw_reset(&w);
			mw_map(&w);
			mw_ku64(&w, "seq", 5000000 + n);
			mw_kstr(&w, "kind", "check");
			mw_kstr(&w, "check_id", id);
			mw_ki64(&w, "at", at);
			mw_kstr(&w, "party", agencies[(x >> 20) % 8]);
			mw_kstr(&w, "subject", code);
			mw_kstr(&w, "matter", (x >> 24) % 3 ? "public_procurement" : "financing");
			mw_kbool(&w, "listed", (x >> 30) % 20 == 0);
			mw_str(&w, "lists");
			mw_arr(&w);
			if ((x >> 30) % 20 == 0)
				mw_str(&w, "black");
			mw_end(&w);
			mw_ku64(&w, "as_of", 5000000 + n - (x >> 40) % 30);
			mw_end(&w);
			archive_builder_add(&bld, 5000000 + n, at, mw_data(&w), mw_len(&w));
		}
		if (archive_builder_finish(&bld, 3, &out, &m, &e) == 0)
			total += out.n;
	}
	mw_free(&w);
	abuf_free(&out);
	archive_builder_free(&bld);
	return (double)total / (double)n;
}

static double mib(uint64_t v)
{
	return (double)v / 1048576;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_retention [--days N] [--checks N] [--records N] [--retention DAYS] [--every N] [--large]\n"
			"  defaults: 90 days, 20,000 checks and 500 records a day, retention 30 days, a figure every 10 days\n"
			"  --large: 365 days, 50,000 checks and 1,000 records a day\n");
}

int main(int argc, char **argv)
{
	opts o = { .days = 90, .retention = 30, .every = 10, .checks = 20000, .records = 500 };
	bench_env b;
	point pts[400], cur;
	int npts = 0, rc = 1, day;
	uint64_t rec_next = 1, chk_next = 0, archived0 = 0, archived_cpu_us = 0, archived_n = 0;
	double archive_wait_s = 0;
	bench_raw raw;
	mw rec;
	FILE *f;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (strcmp(a, "--large") == 0) {
			o.days = 365;
			o.checks = 50000;
			o.records = 1000;
		} else if (v && strcmp(a, "--days") == 0) {
			o.days = atoi(v), i++;
		} else if (v && strcmp(a, "--checks") == 0) {
			o.checks = strtoull(v, NULL, 10), i++;
		} else if (v && strcmp(a, "--records") == 0) {
			o.records = strtoull(v, NULL, 10), i++;
		} else if (v && strcmp(a, "--retention") == 0) {
			o.retention = atoi(v), i++;
		} else if (v && strcmp(a, "--every") == 0) {
			o.every = atoi(v), i++;
		} else {
			usage();
			return 2;
		}
	}
	if (o.days < 1 || o.days > 390 || o.retention < 1 || o.every < 1 || o.days <= o.retention) {
		usage();
		fprintf(stderr, "--days must be more than --retention, at most 390\n");
		return 2;
	}
	memset(&raw, 0, sizeof raw);
	mw_init(&rec);
	memset(&cur, 0, sizeof cur);
	if (bench_env_init(&b, true) < 0)
		goto out;
	/* the one setting this program is about */
	if (!(f = fopen(b.config, "a")))
		goto out;
	fprintf(f, "log_retention_days: %d\n", o.retention);
	fclose(f);
	config_free(&b.cfg);
	{
		jrp_error e;
		if (config_load(b.config, &b.cfg, &e) < 0)
			goto out;
	}
	if (bench_start_all(&b) < 0)
		goto out;
	bench_note("retention: %d days of %llu checks and %llu records, log_retention_days %d", o.days,
		   (unsigned long long)o.checks, (unsigned long long)o.records, o.retention);
	for (day = 0; day < o.days; day++) {
		char now[40];
		int64_t t0;
		bench_load L;
		bench_usage u0, u1;
		ms_parse(BENCH_T0, &t0);
		ms_format(t0 + (int64_t)day * 86400000, now, sizeof now);
		if (bench_clock(&b, now) < 0)
			goto out;
		/* the day's archiving first: what came of age when the clock moved, with nothing else to do */
		{
			int64_t w0 = bench_ns();
			uint64_t before = cur.archived[SVC_DISPATCH];
			bench_usage_take(&b, &u0);
			if (caught_up(&b, o.retention, &cur, 120000) < 0) {
				bench_note("retention: the archive pass did not catch up on day %d", day);
				goto out;
			}
			bench_usage_take(&b, &u1);
			if (cur.archived[SVC_DISPATCH] > before && day > o.retention) {
				archive_wait_s += (double)(bench_ns() - w0) / 1e9;
				archived_cpu_us += (uint64_t)(u1.main[SVC_DISPATCH] - u0.main[SVC_DISPATCH]);
				archived_n += cur.archived[SVC_DISPATCH] - before;
			}
		}
		/* the day's records and checks */
		memset(&L, 0, sizeof L);
		L.endpoint = b.cfg->endpoint[SVC_INGEST];
		L.type = T_RECORD_SUBMIT;
		L.party = "tax_bureau";
		L.build = build_record;
		L.first = rec_next;
		L.sockets = 1;
		L.window = 256;
		L.count = o.records;
		if (o.records && (bench_load_run(&L, NULL, NULL) < 0 || L.ok != o.records)) {
			bench_note("retention: day %d: %llu of %llu records accepted: %s", day, (unsigned long long)L.ok,
				   (unsigned long long)o.records, L.error);
			goto out;
		}
		bench_load_free(&L);
		rec_next += o.records;
		listed_n = (rec_next - 1) / LISTED_EVERY * LISTED_EVERY;
		if (bench_settle(&b, 120000) < 0)
			goto out;
		memset(&L, 0, sizeof L);
		L.endpoint = b.cfg->endpoint[SVC_DISPATCH];
		L.type = T_CHECK;
		L.party = "procurement_centre";
		L.build = build_check;
		L.first = chk_next;
		L.sockets = 2;
		L.window = 256;
		L.count = o.checks;
		if (o.checks && (bench_load_run(&L, NULL, NULL) < 0 || L.ok != o.checks)) {
			bench_note("retention: day %d: %llu of %llu checks answered: %s", day, (unsigned long long)L.ok,
				   (unsigned long long)o.checks, L.error);
			goto out;
		}
		bench_load_free(&L);
		chk_next += o.checks;
		for (int i = 0; i < 2000 && bench_status_u64(&b, SVC_DISPATCH, "journal_behind_bytes"); i++)
			usleep(5000);
		if (bench_settle(&b, 120000) < 0)
			goto out;
		if ((day + 1) % o.every == 0 || day + 1 == o.days || day == o.retention) {
			caught_up(&b, o.retention, &cur, 120000);
			cur.day = day + 1;
			pts[npts++] = cur;
			bench_note("retention: day %3d: used MiB ingest %.1f, adjudicate %.1f, dispatch %.1f, feedback %.1f; "
				   "out log: %llu kept, %llu archived (%.1f MiB of archives)", day + 1, mib(cur.used[0]),
				   mib(cur.used[1]), mib(cur.used[2]), mib(cur.used[3]), (unsigned long long)cur.kept[SVC_DISPATCH],
				   (unsigned long long)cur.archived[SVC_DISPATCH], mib(cur.abytes[SVC_DISPATCH]));
		}
		if (day == o.retention)
			archived0 = cur.archived[SVC_DISPATCH];
	}
	(void)archived0;

	/* the baseline: the same number of out-log records appended raw, nothing ever deleted */
	{
		char rawdir[400], path[500];
		struct stat st;
		const point *last = &pts[npts - 1];
		out_record(&rec);
		snprintf(rawdir, sizeof rawdir, "%s/raw-out", b.dir);
		if (bench_raw_append(rawdir, mw_data(&rec), mw_len(&rec), false, false, 1000, last->out_last, 600, &raw) < 0)
			goto out;
		snprintf(path, sizeof path, "%s/data.mdb", rawdir);
		{
			/* the raw store's pages in use, as status counts them (data.mdb's size is the map's) */
			MDB_env *env;
			MDB_envinfo info;
			MDB_stat ms;
			uint64_t raw_used = 0;
			const point *first = NULL;
			if (mdb_env_create(&env) == 0) {
				mdb_env_set_maxdbs(env, 4);
				if (mdb_env_open(env, rawdir, MDB_RDONLY | MDB_NOLOCK, 0600) == 0 && mdb_env_info(env, &info) == 0 &&
				    mdb_env_stat(env, &ms) == 0)
					raw_used = (uint64_t)(info.me_last_pgno + 1) * ms.ms_psize;
				mdb_env_close(env);
			}
			(void)stat(path, &st);
			for (int i = 0; i < npts; i++)
				if (pts[i].day > o.retention) {
					first = &pts[i];
					break;
				}
			if (!first)
				first = last;
			{
				char series[2000] = "";
				size_t n = 0;
				for (int i = 0; i < npts && n < sizeof series - 64; i++)
					n += (size_t)snprintf(series + n, sizeof series - n, "%sday %d: %.1f", i ? ", " : "", pts[i].day,
							      mib(pts[i].used[SVC_DISPATCH]));
				bench_row("11", bench_fmt("dispatch's LMDB, used_bytes, under %s checks and %s records a day for %d days, "
							  "log_retention_days %d (test clock, a day at a time)",
							  bench_num((double)o.checks), bench_num((double)o.records), o.days, o.retention),
					  bench_fmt("%.1f MiB on day %d, %.1f MiB on day %d (%+.2f MiB a day once retention applies; "
						    "%s records in the out log's LMDB, %s archived)",
						    mib(first->used[SVC_DISPATCH]), first->day, mib(last->used[SVC_DISPATCH]), last->day,
						    last->day > first->day ? (mib(last->used[SVC_DISPATCH]) - mib(first->used[SVC_DISPATCH])) /
						    (last->day - first->day) : 0.0, bench_num((double)last->kept[SVC_DISPATCH]),
						    bench_num((double)last->archived[SVC_DISPATCH])),
					  bench_fmt("the same %s out-log records appended raw to LMDB, never deleted: %.1f MiB",
						    bench_num((double)last->out_last), mib(raw_used)),
					  bench_fmt("%.2f of raw", raw_used ? (double)last->used[SVC_DISPATCH] / (double)raw_used : 0),
					  "flat once retention applies",
					  "MiB by day: %s", series);
			}
			bench_row("11b", bench_fmt("each daemon's used_bytes, day %d → day %d (same run)", first->day, last->day),
				  bench_fmt("ingest %.1f → %.1f, adjudicate %.1f → %.1f, dispatch %.1f → %.1f, feedback %.1f → %.1f MiB",
					    mib(first->used[0]), mib(last->used[0]), mib(first->used[1]), mib(last->used[1]),
					    mib(first->used[2]), mib(last->used[2]), mib(first->used[3]), mib(last->used[3])),
				  "", "", "logs: flat",
				  "logs kept in LMDB on day %d: events %s, changes %s, publications %s, out %s records (the rest archived); "
				  "what still grows is state, not logs: entries in force and their history (adjudicate), the applied "
				  "measures and each stream's index (dispatch), every task's state (feedback), dedupe keys and a "
				  "subject's record index (ingest)",
				  last->day, bench_num((double)last->kept[0]), bench_num((double)last->kept[1]), bench_num((double)last->pub_kept),
				  bench_num((double)last->kept[2]));
			bench_row("11c", "archives: bytes per record, and the pass's cost",
				  bench_fmt("out log %.1f bytes a record (%s records in %.1f MiB; checks varying as real ones do: %.1f bytes), "
					    "events %.0f, changes and publications %.0f",
					    last->archived[2] ? (double)last->abytes[2] / (double)last->archived[2] : 0,
					    bench_num((double)last->archived[2]), mib(last->abytes[2]), realistic_bytes(),
					    last->archived[0] ? (double)last->abytes[0] / (double)last->archived[0] : 0,
					    last->archived[1] + last->pub_archived ? (double)last->abytes[1] / (double)(last->archived[1] + last->pub_archived) : 0),
				  bench_fmt("raw LMDB append of the same records: %.2f µs a record (%.0f a commit)",
					    raw.records ? raw.seconds * 1e6 / (double)raw.records : 0, 1000.0),
				  "", "bounded batches",
				  "dispatch's main thread: %.2f µs of CPU per record archived (zstd level 3, ≤ 1,000 records a block and a "
				  "transaction, fdatasync of the block and LMDB's commit); each day's catch-up %.0f ms on average",
				  archived_n ? (double)archived_cpu_us / (double)archived_n : 0,
				  o.days > o.retention ? archive_wait_s * 1000 / (o.days - o.retention - 1) : 0);
		}
	}
	rc = 0;
out:
	lat_free(&raw.lat);
	mw_free(&rec);
	bench_env_free(&b);
	return rc;
}
