/*
 * test_feedback.c - feedback's rules without a daemon or a socket
 * (services/feedback/feedback.h: accounts.c, report.c, figures.c)
 *
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2] [003 §五] and
 * "Monitoring by the office" [001 四(三)] [003 六]: what dispatch's log says
 * (tasks pushed, changes of entries, checks) becomes task states, deadlines
 * and the office's figures; an agency reports what it did with its own task.
 * Each test opens a real LMDB store (tests/unit/domain.h) with the real
 * parties (deploy/parties.yaml), feeds records encoded exactly as dispatch
 * encodes them (task_encode, change_encode, check_encode) through fb_apply,
 * and reads back what the office would read (fb_stats, fb_overdue,
 * fb_subject_tasks, fb_stat_get).
 */
#include "../tap.h"
#include "clock.h"
#include "codes.h"
#include "domain.h"
#include "feedback.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ABSENT 0xdeadbeefull   /* what stats() returns for a figure fb_stats does not write */

/* ---- the context ---- */

static int ctx_open(dom *d, fbk *f, const char *now)
{
	if (dom_open(d, fb_db_names, FDB__N) < 0)
		return -1;
	memset(f, 0, sizeof *f);
	f->txn = d->txn;
	f->parties = d->parties;
	f->cat = d->cat;
	for (int i = 0; i < FDB__N; i++)
		f->db[i] = dom_dbi(d, i);
	fbk_set_now(f, dom_ms(now));
	return 0;
}

/* at - the clock moves to t; deadlines that passed move to the overdue index, as the daemon's
 * tick does */
static void at(fbk *f, const char *t)
{
	int64_t next;
	fbk_set_now(f, dom_ms(t));
	f->day = 0;
	while (fb_overdue_tick(f, 1024, &next) == 1)
		;
}

/* ctx_commit - what the rules wrote is committed; the next transaction goes on */
static void ctx_commit(dom *d, fbk *f)
{
	dom_commit(d);
	f->txn = d->txn;
}

static void subject_code(unsigned n, char out[19])
{
	codes_uscc_make("9135010000", 100 + n, out);
}

/* ---- records as dispatch writes them ---- */

/* apply_encoded - parse what an encoder wrote, decode it strictly, and give it to fb_apply */
static int apply_encoded(fbk *f, const mw *w, unsigned mask, bool copy)
{
	jrp_rec *rec = calloc(1, sizeof *rec);
	jrp_error e;
	msg_in in;
	int rc;
	jrp_error_clear(&e);
	if ((rc = msg_parse(mw_data(w), mw_len(w), 1 << 20, &in, &e)) == 0 &&
	    (rc = rec_decode(in.root, mask, copy, rec, &e)) < 0)
		printf("# test bug: record does not decode: %s %s: %s\n", e.code, e.field, e.message);
	if (rc == 0 && (rc = fb_apply(f, rec, in.root, &e)) != 0)
		printf("# fb_apply: %d %s %s: %s\n", rc, e.code, e.field, e.message);
	msg_in_free(&in);
	free(rec);
	return rc;
}

/* task_init - a task of entry `entry` (subject code) for `agency`: a measure (mandatory,
 * recommended) or a department's duty; due 0 = no deadline */
static void task_init(jrp_task *t, const fbk *f, uint64_t seq, jrp_task_class cls, const char *agency, uint64_t entry,
		      const char *code, jrp_date due)
{
	memset(t, 0, sizeof *t);
	t->seq = seq;
	t->cls = cls;
	t->action = TA_APPLY;
	t->duty = DUTY_NOTICE;
	snprintf(t->agency, sizeof t->agency, "%s", agency);
	t->at = f->now;
	if (cls != CLASS_DUTY) {
		bool mandatory = cls == CLASS_MANDATORY;
		snprintf(t->measure, sizeof t->measure, "%s", mandatory ? "P-GP-01" : "P-FIN-01");
		snprintf(t->measure_name, sizeof t->measure_name, "%s", mandatory ? "限制参与政府采购活动" : "从严审核融资授信");
		t->measure_type = MT_PUNISHMENT;
		snprintf(t->basis, sizeof t->basis, "%s", mandatory ? "《中华人民共和国政府采购法》 第二十二条" : "国发〔2016〕33号 二（九）");
		t->nmatters = 1;
		snprintf(t->matters[0], sizeof t->matters[0], "%s", mandatory ? "public_procurement" : "financing");
		t->valid_from = dom_date("2026-11-20");
	}
	t->entry = entry;
	t->list = LIST_BLACK;
	snprintf(t->standard, sizeof t->standard, "tax.major_violation");
	snprintf(t->domain, sizeof t->domain, "tax");
	snprintf(t->party, sizeof t->party, "tax_bureau");
	t->subject.type = SUBJECT_ORG;
	t->subject.id_type = ID_USCC;
	snprintf(t->subject.code, sizeof t->subject.code, "%s", code);
	snprintf(t->subject.name, sizeof t->subject.name, "示范科技有限公司");
	t->valid_until = dom_date("2029-11-19");
	snprintf(t->catalog_version, sizeof t->catalog_version, "2026.11-2");
	t->feedback_due = due;
}

