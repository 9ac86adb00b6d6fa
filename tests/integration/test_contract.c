/*
 * test_contract.c - the contract between the daemons, on the real daemons
 *
 * DESIGN.md "Records between daemons": a consumer never guesses. A record it
 * cannot apply is kept (the rejected database) for an operator to see and
 * retry, never skipped; an unknown kind or format stops it with a clear
 * message; a log with another identity than its cursor's is refused. The
 * brief's "Nothing is lost: nothing is ever skipped without a trace an
 * operator sees". DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2]: the
 * agencies' tasks that a rejected change holds back reach them, once, after
 * the fix.
 *
 * Damage is made the way an operator or a disk makes it: records written into
 * a stopped daemon's LMDB file, a data directory restored from an earlier copy
 * or wiped, data.mdb cut short or emptied, a peer speaking another format.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include "records.h"
#include "store.h"
#include "clock.h"
#include "conv.h"
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

static harness H;

/* ---- helpers ---- */

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* ok - a request that must succeed; 0 or -1 (printed) */
static int ok(int svc, const char *fmt, const char *a, const char *b)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, fmt, a, b);
	if (rc != 0)
		printf("# refused: [%s] %s: %s\n", e.code, e.field, e.message);
	msg_in_free(&in);
	return rc == 0 ? 0 : -1;
}

/* status_str - a string field of svc's status ("" if none) */
static const char *status_str(int svc, const char *key, char *buf, size_t n)
{
	msg_in in;
	jrp_error e;
	buf[0] = 0;
	if (J(svc, &in, &e, "{\"v\":1,\"type\":\"status\",\"id\":1}") == 0)
		obj_cstr(in.root, key, buf, n);
	msg_in_free(&in);
	return buf;
}

/* wait_status - until svc's status field key contains want (10 s at most) */
static bool wait_status(int svc, const char *key, const char *want)
{
	char buf[600];
	int64_t until = clock_real_ms() + 10000;
	while (clock_real_ms() < until) {
		if (strstr(status_str(svc, key, buf, sizeof buf), want))
			return true;
		usleep(20000);
	}
	printf("# status.%s of jrp-%s: \"%s\"; expected it to say \"%s\"\n", key, svc_names[svc], buf, want);
	return false;
}

/* submit - a tax penalty about org code, decided 2026-11-20 */
static int submit(const char *rid, const char *code, const char *violation)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	h_tax_penalty(&w, rid, code, "测试企业", violation, 5000000, NULL, "2026-11-20");
	rc = h_call(&H, SVC_INGEST, &w, &in, &e);
	if (rc == JRP_EREPLY)
		printf("# submit %s refused: %s %s\n", rid, e.code, e.message);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	mw_free(&w);
	return rc;
}

/* entries - how many entries adjudicate keeps about code (-1: no answer) */
static int entries(const char *code)
{
	msg_in in;
	jrp_error e;
	int n = -1;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0)
		n = (int)obj_get(in.root, "entries")->via.array.size;
	msg_in_free(&in);
	return n;
}

static uint64_t entry_of(const char *code)
{
	msg_in in;
	jrp_error e;
	uint64_t id = 0;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0 && obj_get(in.root, "entries")->via.array.size > 0)
		id = obj_u64(&obj_get(in.root, "entries")->via.array.ptr[0], "id");
	msg_in_free(&in);
	return id;
}

typedef struct count_arg {
	uint64_t entry;
	const char *action;
	int n;
} count_arg;

static void count_fn(void *arg, const msgpack_object *t)
{
	count_arg *a = arg;
	a->n += obj_u64(t, "entry") == a->entry && obj_str_eq(obj_get(t, "action"), a->action);
}

static int count_tasks(const char *party, uint64_t entry, const char *action)
{
	count_arg a = { entry, action, 0 };
	return h_stream_each(&H, party, count_fn, &a) < 0 ? -1 : a.n;
}

