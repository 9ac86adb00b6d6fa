/*
 * test_retention.c - logs trimmed into archives, on the real daemons (issue 12 item 2)
 *
 * DESIGN.md "Data flow: logs and cursors": "A producer drops log records below the smallest cursor
 * of its registered consumers (after a retention time)"; "Operations": "Logs are trimmed below
 * every consumer's cursor after a retention period into compressed archives that audit and history
 * still read". The deployment runs with log_retention_days: 10 and the test clock. Proven here:
 *   - records older than the retention and below every consumer's cursor leave LMDB for archive
 *     files (each log: ingest's events, adjudicate's changes and publications, dispatch's out log),
 *     and log.fetch, publication.fetch, tasks.fetch, records.get and jrpctl audit give back exactly
 *     what they gave before (the same bytes: each record's CRC-32C, after_crc at old cursors);
 *   - a consumer that is behind (feedback stopped) holds dispatch's records however old they are,
 *     and takes every check once when it comes back;
 *   - dispatch and ingest SIGKILLed again and again while they archive, a torn block added to an
 *     archive file: nothing lost, nothing twice, the archive and LMDB agree (the torn tail cut);
 *   - an archive file moved away: what needs it says which file, and works again once it is back;
 *   - a consumer whose cursor is below its upstream's first seq in LMDB (dispatch put back to an
 *     old copy of its data) takes every record from the archives, byte for byte, and carries on.
 */
#include "../tap.h"
#include "harness.h"
#include "clock.h"
#include "proto.h"
#include "util/crc32c.h"
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

static harness H;
static int ncodes;              /* companies penalised so far (BK codes 1..ncodes) */
static uint64_t checks_sent;    /* checks answered ok */
static int day;                 /* days after 2026-11-23 the clock is at */

/* ---- helpers ---- */

/* ctl - run jrpctl with args on the test deployment; its exit status; its output in out */
static int ctl(char *out, size_t n, const char *args)
{
	char cmd[2000];
	FILE *p;
	size_t got = 0;
	int st;
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' %s 2>&1", JRP_BIN_JRPCTL, H.config, args);
	if (!(p = popen(cmd, "r")))
		return -1;
	while (got + 1 < n && fgets(out + got, (int)(n - got), p))
		got += strlen(out + got);
	out[got] = 0;
	st = pclose(p);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void code_of(int i, char out[19])
{
	h_uscc("91350100RT", i, out);
}

/* penalties - n more tax penalties (black list) of new companies through jrpctl submit --lines */
static int penalties(int n)
{
	char path[400], args[600], out[4000];
	FILE *f;
	snprintf(path, sizeof path, "%s/batch.jsonl", H.dir);
	if (!(f = fopen(path, "w")))
		return -1;
	for (int i = ncodes + 1; i <= ncodes + n; i++) {
		char code[19];
		code_of(i, code);
		fprintf(f, "{\"record_id\":\"RT-%d\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
			"\"code\":\"%s\",\"name\":\"留存测试企业%d\"},\"decision_date\":\"2026-11-20\",\"final\":true,"
			"\"notice\":{\"date\":\"2026-11-20\"},\"violation\":\"tax_fraud\",\"amount\":5000000}\n", i, code, i);
	}
	fclose(f);
	ncodes += n;
	snprintf(args, sizeof args, "--as tax_bureau submit --lines '%s'", path);
	return ctl(out, sizeof out, args);
}

/* checks - n checks by the bank regulator, pipelined a window at a time; how many were answered ok */
static int checks(int n)
{
	jrp_client *c = client_new(H.cfg->endpoint[SVC_DISPATCH]);
	int ok = 0;
	for (int done = 0; done < n;) {
		int win = n - done > 2000 ? 2000 : n - done;
		for (int i = 0; i < win; i++) {
			mw w;
			char code[19];
			code_of(1 + (done + i) % (ncodes ? ncodes : 1), code);
			mw_init(&w);
			client_begin(c, &w, T_CHECK, "bank_regulator");
			mw_kstr(&w, "subject", code);
			mw_kstr(&w, "matter", "financing");
			client_send(c, &w);
			mw_free(&w);
		}
		for (int i = 0; i < win; i++) {
			msg_in in;
			if (client_recv(c, 10000, &in) != 0)
				break;
			ok += obj_bool(in.root, "ok");
			msg_in_free(&in);
		}
		done += win;
	}
	client_free(&c);
	checks_sent += (uint64_t)ok;
	return ok;
}

/* clock_days - the clock of every running daemon at 2026-11-23 + d days, downstream first */
static void clock_days(int d)
{
	char now[40];
	int64_t ms;
	day = d;
	ms_parse("2026-11-23T09:00:00+08:00", &ms);
	ms_format(ms + (int64_t)d * 86400000, now, sizeof now);
	for (int s = SVC__N - 1; s >= 0; s--) {
		mw w;
		msg_in in;
		jrp_error e;
		int rc;
		if (!H.pid[s])
			continue;
		mw_init(&w);
		h_req(&w, T_CLOCK_SET, NULL);
		mw_kstr(&w, "now", now);
		rc = h_call(&H, s, &w, &in, &e);
		mw_free(&w);
		if (rc == 0 || rc == JRP_EREPLY)
			msg_in_free(&in);
		CHECK_INT(rc, 0);
	}
}

/* logst - field key of the retention status of svc's log `log` (0 if absent) */
static uint64_t logst(int svc, const char *log, const char *key)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	mw_init(&w);
	h_req(&w, T_STATUS, NULL);
	if (h_call(&H, svc, &w, &in, &e) == 0) {
		const msgpack_object *ls = obj_get(in.root, "logs");
		for (uint32_t i = 0; ls && ls->type == MSGPACK_OBJECT_ARRAY && i < ls->via.array.size; i++)
			if (obj_str_eq(obj_get(&ls->via.array.ptr[i], "log"), log))
				v = obj_u64(&ls->via.array.ptr[i], key);
		msg_in_free(&in);
	}
	mw_free(&w);
	return v;
}