static int put_task(fbk *f, const jrp_task *t)
{
	mw w;
	int rc;
	mw_init(&w);
	task_encode(&w, t);
	rc = apply_encoded(f, &w, 1u << REC_TASK, false);
	mw_free(&w);
	return rc;
}

/* push - a task with the usual fields, applied */
static int push(fbk *f, uint64_t seq, jrp_task_class cls, const char *agency, uint64_t entry, const char *code,
		jrp_date due)
{
	jrp_task *t = malloc(sizeof *t);
	int rc;
	task_init(t, f, seq, cls, agency, entry, code, due);
	rc = put_task(f, t);
	free(t);
	return rc;
}

/* duty - a department's duty on entry, applied */
static int duty(fbk *f, uint64_t seq, jrp_duty what, const char *dept, uint64_t entry, const char *code, jrp_date due)
{
	jrp_task *t = malloc(sizeof *t);
	int rc;
	task_init(t, f, seq, CLASS_DUTY, dept, entry, code, due);
	t->duty = what;
	rc = put_task(f, t);
	free(t);
	return rc;
}

/* change - dispatch's copy of adjudicate's change `action` of entry (list, subject code), applied */
static int change(fbk *f, uint64_t seq, jrp_change_action action, uint64_t entry, jrp_list list, const char *code)
{
	jrp_change *c = calloc(1, sizeof *c);
	mw w;
	int rc;
	c->seq = seq;
	c->change_seq = 1000 + seq;
	c->action = action;
	c->at = f->now;
	snprintf(c->by, sizeof c->by, "%s", action == CH_NOTICED || action == CH_OBJECTION_DECIDED ? "tax_bureau" : "adjudicate");
	if (action == CH_EXITED)
		c->exit_reason = EXIT_EXPIRED;
	else if (action == CH_REVOKED)
		c->exit_reason = EXIT_REVOKED;
	else if (action == CH_OBJECTION_DECIDED)
		c->outcome = OUTCOME_UPHELD;
	else if (action == CH_REPAIR_DECIDED)
		c->repair = RP_APPROVED;
	if (action == CH_OBJECTION_FILED || action == CH_REPAIR_APPLIED || action == CH_NOTICE_DUE)
		c->decide_by = f->today + 14;
	c->entry = entry;
	c->list = list;
	snprintf(c->standard, sizeof c->standard, "tax.major_violation");
	snprintf(c->domain, sizeof c->domain, "tax");
	snprintf(c->party, sizeof c->party, "tax_bureau");
	c->subject.type = SUBJECT_ORG;
	c->subject.id_type = ID_USCC;
	snprintf(c->subject.code, sizeof c->subject.code, "%s", code);
	snprintf(c->subject.name, sizeof c->subject.name, "示范科技有限公司");
	c->record_seq = 1;
	c->decision_date = dom_date("2026-11-20");
	if (action == CH_EFFECTIVE || action == CH_EXITED)
		c->valid_from = dom_date("2026-11-20");
	c->valid_until = dom_date("2029-11-19");
	snprintf(c->catalog_version, sizeof c->catalog_version, "2026.11-2");
	mw_init(&w);
	change_encode(&w, c);
	rc = apply_encoded(f, &w, 1u << REC_CHANGE, true);
	mw_free(&w);
	free(c);
	return rc;
}

/* check - an agency's check (逢办必查) of subject code before a matter, applied */
static int check(fbk *f, uint64_t seq, const char *party, const char *code, bool listed)
{
	jrp_check c;
	mw w;
	int rc;
	memset(&c, 0, sizeof c);
	c.seq = seq;
	snprintf(c.check_id, sizeof c.check_id, "1-%llu", (unsigned long long)(seq * 64));
	c.at = f->now;
	snprintf(c.party, sizeof c.party, "%s", party);
	snprintf(c.subject, sizeof c.subject, "%s", code);
	snprintf(c.matter, sizeof c.matter, "public_procurement");
	c.listed = listed;
	c.lists = listed ? 1u << LIST_BLACK : 0;
	c.as_of = seq - 1;
	mw_init(&w);
	check_encode(&w, &c);
	rc = apply_encoded(f, &w, 1u << REC_CHECK, false);
	mw_free(&w);
	return rc;
}

/* ---- an agency's report ---- */

static int report(fbk *f, dom *d, const char *agency, uint64_t task, jrp_task_state result, const char *date,
		  bool is_case, bool *dup, jrp_error *e)
{
	fb_report r;
	memset(&r, 0, sizeof r);
	r.task = task;
	r.result = result;
	snprintf(r.matter_id, sizeof r.matter_id, "GP-2026-%llu", (unsigned long long)task);
	r.date = dom_date(date);
	r.is_case = is_case;
	jrp_error_clear(e);
	*dup = false;
	return fb_report_submit(f, dom_party(d, agency), &r, dup, e);
}

/* ---- what the office reads ---- */

