/*
 * test_scenario.c - issue 2's scenario, end to end on the four real daemons
 *
 * A tax bureau reports a penalty for major tax evasion; it is listed only once
 * the decision is final (a finality record six months later), after the
 * company was told and had its 5 days to state its case; the procurement centre (mandatory
 * measure) and the bank regulator (recommended measure) get tasks; the centre
 * checks the company before a procurement, feeds back; the office reads the
 * statistics; at the end of validity the entry exits by itself and both
 * agencies are told to stop. Each step cites the DOMAIN.md rule it proves.
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <unistd.h>

static harness H;

/* penalty - the bureau's penalty decided 2026-05-20, reported as soon as decided (not final yet) */
static void penalty(mw *w, const char *record_id, const char *code, int64_t amount)
{
	mw_init(w);
	h_req(w, T_RECORD_SUBMIT, "tax_bureau");
	mw_str(w, "record");
	mw_map(w);
	mw_kstr(w, "record_id", record_id);
	mw_kstr(w, "kind", "penalty");
	mw_kstr(w, "domain", "tax");
	mw_str(w, "subject");
	mw_map(w);
	mw_kstr(w, "type", "org");
	mw_kstr(w, "code", code);
	mw_kstr(w, "name", "示范科技有限公司");
	mw_end(w);
	mw_kstr(w, "decision_date", "2026-05-20");
	/* 国家税务总局令第54号 第六条(一): at least 1,000,000 yuan and 10% of the year's tax due */
	mw_kstr(w, "violation", "tax_evasion");
	mw_ki64(w, "amount", amount);
	mw_ki64(w, "base_amount", 20000000);
	mw_kstr(w, "facts", "虚假申报，少缴税款");
	mw_end(w);
}

/* fetch - an agency's stream after `after`, waiting up to 3 s for something */
static int fetch(const char *agency, uint64_t after, msg_in *in)
{
	mw w;
	jrp_error e;
	int rc;
	mw_init(&w);
	h_req(&w, T_TASKS_FETCH, agency);
	mw_ku64(&w, "after", after);
	mw_ku64(&w, "wait_ms", 3000);
	rc = h_call(&H, SVC_DISPATCH, &w, in, &e);
	mw_free(&w);
	return rc;
}

static const msgpack_object *task_at(const msg_in *in, uint32_t i)
{
	const msgpack_object *ts = obj_get(in->root, "tasks");
	return ts && i < ts->via.array.size ? &ts->via.array.ptr[i] : NULL;
}

static uint32_t ntasks(const msg_in *in)
{
	const msgpack_object *ts = obj_get(in->root, "tasks");
	return ts ? ts->via.array.size : 0;
}

static int check(const char *agency, const char *code, const char *matter, msg_in *in)
{
	mw w;
	jrp_error e;
	int rc;
	mw_init(&w);
	h_req(&w, T_CHECK, agency);
	mw_kstr(&w, "subject", code);
	mw_kstr(&w, "matter", matter);
	rc = h_call(&H, SVC_DISPATCH, &w, in, &e);
	mw_free(&w);
	return rc;
}

static uint64_t apply_task_procurement, apply_task_bank;

/* step 1 - DOMAIN.md Credit records [001 §(一)1,4]; DESIGN.md ingest: the reply
 * comes after the commit with the seq; department + record id is idempotent */
static void step1_submit_and_dedupe(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t seq;
	CHECK_INT(h_clock(&H, "2026-05-25T09:00:00+08:00"), 0);   /* Monday, three working days after the decision */
	penalty(&w, "TAX-2026-0001", H_ORG1, 3500000);
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	seq = obj_u64(in.root, "seq");
	CHECK_INT(seq, 1);
	CHECK(!obj_bool(in.root, "duplicate"));
	msg_in_free(&in);
	mw_free(&w);
	/* the same department record id again: same seq, nothing changes */
	penalty(&w, "TAX-2026-0001", H_ORG1, 3500000);
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	CHECK_INT(obj_u64(in.root, "seq"), seq);
	CHECK(obj_bool(in.root, "duplicate"));
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 1);
}