/* wait_archived - until svc's log is archived through at least seq (false after 30 s) */
static bool wait_archived(int svc, const char *log, uint64_t seq)
{
	for (int i = 0; i < 3000; i++) {
		if (logst(svc, log, "archived_through") >= seq)
			return true;
		usleep(10000);
	}
	printf("# jrp-%s's %s log is archived through %llu, not %llu\n", svc_names[svc], log,
	       (unsigned long long)logst(svc, log, "archived_through"), (unsigned long long)seq);
	return false;
}

/* settle - every running consumer has taken everything of its upstream, the journal moved */
static int settle(void)
{
	for (int i = 0; i < 2000; i++) {
		bool done = h_status_u64(&H, SVC_DISPATCH, "journal_behind_bytes") == 0;
		for (int s = SVC_ADJUDICATE; s <= SVC_FEEDBACK; s++)
			if (H.pid[s] && H.pid[s - 1] && h_status_u64(&H, s, "cursor") != h_status_u64(&H, s - 1, "log_last"))
				done = false;
		if (done)
			return 0;
		usleep(10000);
	}
	return -1;
}

/* a log as read back: each record's CRC-32C by seq, of its bytes exactly as they came in the reply
 * (the server's own end_crc of each page must agree) */
typedef struct cap {
	uint32_t *crc;
	uint64_t n, cap;
	int gaps, crc_bad;
	char error[600];
} cap;

/* crc_of - of a re-encoding of o (for replies that are compared with themselves only) */
static uint32_t crc_of(const msgpack_object *o)
{
	mw w;
	uint32_t c;
	mw_init(&w);
	mw_obj(&w, o);
	c = crc32c(0, mw_data(&w), mw_len(&w));
	mw_free(&w);
	return c;
}

typedef struct page {
	int n;
	uint64_t seq[1024];
	uint32_t crc[1024];
	bool ok, has_end, has_after;
	uint64_t end_crc, after_crc;
	char error[600];
} page;

/* container - the count of the map or array header at buf[*off], *off moved past it; -1 if not one */
static long container(const unsigned char *p, size_t len, size_t *off, bool map)
{
	unsigned b;
	if (*off >= len)
		return -1;
	b = p[*off];
	if ((map && (b & 0xf0) == 0x80) || (!map && (b & 0xf0) == 0x90)) {
		*off += 1;
		return b & 0x0f;
	}
	if (b == (map ? 0xde : 0xdc) && *off + 3 <= len) {
		*off += 3;
		return p[*off - 2] << 8 | p[*off - 1];
	}
	if (b == (map ? 0xdf : 0xdd) && *off + 5 <= len) {
		*off += 5;
		return (long)((uint32_t)p[*off - 4] << 24 | (uint32_t)p[*off - 3] << 16 | (uint32_t)p[*off - 2] << 8 | p[*off - 1]);
	}
	return -1;
}

/* fetch_page - one page of svc's log (type: log.fetch or publication.fetch) after `after`, each
 * record's seq and the CRC-32C of its own bytes in the reply (found element by element) */
