/*
 * test_national.c - the shipped catalogue (rules/) against the national texts it cites, end to end
 * with the real daemons (issue 11): each test submits records the way a department does and checks
 * what the engine lists, for how long, and who is reached. DOMAIN.md "Life of an entry" 1, 7 and
 * "Measures"; the sources are cited beside each figure in rules/standards.yaml and measures.yaml.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static harness H;

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

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

/* refused - a request refused with code; its message (if msg) contains msg */
static bool refused(int svc, const char *json, const char *code, const char *msg)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	msg_in_free(&in);
	if (rc != JRP_EREPLY || strcmp(e.code, code) != 0 || (msg && !strstr(e.message, msg))) {
		printf("# expected [%s] %s, got rc %d [%s] %s: %s\n#   request: %s\n", code, msg ? msg : "", rc, e.code,
		       e.field, e.message, json);
		return false;
	}
	return true;
}

/* field - a string field of entry id of subject code (entries.get), "" if none */
static const char *field(const char *code, uint64_t id, const char *name, char out[40])
{
	msg_in in;
	jrp_error e;
	out[0] = 0;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
	      code) == 0) {
		const msgpack_object *es = obj_get(in.root, "entries");
		for (uint32_t i = 0; es && i < es->via.array.size; i++)
			if (obj_u64(&es->via.array.ptr[i], "id") == id)
				obj_cstr(&es->via.array.ptr[i], name, out, 40);
	}
	msg_in_free(&in);
	return out;
}

/* tax - a final tax penalty about org code, notified on the decision date, with the figures given
 * (extra: more JSON fields, each with a leading comma) */
static int tax(const char *rid, const char *code, const char *violation, const char *extra)
{
	char json[1200];
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"%s\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"税务测试企业\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"final\":true,\"violation\":\"%s\"%s}}", rid, code, violation, extra);
	return ok(SVC_INGEST, json);
}

/* 国家税务总局令第54号 第六条: which tax penalties make a major tax violator. (一) tax evasion needs
 * 1,000,000 yuan AND 10% of the year's total tax due (base_amount); (三) export-refund fraud and (五)
 * false special VAT invoices have no floor; (六) false ordinary invoices need 100 invoices or
 * 4,000,000 yuan; (二) arrears evasion 1,000,000. A record below its item's threshold stays a credit
 * record and lists no one. */
static void tax_thresholds(void)
{
	static const struct {
		const char *violation, *extra;
		bool listed;
	} cases[] = {
		{ "tax_evasion", ",\"amount\":1500000,\"base_amount\":20000000", false },   /* 7.5% of the tax due */
		{ "tax_evasion", ",\"amount\":1500000,\"base_amount\":10000000", true },    /* 15% */
		{ "tax_evasion", ",\"amount\":1000000,\"base_amount\":10000000", true },    /* both bounds met exactly */
		{ "tax_evasion", ",\"amount\":900000,\"base_amount\":1000000", false },     /* 90%, below 1,000,000 */
		{ "tax_evasion", ",\"amount\":5000000", false },                            /* the share unknown */
		{ "tax_fraud", ",\"amount\":1", true },                                     /* (三) no floor */
		{ "false_special_invoice", ",\"amount\":10", true },                        /* (五) no floor */
		{ "false_ordinary_invoice", ",\"amount\":100000,\"quantity\":120", true },  /* (六) 100 invoices */
		{ "false_ordinary_invoice", ",\"amount\":4000000,\"quantity\":3", true },   /* (六) 4,000,000 yuan */
		{ "false_ordinary_invoice", ",\"amount\":3999999,\"quantity\":99", false },
		{ "arrears_evasion", ",\"amount\":999999", false },                         /* (二) */
		{ "arrears_evasion", ",\"amount\":1000000", true },
		{ "violent_refusal", "", true },                                            /* (四) */
		{ "absconding", "", true },                                                 /* (八) */
	};
	char code[19], rid[16], st[16], why[40];
	CHECK_INT(h_clock(&H, "2026-11-23T09:00:00+08:00"), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		h_uscc("91350100NT", (int)i + 1, code);
		snprintf(rid, sizeof rid, "NT-%zu", i);
		CHECK_INT(tax(rid, code, cases[i].violation, cases[i].extra), 0);
	}
	CHECK_INT(h_settle(&H), 0);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		uint64_t id;
		h_uscc("91350100NT", (int)i + 1, code);
		id = h_entry(&H, code, "black", st, why);
		CHECK(cases[i].listed ? id > 0 : id == 0);
		if (cases[i].listed ? id == 0 : id > 0)
			printf("# case %zu (%s%s): %s\n", i, cases[i].violation, cases[i].extra, id ? "listed" : "not listed");
	}
	/* a base_amount without the amount it is the base of says which field is missing */
	h_uscc("91350100NT", 99, code);
	{
		char json[800];
		snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
			 "\"record_id\":\"NT-X\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\","
			 "\"code\":\"%s\",\"name\":\"某公司\"},\"decision_date\":\"2026-11-20\",\"violation\":\"tax_evasion\","
			 "\"base_amount\":100}}", code);
		CHECK(refused(SVC_INGEST, json, "missing_field", "base_amount is what the amount is a share of"));
	}
}

