/*
 * test_commitments.c - credit commitments (信用承诺, 告知承诺, 容缺受理) end to end, on the real daemons
 *
 * DOMAIN.md "Commitments and 双公示": "a subject served on its promise (papers missing, a licence on a
 * commitment) has a deadline; the agency reports whether it was kept; a broken commitment is a credit
 * record." The seeds:
 *   [001 §(三)2] (seeds/001, 推行政务服务便捷措施): 部分申报材料暂时不齐备，签订书面信用承诺在规定期限内
 *       提供，可先行受理 - a matter accepted with papers missing on a written promise to supply them
 *       within a set period (容缺受理);
 *   [001 §(一)6] (建立健全信用监管机制): 在相关业务开展中……开展事前信用承诺 - commitments before the matter;
 *   [004 ch.5 §1] (第五章 信用信息应用体系构建, 第一节 推动政府率先应用信用信息): 全面建立事前信用承诺、事中
 *       信用分类监管、事后信用联合奖惩制度 - the promise before, supervision during, joint reward and
 *       punishment after.
 * The approval bureau (approval_bureau, 示范市行政审批服务局) accepts matters on commitments and reports
 * whether each was kept; a broken one is an ordinary credit record that the catalogue's standard
 * market.broken_commitment (承诺失信, focus list; 国办发〔2019〕35号, 国办发〔2020〕42号) acts on.
 */
#include "../tap.h"
#include "clock.h"
#include "harness.h"
#include "proto.h"
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

static harness H;
static char A[19], B[19], C[19], M[19];   /* four companies */

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* ok - a request that must succeed (printed if it does not); 0 or -1 */
static int ok(int svc, const char *json)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	if (rc != 0)
		printf("# refused: [%s] %s: %s\n#   request: %s\n", e.code, e.field, e.message, json);
	msg_in_free(&in);
	return rc == 0 ? 0 : -1;
}

/* refused - a request that must be refused with code on field; the message is kept in msg */
static bool refused(int svc, const char *json, const char *code, const char *field, char *msg, size_t n)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	msg_in_free(&in);
	if (msg)
		snprintf(msg, n, "%s", rc == JRP_EREPLY ? e.message : "");
	if (rc != JRP_EREPLY || strcmp(e.code, code) != 0 || strcmp(e.field, field) != 0) {
		printf("# expected [%s] %s, got rc %d [%s] %s: %s\n#   request: %s\n", code, field, rc, e.code, e.field,
		       e.message, json);
		return false;
	}
	printf("#   refused as it must be: [%s] %s: %s\n", e.code, e.field, e.message);
	return true;
}

/* commitment_json - a record.submit of a commitment by party about org code (name), decided on
 * `decided`, due `due`; extra: more fields of the commitment map (may be "") */
static void commitment_json(char *json, size_t n, const char *party, const char *rid, const char *code, const char *name,
			    const char *type, const char *matter, const char *decided, const char *due, const char *extra)
{
	snprintf(json, n, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"%s\",\"record\":{\"record_id\":\"%s\","
		 "\"kind\":\"commitment\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"%s\"},"
		 "\"decision_date\":\"%s\",\"commitment\":{\"type\":\"%s\",\"matter\":\"%s\",\"due\":\"%s\","
		 "\"content\":\"本单位承诺在%s前补齐所缺材料，逾期未补齐的，愿意承担相应责任%s\"}}}",
		 party, rid, code, name, decided, type, matter, due, due, extra);
}

static int commit(const char *party, const char *rid, const char *code, const char *name, const char *type,
		  const char *decided, const char *due)
{
	char json[1500];
	commitment_json(json, sizeof json, party, rid, code, name, type, "licence", decided, due, "");
	return ok(SVC_INGEST, json);
}

/* result_json - a commitment's result (kind commitment_kept or commitment_broken) by party about code,
 * referring to `refers`; extra: more fields of the record (",\"violation\":...", or "") */
static void result_json(char *json, size_t n, const char *party, const char *rid, const char *kind, const char *code,
			const char *refers, const char *decided, const char *extra)
{
	snprintf(json, n, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"%s\",\"record\":{\"record_id\":\"%s\","
		 "\"kind\":\"%s\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\",\"name\":\"测试企业\"},"
		 "\"decision_date\":\"%s\",\"refers_to\":\"%s\"%s}}", party, rid, kind, code, decided, refers, extra);
}