static uint64_t stats_span(fbk *f, const char *section, const char *who, const char *key, const char *from,
			   const char *to);

/* stats - one figure of fb_stats: section.key, or for section "agencies" / "departments" the
 * figure `key` of party `who` */
static uint64_t stats(fbk *f, const char *section, const char *who, const char *key)
{
	return stats_span(f, section, who, key, NULL, NULL);
}

/* stats_span - the same over the days from..to */
static uint64_t stats_span(fbk *f, const char *section, const char *who, const char *key, const char *from,
			   const char *to)
{
	const msgpack_object *s, *v = NULL;
	uint64_t n = ABSENT;
	jrp_error e;
	msg_in in;
	mw out;
	mw_init(&out);
	mw_map(&out);
	fb_stats(f, &out, from ? dom_date(from) : 0, to ? dom_date(to) : 0);
	mw_end(&out);
	if (msg_parse(mw_data(&out), mw_len(&out), 1 << 24, &in, &e) != 0) {
		printf("# fb_stats does not parse: %s\n", e.message);
	} else if ((s = obj_get(in.root, section)) != NULL && who) {
		const char *idkey = strcmp(section, "agencies") == 0 ? "agency" : "department";
		for (uint32_t i = 0; s->type == MSGPACK_OBJECT_ARRAY && i < s->via.array.size; i++)
			if (obj_str_eq(obj_get(&s->via.array.ptr[i], idkey), who))
				v = obj_get(&s->via.array.ptr[i], key);
	} else {
		v = obj_get(s, key);
	}
	if (v && v->type == MSGPACK_OBJECT_POSITIVE_INTEGER)
		n = v->via.u64;
	else
		printf("# fb_stats has no %s%s%s.%s\n", section, who ? "." : "", who ? who : "", key);
	msg_in_free(&in);
	mw_free(&out);
	return n;
}

/* task_seen - what fb_subject_tasks says of task seq of subject code: its state, and the result
 * and matter of its feedback ("" if none); false if the task is not listed */
static bool task_seen(fbk *f, const char *code, uint64_t seq, char state[32], char result[32], char matter[72])
{
	const msgpack_object *ts;
	bool found = false;
	jrp_error e;
	msg_in in;
	mw out;
	state[0] = result[0] = matter[0] = 0;
	mw_init(&out);
	mw_map(&out);
	if (fb_subject_tasks(f, code, &out) != 0)
		printf("# fb_subject_tasks failed\n");
	mw_end(&out);
	if (msg_parse(mw_data(&out), mw_len(&out), 1 << 24, &in, &e) == 0 && (ts = obj_get(in.root, "tasks")) != NULL &&
	    ts->type == MSGPACK_OBJECT_ARRAY) {
		for (uint32_t i = 0; i < ts->via.array.size; i++) {
			const msgpack_object *it = &ts->via.array.ptr[i], *fb = obj_get(it, "feedback");
			if (obj_u64(obj_get(it, "task"), "task") != seq)
				continue;
			found = true;
			obj_cstr(it, "state", state, 32);
			obj_cstr(fb, "result", result, 32);
			obj_cstr(fb, "matter_id", matter, 72);
		}
	}
	msg_in_free(&in);
	mw_free(&out);
	return found;
}

/* ---- the rules ---- */

/*
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2]: the engine pushes each measure to
 * its agency, which must feed back; "Monitoring by the office" [001 四(三)] [003 六]: measures
 * pushed and overdue (no feedback in time) by agency. A pushed task is awaited; a mandatory
 * measure's task is overdue from the end of its last working day (dispatch computed
 * feedback_due in working days; the weekend after it does not extend it); a recommended
 * measure is applied "as fits" [001 §(五)3] and is never overdue.
 */
static void test_pushed_task_awaited_and_overdue(void)
{
	dom d;
	fbk f;
	char code[19];
	jrp_date due = dom_date("2026-12-04");   /* a Friday: the last working day allowed */
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(1, code);
	CHECK_INT(push(&f, 10, CLASS_MANDATORY, "procurement_centre", 1, code, due), 0);
	CHECK_INT(push(&f, 11, CLASS_RECOMMENDED, "bank_regulator", 1, code, due), 0);
	ctx_commit(&d, &f);   /* the figures are stored, not held in memory */

	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 2);
	CHECK_INT(stats(&f, "tasks", NULL, "apply"), 2);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "apply"), 1);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "awaiting"), 1);
	CHECK_INT(stats(&f, "agencies", "land_office", "awaiting"), 0);
	CHECK_INT(fb_overdue(&f, NULL), 0);

	/* the whole due day is still in time */
	at(&f, "2026-12-04T23:59:59+08:00");
	CHECK_INT(fb_overdue(&f, NULL), 0);
	CHECK_INT(stats(&f, "feedback", NULL, "overdue"), 0);

	/* from the day after (a Saturday) the mandatory task is overdue, the recommended one not */
	at(&f, "2026-12-05T00:00:00+08:00");
	CHECK_INT(fb_overdue(&f, NULL), 1);
	CHECK_INT(fb_overdue(&f, "procurement_centre"), 1);
	CHECK_INT(fb_overdue(&f, "bank_regulator"), 0);
	CHECK_INT(stats(&f, "feedback", NULL, "overdue"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "overdue"), 1);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "overdue"), 0);

	/* much later: a recommended measure is still not overdue, and both are still awaited */
	at(&f, "2027-06-01T12:00:00+08:00");
	CHECK_INT(fb_overdue(&f, "bank_regulator"), 0);
	CHECK_INT(fb_overdue(&f, NULL), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 2);
	dom_close(&d);
}