/* run - a shell command's output (first 8 KiB) */
static const char *run(const char *cmd, char *out, size_t n)
{
	FILE *p = popen(cmd, "r");
	size_t got = p ? fread(out, 1, n - 1, p) : 0;
	out[got] = 0;
	if (p)
		pclose(p);
	return out;
}

/* log_has - does DIR/<daemon>.log contain s? */
static bool log_has(int svc, const char *s)
{
	char cmd[600], out[64];
	snprintf(cmd, sizeof cmd, "grep -c -F '%s' '%s/%s.log'", s, H.dir, svc_names[svc]);
	return atoi(run(cmd, out, sizeof out)) > 0;
}

/* append_raw - write rec (JSON, without seq) at the next seq of the stopped ingest's event log,
 * as damage would: straight into its LMDB file */
static int append_raw(const char *json_fmt, uint64_t *seq_out)
{
	static const char *const dbs[] = { "meta", "events", "dedupe", "by_subject", "rejected", "rejected_keys" };
	char dir[400], json[2048];
	store *st;
	jrp_error e;
	MDB_txn *txn;
	uint64_t last;
	msgpack_sbuffer sb;
	int rc;
	snprintf(dir, sizeof dir, "%s/data/ingest", H.dir);
	if (store_open(dir, 8 << 20, 64 << 20, dbs, 6, &st, &e) < 0) {
		printf("# store_open: %s\n", e.message);
		return -1;
	}
	store_begin(st, true, &txn);
	store_log_last(txn, store_dbi(st, 1), &last);
	snprintf(json, sizeof json, json_fmt, (unsigned long long)(last + 1));
	msgpack_sbuffer_init(&sb);
	if ((rc = conv_text_to_msgpack(json, strlen(json), &sb, &e)) == 0)
		rc = store_log_append(txn, store_dbi(st, 1), last + 1, sb.data, sb.size);
	msgpack_sbuffer_destroy(&sb);
	rc = rc ? rc : store_commit(st, txn);
	store_close(&st);
	*seq_out = last + 1;
	return rc;
}

static int start_with_own_rules(void)
{
	setenv("JRP_PULL_RECHECK_MS", "200", 1);
	return h_start_own_rules(&H);
}

/* ---- the tests ---- */

/* A change that is valid on the wire but that dispatch's rules refuse: its catalogue does not know
 * the standard (the office reloaded adjudicate and forgot dispatch). It is kept, shown, holds the
 * later changes of the same entry, and after the fix (dispatch reloaded) applies exactly once,
 * with what it held, in order. */