/* listing - commitment.list as party (state, of: NULL for none) into *in; returns the number of items */
static int listing(const char *party, const char *state, const char *of, msg_in *in)
{
	jrp_error e;
	char st[64] = "", o[64] = "";
	if (state)
		snprintf(st, sizeof st, ",\"state\":\"%s\"", state);
	if (of)
		snprintf(o, sizeof o, ",\"of\":\"%s\"", of);
	if (J(SVC_INGEST, in, &e, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"%s\"%s%s}", party, st, o) != 0) {
		printf("# commitment.list refused: [%s] %s: %s\n", e.code, e.field, e.message);
		return -1;
	}
	return (int)obj_get(in->root, "items")->via.array.size;
}

/* item - the item of record rid in a commitment.list reply, or NULL */
static const msgpack_object *item(const msg_in *in, const char *rid)
{
	const msgpack_object *it = obj_get(in->root, "items");
	for (uint32_t i = 0; it && i < it->via.array.size; i++)
		if (obj_str_eq(obj_get(&it->via.array.ptr[i], "record_id"), rid))
			return &it->via.array.ptr[i];
	return NULL;
}

/* state_of - the state of commitment rid as party's own commitment.list shows it ("" if absent) */
static const char *state_of(const char *party, const char *rid)
{
	static char st[16];
	msg_in in;
	st[0] = 0;
	if (listing(party, NULL, NULL, &in) >= 0 && item(&in, rid))
		obj_cstr(item(&in, rid), "state", st, sizeof st);
	msg_in_free(&in);
	return st;
}

/* figure - ingest's stats.get (the office): commitments.<field> in all, or of party */
static long long figure(const char *party, const char *field)
{
	msg_in in;
	jrp_error e;
	long long v = -1;
	if (J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\"}") == 0) {
		const msgpack_object *c = obj_get(in.root, "commitments"), *ps = obj_get(c, "parties");
		if (!party)
			v = (long long)obj_u64(c, field);
		for (uint32_t i = 0; party && ps && i < ps->via.array.size; i++)
			if (obj_str_eq(obj_get(&ps->via.array.ptr[i], "party"), party))
				v = (long long)obj_u64(&ps->via.array.ptr[i], field);
		if (party && v < 0)
			v = 0;
	}
	msg_in_free(&in);
	return v;
}

/* [001 §(三)2]: papers missing, accepted on a written promise to supply them by a date (容缺受理). The
 * bureau reports the commitment; ingest keeps it open, with every field, until its result comes;
 * the office counts it (DOMAIN.md "Monitoring by the office": commitments due) */
static void missing_papers_accepted_on_a_promise(void)
{
	msg_in in;
	const msgpack_object *x;
	CHECK_INT(h_clock(&H, "2026-11-23T09:00:00+08:00"), 0);
	/* A: 容缺受理 of a licence, the fire-safety certificate to follow within two weeks */
	CHECK_INT(commit("approval_bureau", "CM-A", A, "甲承诺企业有限公司", "missing_papers", "2026-11-20", "2026-12-04"), 0);
	/* B: a licence on the promise that the conditions are met (告知承诺), checked by the year's end */
	CHECK_INT(commit("approval_bureau", "CM-B", B, "乙承诺企业有限公司", "notification", "2026-11-20", "2026-12-31"), 0);
	/* C: another 容缺受理, due later */
	CHECK_INT(commit("approval_bureau", "CM-C", C, "丙承诺企业有限公司", "missing_papers", "2026-11-23", "2027-01-15"), 0);
	CHECK_INT(listing("approval_bureau", "open", NULL, &in), 3);
	x = item(&in, "CM-A");
	CHECK(x != NULL);
	if (x) {
		CHECK(obj_str_eq(obj_get(x, "state"), "open"));
		CHECK(obj_str_eq(obj_get(x, "type"), "missing_papers"));
		CHECK(obj_str_eq(obj_get(x, "matter"), "licence"));
		CHECK(obj_str_eq(obj_get(x, "due"), "2026-12-04"));
		CHECK(obj_str_eq(obj_get(x, "decision_date"), "2026-11-20"));
		CHECK(obj_str_eq(obj_get(x, "party"), "approval_bureau"));
		CHECK(obj_str_eq(obj_get(x, "domain"), "market"));
		CHECK(obj_str_eq(obj_get(obj_get(x, "subject"), "code"), A));
		CHECK(obj_str_eq(obj_get(obj_get(x, "subject"), "name"), "甲承诺企业有限公司"));
		CHECK(strstr(obj_get(x, "content")->via.str.ptr, "补齐所缺材料") != NULL);
		CHECK(obj_u64(x, "seq") > 0);
		CHECK(obj_get(x, "result") == NULL);
	}
	/* open commitments by due date: A first */
	CHECK(obj_str_eq(obj_get(&obj_get(in.root, "items")->via.array.ptr[0], "record_id"), "CM-A"));
	CHECK_INT(obj_u64(obj_get(in.root, "counts"), "open"), 3);
	CHECK(obj_str_eq(obj_get(in.root, "today"), "2026-11-23"));
	msg_in_free(&in);
	CHECK_INT(listing("approval_bureau", "overdue", NULL, &in), 0);
	msg_in_free(&in);
	CHECK_INT(figure(NULL, "made"), 3);
	CHECK_INT(figure(NULL, "open"), 3);
	CHECK_INT(figure("approval_bureau", "made"), 3);
	CHECK_INT(figure(NULL, "overdue"), 0);
}