/*
 * DOMAIN.md "Trigger, response, feedback" [001 §(五)1-2] [003 §五]: each agency responds and
 * feeds back the result (applied / not applicable / failed, with the matter and date); typical
 * cases are collected (案例归集). Only on its own tasks; the same result again is a duplicate,
 * a different one a conflict; a date in the future is refused. "Monitoring by the office"
 * [003 六]: applied by agency, awaiting and overdue go down when the agency reports.
 */
static void test_agency_reports_its_task(void)
{
	dom d;
	fbk f;
	char code[19], state[32], result[32], matter[72];
	bool dup;
	jrp_error e;
	jrp_date due = dom_date("2026-11-20");
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(2, code);
	CHECK_INT(push(&f, 20, CLASS_MANDATORY, "procurement_centre", 2, code, due), 0);
	CHECK_INT(push(&f, 21, CLASS_RECOMMENDED, "bank_regulator", 2, code, 0), 0);
	CHECK_INT(push(&f, 22, CLASS_MANDATORY, "procurement_centre", 2, code, dom_date("2026-12-04")), 0);
	at(&f, "2026-11-23T09:00:00+08:00");   /* the tick: what fell due is overdue */
	CHECK_INT(fb_overdue(&f, "procurement_centre"), 1);   /* task 20 is late already */
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 3);

	/* applied, with a typical case: late, but the report takes it out of the overdue figures */
	CHECK_INT(report(&f, &d, "procurement_centre", 20, TS_APPLIED, "2026-11-23", true, &dup, &e), 0);
	CHECK(!dup);
	CHECK_INT(fb_overdue(&f, NULL), 0);
	CHECK_INT(stats(&f, "feedback", NULL, "applied"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "cases"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 2);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "applied"), 1);
	CHECK(task_seen(&f, code, 20, state, result, matter));
	CHECK_STR(state, "applied");
	CHECK_STR(result, "applied");
	CHECK_STR(matter, "GP-2026-20");

	/* not applicable, and failed */
	CHECK_INT(report(&f, &d, "bank_regulator", 21, TS_NOT_APPLICABLE, "2026-11-22", false, &dup, &e), 0);
	CHECK_INT(report(&f, &d, "procurement_centre", 22, TS_FAILED, "2026-11-23", false, &dup, &e), 0);
	CHECK_INT(stats(&f, "feedback", NULL, "not_applicable"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "failed"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "cases"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 0);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "not_applicable"), 1);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "awaiting"), 0);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "failed"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 0);
	/* task 22 was due on 2026-12-04: it never becomes overdue once reported */
	at(&f, "2026-12-10T09:00:00+08:00");
	CHECK_INT(fb_overdue(&f, NULL), 0);
	at(&f, "2026-11-23T09:00:00+08:00");

	/* the same result again: a duplicate, nothing counted twice */
	CHECK_INT(report(&f, &d, "procurement_centre", 20, TS_APPLIED, "2026-11-23", true, &dup, &e), 0);
	CHECK(dup);
	CHECK_INT(stats(&f, "feedback", NULL, "applied"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "cases"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 0);

	/* a different result: a conflict; the first report stands */
	CHECK_INT(report(&f, &d, "procurement_centre", 20, TS_FAILED, "2026-11-23", false, &dup, &e), JRP_ECONFLICT);
	CHECK(!dup);
	CHECK_STR(e.code, JRP_ERR_CONFLICT);
	CHECK(task_seen(&f, code, 20, state, result, matter));
	CHECK_STR(state, "applied");
	CHECK_INT(stats(&f, "feedback", NULL, "failed"), 1);

	/* another agency's task: forbidden, whatever it reports */
	CHECK_INT(report(&f, &d, "bank_regulator", 20, TS_APPLIED, "2026-11-23", false, &dup, &e), JRP_EFORBIDDEN);
	CHECK_STR(e.code, JRP_ERR_FORBIDDEN);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "applied"), 0);

	/* a task feedback never received */
	CHECK(report(&f, &d, "procurement_centre", 999, TS_APPLIED, "2026-11-23", false, &dup, &e) < 0);
	CHECK_STR(e.code, JRP_ERR_NOT_FOUND);

	/* a date after today */
	CHECK_INT(push(&f, 23, CLASS_MANDATORY, "procurement_centre", 2, code, 0), 0);
	CHECK(report(&f, &d, "procurement_centre", 23, TS_APPLIED, "2026-11-24", false, &dup, &e) < 0);
	CHECK_STR(e.code, JRP_ERR_BAD_VALUE);
	CHECK_STR(e.field, "date");
	CHECK(task_seen(&f, code, 23, state, result, matter));
	CHECK_STR(state, "pending");
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 1);
	dom_close(&d);
}