static void rejected_kept_shown_retried(void)
{
	char path[400], cmd[1200], out[8192], code[19], buf[200];
	msg_in in;
	jrp_error e;
	uint64_t entry, head;
	FILE *f;

	CHECK_INT(start_with_own_rules(), 0);
	/* a new black standard in the catalogue (national: 骗取出口退税, 国家税务总局令第54号 第六条) */
	snprintf(path, sizeof path, "%s/rules/standards.yaml", H.dir);
	f = fopen(path, "a");
	fputs("\n  - id: tax.export_refund_fraud\n    name: 骗取出口退税\n    domain: tax\n    list: black\n"
	      "    subject_types: [org]\n    basis: 国家税务总局令第54号 第六条\n    match:\n      kind: penalty\n"
	      "      violations: [export_refund_fraud]\n    validity: 3y\n    notice: true\n    notice_period: 0d\n"
	      "    repairable: false\n    exit_focus: 1y\n    publish: true\n    class: 2\n    severity: serious\n", f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "sed -i 's/^version: .*/version: \"contract-1\"/' '%s/rules/catalog.yaml'", H.dir);
	CHECK_INT(system(cmd), 0);
	/* only adjudicate gets it */
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"%s\"}%s", "office", ""), 0);
	h_uscc("91350100MC", 1, code);
	CHECK_INT(submit("ERF-1", code, "export_refund_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	entry = entry_of(code);
	CHECK(entry > 0);
	/* kept, with the reason, and counted */
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "rejected"), 1);
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"rejected.list\",\"id\":1,\"party\":\"office\"}"), 0);
	{
		const msgpack_object *rs = obj_get(in.root, "records"), *r0 = rs && rs->via.array.size ? &rs->via.array.ptr[0] : NULL;
		CHECK(rs && rs->via.array.size == 1);
		head = r0 ? obj_u64(r0, "seq") : 0;
		CHECK_STR(obj_cstr(r0, "code", buf, sizeof buf), "unknown_standard");
		CHECK_STR(obj_cstr(r0, "field", buf, sizeof buf), "standard");
		CHECK_STR(obj_cstr(r0, "state", buf, sizeof buf), "pending");
		CHECK(obj_str_eq(obj_get(obj_get(r0, "record"), "action"), "effective"));
	}
	msg_in_free(&in);
	/* no agency was told anything yet */
	CHECK_INT(count_tasks("procurement_centre", entry, "apply"), 0);
	/* the operator sees it: jrpctl status (dispatch's line) and the office's statistics */
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' status 2>&1", JRP_BIN_JRPCTL, H.config);
	CHECK(strstr(run(cmd, out, sizeof out), "1 record of the upstream log kept unapplied") != NULL);
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' --as office stats 2>&1", JRP_BIN_JRPCTL, H.config);
	CHECK(strstr(run(cmd, out, sizeof out), "adjudicate 0, dispatch 1, feedback 0") != NULL);
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' rejected list 2>&1", JRP_BIN_JRPCTL, H.config);
	CHECK(strstr(run(cmd, out, sizeof out), "unknown_standard") != NULL);
	CHECK(log_has(SVC_DISPATCH, "event=record_rejected"));
	/* an objection to the entry: its changes (suspended, objection_filed) wait behind it */
	CHECK_INT(ok(SVC_ADJUDICATE, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%s,"
		     "\"reason\":\"%s\"}", (snprintf(buf, sizeof buf, "%llu", (unsigned long long)entry), buf), "出口退税已补缴"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "rejected"), 3);
	CHECK(log_has(SVC_DISPATCH, "event=record_held"));
	/* before the fix it is still refused, and nothing changes */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"rejected.retry\",\"id\":1,\"party\":\"office\",\"seq\":%llu}",
		    (unsigned long long)head), JRP_EREPLY);
	CHECK_STR(e.code, "unknown_standard");
	msg_in_free(&in);
	/* a held one waits for its head */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"rejected.retry\",\"id\":1,\"party\":\"office\",\"seq\":%llu}",
		    (unsigned long long)head + 1), JRP_EREPLY);
	CHECK_STR(e.code, "conflict");
	CHECK(strstr(e.message, "held behind") != NULL);
	msg_in_free(&in);
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "rejected"), 3);
	/* only the office retries */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"rejected.retry\",\"id\":1,\"party\":\"tax_bureau\",\"seq\":%llu}",
		    (unsigned long long)head), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	/* the fix: the catalogue in force everywhere; then the retry, through jrpctl */
	for (int s = SVC_FEEDBACK; s >= SVC_INGEST; s--)
		if (s != SVC_ADJUDICATE)
			CHECK_INT(ok(s, "{\"v\":1,\"type\":\"catalog.reload\",\"id\":1,\"party\":\"%s\"}%s", "office", ""), 0);
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' rejected retry %llu 2>&1", JRP_BIN_JRPCTL, H.config, (unsigned long long)head);
	run(cmd, out, sizeof out);
	printf("# %s", out);
	CHECK(strstr(out, "jrp-dispatch applied records") != NULL);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "rejected"), 0);
	/* exactly once, and in order: apply, then suspend; the department's duty to verify */
	CHECK_INT(count_tasks("procurement_centre", entry, "apply"), 1);
	CHECK_INT(count_tasks("procurement_centre", entry, "suspend"), 1);
	CHECK_INT(count_tasks("tax_bureau", entry, "verify_objection"), 1);
	/* a second retry changes nothing */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"rejected.retry\",\"id\":1,\"party\":\"office\",\"seq\":%llu}",
		    (unsigned long long)head), JRP_EREPLY);
	CHECK_STR(e.code, "conflict");
	msg_in_free(&in);
	CHECK_INT(count_tasks("procurement_centre", entry, "apply"), 1);
	/* the trail stays: all three, applied, with who retried them */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"rejected.list\",\"id\":1,\"party\":\"office\",\"all\":true}"), 0);
	{
		const msgpack_object *rs = obj_get(in.root, "records");
		CHECK(rs && rs->via.array.size == 3);
		for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
			CHECK(obj_str_eq(obj_get(&rs->via.array.ptr[i], "state"), "applied"));
			CHECK(obj_str_eq(obj_get(&rs->via.array.ptr[i], "applied_by"), "office"));
		}
		CHECK_INT(obj_u64(in.root, "pending"), 0);
	}
	msg_in_free(&in);
	/* the office's figures count the tasks once: one suspend for each punishment applied */
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	CHECK(obj_u64(obj_get(in.root, "tasks"), "apply") >= 1);
	CHECK_INT(obj_u64(obj_get(in.root, "tasks"), "suspend"), obj_u64(obj_get(in.root, "tasks"), "apply"));
	CHECK_INT(obj_u64(in.root, "rejected"), 0);
	msg_in_free(&in);
	CHECK_INT(h_stop(&H), 0);
}