/* the deadline: the day after the due date an open commitment is overdue (DOMAIN.md "Monitoring by the
 * office": the office sees commitments due), listed and counted as such */
static void past_its_due_date_it_is_overdue(void)
{
	msg_in in;
	/* the last day allowed: still open */
	CHECK_INT(h_clock(&H, "2026-12-04T18:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_STR(state_of("approval_bureau", "CM-A"), "open");
	CHECK_INT(h_clock(&H, "2026-12-05T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(listing("approval_bureau", "overdue", NULL, &in), 1);
	CHECK(item(&in, "CM-A") != NULL);
	CHECK_INT(obj_u64(obj_get(in.root, "counts"), "overdue"), 1);
	CHECK_INT(obj_u64(obj_get(in.root, "counts"), "open"), 2);
	msg_in_free(&in);
	CHECK_INT(listing("office", "overdue", NULL, &in), 1);
	msg_in_free(&in);
	CHECK_INT(listing("approval_bureau", "open", NULL, &in), 2);
	CHECK(item(&in, "CM-A") == NULL);
	msg_in_free(&in);
	CHECK_INT(figure(NULL, "overdue"), 1);
	CHECK_INT(figure("approval_bureau", "overdue"), 1);
	CHECK_INT(figure(NULL, "open"), 2);
}

/* a broken promise is a credit record of the subject [001 §(三)2] (国办发〔2019〕35号: 书面承诺履约情况
 * 记入信用记录): the bureau's commitment_broken record closes the commitment, is among the subject's
 * records, and the catalogue's standard market.broken_commitment puts the company on the focus list
 * (through adjudicate, as any record meeting a standard: notified first, 5 working days to state its
 * case) */
static void a_broken_promise_is_a_credit_record(void)
{
	char json[1500], st[16], why[40];
	msg_in in;
	jrp_error e;
	const msgpack_object *x;
	uint64_t entry;
	CHECK_INT(h_clock(&H, "2026-12-07T09:00:00+08:00"), 0);
	result_json(json, sizeof json, "approval_bureau", "CM-A-R", "commitment_broken", A, "CM-A", "2026-12-07",
		    ",\"violation\":\"papers_not_supplied\",\"facts\":\"逾期未补交消防验收合格证明\",\"notice\":{\"date\":\"2026-12-07\"}");
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(listing("approval_bureau", "broken", NULL, &in), 1);
	x = item(&in, "CM-A");
	CHECK(x != NULL);
	if (x) {
		CHECK(obj_str_eq(obj_get(x, "state"), "broken"));
		CHECK(obj_str_eq(obj_get(obj_get(x, "result"), "record_id"), "CM-A-R"));
		CHECK(obj_str_eq(obj_get(obj_get(x, "result"), "decision_date"), "2026-12-07"));
		CHECK(obj_u64(obj_get(x, "result"), "seq") > obj_u64(x, "seq"));
	}
	msg_in_free(&in);
	CHECK_INT(listing("approval_bureau", "overdue", NULL, &in), 0);
	msg_in_free(&in);
	CHECK_INT(figure(NULL, "broken"), 1);
	CHECK_INT(figure(NULL, "overdue"), 0);
	/* the subject's credit record holds the commitment and its breach */
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}", A), 0);
	{
		const msgpack_object *rs = obj_get(in.root, "records");
		int kinds = 0;
		for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
			const msgpack_object *rec = obj_get(&rs->via.array.ptr[i], "record");
			kinds |= obj_str_eq(obj_get(rec, "kind"), "commitment") ? 1 : 0;
			kinds |= obj_str_eq(obj_get(rec, "kind"), "commitment_broken") &&
				 obj_str_eq(obj_get(rec, "refers_to"), "CM-A") ? 2 : 0;
		}
		CHECK_INT(kinds, 3);
	}
	msg_in_free(&in);
	/* adjudicate: proposed on the focus list under market.broken_commitment */
	CHECK_INT(h_settle(&H), 0);
	entry = h_entry(&H, A, "focus", st, why);
	CHECK(entry != 0);
	CHECK_STR(st, "proposed");
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}", A), 0);
	{
		const msgpack_object *es = obj_get(in.root, "entries");
		CHECK(es && es->via.array.size == 1);
		if (es && es->via.array.size == 1) {
			CHECK(obj_str_eq(obj_get(&es->via.array.ptr[0], "standard"), "market.broken_commitment"));
			CHECK(obj_str_eq(obj_get(&es->via.array.ptr[0], "record_id"), "CM-A-R"));
			CHECK(obj_str_eq(obj_get(&es->via.array.ptr[0], "party"), "approval_bureau"));
			/* 1 year from the decision (general tier) */
			CHECK(obj_str_eq(obj_get(&es->via.array.ptr[0], "valid_until"), "2027-12-06"));
		}
	}
	msg_in_free(&in);
	/* notified on 7 December: 5 working days to state its case end on 14 December; effective on the 15th */
	CHECK_INT(h_clock(&H, "2026-12-15T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_entry(&H, A, "focus", st, why), entry);
	CHECK_STR(st, "effective");
}

/* a kept promise closes its commitment too, and lists nobody */
static void a_kept_promise_closes_another(void)
{
	char json[1500];
	msg_in in;
	result_json(json, sizeof json, "approval_bureau", "CM-B-R", "commitment_kept", B, "CM-B", "2026-12-10", "");
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(listing("approval_bureau", "kept", NULL, &in), 1);
	CHECK(item(&in, "CM-B") != NULL);
	CHECK(item(&in, "CM-B") && obj_str_eq(obj_get(obj_get(item(&in, "CM-B"), "result"), "record_id"), "CM-B-R"));
	msg_in_free(&in);
	CHECK_INT(figure(NULL, "kept"), 1);
	CHECK_INT(figure(NULL, "open"), 1);   /* C */
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_entry(&H, B, NULL, NULL, NULL), 0);
}

/* one result per commitment, by the department that accepted it, about its subject, on a commitment:
 * every other report is refused with the field named, and nothing changes */
static void wrong_results_are_refused(void)
{
	char json[1500], msg[400];
	uint64_t last = h_status_u64(&H, SVC_INGEST, "log_last");
	long long made = figure(NULL, "made"), kept = figure(NULL, "kept"), broken = figure(NULL, "broken"),
		  open = figure(NULL, "open");
	/* a second result: A was broken already */
	result_json(json, sizeof json, "approval_bureau", "CM-A-R2", "commitment_kept", A, "CM-A", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "conflict", "record.refers_to", msg, sizeof msg));
	CHECK(strstr(msg, "broken on 2026-12-07") != NULL && strstr(msg, "CM-A-R") != NULL);
	result_json(json, sizeof json, "approval_bureau", "CM-B-R2", "commitment_broken", B, "CM-B", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "conflict", "record.refers_to", msg, sizeof msg));
	CHECK(strstr(msg, "kept on 2026-12-10") != NULL);
	/* by another department: the market regulator accepted no commitment CM-C */
	result_json(json, sizeof json, "market_regulator", "MR-R1", "commitment_broken", C, "CM-C", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.refers_to", NULL, 0));
	/* about another subject */
	result_json(json, sizeof json, "approval_bureau", "CM-C-R1", "commitment_broken", B, "CM-C", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.subject.code", NULL, 0));
	/* decided before the commitment was made */
	result_json(json, sizeof json, "approval_bureau", "CM-C-R1", "commitment_kept", C, "CM-C", "2026-11-22", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.decision_date", NULL, 0));
	/* referring to a record that is not a commitment: a licence the bureau granted to C */
	{
		char lic[1000];
		snprintf(lic, sizeof lic, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"approval_bureau\",\"record\":{"
			 "\"record_id\":\"LIC-C\",\"kind\":\"licence\",\"domain\":\"market\",\"subject\":{\"type\":\"org\","
			 "\"code\":\"%s\",\"name\":\"丙承诺企业有限公司\"},\"decision_date\":\"2026-12-01\"}}", C);
		CHECK_INT(ok(SVC_INGEST, lic), 0);
		last++;
	}
	result_json(json, sizeof json, "approval_bureau", "CM-C-R1", "commitment_kept", C, "LIC-C", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.refers_to", msg, sizeof msg));
	CHECK(strstr(msg, "licence") != NULL);
	/* and to nothing at all */
	result_json(json, sizeof json, "approval_bureau", "CM-C-R1", "commitment_kept", C, "", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.refers_to", NULL, 0));
	result_json(json, sizeof json, "approval_bureau", "CM-C-R1", "commitment_kept", C, "CM-Z", "2026-12-15", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.refers_to", NULL, 0));
	/* a commitment itself: a matter of the catalogue, a due date after the decision and within 2 years, a
	 * known type, nothing unknown; and only a commitment record has one */
	commitment_json(json, sizeof json, "approval_bureau", "CM-X", C, "丙", "missing_papers", "moon_landing", "2026-12-01",
			"2026-12-20", "");
	CHECK(refused(SVC_INGEST, json, "unknown_matter", "record.commitment.matter", NULL, 0));
	commitment_json(json, sizeof json, "approval_bureau", "CM-X", C, "丙", "missing_papers", "licence", "2026-12-01",
			"2026-12-01", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.commitment.due", NULL, 0));
	commitment_json(json, sizeof json, "approval_bureau", "CM-X", C, "丙", "missing_papers", "licence", "2026-12-01",
			"2028-12-02", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.commitment.due", NULL, 0));
	commitment_json(json, sizeof json, "approval_bureau", "CM-X", C, "丙", "oral", "licence", "2026-12-01", "2026-12-20", "");
	CHECK(refused(SVC_INGEST, json, "bad_value", "record.commitment.type", NULL, 0));
	commitment_json(json, sizeof json, "approval_bureau", "CM-X", C, "丙", "pledge", "licence", "2026-12-01", "2026-12-20",
			"\",\"colour\":\"red");
	CHECK(refused(SVC_INGEST, json, "unknown_field", "record.commitment.colour", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"approval_bureau\",\"record\":{"
		      "\"record_id\":\"CM-X\",\"kind\":\"commitment\",\"domain\":\"market\",\"subject\":{\"type\":\"org\","
		      "\"code\":\"91350100M000100Y43\",\"name\":\"x\"},\"decision_date\":\"2026-12-01\"}}",
		      "missing_field", "record.commitment", NULL, 0));
	/* a department reports only in its own domains: the tax bureau cannot report the bureau's commitment */
	commitment_json(json, sizeof json, "tax_bureau", "CM-X", C, "丙", "pledge", "licence", "2026-12-01", "2026-12-20", "");
	CHECK(refused(SVC_INGEST, json, "forbidden", "record.domain", NULL, 0));
	/* nothing changed: no event, the same counts, C still open */
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), last);
	CHECK_INT(figure(NULL, "made"), made);
	CHECK_INT(figure(NULL, "kept"), kept);
	CHECK_INT(figure(NULL, "broken"), broken);
	CHECK_INT(figure(NULL, "open"), open);
	CHECK_STR(state_of("approval_bureau", "CM-C"), "open");
}

/* a retry after a timeout answers the first seq and counts nothing twice (README Guarantees, "Nothing
 * lost, nothing repeated") */
static void resubmission_changes_nothing(void)
{
	char json[1500];
	msg_in in;
	jrp_error e;
	uint64_t last = h_status_u64(&H, SVC_INGEST, "log_last");
	long long made = figure(NULL, "made"), broken = figure(NULL, "broken");
	commitment_json(json, sizeof json, "approval_bureau", "CM-A", A, "甲承诺企业有限公司", "missing_papers", "licence",
			"2026-11-20", "2026-12-04", "");
	CHECK_INT(J(SVC_INGEST, &in, &e, "%s", json), 0);
	CHECK(obj_bool(in.root, "duplicate"));
	msg_in_free(&in);
	result_json(json, sizeof json, "approval_bureau", "CM-A-R", "commitment_broken", A, "CM-A", "2026-12-07",
		    ",\"violation\":\"papers_not_supplied\",\"facts\":\"逾期未补交消防验收合格证明\",\"notice\":{\"date\":\"2026-12-07\"}");
	CHECK_INT(J(SVC_INGEST, &in, &e, "%s", json), 0);
	CHECK(obj_bool(in.root, "duplicate"));
	msg_in_free(&in);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), last);
	CHECK_INT(figure(NULL, "made"), made);
	CHECK_INT(figure(NULL, "broken"), broken);
	CHECK_STR(state_of("approval_bureau", "CM-A"), "broken");
	CHECK_INT(h_settle(&H), 0);
	{
		/* one entry, not two */
		CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
			    A), 0);
		CHECK_INT(obj_get(in.root, "entries")->via.array.size, 1);
		msg_in_free(&in);
	}
}

/* DESIGN.md Security, DOMAIN.md "Monitoring by the office": the office sees every department's
 * commitments, a department only its own; an agency none */
static void the_office_sees_all_a_department_its_own(void)
{
	char json[1500];
	msg_in in;
	jrp_error e;
	int total = 0, pages = 0;
	char after[200] = "";
	CHECK_INT(commit("market_regulator", "MR-CM-1", M, "丁承诺企业有限公司", "pledge", "2026-12-14", "2027-03-01"), 0);
	CHECK_INT(listing("office", NULL, NULL, &in), 4);
	CHECK(item(&in, "MR-CM-1") != NULL && item(&in, "CM-A") != NULL);
	/* in the order open, overdue, kept, broken */
	CHECK(obj_str_eq(obj_get(&obj_get(in.root, "items")->via.array.ptr[3], "state"), "broken"));
	msg_in_free(&in);
	CHECK_INT(listing("office", NULL, "market_regulator", &in), 1);
	CHECK(item(&in, "MR-CM-1") != NULL);
	msg_in_free(&in);
	CHECK_INT(listing("approval_bureau", NULL, NULL, &in), 3);
	CHECK(item(&in, "MR-CM-1") == NULL);
	msg_in_free(&in);
	CHECK_INT(listing("market_regulator", NULL, NULL, &in), 1);
	msg_in_free(&in);
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"approval_bureau\",\"of\":\"market_regulator\"}",
		      "forbidden", "party", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"procurement_centre\"}", "forbidden",
		      "party", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"office\",\"state\":\"late\"}",
		      "bad_value", "state", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"office\",\"max\":0}", "bad_value",
		      "max", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"office\",\"after\":\"x\"}",
		      "bad_value", "after", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"office\",\"colour\":1}",
		      "unknown_field", "colour", NULL, 0));
	CHECK(refused(SVC_INGEST, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"approval_bureau\"}", "forbidden", "party",
		      NULL, 0));
	/* page by page, one item a page: every commitment once */
	do {
		const msgpack_object *it;
		if (after[0])
			snprintf(json, sizeof json, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"office\",\"max\":1,"
				 "\"after\":\"%s\"}", after);
		else
			snprintf(json, sizeof json, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"office\",\"max\":1}");
		if (J(SVC_INGEST, &in, &e, "%s", json) != 0) {
			printf("# page refused: %s\n", e.message);
			CHECK(0);
			break;
		}
		it = obj_get(in.root, "items");
		total += (int)it->via.array.size;
		obj_cstr(in.root, "next", after, sizeof after);
		if (!obj_get(in.root, "next"))
			after[0] = 0;
		msg_in_free(&in);
		pages++;
	} while (after[0] && pages < 10);
	CHECK_INT(total, 4);
	CHECK_INT(pages, 4);
	/* a department pages through its own; a cursor belongs to its list (state and party) */
	total = pages = 0;
	do {
		if (after[0])
			snprintf(json, sizeof json, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"approval_bureau\","
				 "\"max\":2,\"after\":\"%s\"}", after);
		else
			snprintf(json, sizeof json, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"approval_bureau\",\"max\":2}");
		if (J(SVC_INGEST, &in, &e, "%s", json) != 0) {
			printf("# page refused: %s\n", e.message);
			CHECK(0);
			break;
		}
		total += (int)obj_get(in.root, "items")->via.array.size;
		if (pages == 0) {
			char other[400];
			obj_cstr(in.root, "next", after, sizeof after);
			snprintf(other, sizeof other, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"market_regulator\","
				 "\"after\":\"%s\"}", after);
			CHECK(refused(SVC_INGEST, other, "bad_value", "after", NULL, 0));
			snprintf(other, sizeof other, "{\"v\":1,\"type\":\"commitment.list\",\"id\":1,\"party\":\"approval_bureau\","
				 "\"state\":\"open\",\"after\":\"%s\"}", after);
			CHECK(refused(SVC_INGEST, other, "bad_value", "after", NULL, 0));
		}
		obj_cstr(in.root, "next", after, sizeof after);
		if (!obj_get(in.root, "next"))
			after[0] = 0;
		msg_in_free(&in);
		pages++;
	} while (after[0] && pages < 10);
	CHECK_INT(total, 3);
	CHECK_INT(pages, 2);
	/* the figures per department, and over a period: what was made on those days */
	CHECK_INT(figure("market_regulator", "made"), 1);
	CHECK_INT(figure("approval_bureau", "made"), 3);
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\",\"from\":\"2026-12-01\","
		    "\"to\":\"2026-12-31\"}"), 0);
	CHECK_INT(obj_u64(obj_get(in.root, "commitments"), "made"), 1);     /* MR-CM-1; the bureau's were made in November */
	CHECK_INT(obj_u64(obj_get(in.root, "commitments"), "broken"), 1);
	CHECK_INT(obj_u64(obj_get(in.root, "commitments"), "kept"), 1);
	CHECK_INT(obj_u64(obj_get(in.root, "commitments"), "open"), 2);     /* now: C, MR-CM-1 */
	msg_in_free(&in);
}