static void fetch_page(int svc, const char *type, uint64_t after, unsigned max, page *pg)
{
	jrp_client *c = client_new(H.cfg->endpoint[svc]);
	zmq_pollitem_t pi = { client_socket(c), 0, ZMQ_POLLIN, 0 };
	zmq_msg_t m;
	msgpack_unpacked u;
	mw w;
	memset(pg, 0, sizeof *pg);
	mw_init(&w);
	client_begin(c, &w, type, "office");
	mw_ku64(&w, "after", after);
	mw_ku64(&w, "max", max);
	client_send(c, &w);
	mw_free(&w);
	zmq_msg_init(&m);
	msgpack_unpacked_init(&u);
	if (zmq_poll(&pi, 1, 10000) == 1 && zmq_msg_recv(&m, client_socket(c), 0) >= 0) {
		const unsigned char *p = zmq_msg_data(&m);
		size_t len = zmq_msg_size(&m), off = 0;
		long n = container(p, len, &off, true);
		for (long i = 0; i < n; i++) {
			char key[32] = "";
			if (msgpack_unpack_next(&u, (const char *)p, len, &off) != MSGPACK_UNPACK_SUCCESS)
				break;
			if (u.data.type == MSGPACK_OBJECT_STR && u.data.via.str.size < sizeof key)
				memcpy(key, u.data.via.str.ptr, u.data.via.str.size);
			if (strcmp(key, "records") == 0) {
				long k = container(p, len, &off, false);
				for (long j = 0; j < k && j < 1024; j++) {
					size_t start = off;
					if (msgpack_unpack_next(&u, (const char *)p, len, &off) != MSGPACK_UNPACK_SUCCESS)
						break;
					pg->seq[pg->n] = obj_u64(&u.data, "seq");
					pg->crc[pg->n++] = crc32c(0, p + start, off - start);
				}
				continue;
			}
			if (msgpack_unpack_next(&u, (const char *)p, len, &off) != MSGPACK_UNPACK_SUCCESS)
				break;
			if (strcmp(key, "ok") == 0)
				pg->ok = u.data.type == MSGPACK_OBJECT_BOOLEAN && u.data.via.boolean;
			else if (strcmp(key, "end_crc") == 0)
				pg->has_end = true, pg->end_crc = u.data.via.u64;
			else if (strcmp(key, "after_crc") == 0)
				pg->has_after = true, pg->after_crc = u.data.via.u64;
			else if (strcmp(key, "error") == 0) {
				char code[32], msg[400];
				snprintf(pg->error, sizeof pg->error, "%s: %s", obj_cstr(&u.data, "code", code, sizeof code),
					 obj_cstr(&u.data, "message", msg, sizeof msg));
			}
		}
	} else {
		snprintf(pg->error, sizeof pg->error, "no reply");
	}
	msgpack_unpacked_destroy(&u);
	zmq_msg_close(&m);
	client_free(&c);
}

/* capture - the whole log of svc (type: log.fetch or publication.fetch), from after=0, pages of max */
static void capture(int svc, const char *type, cap *c, unsigned max)
{
	static page pg;
	uint64_t after = 0;
	free(c->crc);
	memset(c, 0, sizeof *c);
	for (;;) {
		fetch_page(svc, type, after, max, &pg);
		if (!pg.ok) {
			snprintf(c->error, sizeof c->error, "%s", pg.error[0] ? pg.error : "refused");
			return;
		}
		if (pg.n == 0)
			return;
		for (int i = 0; i < pg.n; i++) {
			uint64_t seq = pg.seq[i];
			if (seq != after + 1)
				c->gaps++;
			if (seq >= c->cap) {
				uint64_t old = c->cap;
				c->cap = seq * 2 + 1024;
				c->crc = realloc(c->crc, c->cap * sizeof *c->crc);
				memset(c->crc + old, 0, (c->cap - old) * sizeof *c->crc);
			}
			c->crc[seq] = pg.crc[i];
			if (seq > c->n)
				c->n = seq;
			after = seq;
		}
		if (pg.has_end && pg.end_crc != pg.crc[pg.n - 1])
			c->crc_bad++;
	}
}

/* same_upto - b holds a's records 1..n, the same bytes */
static bool same_upto(const cap *a, const cap *b, uint64_t n)
{
	if (a->n < n || b->n < n)
		return false;
	for (uint64_t s = 1; s <= n; s++)
		if (a->crc[s] != b->crc[s] || !a->crc[s])
			return false;
	return true;
}

/* subject_records - the CRC of records.get's reply records for company i (0: the call failed: e) */
static uint32_t subject_records(int i, int *n, jrp_error *e)
{
	char code[19];
	mw w;
	msg_in in;
	uint32_t c = 0;
	int rc;
	code_of(i, code);
	mw_init(&w);
	h_req(&w, T_RECORDS_GET, "office");
	mw_kstr(&w, "subject", code);
	rc = h_call(&H, SVC_INGEST, &w, &in, e);
	mw_free(&w);
	*n = 0;
	if (rc == 0) {
		const msgpack_object *rs = obj_get(in.root, "records");
		*n = (int)rs->via.array.size;
		c = crc_of(rs) | 1;
	}
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	return c;
}

typedef struct stream_cap {
	uint32_t crc;
	long n;
} stream_cap;

static void stream_one(void *arg, const msgpack_object *t)
{
	stream_cap *s = arg;
	s->crc = crc32c(s->crc, &(uint32_t){ crc_of(t) }, 4);
	s->n++;
}

static uint64_t checks_counted(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	mw_init(&w);
	h_req(&w, T_STATS_GET, "office");
	if (h_call(&H, SVC_FEEDBACK, &w, &in, &e) == 0) {
		v = obj_u64(obj_get(in.root, "checks"), "total");
		msg_in_free(&in);
	}
	mw_free(&w);
	return v;
}

/* newest_archive - the path of the newest archive file of log in svc's archive directory */
static bool newest_archive(int svc, const char *log, char *path, size_t n)
{
	char dir[400], best[256] = "";
	DIR *d;
	struct dirent *de;
	size_t ln = strlen(log);
	snprintf(dir, sizeof dir, "%s/data/%s/archive", H.dir, svc_names[svc]);
	if (!(d = opendir(dir)))
		return false;
	while ((de = readdir(d)))
		if (strncmp(de->d_name, log, ln) == 0 && de->d_name[ln] == '.' && strcmp(de->d_name, best) > 0)
			snprintf(best, sizeof best, "%s", de->d_name);
	closedir(d);
	snprintf(path, n, "%s/%s", dir, best);
	return best[0] != 0;
}