/* A record that does not decode (an event written without its party, as damage would write it) is
 * kept with the field and reason; the records after it are applied, but those about the same
 * subject wait behind it; retrying it changes nothing while it still does not read. */
static void undecodable_record_kept(void)
{
	char a[19], b[19], json[1024], key[40];
	msg_in in;
	jrp_error e;
	uint64_t bad;
	CHECK_INT(start_with_own_rules(), 0);
	h_uscc("91350100MD", 1, a);
	h_uscc("91350100MD", 2, b);
	snprintf(key, sizeof key, "subject:%s", a);
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	snprintf(json, sizeof json, "{\"seq\":%%llu,\"kind\":\"record\",\"at\":1,\"reported_workdays\":1,\"late\":false,"
		 "\"record\":{\"record_id\":\"X\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
		 "\"id_type\":\"uscc\",\"code\":\"%s\",\"name\":\"甲\"},\"decision_date\":\"2026-11-20\"}}", a);
	CHECK_INT(append_raw(json, &bad), 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	CHECK_INT(submit("OK-1", b, "tax_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(entries(b), 1);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "rejected"), 1);
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"rejected.list\",\"id\":1,\"party\":\"office\"}"), 0);
	{
		const msgpack_object *rs = obj_get(in.root, "records"), *r0 = rs && rs->via.array.size ? &rs->via.array.ptr[0] : NULL;
		char buf[100];
		CHECK(r0 && obj_u64(r0, "seq") == bad);
		CHECK_STR(obj_cstr(r0, "code", buf, sizeof buf), "missing_field");
		CHECK_STR(obj_cstr(r0, "field", buf, sizeof buf), "party");
		CHECK_STR(obj_cstr(r0, "key", buf, sizeof buf), key);
	}
	msg_in_free(&in);
	/* a later record about the same subject waits behind it, in order; others go on */
	CHECK_INT(submit("OK-2", a, "tax_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(entries(a), 0);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "rejected"), 2);
	/* still unreadable: refused again, still kept */
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"rejected.retry\",\"id\":1,\"party\":\"office\",\"seq\":%llu}",
		    (unsigned long long)bad), JRP_EREPLY);
	CHECK_STR(e.code, "missing_field");
	msg_in_free(&in);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "rejected"), 2);
	CHECK_INT(h_stop(&H), 0);
}

/* A record of a kind this build does not know: adjudicate stops taking records, says why (log,
 * status), and applies nothing after it; records before it are applied. */