/* step 2 - DOMAIN.md Life of an entry 1, 3 [001 §(二)2, §(二)4] [国办发〔2020〕49号 (八)]
 * [国家税务总局令第54号 第七条]: no entry while the decision can still be reviewed or challenged
 * in court (the record waits); once the bureau reports it final, a proposed entry; the bureau
 * notifies the company (its duty, due in 7 working days) and reports it; effective once the
 * company's 5 days to state its case have passed */
static void step2_proposed_then_effective(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	const msgpack_object *es, *en;
	char buf[32];
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_json(&H, SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"office\","
			 "\"subject\":\"%s\"}", H_ORG1), 0);
	CHECK_INT(obj_get(in.root, "entries")->via.array.size, 0);
	es = obj_get(in.root, "awaiting_final");
	CHECK(es && es->via.array.size == 1);
	if (es && es->via.array.size == 1)
		CHECK_STR(obj_cstr(&es->via.array.ptr[0], "record_id", buf, sizeof buf), "TAX-2026-0001");
	msg_in_free(&in);
	/* a finality record must be about a record of the same department and subject */
	CHECK_INT(h_json(&H, SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\","
			 "\"record\":{\"record_id\":\"TAX-2026-0001-F\",\"kind\":\"finality\",\"domain\":\"tax\",\"subject\":"
			 "{\"type\":\"org\",\"code\":\"%s\",\"name\":\"示范科技有限公司\"},\"decision_date\":\"2026-05-21\","
			 "\"refers_to\":\"TAX-2026-0001\",\"final\":true}}", H_ORG2), JRP_EREPLY);
	CHECK_STR(e.field, "record.subject.code");
	msg_in_free(&in);
	/* the periods for administrative review (60 days) and litigation (6 months) pass without either:
	 * the decision is final on 21 November, and the bureau says so on Monday 23 November */
	CHECK_INT(h_clock(&H, "2026-11-23T09:00:00+08:00"), 0);
	CHECK_INT(h_json(&H, SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"tax_bureau\","
			 "\"record\":{\"record_id\":\"TAX-2026-0001-F\",\"kind\":\"finality\",\"domain\":\"tax\",\"subject\":"
			 "{\"type\":\"org\",\"code\":\"%s\",\"name\":\"示范科技有限公司\"},\"decision_date\":\"2026-11-21\","
			 "\"refers_to\":\"TAX-2026-0001\",\"final\":true}}", H_ORG1), 0);
	msg_in_free(&in);
	CHECK_INT(h_settle(&H), 0);
	mw_init(&w);
	h_req(&w, T_ENTRIES_GET, "tax_bureau");
	mw_kstr(&w, "subject", H_ORG1);
	CHECK_INT(h_call(&H, SVC_ADJUDICATE, &w, &in, &e), 0);
	es = obj_get(in.root, "entries");
	CHECK(es && es->via.array.size == 1);
	en = es ? &es->via.array.ptr[0] : NULL;
	CHECK_STR(obj_cstr(en, "state", buf, sizeof buf), "proposed");
	CHECK_STR(obj_cstr(en, "list", buf, sizeof buf), "black");
	CHECK_STR(obj_cstr(en, "standard", buf, sizeof buf), "tax.major_violation");
	/* identified Mon 2026-11-23: the notice is due in 7 working days, and no window runs before it */
	CHECK_STR(obj_cstr(en, "notice_by", buf, sizeof buf), "2026-12-02");
	CHECK(obj_get(en, "objection_end") == NULL);
	/* validity 3 years from the decision date [national] */
	CHECK_STR(obj_cstr(en, "valid_until", buf, sizeof buf), "2029-05-19");
	{
		uint64_t id = obj_u64(en, "id");
		char json[200];
		msg_in_free(&in);
		CHECK_INT(h_count_tasks(&H, "tax_bureau", id, "notice", NULL), 1);
		/* notified the same day: 5 days to state its case, to Sat 28 Nov, a day off: Mon 30 Nov */
		snprintf(json, sizeof json, "{\"v\":1,\"type\":\"entry.notice\",\"id\":1,\"party\":\"tax_bureau\","
			 "\"entry\":%llu,\"notice_date\":\"2026-11-23\"}", (unsigned long long)id);
		CHECK_INT(h_json(&H, SVC_ADJUDICATE, &in, &e, "%s", json), 0);
		CHECK_STR(obj_cstr(in.root, "objection_end", buf, sizeof buf), "2026-11-30");
	}
	msg_in_free(&in);
	/* no task while proposed */
	CHECK_INT(check("procurement_centre", H_ORG1, "public_procurement", &in), 0);
	CHECK(!obj_bool(in.root, "listed"));
	msg_in_free(&in);
	/* the last day of the window: still proposed */
	CHECK_INT(h_clock(&H, "2026-11-30T23:59:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	mw_free(&w);
	mw_init(&w);
	h_req(&w, T_ENTRIES_GET, "tax_bureau");
	mw_kstr(&w, "subject", H_ORG1);
	CHECK_INT(h_call(&H, SVC_ADJUDICATE, &w, &in, &e), 0);
	CHECK_STR(obj_cstr(&obj_get(in.root, "entries")->via.array.ptr[0], "state", buf, sizeof buf), "proposed");
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_clock(&H, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	mw_init(&w);
	h_req(&w, T_ENTRIES_GET, "office");
	mw_kstr(&w, "subject", H_ORG1);
	CHECK_INT(h_call(&H, SVC_ADJUDICATE, &w, &in, &e), 0);
	en = &obj_get(in.root, "entries")->via.array.ptr[0];
	CHECK_STR(obj_cstr(en, "state", buf, sizeof buf), "effective");
	CHECK_STR(obj_cstr(en, "valid_from", buf, sizeof buf), "2026-12-01");
	msg_in_free(&in);
	mw_free(&w);
}

/* step 3 - DOMAIN.md Measures [001 §(五)3] and Trigger/response [001 §(五)1-2]:
 * a mandatory task for the procurement centre, a recommended one for the bank
 * regulator; each agency reads its own stream from its own cursor and acks */
static void step3_tasks(void)
{
	msg_in in;
	const msgpack_object *t;
	char buf[64];
	mw w;
	jrp_error e;

	CHECK_INT(fetch("procurement_centre", 0, &in), 0);
	CHECK_INT(ntasks(&in), 1);
	t = task_at(&in, 0);
	CHECK_STR(obj_cstr(t, "action", buf, sizeof buf), "apply");
	CHECK_STR(obj_cstr(t, "measure", buf, sizeof buf), "P-GP-01");
	CHECK_STR(obj_cstr(t, "class", buf, sizeof buf), "mandatory");
	CHECK_STR(obj_cstr(t, "catalog_version", buf, sizeof buf), "2026.12-1");
	/* feedback within 10 working days: Dec 1 + 10 = Dec 15 */
	CHECK_STR(obj_cstr(t, "feedback_due", buf, sizeof buf), "2026-12-15");
	apply_task_procurement = obj_u64(t, "task");
	msg_in_free(&in);

	CHECK_INT(fetch("bank_regulator", 0, &in), 0);
	CHECK_INT(ntasks(&in), 1);
	t = task_at(&in, 0);
	CHECK_STR(obj_cstr(t, "measure", buf, sizeof buf), "P-FIN-01");
	CHECK_STR(obj_cstr(t, "class", buf, sizeof buf), "recommended");
	apply_task_bank = obj_u64(t, "task");
	msg_in_free(&in);

	/* no other agency got anything */
	CHECK_INT(fetch("land_office", 0, &in), 0);
	CHECK_INT(ntasks(&in), 0);
	msg_in_free(&in);

	/* ack, then a fetch without "after" starts from the stored cursor */
	mw_init(&w);
	h_req(&w, T_TASKS_ACK, "procurement_centre");
	mw_ku64(&w, "upto", apply_task_procurement);
	CHECK_INT(h_call(&H, SVC_DISPATCH, &w, &in, &e), 0);
	CHECK_INT(obj_u64(in.root, "acked"), apply_task_procurement);
	msg_in_free(&in);
	h_req(&w, T_TASKS_FETCH, "procurement_centre");
	CHECK_INT(h_call(&H, SVC_DISPATCH, &w, &in, &e), 0);
	CHECK_INT(ntasks(&in), 0);
	msg_in_free(&in);
	/* an agency cannot ack a seq of another agency's stream */
	h_req(&w, T_TASKS_ACK, "procurement_centre");
	mw_ku64(&w, "upto", apply_task_bank);
	CHECK_INT(h_call(&H, SVC_DISPATCH, &w, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "bad_value");
	msg_in_free(&in);
	mw_free(&w);
}

/* step 4 - DOMAIN.md Trigger/response: check on every handling (逢办必查)
 * [001 §(五)1-2] [003 §五]: listed on black, the standard, the validity, the
 * measures for the matter kind, mandatory first; the check is recorded */
static void step4_check(void)
{
	msg_in in;
	const msgpack_object *en, *ms;
	char buf[64];
	CHECK_INT(check("procurement_centre", H_ORG1, "public_procurement", &in), 0);
	CHECK(obj_bool(in.root, "listed"));
	en = &obj_get(in.root, "entries")->via.array.ptr[0];
	CHECK_STR(obj_cstr(en, "list", buf, sizeof buf), "black");
	CHECK_STR(obj_cstr(en, "standard", buf, sizeof buf), "tax.major_violation");
	CHECK_STR(obj_cstr(en, "valid_from", buf, sizeof buf), "2026-12-01");
	CHECK_STR(obj_cstr(en, "valid_until", buf, sizeof buf), "2029-05-19");
	ms = obj_get(en, "measures");
	CHECK(ms && ms->via.array.size >= 1);
	CHECK_STR(obj_cstr(&ms->via.array.ptr[0], "id", buf, sizeof buf), "P-GP-01");
	CHECK_STR(obj_cstr(&ms->via.array.ptr[0], "class", buf, sizeof buf), "mandatory");
	CHECK(obj_bool(&ms->via.array.ptr[0], "yours"));
	CHECK(obj_get(in.root, "check_id") && obj_u64(in.root, "as_of") > 0);
	msg_in_free(&in);
	/* another matter kind: listed, but only the measures that bite there, mandatory first */
	CHECK_INT(check("bank_regulator", H_ORG1, "financing", &in), 0);
	ms = obj_get(&obj_get(in.root, "entries")->via.array.ptr[0], "measures");
	CHECK(ms && ms->via.array.size == 1);
	CHECK_STR(obj_cstr(&ms->via.array.ptr[0], "id", buf, sizeof buf), "P-FIN-01");
	msg_in_free(&in);
	/* an unlisted subject */
	CHECK_INT(check("procurement_centre", H_ORG2, "public_procurement", &in), 0);
	CHECK(!obj_bool(in.root, "listed"));
	msg_in_free(&in);
}

static uint64_t stat(const msg_in *in, const char *group, const char *key)
{
	return obj_u64(obj_get(in->root, group), key);
}

static int stats(msg_in *in)
{
	mw w;
	jrp_error e;
	int rc;
	mw_init(&w);
	h_req(&w, T_STATS_GET, "office");
	rc = h_call(&H, SVC_FEEDBACK, &w, in, &e);
	mw_free(&w);
	return rc;
}

/* step 5 - DOMAIN.md Trigger/response: feedback [001 §(五)1-2]; Monitoring by
 * the office [001 四(三)] [003 六]: one black entry, two tasks, one applied, one
 * awaiting */
static void step5_feedback_and_stats(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	mw_init(&w);
	h_req(&w, T_FEEDBACK_SUBMIT, "procurement_centre");
	mw_ku64(&w, "task", apply_task_procurement);
	mw_kstr(&w, "result", "applied");
	mw_kstr(&w, "matter_id", "GP-2026-0777");
	CHECK_INT(h_call(&H, SVC_FEEDBACK, &w, &in, &e), 0);
	CHECK(!obj_bool(in.root, "duplicate"));
	msg_in_free(&in);
	/* feedback only on one's own tasks */
	h_req(&w, T_FEEDBACK_SUBMIT, "procurement_centre");
	mw_ku64(&w, "task", apply_task_bank);
	mw_kstr(&w, "result", "applied");
	CHECK_INT(h_call(&H, SVC_FEEDBACK, &w, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(stats(&in), 0);
	CHECK_INT(stat(&in, "entries", "black"), 1);
	CHECK_INT(stat(&in, "tasks", "apply"), 2);
	CHECK_INT(stat(&in, "feedback", "applied"), 1);
	CHECK_INT(stat(&in, "feedback", "awaiting"), 1);
	CHECK_INT(stat(&in, "feedback", "overdue"), 0);
	CHECK_INT(stat(&in, "checks", "total"), 4);   /* one in step 2, three in step 4: every check is recorded */
	msg_in_free(&in);
	/* only the office reads the statistics */
	mw_init(&w);
	h_req(&w, T_STATS_GET, "procurement_centre");
	CHECK_INT(h_call(&H, SVC_FEEDBACK, &w, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	mw_free(&w);
}

/* step 6 - DOMAIN.md Life of an entry 8 [001 §(五)6]: automatic exit at the end
 * of validity; every agency stops its measures; the check says not listed */
static void step6_expiry(void)
{
	msg_in in;
	char buf[32];
	/* the last day of validity: still listed */
	CHECK_INT(h_clock(&H, "2029-05-19T20:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(check("procurement_centre", H_ORG1, "public_procurement", &in), 0);
	CHECK(obj_bool(in.root, "listed"));
	msg_in_free(&in);
	CHECK_INT(h_clock(&H, "2029-05-20T08:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(fetch("procurement_centre", apply_task_procurement, &in), 0);
	CHECK_INT(ntasks(&in), 1);
	CHECK_STR(obj_cstr(task_at(&in, 0), "action", buf, sizeof buf), "stop");
	CHECK_STR(obj_cstr(task_at(&in, 0), "measure", buf, sizeof buf), "P-GP-01");
	CHECK_STR(obj_cstr(task_at(&in, 0), "reason", buf, sizeof buf), "expired");
	msg_in_free(&in);
	CHECK_INT(fetch("bank_regulator", apply_task_bank, &in), 0);
	CHECK_INT(ntasks(&in), 1);
	CHECK_STR(obj_cstr(task_at(&in, 0), "action", buf, sizeof buf), "stop");
	CHECK_STR(obj_cstr(task_at(&in, 0), "measure", buf, sizeof buf), "P-FIN-01");
	msg_in_free(&in);
	/* DOMAIN.md Life 8 [001 §(五)5]: after a black-list exit (not for error) the subject is on
	 * the focus list for the standard's exit_focus period (1 year): no longer black, and no
	 * procurement measure applies */
	CHECK_INT(check("procurement_centre", H_ORG1, "public_procurement", &in), 0);
	{
		const msgpack_object *es = obj_get(in.root, "entries"), *en = es && es->via.array.size ? &es->via.array.ptr[0] : NULL;
		CHECK(es && es->via.array.size == 1);
		CHECK_STR(obj_cstr(en, "list", buf, sizeof buf), "focus");
		CHECK_STR(obj_cstr(en, "derived", buf, sizeof buf), "after_black");
		CHECK_INT(obj_get(en, "measures")->via.array.size, 0);
	}
	msg_in_free(&in);
	CHECK_INT(stats(&in), 0);
	CHECK_INT(stat(&in, "entries", "black"), 0);
	CHECK_INT(stat(&in, "entries", "focus"), 1);
	CHECK_INT(stat(&in, "entries", "exited_total"), 1);
	CHECK_INT(stat(&in, "tasks", "stop"), 2);
	msg_in_free(&in);
	/* and after the focus period, on no list at all */
	CHECK_INT(h_clock(&H, "2030-05-20T08:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(check("procurement_centre", H_ORG1, "public_procurement", &in), 0);
	CHECK(!obj_bool(in.root, "listed"));
	msg_in_free(&in);
}

/* below the black-list standard's amount: a record, but no entry and no task
 * (DOMAIN.md Lists: identification follows the standard's conditions) */
static void below_standard_no_entry(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	const msgpack_object *es;
	penalty(&w, "TAX-2026-0002", H_ORG2, 1000);
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_settle(&H), 0);
	mw_init(&w);
	h_req(&w, T_ENTRIES_GET, "tax_bureau");
	mw_kstr(&w, "subject", H_ORG2);
	CHECK_INT(h_call(&H, SVC_ADJUDICATE, &w, &in, &e), 0);
	es = obj_get(in.root, "entries");
	CHECK_INT(es->via.array.size, 0);
	msg_in_free(&in);
	mw_free(&w);
}

/* every daemon stops gracefully on SIGTERM and exits 0 (DESIGN.md: clean shutdown) */
static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(step1_submit_and_dedupe);
	RUN(step2_proposed_then_effective);
	RUN(step3_tasks);
	RUN(step4_check);
	RUN(step5_feedback_and_stats);
	RUN(below_standard_no_entry);
	RUN(step6_expiry);
	RUN(clean_shutdown);
	TAP_DONE();
}