/*
 * DOMAIN.md "Who uses it" and Life of an entry 1, 6, 7 [001 §(二)2, §(五)4, §(五)7]: the
 * department notifies, verifies objections, decides repairs; "Monitoring by the office"
 * [001 四(三)] [003 六]: departments that lag are named. A department's duty is not reported
 * through feedback: it closes when adjudicate records the department's act (noticed closes
 * the notice duty, objection_decided the verification), and only that duty of that entry.
 */
static void test_department_duty_closes_by_its_act(void)
{
	dom d;
	fbk f;
	char code[19], other[19], state[32], result[32], matter[72];
	bool dup;
	jrp_error e;
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(3, code);
	subject_code(4, other);
	CHECK_INT(duty(&f, 30, DUTY_NOTICE, "tax_bureau", 3, code, dom_date("2026-11-20")), 0);
	CHECK_INT(duty(&f, 31, DUTY_VERIFY_OBJECTION, "tax_bureau", 3, code, dom_date("2026-12-04")), 0);
	CHECK_INT(duty(&f, 32, DUTY_NOTICE, "tax_bureau", 4, other, dom_date("2026-11-20")), 0);
	at(&f, "2026-11-23T09:00:00+08:00");   /* the tick: what fell due is overdue */
	CHECK_INT(stats(&f, "departments", "tax_bureau", "notice"), 2);
	CHECK_INT(stats(&f, "departments", "tax_bureau", "verify_objection"), 1);
	CHECK_INT(stats(&f, "departments", "tax_bureau", "awaiting"), 3);
	CHECK_INT(stats(&f, "departments", "tax_bureau", "overdue"), 2);   /* both notices are late */
	CHECK_INT(fb_overdue(&f, "tax_bureau"), 2);

	/* the department cannot close it with a report: a conflict, nothing changes */
	CHECK_INT(report(&f, &d, "tax_bureau", 30, TS_APPLIED, "2026-11-23", false, &dup, &e), JRP_ECONFLICT);
	CHECK_STR(e.code, JRP_ERR_CONFLICT);
	CHECK(task_seen(&f, code, 30, state, result, matter));
	CHECK_STR(state, "pending");
	CHECK_STR(result, "");
	CHECK_INT(fb_stat_get(&f, "awaiting.%s", "tax_bureau"), 3);

	/* adjudicate records the notice of entry 3: its notice duty is done, nothing else */
	CHECK_INT(change(&f, 33, CH_NOTICED, 3, LIST_BLACK, code), 0);
	CHECK(task_seen(&f, code, 30, state, result, matter));
	CHECK_STR(state, "done");
	CHECK(task_seen(&f, code, 31, state, result, matter));
	CHECK_STR(state, "pending");
	CHECK(task_seen(&f, other, 32, state, result, matter));
	CHECK_STR(state, "pending");
	CHECK_INT(fb_stat_get(&f, "state.%s", "done"), 1);
	CHECK_INT(fb_stat_get(&f, "awaiting%s", ""), 2);
	CHECK_INT(fb_stat_get(&f, "awaiting.%s", "tax_bureau"), 2);
	CHECK_INT(fb_overdue(&f, "tax_bureau"), 1);   /* entry 4's notice is still late */

	/* a second noticed change does not count the duty twice */
	CHECK_INT(change(&f, 34, CH_NOTICED, 3, LIST_BLACK, code), 0);
	CHECK_INT(fb_stat_get(&f, "awaiting.%s", "tax_bureau"), 2);
	CHECK_INT(fb_stat_get(&f, "state.%s", "done"), 1);

	/* the objection decided closes the verification */
	CHECK_INT(change(&f, 35, CH_OBJECTION_DECIDED, 3, LIST_BLACK, code), 0);
	CHECK(task_seen(&f, code, 31, state, result, matter));
	CHECK_STR(state, "done");
	CHECK_INT(stats(&f, "departments", "tax_bureau", "awaiting"), 1);
	CHECK_INT(stats(&f, "entries", NULL, "objections_decided"), 1);
	at(&f, "2026-12-10T09:00:00+08:00");
	CHECK_INT(fb_overdue(&f, "tax_bureau"), 1);   /* task 31's deadline passed, but it is done */
	CHECK_INT(stats(&f, "departments", "tax_bureau", "overdue"), 1);
	dom_close(&d);
}

/*
 * DOMAIN.md Life of an entry 8 [001 §(五)6] and "Trigger, response, feedback" (exits and
 * revocations are pushed the same way: stop): when an entry ends, the measures its agencies
 * had not reported on are superseded: no longer awaited, no longer overdue. A report that
 * arrives afterwards is kept (what the agency did), but is not taken off the awaiting figures a
 * second time; the stop task pushed after the exit is awaited as any other.
 */