static void unknown_kind_stops(void)
{
	char c[19], buf[600];
	uint64_t odd;
	CHECK_INT(start_with_own_rules(), 0);
	h_uscc("91350100ME", 1, c);
	CHECK_INT(submit("K-1", c, "tax_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	CHECK_INT(append_raw("{\"seq\":%llu,\"kind\":\"exchange\",\"at\":1,\"region\":\"B\"}", &odd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	h_uscc("91350100ME", 2, c);
	CHECK_INT(submit("K-2", c, "tax_fraud"), 0);
	CHECK(wait_status(SVC_ADJUDICATE, "stopped", "\"exchange\""));
	CHECK(strstr(status_str(SVC_ADJUDICATE, "stopped", buf, sizeof buf), "upgrade") != NULL);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "cursor"), odd - 1);
	CHECK_INT(entries(c), 0);
	CHECK(log_has(SVC_ADJUDICATE, "event=pull_stopped"));
	CHECK_INT(h_stop(&H), 0);
}

/* ingest restored from an earlier copy: its log ends below adjudicate's cursor, and the records it
 * takes next reuse seqs adjudicate applied. adjudicate refuses, names both sides, and applies none
 * of them. Then ingest's data directory is wiped: another log, refused too. */
static void restored_or_wiped_upstream_refused(void)
{
	char cmd[1200], buf[600], c[19];
	uint64_t cursor;
	CHECK_INT(start_with_own_rules(), 0);
	h_uscc("91350100MF", 1, c);
	CHECK_INT(submit("R-1", c, "tax_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	snprintf(cmd, sizeof cmd, "cp -a '%s/data/ingest' '%s/ingest-copy'", H.dir, H.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	h_uscc("91350100MF", 2, c);
	CHECK_INT(submit("R-2", c, "tax_fraud"), 0);
	h_uscc("91350100MF", 3, c);
	CHECK_INT(submit("R-3", c, "tax_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	cursor = h_status_u64(&H, SVC_ADJUDICATE, "cursor");
	/* the restore */
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/data/ingest' && mv '%s/ingest-copy' '%s/data/ingest'", H.dir, H.dir, H.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	CHECK(wait_status(SVC_ADJUDICATE, "stopped", "below my cursor"));
	/* records with reused seqs, and one more: none is taken */
	h_uscc("91350100MF", 4, c);
	CHECK_INT(submit("R-4", c, "tax_fraud"), 0);
	h_uscc("91350100MF", 5, c);
	CHECK_INT(submit("R-5", c, "tax_fraud"), 0);
	h_uscc("91350100MF", 6, c);
	CHECK_INT(submit("R-6", c, "tax_fraud"), 0);
	CHECK(wait_status(SVC_ADJUDICATE, "stopped", "is not the one I applied"));
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "cursor"), cursor);
	for (int i = 4; i <= 6; i++) {
		h_uscc("91350100MF", i, c);
		CHECK_INT(entries(c), 0);
	}
	/* wiped: a new, empty store with another identity */
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	snprintf(cmd, sizeof cmd, "rm -rf '%s/data/ingest'", H.dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	CHECK(wait_status(SVC_ADJUDICATE, "stopped", "belongs to log"));
	CHECK(strstr(status_str(SVC_ADJUDICATE, "stopped", buf, sizeof buf),
		     status_str(SVC_INGEST, "log_id", (char[64]){ 0 }, 64)) != NULL);
	CHECK(log_has(SVC_ADJUDICATE, "event=pull_stopped"));
	CHECK_INT(h_stop(&H), 0);
}

/* An upstream that answers in another log format (a newer jrp): the consumer stops and says so;
 * when the real upstream is back it takes records again. The peer is a ROUTER bound where ingest
 * listens, speaking the protocol with a format newer than this build's. */
static void unknown_format_stops_then_resumes(void)
{
	char endpoint[400], log_id[64];
	void *ctx, *sock;
	int64_t until;
	bool stopped = false;
	CHECK_INT(start_with_own_rules(), 0);
	status_str(SVC_INGEST, "log_id", log_id, sizeof log_id);
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	snprintf(endpoint, sizeof endpoint, "%s", H.cfg->endpoint[SVC_INGEST]);
	ctx = zmq_ctx_new();
	sock = zmq_socket(ctx, ZMQ_ROUTER);
	CHECK_INT(zmq_bind(sock, endpoint), 0);
	until = clock_real_ms() + 10000;
	while (!stopped && clock_real_ms() < until) {
		zmq_pollitem_t it = { sock, 0, ZMQ_POLLIN, 0 };
		if (zmq_poll(&it, 1, 100) == 1) {
			zmq_msg_t id, body;
			msg_in in;
			jrp_error e;
			mw w;
			zmq_msg_init(&id);
			zmq_msg_init(&body);
			zmq_msg_recv(&id, sock, 0);
			zmq_msg_recv(&body, sock, 0);
			if (msg_parse(zmq_msg_data(&body), zmq_msg_size(&body), 1 << 20, &in, &e) == 0) {
				mw_init(&w);
				mw_map(&w);
				mw_ku64(&w, "v", 1);
				mw_kstr(&w, "type", "log.fetch");
				mw_kobj(&w, "id", obj_get(in.root, "id"));
				mw_kbool(&w, "ok", true);
				mw_str(&w, "records");
				mw_arr(&w);
				mw_end(&w);
				mw_ku64(&w, "last", 0);
				mw_kstr(&w, "log_id", log_id);
				mw_ku64(&w, "format", JRP_LOG_FORMAT + 1);
				mw_end(&w);
				zmq_send(sock, zmq_msg_data(&id), zmq_msg_size(&id), ZMQ_SNDMORE);
				zmq_send(sock, mw_data(&w), mw_len(&w), 0);
				mw_free(&w);
			}
			msg_in_free(&in);
			zmq_msg_close(&id);
			zmq_msg_close(&body);
		}
		{
			char want[32];
			snprintf(want, sizeof want, "format %d", JRP_LOG_FORMAT + 1);
			stopped = strstr(status_str(SVC_ADJUDICATE, "stopped", (char[600]){ 0 }, 600), want) != NULL;
		}
	}
	CHECK(stopped);
	zmq_close(sock);
	zmq_ctx_term(ctx);
	/* the real ingest is back: adjudicate asks at once and takes records again */
	unlink(endpoint + 6);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	{
		char c[19];
		h_uscc("91350100MG", 1, c);
		CHECK_INT(submit("F-1", c, "tax_fraud"), 0);
		CHECK_INT(h_settle(&H), 0);
		CHECK_INT(entries(c), 1);
	}
	CHECK_STR(status_str(SVC_ADJUDICATE, "stopped", (char[600]){ 0 }, 600), "");
	CHECK(log_has(SVC_ADJUDICATE, "event=pull_resumed"));
	CHECK_INT(h_stop(&H), 0);
}

/* A consumer whose upstream restarts asks again as soon as the upstream is back (its socket sees
 * the reconnection), instead of waiting out its 5-second silence timer. */
static void asks_again_when_upstream_is_back(void)
{
	char c[19];
	CHECK_INT(start_with_own_rules(), 0);
	CHECK_INT(h_settle(&H), 0);
	usleep(300000);   /* adjudicate is long-polling ingest */
	CHECK(h_kill(&H, SVC_INGEST, SIGKILL) != 0);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	h_uscc("91350100MH", 1, c);
	CHECK_INT(submit("B-1", c, "tax_fraud"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(entries(c), 1);
	CHECK(log_has(SVC_ADJUDICATE, "event=upstream_back"));
	CHECK(!log_has(SVC_ADJUDICATE, "event=upstream_silent"));
	CHECK_INT(h_stop(&H), 0);
}

/* A damaged data directory refuses to start, naming the file and what is wrong: data.mdb cut short
 * (today: SIGBUS, no message), emptied or removed (today: a new, empty store serving nothing).
 * Restored, it starts and carries on. */
static void damaged_store_refuses_to_start(void)
{
	char cmd[1200], path[400], out[4096];
	struct stat st;
	CHECK_INT(start_with_own_rules(), 0);
	for (int i = 1; i <= 20; i++) {
		char c[19], rid[16];
		h_uscc("91350100MJ", i, c);
		snprintf(rid, sizeof rid, "D-%d", i);
		CHECK_INT(submit(rid, c, "tax_fraud"), 0);
	}
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_kill(&H, SVC_DISPATCH, SIGTERM), 0);
	snprintf(path, sizeof path, "%s/data/dispatch/data.mdb", H.dir);
	snprintf(cmd, sizeof cmd, "cp '%s' '%s.good'", path, path);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(stat(path, &st), 0);
	/* cut short */
	CHECK_INT(truncate(path, 3 * 4096), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), -1);
	snprintf(cmd, sizeof cmd, "tail -3 '%s/dispatch.log'", H.dir);
	run(cmd, out, sizeof out);
	CHECK(strstr(out, "data/dispatch/data.mdb") && strstr(out, "cut short"));
	/* emptied */
	CHECK_INT(truncate(path, 0), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), -1);
	run(cmd, out, sizeof out);
	CHECK(strstr(out, "data/dispatch/data.mdb") && strstr(out, "is empty"));
	/* removed, its lock file and journal left behind */
	CHECK_INT(unlink(path), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), -1);
	run(cmd, out, sizeof out);
	CHECK(strstr(out, "data/dispatch/data.mdb") && strstr(out, "is missing"));
	/* restored */
	snprintf(cmd, sizeof cmd, "mv '%s.good' '%s'", path, path);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	client_free(&H.cl[SVC_DISPATCH]);
	H.cl[SVC_DISPATCH] = h_client(&H, SVC_DISPATCH, NULL);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_status_u64(&H, SVC_DISPATCH, "rejected"), 0);
	CHECK_INT(h_stop(&H), 0);
}

/* meta_format - set (v > 0) or read (v == 0) the format an ingest data directory records */
static uint64_t meta_format(uint64_t v)
{
	static const char *const dbs[] = { "meta" };
	char dir[400];
	store *st;
	jrp_error e;
	MDB_txn *txn;
	uint64_t got = 0;
	snprintf(dir, sizeof dir, "%s/data/ingest", H.dir);
	if (store_open(dir, 8 << 20, 64 << 20, dbs, 1, &st, &e) < 0) {
		printf("# store_open: %s\n", e.message);
		return 0;
	}
	store_begin(st, v > 0, &txn);
	if (v)
		meta_put_u64(txn, store_dbi(st, 0), "format", v);
	meta_get_u64(txn, store_dbi(st, 0), "format", &got);
	if (v)
		store_commit(st, txn);
	else
		mdb_txn_abort(txn);
	store_close(&st);
	return got;
}

/* Log format 2 (issue 11) and 3 (issue 14) only added kinds and fields to format 1 (records.h
 * JRP_LOG_FORMAT_MIN): a data directory written by a format-1 jrp opens as it is - its log id, its
 * records, its consumers' cursors - says so in the log and records this build's format from then on; the pipeline carries on. A format
 * this build does not know is still refused (damaged_store_refuses_to_start, unknown_format_stops). */
static void older_format_store_opens(void)
{
	char a[19], b[19], path[600], line[400];
	msg_in in;
	jrp_error e;
	mw w;
	bool said = false;
	FILE *f;
	char upgraded[32];
	snprintf(upgraded, sizeof upgraded, "from=1 to=%d", JRP_LOG_FORMAT);
	CHECK_INT(start_with_own_rules(), 0);
	h_uscc("91350100MF", 71, a);
	h_uscc("91350100MF", 72, b);
	h_tax_penalty(&w, "OF-1", a, "旧格式企业", "tax_fraud", 5000000, NULL, "2026-11-20");
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	CHECK_INT(meta_format(JRP_LOG_FORMAT_MIN), JRP_LOG_FORMAT_MIN);
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	client_free(&H.cl[SVC_INGEST]);
	H.cl[SVC_INGEST] = h_client(&H, SVC_INGEST, NULL);
	h_tax_penalty(&w, "OF-2", b, "新格式企业", "tax_fraud", 5000000, NULL, "2026-11-20");
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	CHECK_INT(obj_u64(in.root, "seq"), 2);   /* the same log, carried on */
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_settle(&H), 0);
	CHECK(h_entry(&H, a, "black", NULL, NULL) > 0);
	CHECK(h_entry(&H, b, "black", NULL, NULL) > 0);
	snprintf(path, sizeof path, "%s/ingest.log", H.dir);
	if ((f = fopen(path, "r")) != NULL) {
		while (fgets(line, sizeof line, f))
			said |= strstr(line, "event=store_format_upgraded") != NULL && strstr(line, upgraded) != NULL;
		fclose(f);
	}
	CHECK(said);
	CHECK_INT(h_kill(&H, SVC_INGEST, SIGTERM), 0);
	CHECK_INT(meta_format(0), JRP_LOG_FORMAT);
	CHECK_INT(h_stop(&H), 0);
}