/* audit_to - jrpctl --json audit ARGS into DIR/name; its exit status */
static int audit_to(const char *args, const char *name)
{
	char cmd[1500];
	int st;
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' --json audit %s > '%s/%s' 2>&1", JRP_BIN_JRPCTL, H.config, args, H.dir, name);
	st = system(cmd);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* same_files - 0 if DIR/a and DIR/b hold the same bytes (and a is not empty) */
static int same_files(const char *a, const char *b)
{
	char cmd[1500];
	snprintf(cmd, sizeof cmd, "test -s '%s/%s' && cmp -s '%s/%s' '%s/%s'", H.dir, a, H.dir, a, H.dir, b);
	return system(cmd);
}

static const char *const logs[3] = { "events", "changes", "out" };

/* ---- the tests ---- */

static cap before[3], after_[3], pub_before, pub_after;
static uint64_t last_before[3], pub_last_before;
static uint32_t rec_before[4];
static stream_cap tasks_before;

/* DESIGN.md "Data flow": records below every cursor and older than the retention leave LMDB;
 * everything that read them reads the same from the archives */
static void archived_when_passed_and_old(void)
{
	char args[200], code[19];
	CHECK_INT(penalties(300), 0);
	clock_days(9);     /* objection windows over: the entries take effect, tasks go out; nothing is
	                    * 10 days old yet */
	CHECK_INT(checks(3000), 3000);
	CHECK_INT(settle(), 0);
	for (int s = 0; s < 3; s++) {
		capture(s, T_LOG_FETCH, &before[s], 1024);
		CHECK(!before[s].error[0]);
		CHECK_INT(before[s].gaps, 0);
		CHECK_INT(before[s].crc_bad, 0);
		last_before[s] = before[s].n;
		CHECK(last_before[s] >= 300);
		CHECK_INT(logst(s, logs[s], "archived_through"), 0);   /* too young */
	}
	capture(SVC_ADJUDICATE, T_PUBLICATION_FETCH, &pub_before, 1024);
	pub_last_before = pub_before.n;
	CHECK(pub_last_before >= 300);
	for (int i = 0; i < 4; i++) {
		jrp_error e;
		int n;
		rec_before[i] = subject_records(1 + i * 97, &n, &e);
		CHECK_INT(n, 1);
	}
	CHECK(h_stream_each(&H, "procurement_centre", stream_one, &tasks_before) > 0);
	CHECK_INT(audit_to("--from 2026-11-23 --to 2026-12-02", "audit-range.before"), 0);
	CHECK_INT(audit_to("--from 2026-12-02 --to 2026-12-02", "audit-late.before"), 0);
	code_of(5, code);
	snprintf(args, sizeof args, "--subject %s", code);
	CHECK_INT(audit_to(args, "audit-subject.before"), 0);
	/* day 21: everything up to day 9 is older than 10 days; every consumer has passed it */
	clock_days(21);
	for (int s = 0; s < 3; s++)
		CHECK(wait_archived(s, logs[s], last_before[s] - 1));
	CHECK(wait_archived(SVC_ADJUDICATE, "publication", pub_last_before - 1));
	for (int s = 0; s < 3; s++) {
		uint64_t through = logst(s, logs[s], "archived_through");
		/* LMDB holds what follows, the last record at least */
		CHECK_INT(logst(s, logs[s], "first"), through + 1);
		CHECK_INT(h_status_u64(&H, s, "log_first"), through + 1);
		CHECK(logst(s, logs[s], "archive_files") >= 1);
		CHECK(logst(s, logs[s], "archive_bytes") > 0);
		CHECK_INT(logst(s, logs[s], "archived_records"), through);
		CHECK_INT(logst(s, logs[s], "consumer_cursor"), h_status_u64(&H, s + 1, "cursor"));
		capture(s, T_LOG_FETCH, &after_[s], 1024);
		CHECK(!after_[s].error[0]);
		if (after_[s].error[0])
			printf("# %s\n", after_[s].error);
		CHECK_INT(after_[s].gaps, 0);
		CHECK_INT(after_[s].crc_bad, 0);
		CHECK(same_upto(&before[s], &after_[s], last_before[s]));
		/* smaller pages, so that they start and end inside blocks and cross into LMDB */
		capture(s, T_LOG_FETCH, &after_[s], 333);
		CHECK_INT(after_[s].gaps, 0);
		CHECK_INT(after_[s].crc_bad, 0);
		CHECK(same_upto(&before[s], &after_[s], last_before[s]));
	}
	capture(SVC_ADJUDICATE, T_PUBLICATION_FETCH, &pub_after, 100);
	CHECK_INT(pub_after.gaps, 0);
	CHECK(same_upto(&pub_before, &pub_after, pub_last_before));
	{
		/* an old cursor: after_crc is the CRC of the record at it (what a puller checks), wherever it is */
		uint64_t through = logst(SVC_DISPATCH, "out", "archived_through");
		uint64_t at[] = { 1, 2, 999, 1000, 1001, through - 2, through - 1, through };
		static page pg;
		for (size_t i = 0; i < sizeof at / sizeof at[0]; i++) {
			fetch_page(SVC_DISPATCH, T_LOG_FETCH, at[i], 8, &pg);
			CHECK(pg.ok && pg.n > 0 && pg.has_after);
			CHECK_INT(pg.after_crc, before[SVC_DISPATCH].crc[at[i]]);
			CHECK_INT(pg.seq[0], at[i] + 1);
			for (int j = 0; j < pg.n && at[i] + 1 + (uint64_t)j <= last_before[SVC_DISPATCH]; j++)
				CHECK_INT(pg.crc[j], before[SVC_DISPATCH].crc[at[i] + 1 + (uint64_t)j]);
		}
	}
	/* a subject's records, an agency's whole stream, the audit: as before */
	for (int i = 0; i < 4; i++) {
		jrp_error e;
		int n;
		CHECK_INT(subject_records(1 + i * 97, &n, &e), rec_before[i]);
	}
	{
		stream_cap now = { 0, 0 };
		CHECK_INT(h_stream_each(&H, "procurement_centre", stream_one, &now), tasks_before.n);
		CHECK_INT(now.crc, tasks_before.crc);
	}
	CHECK_INT(audit_to("--from 2026-11-23 --to 2026-12-02", "audit-range.after"), 0);
	CHECK_INT(audit_to("--from 2026-12-02 --to 2026-12-02", "audit-late.after"), 0);
	CHECK_INT(audit_to(args, "audit-subject.after"), 0);
	CHECK_INT(same_files("audit-range.before", "audit-range.after"), 0);
	CHECK_INT(same_files("audit-late.before", "audit-late.after"), 0);
	CHECK_INT(same_files("audit-subject.before", "audit-subject.after"), 0);
	{
		/* the archive index by time: log.seek skips only blocks wholly older than `at` */
		int64_t t0, t21;
		mw w;
		msg_in in;
		jrp_error e;
		uint64_t through = logst(SVC_DISPATCH, "out", "archived_through");
		ms_parse("2026-11-23T09:00:00+08:00", &t0);
		t21 = t0 + 21 * (int64_t)86400000;
		for (int i = 0; i < 2; i++) {
			mw_init(&w);
			h_req(&w, T_LOG_SEEK, "office");
			mw_ki64(&w, "at", i ? t21 : t0);
			CHECK_INT(h_call(&H, SVC_DISPATCH, &w, &in, &e), 0);
			CHECK_INT(obj_u64(in.root, "after"), i ? through : 0);
			msg_in_free(&in);
			mw_free(&w);
		}
	}
	{
		/* nobody acknowledged: every stream waits since day 9, its tasks in the archives; status says so */
		char out[20000];
		CHECK(h_status_u64(&H, SVC_DISPATCH, "streams_behind_total") >= 2);
		CHECK_INT(ctl(out, sizeof out, "status"), 0);
		CHECK(strstr(out, "procurement_centre has not acknowledged its stream since task") != NULL);
		CHECK(strstr(out, "it reads those tasks from the archives") != NULL);
		CHECK(strstr(out, "log out: ") != NULL);
		CHECK(strstr(out, "archived: 1 files") != NULL);
		CHECK(strstr(out, "jrp-feedback has taken it up to") != NULL);
	}
}

/* DESIGN.md "Data flow": a consumer that is behind holds the records it has not passed, however old */
static void consumer_behind_holds(void)
{
	uint64_t held, last, ingest_through;
	CHECK_INT(settle(), 0);
	CHECK(h_kill(&H, SVC_FEEDBACK, SIGTERM) == 0);
	held = logst(SVC_DISPATCH, "out", "consumer_cursor");
	CHECK_INT(held, h_status_u64(&H, SVC_DISPATCH, "log_last"));
	CHECK_INT(checks(2000), 2000);
	CHECK_INT(penalties(20), 0);
	CHECK_INT(settle(), 0);
	last = h_status_u64(&H, SVC_DISPATCH, "log_last");
	CHECK(last >= held + 2000);
	/* everything of ingest's log but its last record (which always stays) once the days have passed; the pass
	 * may already have taken older ones before the clock moves, so the target is the log's end, not a count */
	ingest_through = h_status_u64(&H, SVC_INGEST, "log_last") - 1;
	clock_days(40);
	/* ingest archives what adjudicate passed; dispatch stops at feedback's cursor */
	CHECK(wait_archived(SVC_INGEST, "events", ingest_through));
	usleep(1500 * 1000);   /* a pass or two of dispatch's */
	CHECK_INT(logst(SVC_DISPATCH, "out", "archived_through"), held);
	CHECK_INT(logst(SVC_DISPATCH, "out", "consumer_cursor"), held);
	/* feedback comes back, takes everything once; then it goes */
	CHECK_INT(h_start_daemon(&H, SVC_FEEDBACK), 0);
	client_free(&H.cl[SVC_FEEDBACK]);
	H.cl[SVC_FEEDBACK] = h_client(&H, SVC_FEEDBACK, NULL);
	clock_days(40);
	CHECK_INT(settle(), 0);
	CHECK(wait_archived(SVC_DISPATCH, "out", last - 1));
	CHECK_INT(checks_counted(), checks_sent);
}

/* DESIGN.md "nothing is lost": killed at any point of archiving, a daemon restarts with the archive
 * and LMDB agreeing; a torn block at an archive file's end is cut off */
static void kills_lose_nothing(void)
{
	cap a, b;
	uint64_t last_out, last_ev;
	char path[600], cmd[800];
	unsigned seed = (unsigned)time(NULL);
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	printf("# seed %u\n", seed);
	srand(seed);
	CHECK_INT(checks(90000), 90000);
	CHECK_INT(penalties(300), 0);
	CHECK_INT(settle(), 0);
	last_out = h_status_u64(&H, SVC_DISPATCH, "log_last");
	last_ev = h_status_u64(&H, SVC_INGEST, "log_last");
	capture(SVC_DISPATCH, T_LOG_FETCH, &a, 1024);
	CHECK_INT(a.gaps, 0);
	/* from now on dispatch and ingest pause 15 ms between writing a block and committing it: the
	 * kills land there. A clean stop keeps the consumer's cursor (learnt from its log.fetch) */
	setenv("JRP_RETAIN_TEST_DELAY_MS", "15", 1);
	for (int s = SVC_INGEST; s <= SVC_DISPATCH; s += SVC_DISPATCH - SVC_INGEST) {
		CHECK_INT(h_kill(&H, s, SIGTERM), 0);
		CHECK_INT(h_start_daemon(&H, s), 0);
		client_free(&H.cl[s]);
		H.cl[s] = h_client(&H, s, NULL);
	}
	CHECK_INT(logst(SVC_DISPATCH, "out", "consumer_cursor"), last_out);
	clock_days(71);
	for (int round = 0; round < 16; round++) {
		int svc = round % 3 == 2 ? SVC_INGEST : SVC_DISPATCH;
		uint64_t at = logst(svc, logs[svc], "archived_through");
		if (svc == SVC_DISPATCH && round > 0) {
			/* the pass starts 100 ms after a start: inside its first batches */
			usleep((useconds_t)(100000 + rand() % 40000));
		} else if (svc == SVC_DISPATCH) {
			/* once the pass is under way (a batch committed), somewhere inside the next one */
			for (int i = 0; i < 1500 && logst(svc, logs[svc], "archived_through") == at; i++)
				usleep(2000);
			usleep((useconds_t)(rand() % 16000));
		} else {
			usleep((useconds_t)(rand() % 100000));
		}
		printf("# round %d: SIGKILL jrp-%s, archived through %llu of %llu\n", round, svc_names[svc],
		       (unsigned long long)logst(svc, logs[svc], "archived_through"),
		       (unsigned long long)h_status_u64(&H, svc, "log_last"));
		CHECK(h_kill(&H, svc, SIGKILL) != -1);
		if (round == 6 && newest_archive(SVC_DISPATCH, "out", path, sizeof path)) {
			/* a block torn by the crash at the file's end */
			int fd = open(path, O_WRONLY | O_APPEND);
			CHECK(fd >= 0 && write(fd, "\x5a\x2a\x4d\x18\x38\0\0\0JRPA torn", 17) == 17);
			if (fd >= 0)
				close(fd);
		}
		CHECK_INT(h_start_daemon(&H, svc), 0);
		client_free(&H.cl[svc]);
		H.cl[svc] = h_client(&H, svc, NULL);
	}
	unsetenv("JRP_RETAIN_TEST_DELAY_MS");
	snprintf(cmd, sizeof cmd, "grep -q 'event=archive_tail_cut log=out' '%s/dispatch.log'", H.dir);
	CHECK_INT(system(cmd), 0);
	fflush(stdout);
	snprintf(cmd, sizeof cmd, "printf '# blocks written and not committed when killed, cut at restart: '; "
		 "grep -c 'event=archive_tail_cut' '%s/dispatch.log' '%s/ingest.log' | tr '\\n' ' '; echo", H.dir, H.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(settle(), 0);
	CHECK(wait_archived(SVC_DISPATCH, "out", last_out - 1));
	CHECK(wait_archived(SVC_INGEST, "events", last_ev - 1));
	capture(SVC_DISPATCH, T_LOG_FETCH, &b, 1024);
	CHECK(!b.error[0]);
	CHECK_INT(b.gaps, 0);
	CHECK_INT(b.crc_bad, 0);
	CHECK(same_upto(&a, &b, last_out));
	CHECK(same_upto(&before[SVC_DISPATCH], &b, last_before[SVC_DISPATCH]));
	capture(SVC_INGEST, T_LOG_FETCH, &b, 1024);
	CHECK_INT(b.gaps, 0);
	CHECK_INT(b.n, h_status_u64(&H, SVC_INGEST, "log_last"));
	CHECK(same_upto(&before[SVC_INGEST], &b, last_before[SVC_INGEST]));
	CHECK_INT(logst(SVC_INGEST, "events", "archived_records"), logst(SVC_INGEST, "events", "archived_through"));
	CHECK_INT(logst(SVC_DISPATCH, "out", "archived_records"), logst(SVC_DISPATCH, "out", "archived_through"));
	CHECK_INT(checks_counted(), checks_sent);   /* feedback: each check once */
	free(a.crc);
	free(b.crc);
}

/* "or say precisely which archive to mount": an archive file moved away is named by what needs it */
static void missing_archive_says_which(void)
{
	char path[600], aside[700], out[4000], args[200], code[19];
	jrp_error e;
	int n;
	cap c;
	memset(&c, 0, sizeof c);
	/* the first (and only) archive file of ingest's events holds company 1's record */
	snprintf(path, sizeof path, "%s/data/ingest/archive/events.00000000000000000001.zst", H.dir);
	snprintf(aside, sizeof aside, "%s.away", path);
	CHECK_INT(rename(path, aside), 0);
	CHECK_INT(subject_records(1, &n, &e), 0);
	CHECK_STR(e.code, "not_found");
	CHECK(strstr(e.message, path) != NULL);
	capture(SVC_INGEST, T_LOG_FETCH, &c, 1024);
	CHECK(strstr(c.error, path) != NULL);
	code_of(1, code);
	snprintf(args, sizeof args, "audit --subject %s", code);
	CHECK(ctl(out, sizeof out, args) != 0);
	CHECK(strstr(out, path) != NULL);
	{
		/* while it is away, the pass does not make a new file with a hole where its blocks were: it
		 * stops for that log, says why, and goes on once the file is back */
		uint64_t through = logst(SVC_INGEST, "events", "archived_through");
		char why[600] = "";
		CHECK_INT(penalties(5), 0);
		CHECK_INT(settle(), 0);
		clock_days(83);
		for (int i = 0; i < 300 && !why[0]; i++) {
			mw w;
			msg_in in;
			const msgpack_object *ls;
			mw_init(&w);
			h_req(&w, T_STATUS, NULL);
			if (h_call(&H, SVC_INGEST, &w, &in, &e) == 0) {
				ls = obj_get(in.root, "logs");
				if (ls && ls->via.array.size > 0)
					obj_cstr(&ls->via.array.ptr[0], "archive_stopped", why, sizeof why);
				msg_in_free(&in);
			}
			mw_free(&w);
			usleep(10000);
		}
		CHECK(strstr(why, path) != NULL && strstr(why, "missing") != NULL);
		CHECK(access(path, F_OK) != 0);
		CHECK_INT(logst(SVC_INGEST, "events", "archived_through"), through);
		CHECK_INT(rename(aside, path), 0);
		CHECK(wait_archived(SVC_INGEST, "events", through + 5));
	}
	CHECK_INT(subject_records(1, &n, &e), rec_before[0]);
	CHECK_INT(ctl(out, sizeof out, args), 0);
	free(c.crc);
}

/* issue 12 item 3 with item 2: a backup holds the archives its stores name (the current file up to
 * its committed size); restored, every log reads as before, the archived part too */
static void backup_keeps_archives(void)
{
	static cap was[3], now[3];
	char set[400], args[600], out[8000], cmd[2000];
	uint64_t through[3];
	CHECK_INT(settle(), 0);
	for (int s = 0; s < 3; s++) {
		capture(s, T_LOG_FETCH, &was[s], 1024);
		through[s] = logst(s, logs[s], "archived_through");
		CHECK(through[s] > 0);
	}
	snprintf(set, sizeof set, "%s/backup-set", H.dir);
	snprintf(args, sizeof args, "backup '%s'", set);
	CHECK_INT(ctl(out, sizeof out, args), 0);
	CHECK(strstr(out, "archive files") != NULL);
	snprintf(cmd, sizeof cmd, "grep -q '\"archive/out.00000000000000000001.zst\"' '%s/manifest.json' && "
		 "grep -q '\"archive/events.00000000000000000001.zst\"' '%s/manifest.json' && "
		 "grep -q '\"archive/publication.00000000000000000001.zst\"' '%s/manifest.json'", set, set, set);
	CHECK_INT(system(cmd), 0);
	for (int s = SVC__N - 1; s >= 0; s--)
		CHECK_INT(h_kill(&H, s, SIGTERM), 0);
	snprintf(args, sizeof args, "restore '%s'", set);
	CHECK_INT(ctl(out, sizeof out, args), 0);
	for (int s = 0; s < SVC__N; s++) {
		CHECK_INT(h_start_daemon(&H, s), 0);
		client_free(&H.cl[s]);
		H.cl[s] = h_client(&H, s, NULL);
	}
	CHECK_INT(settle(), 0);
	for (int s = 0; s < 3; s++) {
		CHECK_INT(logst(s, logs[s], "archived_through"), through[s]);
		capture(s, T_LOG_FETCH, &now[s], 1024);
		CHECK(!now[s].error[0]);
		CHECK_INT(now[s].gaps, 0);
		CHECK(same_upto(&was[s], &now[s], was[s].n));
		free(was[s].crc);
		free(now[s].crc);
		was[s].crc = now[s].crc = NULL;
	}
}

/* DESIGN.md "Data flow": "a restarted daemon simply asks again from its cursor": a consumer whose
 * cursor is below its upstream's first seq in LMDB gets the records from the archives */
static void old_cursor_reads_archives(void)
{
	char cmd[1200];
	uint64_t old_cursor, first, last;
	long copies = 0;
	CHECK_INT(settle(), 0);
	/* an old copy of dispatch's data, taken while it is stopped */
	CHECK_INT(h_kill(&H, SVC_FEEDBACK, SIGTERM), 0);
	CHECK_INT(h_kill(&H, SVC_DISPATCH, SIGTERM), 0);
	snprintf(cmd, sizeof cmd, "cp -a '%s/data/dispatch' '%s/data/dispatch.old'", H.dir, H.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	client_free(&H.cl[SVC_DISPATCH]);
	H.cl[SVC_DISPATCH] = h_client(&H, SVC_DISPATCH, NULL);
	old_cursor = h_status_u64(&H, SVC_DISPATCH, "cursor");
	/* more changes, taken by dispatch, then archived by adjudicate */
	CHECK_INT(penalties(200), 0);
	clock_days(90);
	CHECK_INT(settle(), 0);
	last = h_status_u64(&H, SVC_ADJUDICATE, "log_last");
	clock_days(101);
	CHECK(wait_archived(SVC_ADJUDICATE, "changes", last - 1));
	first = logst(SVC_ADJUDICATE, "changes", "first");
	CHECK(first > old_cursor + 100);
	/* dispatch put back to its old copy: its cursor is below what adjudicate keeps in LMDB */
	CHECK_INT(h_kill(&H, SVC_DISPATCH, SIGTERM), 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/data/dispatch' && mv '%s/data/dispatch.old' '%s/data/dispatch'", H.dir, H.dir,
		 H.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	client_free(&H.cl[SVC_DISPATCH]);
	H.cl[SVC_DISPATCH] = h_client(&H, SVC_DISPATCH, NULL);
	CHECK(h_status_u64(&H, SVC_DISPATCH, "cursor") >= old_cursor);
	for (int i = 0; i < 1000 && h_status_u64(&H, SVC_DISPATCH, "cursor") < last; i++)
		usleep(10000);
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "cursor"), h_status_u64(&H, SVC_ADJUDICATE, "log_last"));
	{
		/* it took every change after its cursor once: dispatch's copies name each change_seq once */
		mw w;
		msg_in in;
		jrp_error e;
		mw_init(&w);
		h_req(&w, T_STATUS, NULL);
		if (h_call(&H, SVC_DISPATCH, &w, &in, &e) == 0) {
			CHECK(obj_get(in.root, "stopped") == NULL);
			msg_in_free(&in);
		}
		mw_free(&w);
	}
	{
		static unsigned char seen[200000];
		uint64_t after = 0;
		for (;;) {
			mw w;
			msg_in in;
			jrp_error e;
			const msgpack_object *rs;
			uint32_t got;
			int rc;
			mw_init(&w);
			h_req(&w, T_LOG_FETCH, "office");
			mw_ku64(&w, "after", after);
			mw_ku64(&w, "max", 1024);
			rc = h_call(&H, SVC_DISPATCH, &w, &in, &e);
			mw_free(&w);
			CHECK_INT(rc, 0);
			if (rc != 0) {
				if (rc == JRP_EREPLY)
					msg_in_free(&in);
				break;
			}
			rs = obj_get(in.root, "records");
			got = rs->via.array.size;
			for (uint32_t i = 0; i < got; i++) {
				const msgpack_object *r = &rs->via.array.ptr[i];
				uint64_t cs = obj_u64(r, "change_seq");
				if (obj_str_eq(obj_get(r, "kind"), "change") && cs > old_cursor && cs < sizeof seen) {
					seen[cs]++;
					copies++;
				}
				after = obj_u64(r, "seq");
			}
			msg_in_free(&in);
			if (got == 0)
				break;
		}
		for (uint64_t s = old_cursor + 1; s <= last && s < sizeof seen; s++)
			if (seen[s] != 1) {
				printf("# change %llu copied %d times\n", (unsigned long long)s, seen[s]);
				CHECK(seen[s] == 1);
				break;
			}
		CHECK(copies >= (long)(last - old_cursor));
	}
}

static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	h_config_extra = "log_retention_days: 10\n";
	if (h_start(&H) != 0) {
		printf("Bail out! daemons did not start\n");
		return 1;
	}
	RUN(archived_when_passed_and_old);
	RUN(consumer_behind_holds);
	RUN(kills_lose_nothing);
	RUN(missing_archive_says_which);
	RUN(backup_keeps_archives);
	RUN(old_cursor_reads_archives);
	RUN(clean_shutdown);
	for (int s = 0; s < 3; s++) {
		free(before[s].crc);
		free(after_[s].crc);
	}
	free(pub_before.crc);
	free(pub_after.crc);
	TAP_DONE();
}