static void test_ended_entry_supersedes_pending(void)
{
	dom d;
	fbk f;
	char code[19], state[32], result[32], matter[72];
	bool dup;
	jrp_error e;
	jrp_task *t;
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(5, code);
	CHECK_INT(change(&f, 40, CH_EFFECTIVE, 5, LIST_BLACK, code), 0);
	CHECK_INT(push(&f, 41, CLASS_MANDATORY, "procurement_centre", 5, code, dom_date("2026-11-20")), 0);
	CHECK_INT(push(&f, 42, CLASS_RECOMMENDED, "bank_regulator", 5, code, 0), 0);
	CHECK_INT(push(&f, 43, CLASS_MANDATORY, "procurement_centre", 6, code, 0), 0);   /* another entry */
	at(&f, "2026-11-23T09:00:00+08:00");   /* the tick: what fell due is overdue */
	CHECK_INT(fb_overdue(&f, NULL), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 3);

	/* entry 5 exits: its two pending tasks are superseded, entry 6's task is untouched */
	CHECK_INT(change(&f, 44, CH_EXITED, 5, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "tasks", NULL, "superseded"), 2);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "overdue"), 0);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 1);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "awaiting"), 0);
	CHECK(task_seen(&f, code, 41, state, result, matter));
	CHECK_STR(state, "superseded");
	CHECK(task_seen(&f, code, 43, state, result, matter));
	CHECK_STR(state, "pending");

	/* dispatch then pushes the stop: awaited */
	t = malloc(sizeof *t);
	task_init(t, &f, 45, CLASS_MANDATORY, "procurement_centre", 5, code, dom_date("2026-12-04"));
	t->action = TA_STOP;
	t->reason = EXIT_EXPIRED;
	CHECK_INT(put_task(&f, t), 0);
	free(t);
	CHECK_INT(stats(&f, "tasks", NULL, "stop"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "stop"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 2);

	/* the late report on the superseded task is recorded, awaiting does not go down twice */
	CHECK_INT(report(&f, &d, "procurement_centre", 41, TS_APPLIED, "2026-11-22", false, &dup, &e), 0);
	CHECK(!dup);
	CHECK(task_seen(&f, code, 41, state, result, matter));
	CHECK_STR(result, "applied");
	CHECK_INT(stats(&f, "feedback", NULL, "applied"), 1);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 2);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 2);
	CHECK_INT(stats(&f, "tasks", NULL, "superseded"), 1);   /* reported now: superseded no more */
	CHECK_INT(report(&f, &d, "procurement_centre", 41, TS_APPLIED, "2026-11-22", false, &dup, &e), 0);
	CHECK(dup);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 2);

	/* the stop reported: applied means the measure was stopped */
	CHECK_INT(report(&f, &d, "procurement_centre", 45, TS_APPLIED, "2026-11-23", false, &dup, &e), 0);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 1);

	/* a revoked entry (a wrong listing) supersedes the same way */
	CHECK_INT(change(&f, 46, CH_REVOKED, 6, LIST_BLACK, code), 0);
	CHECK_INT(fb_stat_get(&f, "state.%s", "superseded"), 2);
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 0);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "awaiting"), 0);
	CHECK_INT(stats(&f, "entries", NULL, "revoked_total"), 1);
	dom_close(&d);
}

/*
 * DOMAIN.md "Monitoring by the office" [001 四(三)] [003 六]: list counts by type and domain;
 * DOMAIN.md Lists [001 §(二)4]: an entry is in force from effective to its exit. An entry that
 * exits before it was effective (never in force) is not taken off the counts.
 */