/* Issue 12 item 4 - a data directory written by the previous release (log format 1, b7450c7: a tax
 * penalty, a court judgment and an A-grade rating, their entries in force, tasks pushed, one applied;
 * tests/fixtures/format1-data.tar.gz, made as tests/fixtures/README says) opens under this build:
 * every daemon says store_format_upgraded, the records, entries, tasks and figures are all there,
 * and the pipeline carries on from its cursors */
static void previous_release_fixture_opens(void)
{
	char path[600], line[400], st[16], why[40];
	msg_in in;
	jrp_error e;
	mw w;
	int said = 0;
	char upgraded[32];
	snprintf(upgraded, sizeof upgraded, "from=1 to=%d", JRP_LOG_FORMAT);
	snprintf(path, sizeof path, "%s/tests/fixtures/format1-data.tar.gz", JRP_SOURCE_ROOT);
	CHECK_INT(h_start_from(&H, path), 0);
	for (int s = 0; s < SVC__N; s++) {
		FILE *f;
		snprintf(path, sizeof path, "%s/%s.log", H.dir, svc_names[s]);
		if ((f = fopen(path, "r")) != NULL) {
			bool seen = false;
			while (fgets(line, sizeof line, f))
				seen |= strstr(line, "event=store_format_upgraded") && strstr(line, upgraded);
			said += seen;
			fclose(f);
		}
		CHECK_INT(h_status_u64(&H, s, "format"), JRP_LOG_FORMAT);
	}
	CHECK_INT(said, SVC__N);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 3);
	CHECK(h_entry(&H, "91350100M000100Y43", "black", st, why) > 0);
	CHECK_STR(st, "effective");
	CHECK(h_entry(&H, "11010519491231002X", "black", st, why) > 0);
	CHECK_STR(st, "effective");
	CHECK(h_entry(&H, "91350100MA0000010M", "red", st, why) > 0);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}"), 0);
	CHECK_INT(obj_u64(obj_get(in.root, "feedback"), "applied"), 1);
	msg_in_free(&in);
	/* it carries on: a new record through every daemon */
	CHECK_INT(h_clock(&H, "2026-12-11T09:00:00+08:00"), 0);
	h_tax_penalty(&w, "FX-TAX-2", "91350100MA0000010M", "守信企业", "tax_fraud", 5000000, NULL, "2026-11-20");
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	CHECK_INT(obj_u64(in.root, "seq"), 4);
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_clock(&H, "2026-12-12T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(h_entry(&H, "91350100MA0000010M", "black", st, why) > 0);
	CHECK_STR(st, "effective");
	h_entry(&H, "91350100MA0000010M", "red", st, why);
	CHECK_STR(st, "exited");   /* black-listed: removed from red [001 §(五)6] */
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	RUN(rejected_kept_shown_retried);
	RUN(undecodable_record_kept);
	RUN(unknown_kind_stops);
	RUN(restored_or_wiped_upstream_refused);
	RUN(unknown_format_stops_then_resumes);
	RUN(asks_again_when_upstream_is_back);
	RUN(damaged_store_refuses_to_start);
	RUN(older_format_store_opens);
	RUN(previous_release_fixture_opens);
	TAP_DONE();
}