/* a restarted ingest keeps every commitment, its state and its counters; overdue still follows the
 * clock, and a closed commitment stays closed (README Guarantees) */
static void a_restart_keeps_everything(void)
{
	char json[1500];
	msg_in in;
	CHECK(WIFSIGNALED(h_kill(&H, SVC_INGEST, SIGKILL)));
	CHECK_INT(h_start_daemon(&H, SVC_INGEST), 0);
	CHECK_INT(listing("office", NULL, NULL, &in), 4);
	CHECK(item(&in, "CM-A") && obj_str_eq(obj_get(item(&in, "CM-A"), "state"), "broken"));
	CHECK(item(&in, "CM-B") && obj_str_eq(obj_get(item(&in, "CM-B"), "state"), "kept"));
	CHECK(item(&in, "CM-C") && obj_str_eq(obj_get(item(&in, "CM-C"), "state"), "open"));
	msg_in_free(&in);
	CHECK_INT(figure(NULL, "made"), 4);
	CHECK_INT(figure(NULL, "open"), 2);
	/* C falls due on 15 January: overdue on the 16th */
	CHECK_INT(h_clock(&H, "2027-01-16T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_STR(state_of("approval_bureau", "CM-C"), "overdue");
	CHECK_INT(figure(NULL, "overdue"), 1);
	result_json(json, sizeof json, "approval_bureau", "CM-A-R3", "commitment_kept", A, "CM-A", "2027-01-16", "");
	CHECK(refused(SVC_INGEST, json, "conflict", "record.refers_to", NULL, 0));
	/* kept late: closed all the same, overdue no more */
	result_json(json, sizeof json, "approval_bureau", "CM-C-R", "commitment_kept", C, "CM-C", "2027-01-16", "");
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_STR(state_of("approval_bureau", "CM-C"), "kept");
	CHECK_INT(figure(NULL, "overdue"), 0);
	CHECK_INT(figure(NULL, "kept"), 2);
	/* made = kept + broken + open + overdue */
	CHECK_INT(figure(NULL, "made"), figure(NULL, "kept") + figure(NULL, "broken") + figure(NULL, "open") +
					 figure(NULL, "overdue"));
}

int main(void)
{
	h_uscc("91350100MC", 1, A);
	h_uscc("91350100MC", 2, B);
	h_uscc("91350100MC", 3, C);
	h_uscc("91350100MC", 4, M);
	if (h_start(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		return 1;
	}
	RUN(missing_papers_accepted_on_a_promise);
	RUN(past_its_due_date_it_is_overdue);
	RUN(a_broken_promise_is_a_credit_record);
	RUN(a_kept_promise_closes_another);
	RUN(wrong_results_are_refused);
	RUN(resubmission_changes_nothing);
	RUN(the_office_sees_all_a_department_its_own);
	RUN(a_restart_keeps_everything);
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