/* judgment - a court's judgment about code, the execution notice served on 2026-11-20 */
static int judgment(const char *rid, const char *code, const char *type, const char *violation, const char *extra)
{
	char json[1200];
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"court\",\"record\":{"
		 "\"record_id\":\"%s\",\"kind\":\"judgment\",\"domain\":\"courts\",\"subject\":{\"type\":\"%s\",\"code\":\"%s\","
		 "\"name\":\"被执行人\"},\"decision_date\":\"2026-11-23\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"violation\":\"%s\"%s}}", rid, type, code, violation, extra);
	return ok(SVC_INGEST, json);
}

/* 法释〔2017〕7号: a dishonest judgment debtor is listed when the court decides (the warning was in
 * the execution notice, 第五条), for 2 years under 第一条(二)-(六) (第二条), extended by 1 to 3 years
 * where the court says so, with no fixed term under 第一条(一) (able and refusing); the court deletes
 * the entry once the judgment is performed, at any time (第十条). An extension the standard does not
 * allow is refused, and the operator sees the refused record. */
static void dishonest_debtors(void)
{
	char a[19], b[19], c[19], d[19], st[16], why[40], v[40];
	uint64_t ea, eb, ec;
	msg_in in;
	jrp_error e;
	h_uscc("91350100CT", 1, a);
	h_uscc("91350100CT", 2, b);
	h_citizen("11010519800101", 81, c);
	h_uscc("91350100CT", 4, d);
	CHECK_INT(h_clock(&H, "2026-11-23T10:00:00+08:00"), 0);
	CHECK_INT(judgment("CT-1", a, "org", "evade_execution", ""), 0);
	CHECK_INT(judgment("CT-2", b, "org", "obstruct_execution", ",\"extension\":\"2y\""), 0);
	CHECK_INT(judgment("CT-3", c, "person", "refuse_while_able", ""), 0);
	CHECK_INT(judgment("CT-4", d, "org", "evade_execution", ",\"extension\":\"5y\""), 0);
	CHECK_INT(h_settle(&H), 0);
	/* effective the day it is decided: no window to wait */
	ea = h_entry(&H, a, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_STR(field(a, ea, "valid_from", v), "2026-11-23");
	CHECK_STR(field(a, ea, "valid_until", v), "2028-11-22");      /* 2 years */
	eb = h_entry(&H, b, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_STR(field(b, eb, "valid_until", v), "2030-11-22");      /* 2 + 2 years */
	ec = h_entry(&H, c, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_STR(field(c, ec, "standard", v), "courts.dishonest_debtor_able");
	CHECK_STR(field(c, ec, "valid_until", v), "9999-12-31");      /* no fixed term */
	/* 5 years is beyond 1-3: refused, whole, and kept where the operator sees it */
	CHECK(h_entry(&H, d, "black", st, why) == 0);
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"rejected.list\",\"id\":1,\"party\":\"office\"}"), 0);
	{
		const msgpack_object *rs = obj_get(in.root, "records");
		bool seen = false;
		for (uint32_t i = 0; rs && i < rs->via.array.size; i++)
			seen |= obj_str_eq(obj_get(&rs->via.array.ptr[i], "field"), "record.extension");
		CHECK(seen);
	}
	msg_in_free(&in);
	/* performed the next day: deletion may be asked for at once (no minimum period) */
	CHECK_INT(h_clock(&H, "2026-11-24T10:00:00+08:00"), 0);
	{
		char json[300];
		snprintf(json, sizeof json, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"court\",\"entry\":%llu,"
			 "\"methods\":[\"commitment\"],\"note\":\"已履行生效法律文书确定的义务\"}", (unsigned long long)ec);
		CHECK_INT(ok(SVC_ADJUDICATE, json), 0);
		snprintf(json, sizeof json, "{\"v\":1,\"type\":\"repair.decide\",\"id\":1,\"party\":\"court\",\"entry\":%llu,"
			 "\"approved\":true}", (unsigned long long)ec);
		CHECK_INT(ok(SVC_ADJUDICATE, json), 0);
	}
	CHECK_INT(h_settle(&H), 0);
	h_entry(&H, c, "black", st, why);
	CHECK_STR(st, "exited");
	CHECK_STR(why, "repaired");
}

/* 食品安全法 第一百三十五条: the ban lasts 5 years from the decision (not the 3 of the serious tier), and
 * for life after a food-safety crime */
static void food_bans(void)
{
	char a[19], p[19], st[16], why[40], v[40], json[900];
	uint64_t ea, ep;
	h_uscc("91350100FD", 1, a);
	h_citizen("11010519800101", 82, p);
	CHECK_INT(h_clock(&H, "2026-11-24T11:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"food_drug_admin\",\"record\":{"
		 "\"record_id\":\"FD-1\",\"kind\":\"penalty\",\"domain\":\"food_drug\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"%s\",\"name\":\"食品公司\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"violation\":\"food_safety_serious_harm\"}}", a);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"food_drug_admin\",\"record\":{"
		 "\"record_id\":\"FD-2\",\"kind\":\"determination\",\"domain\":\"food_drug\",\"subject\":{\"type\":\"person\","
		 "\"code\":\"%s\",\"name\":\"钱某\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"standard\":\"food_drug.crime_ban\",\"violation\":\"food_safety_crime\"}}", p);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_settle(&H), 0);
	ea = h_entry(&H, a, "black", st, why);
	CHECK_STR(field(a, ea, "valid_until", v), "2031-11-19");
	ep = h_entry(&H, p, "black", st, why);
	CHECK_STR(field(p, ep, "valid_until", v), "9999-12-31");
}