static void test_lists_in_force(void)
{
	dom d;
	fbk f;
	char code[19], other[19];
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(7, code);
	subject_code(8, other);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);
	CHECK_INT(change(&f, 50, CH_PROPOSED, 7, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);   /* proposed is not in force */
	CHECK_INT(stats(&f, "entries", NULL, "proposed_total"), 1);
	CHECK_INT(change(&f, 51, CH_EFFECTIVE, 7, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 1);
	CHECK_INT(stats(&f, "entries", NULL, "red"), 0);
	CHECK_INT(stats(&f, "entries", NULL, "focus"), 0);
	CHECK_INT(fb_stat_get(&f, "active.black.%s", "tax"), 1);   /* by domain */

	CHECK_INT(change(&f, 52, CH_EXITED, 7, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);
	CHECK_INT(fb_stat_get(&f, "active.black.%s", "tax"), 0);
	CHECK_INT(stats(&f, "entries", NULL, "exited_total"), 1);

	/* never effective: the exit is counted, the lists in force are not touched */
	CHECK_INT(change(&f, 53, CH_PROPOSED, 8, LIST_BLACK, other), 0);
	CHECK_INT(change(&f, 54, CH_EXITED, 8, LIST_BLACK, other), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);
	CHECK_INT(fb_stat_get(&f, "active.black.%s", "tax"), 0);
	CHECK_INT(stats(&f, "entries", NULL, "exited_total"), 2);

	/* the same entry exiting twice (a replayed change) is not taken off twice */
	CHECK_INT(change(&f, 55, CH_EFFECTIVE, 9, LIST_BLACK, other), 0);
	CHECK_INT(change(&f, 56, CH_EXITED, 9, LIST_BLACK, other), 0);
	CHECK_INT(change(&f, 57, CH_EXITED, 9, LIST_BLACK, other), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);

	/* a wrong entry, revoked after it took effect, leaves the lists in force too [001 §(五)7] */
	CHECK_INT(change(&f, 58, CH_EFFECTIVE, 10, LIST_BLACK, other), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 1);
	CHECK_INT(change(&f, 59, CH_REVOKED, 10, LIST_BLACK, other), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);
	CHECK_INT(fb_stat_get(&f, "active.black.%s", "tax"), 0);
	CHECK_INT(stats(&f, "entries", NULL, "revoked_total"), 1);
	dom_close(&d);
}

/*
 * DOMAIN.md "Trigger, response, feedback" [003 §五]: agencies check on every handling
 * (逢办必查) and every check is recorded; "Monitoring by the office" [003 六]: query volume per
 * agency. Each check counts once in the total, once as listed when the subject was on a list,
 * and once for the agency that asked.
 */
static void test_checks_counted(void)
{
	dom d;
	fbk f;
	char code[19], clean[19];
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(10, code);
	subject_code(11, clean);
	CHECK_INT(check(&f, 60, "procurement_centre", code, true), 0);
	CHECK_INT(check(&f, 61, "procurement_centre", clean, false), 0);
	CHECK_INT(check(&f, 62, "bank_regulator", clean, false), 0);
	CHECK_INT(stats(&f, "checks", NULL, "total"), 3);
	CHECK_INT(stats(&f, "checks", NULL, "listed"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "checks"), 2);
	CHECK_INT(stats(&f, "agencies", "bank_regulator", "checks"), 1);
	CHECK_INT(stats(&f, "agencies", "land_office", "checks"), 0);
	/* a check is no task: nothing is awaited */
	CHECK_INT(stats(&f, "feedback", NULL, "awaiting"), 0);
	ctx_commit(&d, &f);
	CHECK_INT(stats(&f, "checks", NULL, "total"), 3);
	dom_close(&d);
}

/* fb_apply takes changes, tasks and checks; a department's record (event) is not dispatch's */
static void test_event_refused(void)
{
	dom d;
	fbk f;
	jrp_rec *rec = calloc(1, sizeof *rec);
	jrp_error e;
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		free(rec);
		return;
	}
	rec->kind = REC_EVENT;
	jrp_error_clear(&e);
	CHECK(fb_apply(&f, rec, NULL, &e) < 0);
	CHECK_STR(e.code, JRP_ERR_BAD_VALUE);
	CHECK_STR(e.field, "kind");
	free(rec);
	dom_close(&d);
}

/* list_overdue - one page of fb_overdue_list (party NULL: everyone's): its items' task seqs and
 * late_workdays into tasks/late, the cursor into next; the number of items */
static int list_overdue(fbk *f, const char *party, const char *after, size_t max, uint64_t *tasks, int64_t *late,
			char next[160])
{
	mw out;
	msg_in in;
	jrp_error e;
	int n = -1;
	mw_init(&out);
	mw_map(&out);
	mw_str(&out, "items");
	mw_arr(&out);
	if (fb_overdue_list(f, party, after, max, &out, next) == 0) {
		mw_end(&out);
		mw_end(&out);
		if (msg_parse(mw_data(&out), mw_len(&out), 1 << 20, &in, &e) == 0) {
			const msgpack_object *it = obj_get(in.root, "items");
			n = (int)it->via.array.size;
			for (int i = 0; i < n; i++) {
				tasks[i] = obj_u64(&it->via.array.ptr[i], "task");
				late[i] = obj_i64(&it->via.array.ptr[i], "late_workdays");
			}
		}
		msg_in_free(&in);
	}
	mw_free(&out);
	return n;
}

/* Issue 10 item 8 - DOMAIN.md "Monitoring by the office" [001 四(三)] [003 六]: the office sees what
 * it must see, from counters kept as records arrive: what is overdue (a counter, and a list: which
 * task or duty, whose, due when, how late, page by page), what was done late and how late, what
 * happened in a period (day buckets), how long objections took (median, longest, working days),
 * every exit by its reason (a wrong entry's too) and the lists in force without the revoked. */
static void test_office_view(void)
{
	dom d;
	fbk f;
	char code[19], next[160];
	uint64_t tasks[8];
	int64_t late[8];
	bool dup;
	jrp_error e;
	if (ctx_open(&d, &f, "2026-11-23T09:00:00+08:00") < 0) {
		CHECK(0);
		return;
	}
	subject_code(9, code);
	CHECK_INT(push(&f, 50, CLASS_MANDATORY, "procurement_centre", 60, code, dom_date("2026-11-20")), 0);
	CHECK_INT(push(&f, 51, CLASS_MANDATORY, "procurement_centre", 60, code, dom_date("2026-11-24")), 0);
	CHECK_INT(duty(&f, 52, DUTY_NOTICE, "tax_bureau", 61, code, dom_date("2026-11-19")), 0);
	at(&f, "2026-11-23T09:00:00+08:00");
	CHECK_INT(fb_overdue(&f, NULL), 2);
	/* the list: party order, then due; how late in working days (Fri 20 -> Mon 23: 1) */
	CHECK_INT(list_overdue(&f, NULL, "", 10, tasks, late, next), 2);
	CHECK_INT(tasks[0], 50);
	CHECK_INT(late[0], 1);
	CHECK_INT(tasks[1], 52);
	CHECK_INT(late[1], 2);
	CHECK_STR(next, "");
	/* page by page */
	CHECK_INT(list_overdue(&f, NULL, "", 1, tasks, late, next), 1);
	CHECK_INT(tasks[0], 50);
	CHECK_STR(next, "procurement_centre/2026-11-20/50");
	{
		char after[160];
		memcpy(after, next, sizeof after);
		CHECK_INT(list_overdue(&f, NULL, after, 1, tasks, late, next), 1);
	}
	CHECK_INT(tasks[0], 52);
	CHECK_INT(list_overdue(&f, "tax_bureau", "", 10, tasks, late, next), 1);
	/* reported on Wed 25 Nov: out of the list, counted late by 3 working days */
	at(&f, "2026-11-25T09:00:00+08:00");
	CHECK_INT(fb_overdue(&f, NULL), 3);   /* task 51 (due Tue 24) too now */
	CHECK_INT(report(&f, &d, "procurement_centre", 50, TS_APPLIED, "2026-11-25", false, &dup, &e), 0);
	CHECK_INT(fb_overdue(&f, "procurement_centre"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "late"), 1);
	CHECK_INT(stats(&f, "agencies", "procurement_centre", "late_workdays"), 3);
	/* a period: what happened on the 25th only */
	at(&f, "2026-11-23T10:00:00+08:00");
	CHECK_INT(change(&f, 70, CH_PROPOSED, 60, LIST_BLACK, code), 0);
	CHECK_INT(change(&f, 71, CH_OBJECTION_FILED, 60, LIST_BLACK, code), 0);
	at(&f, "2026-11-25T10:00:00+08:00");
	CHECK_INT(change(&f, 72, CH_PROPOSED, 61, LIST_BLACK, code), 0);
	CHECK_INT(change(&f, 73, CH_OBJECTION_FILED, 61, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "entries", NULL, "proposed_total"), 2);
	CHECK_INT(stats_span(&f, "entries", NULL, "proposed_total", "2026-11-25", "2026-11-25"), 1);
	CHECK_INT(stats_span(&f, "entries", NULL, "proposed_total", "2026-11-23", "2026-11-25"), 2);
	CHECK_INT(stats_span(&f, "entries", NULL, "proposed_total", "2026-11-26", "2026-12-31"), 0);
	CHECK_INT(stats_span(&f, "tasks", NULL, "apply", "2026-11-23", "2026-11-23"), 2);
	/* objections decided on Thu 26: 3 and 1 working days: median 1, longest 3 */
	at(&f, "2026-11-26T10:00:00+08:00");
	CHECK_INT(change(&f, 74, CH_OBJECTION_DECIDED, 60, LIST_BLACK, code), 0);
	CHECK_INT(change(&f, 75, CH_OBJECTION_DECIDED, 61, LIST_BLACK, code), 0);
	{
		mw out;
		msg_in in;
		mw_init(&out);
		mw_map(&out);
		fb_stats(&f, &out, 0, 0);
		mw_end(&out);
		CHECK_INT(msg_parse(mw_data(&out), mw_len(&out), 1 << 24, &in, &e), 0);
		{
			const msgpack_object *o = obj_get(obj_get(in.root, "durations"), "objection");
			CHECK_INT(obj_u64(o, "decided"), 2);
			CHECK_INT(obj_u64(o, "median_workdays"), 1);
			CHECK_INT(obj_u64(o, "longest_workdays"), 3);
		}
		msg_in_free(&in);
		mw_free(&out);
	}
	/* a wrong entry leaves the lists in force, and its exit counts as an exit */
	CHECK_INT(change(&f, 76, CH_EFFECTIVE, 62, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 1);
	CHECK_INT(change(&f, 77, CH_REVOKED, 62, LIST_BLACK, code), 0);
	CHECK_INT(stats(&f, "entries", NULL, "black"), 0);
	CHECK_INT(stats(&f, "entries", NULL, "exited_total"), 1);
	CHECK_INT(stats(&f, "entries", NULL, "revoked_total"), 1);
	dom_close(&d);
}

int main(void)
{
	RUN(test_pushed_task_awaited_and_overdue);
	RUN(test_office_view);
	RUN(test_agency_reports_its_task);
	RUN(test_department_duty_closes_by_its_act);
	RUN(test_ended_entry_supersedes_pending);
	RUN(test_lists_in_force);
	RUN(test_checks_counted);
	RUN(test_event_refused);
	TAP_DONE();
}