/* 税收征收管理法 第四十四条: the exit ban "may" stop the taxpayer or its legal representative: a
 * recommended task for the legal representative's linked entry, none for a responsible person */
static void exit_ban_reaches_the_legal_representative_only(void)
{
	char a[19], rep[19], resp[19], st[16], why[40], json[1200];
	uint64_t er, es;
	h_uscc("91350100EX", 1, a);
	h_citizen("11010519800101", 83, rep);
	h_citizen("11010519800101", 84, resp);
	CHECK_INT(h_clock(&H, "2026-11-24T12:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\",\"record\":{"
		 "\"record_id\":\"EX-1\",\"kind\":\"penalty\",\"domain\":\"tax\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"出境测试企业\",\"legal_rep\":{\"name\":\"孙某\",\"id_no\":\"%s\"},\"responsible\":[{\"name\":\"李某\","
		 "\"id_no\":\"%s\"}]},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\",\"linked\":true},"
		 "\"final\":true,\"violation\":\"tax_fraud\",\"amount\":3000000}}", a, rep, resp);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_clock(&H, "2026-12-01T10:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	er = h_entry(&H, rep, "black", st, why);
	CHECK_STR(st, "effective");
	es = h_entry(&H, resp, "black", st, why);
	CHECK_STR(st, "effective");
	CHECK_INT(h_count_tasks(&H, "tax_bureau", er, "apply", "P-EXIT-01"), 1);
	CHECK_INT(h_count_tasks(&H, "tax_bureau", es, "apply", "P-EXIT-01"), 0);
}

/* 人社部令第45号: an employer ordered to pay the wages by a deadline (责令限期支付) that did not pay is
 * listed for 3 years: a determination without the order, or before its deadline passed, is refused,
 * naming the field; early removal may be asked 6 months after the wages are paid (the rectification
 * record), not 6 months after the decision */
static void wage_arrears_repair_counts_from_the_payment(void)
{
	char a[19], st[16], why[40], json[900];
	uint64_t ea;
	h_uscc("91350100HR", 1, a);
	CHECK_INT(h_clock(&H, "2026-12-01T11:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"hr_social_security\",\"record\":{"
		 "\"record_id\":\"HR-1\",\"kind\":\"determination\",\"domain\":\"labour\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"%s\",\"name\":\"欠薪公司\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"standard\":\"labour.wage_arrears\",\"violation\":\"wage_arrears\"}}", a);
	CHECK(refused(SVC_INGEST, json, "missing_field", "lists only after an order to correct or pay went unmet"));
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"hr_social_security\",\"record\":{"
		 "\"record_id\":\"HR-1\",\"kind\":\"determination\",\"domain\":\"labour\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"%s\",\"name\":\"欠薪公司\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"order\":{\"date\":\"2026-11-10\",\"due\":\"2026-11-20\"},"
		 "\"standard\":\"labour.wage_arrears\",\"violation\":\"wage_arrears\"}}", a);
	CHECK(refused(SVC_INGEST, json, "bad_value", "had not passed when the decision was made"));
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"hr_social_security\",\"record\":{"
		 "\"record_id\":\"HR-1\",\"kind\":\"determination\",\"domain\":\"labour\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"%s\",\"name\":\"欠薪公司\"},\"decision_date\":\"2026-11-20\",\"notice\":{\"date\":\"2026-11-20\"},"
		 "\"order\":{\"date\":\"2026-11-02\",\"due\":\"2026-11-16\"},"
		 "\"standard\":\"labour.wage_arrears\",\"violation\":\"wage_arrears\"}}", a);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_clock(&H, "2026-12-02T10:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	ea = h_entry(&H, a, "black", st, why);
	CHECK_STR(st, "effective");
	/* 7 months after the decision, but nothing paid: no repair */
	CHECK_INT(h_clock(&H, "2027-06-21T10:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"hr_social_security\","
		 "\"entry\":%llu,\"methods\":[\"commitment\"]}", (unsigned long long)ea);
	CHECK(refused(SVC_ADJUDICATE, json, "conflict", "after the rectification, and none is recorded"));
	/* the wages are paid on 2027-06-21 */
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"hr_social_security\",\"record\":{"
		 "\"record_id\":\"HR-2\",\"kind\":\"rectification\",\"domain\":\"labour\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"%s\",\"name\":\"欠薪公司\"},\"decision_date\":\"2027-06-21\",\"facts\":\"已足额支付拖欠工资\"}}", a);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_clock(&H, "2027-12-20T10:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"repair.apply\",\"id\":1,\"party\":\"hr_social_security\","
		 "\"entry\":%llu,\"methods\":[\"commitment\"]}", (unsigned long long)ea);
	CHECK(refused(SVC_ADJUDICATE, json, "conflict", "repair may be requested from 2027-12-21"));
	CHECK_INT(h_clock(&H, "2027-12-21T10:00:00+08:00"), 0);
	CHECK_INT(ok(SVC_ADJUDICATE, json), 0);
}

/* feed_find - the publication of kind `kind` about record_id on the public feed (publication.fetch, no
 * party: anyone may read it), copied into out; false if none */
static bool feed_find(const char *kind, const char *record_id, msg_in *in, const msgpack_object **out)
{
	jrp_error e;
	*out = NULL;
	if (J(SVC_ADJUDICATE, in, &e, "{\"v\":1,\"type\":\"publication.fetch\",\"id\":1,\"after\":0,\"max\":1000}") != 0)
		return false;
	const msgpack_object *rs = obj_get(in->root, "records");
	for (uint32_t i = 0; rs && i < rs->via.array.size; i++) {
		const msgpack_object *p = &rs->via.array.ptr[i];
		if (obj_str_eq(obj_get(p, "kind"), kind) && obj_str_eq(obj_get(p, "record_id"), record_id))
			*out = p;
	}
	return *out != NULL;
}

/* Issue 11 - DOMAIN.md "Commitments and 双公示" [001 §(一)4] ("严格落实行政许可、行政处罚作出行政决定之日起
 * 7个工作日内上网公示"): a licence and a penalty are on the public feed as soon as the department reports
 * them, masked for a person, with the working days the report took; shown until the decision's own end
 * (publish_until, inside the catalogue's range for the kind) or the kind's period, then a record_end;
 * an end outside the range is refused at the front door, naming the field */
static void double_publicity_on_the_public_feed(void)
{
	char a[19], p[19], json[1200];
	msg_in in;
	const msgpack_object *r;
	h_uscc("91350100PB", 1, a);
	h_citizen("11010519800101", 85, p);
	CHECK_INT(h_clock(&H, "2026-11-24T13:00:00+08:00"), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"approval_bureau\",\"record\":{"
		 "\"record_id\":\"SG-L-1\",\"kind\":\"licence\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"双公示食品公司\",\"legal_rep\":{\"name\":\"赵某\",\"id_no\":\"%s\"}},\"decision_date\":\"2026-11-23\","
		 "\"decision_no\":\"示审食许〔2026〕1号\",\"facts\":\"准予食品经营许可\",\"publish_until\":\"2031-11-22\"}}", a, p);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"SG-P-1\",\"kind\":\"penalty\",\"domain\":\"market\",\"subject\":{\"type\":\"person\",\"code\":\"%s\","
		 "\"name\":\"赵某\"},\"decision_date\":\"2026-11-02\",\"violation\":\"minor\",\"amount\":2000,"
		 "\"facts\":\"赵某在某街道无照经营\",\"publish_until\":\"2027-05-01\"}}", p);
	CHECK_INT(ok(SVC_INGEST, json), 0);
	/* an end beyond the penalty's 3 years, and one on a kind that is not published: refused */
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"SG-P-2\",\"kind\":\"penalty\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"双公示食品公司\"},\"decision_date\":\"2026-11-20\",\"violation\":\"minor\",\"publish_until\":\"2030-01-01\"}}",
		 a);
	CHECK(refused(SVC_INGEST, json, "bad_value", "must be between 2027-02-19 and 2029-11-19"));
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"SG-P-3\",\"kind\":\"inspection\",\"domain\":\"market\",\"subject\":{\"type\":\"org\",\"code\":\"%s\","
		 "\"name\":\"双公示食品公司\"},\"decision_date\":\"2026-11-20\",\"publish_until\":\"2027-01-01\"}}", a);
	CHECK(refused(SVC_INGEST, json, "bad_value", "records of kind inspection are not published"));
	CHECK_INT(h_settle(&H), 0);
	/* the licence: in time (1 working day), the organisation's name, code and legal representative */
	CHECK(feed_find("record", "SG-L-1", &in, &r));
	if (r) {
		CHECK(obj_str_eq(obj_get(r, "record_kind"), "licence"));
		CHECK(obj_str_eq(obj_get(obj_get(r, "subject"), "code"), a));
		CHECK(obj_str_eq(obj_get(r, "legal_rep"), "赵某"));
		CHECK(obj_str_eq(obj_get(r, "publish_until"), "2031-11-22"));
		CHECK(!obj_bool(r, "late") && obj_i64(r, "reported_workdays") == 1);
	}
	msg_in_free(&in);
	/* the penalty on a person: masked, without its facts, reported 16 working days after the decision */
	CHECK(feed_find("record", "SG-P-1", &in, &r));
	if (r) {
		CHECK(obj_str_eq(obj_get(obj_get(r, "subject"), "name"), "赵*"));
		CHECK(!obj_str_eq(obj_get(obj_get(r, "subject"), "code"), p));
		CHECK(obj_get(r, "facts") == NULL);
		CHECK(obj_bool(r, "late"));
	}
	msg_in_free(&in);
	CHECK(!feed_find("record_end", "SG-P-1", &in, &r));
	msg_in_free(&in);
	/* 2027-05-02: the penalty's publication has ended */
	CHECK_INT(h_clock(&H, "2027-05-02T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(feed_find("record_end", "SG-P-1", &in, &r));
	if (r)
		CHECK(obj_str_eq(obj_get(r, "reason"), "expired"));
	msg_in_free(&in);
	CHECK(!feed_find("record_end", "SG-L-1", &in, &r));
	msg_in_free(&in);
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		return 1;
	}
	RUN(tax_thresholds);
	RUN(dishonest_debtors);
	RUN(food_bans);
	RUN(exit_ban_reaches_the_legal_representative_only);
	RUN(double_publicity_on_the_public_feed);
	RUN(wage_arrears_repair_counts_from_the_payment);
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
