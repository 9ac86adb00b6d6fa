/*
 * test_adjudicate.c - adjudicate's rules without the daemon (services/adjudicate/adj.h)
 *
 * One test per rule of DOMAIN.md "Lists" and "Life of an entry" that
 * adjudicate implements, on the real catalogue (rules/) and the 2026 holiday
 * calendar, in a real LMDB store: records go in as typed events, deadlines run
 * by setting now and ticking, and what the rules did is read back from the
 * entries and from the change log they wrote. tests/integration/test_life.c
 * proves the same rules across the real daemons.
 */
#include "../tap.h"
#include "adj.h"
#include "clock.h"
#include "domain.h"
#include "util/str.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static dom D;
static adj A;
static uint64_t next_event;
static jrp_event EV;   /* large: one, reused */

static void start(const char *now)
{
	CHECK_INT(dom_open(&D, adj_db_names, ADB__N), 0);
	memset(&A, 0, sizeof A);
	A.txn = D.txn;
	A.cat = D.cat;
	for (int i = 0; i < ADB__N; i++)
		A.db[i] = dom_dbi(&D, i);
	adj_set_now(&A, dom_ms(now));
	next_event = 0;
}

static void finish(void)
{
	dom_close(&D);
}

/* at - the clock moves to t; every deadline due by then runs (as the daemon's timer would) */
static void at(const char *t)
{
	int64_t next;
	adj_set_now(&A, dom_ms(t));
	while (lists_tick(&A, &next) == 1)
		;
}

/* build - a department's record (already validated by ingest) into EV; apply - hand it to the rules.
 * The record says the subject (and its linked persons) was notified on the decision date, as the
 * department does before it reports a record under a standard that notifies (DOMAIN.md Life 1),
 * and that the decision is final; a test of the notice duty clears EV.record.notice_date before
 * apply, one of finality EV.record.final. */
static void build(const char *party, jrp_credit_kind kind, const char *domain, jrp_subject_type type, const char *code,
		  const char *violation, int64_t amount, const char *decided)
{
	jrp_record *r = &EV.record;
	memset(&EV, 0, sizeof EV);
	EV.seq = ++next_event;
	EV.at = A.now;
	str_copy(EV.party, sizeof EV.party, party);
	snprintf(r->record_id, sizeof r->record_id, "R-%llu", (unsigned long long)EV.seq);
	r->kind = kind;
	str_copy(r->domain, sizeof r->domain, domain);
	r->subject.type = type;
	r->subject.id_type = type == SUBJECT_ORG ? ID_USCC : ID_CITIZEN;
	str_copy(r->subject.code, sizeof r->subject.code, code);
	str_copy(r->subject.name, sizeof r->subject.name, type == SUBJECT_ORG ? "测试企业" : "张三");
	str_copy(r->violation, sizeof r->violation, violation ? violation : "");
	r->amount = amount;
	r->base_amount = r->quantity = -1;
	r->decision_date = dom_date(decided);
	r->notice_date = r->decision_date;
	r->final = true;   /* tax.major_violation waits for a final decision; a test of that clears it */
}

static void apply(void)
{
	jrp_error e;
	CHECK_INT(lists_apply_event(&A, &EV, &e), 0);
}

static void record(const char *party, jrp_credit_kind kind, const char *domain, jrp_subject_type type, const char *code,
		   const char *violation, int64_t amount, const char *decided)
{
	build(party, kind, domain, type, code, violation, amount, decided);
	apply();
}

/* the subject's entries, oldest first */
typedef struct ents {
	entry v[16];
	int n;
} ents;

static int collect(adj *a, entry *en, void *arg)
{
	ents *x = arg;
	if (x->n < 16)
		x->v[x->n++] = *en;
	return 0;
}

static ents *of(const char *code)
{
	static ents x;
	x.n = 0;
	CHECK_INT(entry_each_subject(&A, code, collect, &x), 0);
	return &x;
}

/* on - the subject's newest entry on list l (NULL if none) */
static entry *on(const char *code, jrp_list l)
{
	ents *x = of(code);
	for (int i = x->n - 1; i >= 0; i--)
		if (x->v[i].list == l)
			return &x->v[i];
	return NULL;
}

static jrp_entry_state state(const char *code, jrp_list l)
{
	entry *en = on(code, l);
	return en ? en->state : (jrp_entry_state)-1;
}

/* changed - did the change log, after seq `from`, say `action` of entry id (and with reason r)? */
static int changed(uint64_t from, uint64_t id, jrp_change_action action, jrp_exit_reason reason)
{
	static jrp_rec r;
	int n = 0;
	for (uint64_t s = from + 1; s <= dom_log_last(&D, ADB_CHANGES); s++)
		if (dom_log_decode(&D, ADB_CHANGES, s, 1u << REC_CHANGE, false, &r) == 0 && r.u.change.entry == id &&
		    r.u.change.action == action && (!reason || r.u.change.exit_reason == reason))
			n++;
	return n;
}

static uint64_t mark(void)
{
	return dom_log_last(&D, ADB_CHANGES);
}

/* notice_all - the identifying department reports the notice of every entry of code awaiting one */
static void notice_all(const char *code, const char *date)
{
	ents *x = of(code);
	entry en;
	jrp_error e;
	for (int i = 0; i < x->n; i++)
		if (x->v[i].state == ENTRY_PROPOSED && x->v[i].notice_required && !x->v[i].notice_date)
			CHECK_INT(act_notice(&A, x->v[i].id, dom_party(&D, x->v[i].party), dom_date(date), false, &en, NULL, &e), 0);
}

/* awaiting - the records about code waiting for a final decision (lists_awaiting) */
typedef struct awaited {
	int n;
	char record_id[JRP_RECORD_ID_MAX + 1];
} awaited;

static void awaiting(const char *code, awaited *w)
{
	mw out;
	msg_in in;
	jrp_error e;
	mw_init(&out);
	mw_map(&out);
	mw_str(&out, "a");
	CHECK_INT(lists_awaiting(&A, code, &out), 0);
	mw_end(&out);
	memset(w, 0, sizeof *w);
	CHECK_INT(msg_parse(mw_data(&out), mw_len(&out), 1 << 20, &in, &e), 0);
	if (in.root) {
		const msgpack_object *a = obj_get(in.root, "a");
		w->n = (int)a->via.array.size;
		if (w->n)
			obj_cstr(&a->via.array.ptr[0], "record_id", w->record_id, sizeof w->record_id);
	}
	msg_in_free(&in);
	mw_free(&out);
}

/* last_event - the event of en's newest history item */
static const char *last_event(const entry *en)
{
	static char ev[32];
	mw out;
	msg_in in;
	jrp_error e;
	ev[0] = 0;
	mw_init(&out);
	mw_map(&out);
	mw_str(&out, "h");
	mw_arr(&out);
	CHECK_INT(entry_history_page(&A, en->id, (int64_t)en->nhist - 2, 10, &out), 0);
	mw_end(&out);
	mw_end(&out);
	if (msg_parse(mw_data(&out), mw_len(&out), 1 << 20, &in, &e) == 0) {
		const msgpack_object *h = obj_get(in.root, "h");
		if (h->via.array.size)
			obj_cstr(&h->via.array.ptr[h->via.array.size - 1], "event", ev, sizeof ev);
	}
	msg_in_free(&in);
	mw_free(&out);
	return ev;
}

static char *org(int i)
{
	static char c[4][19];
	static int k;
	char *o = c[k++ % 4];
	codes_uscc_make("91350100MB", (unsigned)i, o);
	return o;
}

static char *person(int i)
{
	static char c[19];
	codes_citizen_make("11010519800101", (unsigned)i, c);
	return c;
}

/* ---- Life 1: notice and objection window [001 §(二)2] ---- */

/* An organisation under a standard that notifies no organisation (a red award) is proposed at once;
 * its objection window runs objection_days working days from identification (the 2026 National Day
 * holiday does not count), and it is effective from the day after the window's last working day. */
static void window_in_working_days(void)
{
	char *a = org(1);
	uint64_t m;
	entry *en;
	start("2026-09-29T09:00:00+08:00");   /* Tuesday before the National Day holiday (Oct 1-7) */
	m = mark();
	record("market_regulator", RK_AWARD, "market", SUBJECT_ORG, a, NULL, -1, "2026-09-28");
	en = on(a, LIST_RED);
	CHECK(en && en->state == ENTRY_PROPOSED && !en->notice_required && !en->notice_by);
	/* 5 working days from Tue 29 Sep: 30 Sep, then (holiday 1-7 Oct) Thu 8, Fri 9, Sat 10 (a make-up
	 * working day), Mon 12 Oct */
	CHECK_INT(en->objection_end, dom_date("2026-10-12"));
	CHECK_INT(changed(m, en->id, CH_PROPOSED, 0), 1);
	CHECK_INT(changed(m, en->id, CH_NOTICE_DUE, 0), 0);
	at("2026-10-12T23:00:00+08:00");
	CHECK_INT(state(a, LIST_RED), ENTRY_PROPOSED);
	at("2026-10-13T00:00:01+08:00");
	CHECK_INT(state(a, LIST_RED), ENTRY_EFFECTIVE);
	CHECK_INT(on(a, LIST_RED)->valid_from, dom_date("2026-10-13"));
	/* validity runs from the decision date: 2 years, the last day the day before */
	CHECK_INT(on(a, LIST_RED)->valid_until, dom_date("2028-09-27"));
	finish();
}

/* A natural person is notified before listing whatever the standard says: the entry waits, the
 * department gets a notice duty, and the window runs from the reported notice date. */
static void persons_are_notified_first(void)
{
	char *p = person(1);
	uint64_t m;
	entry en;
	jrp_error e;
	start("2026-11-23T09:00:00+08:00");
	m = mark();
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_PERSON, p, "tax_fraud", 2000000, "2026-11-20");
	EV.record.notice_date = 0;
	apply();
	CHECK(on(p, LIST_BLACK) && on(p, LIST_BLACK)->notice_required);
	CHECK_INT(changed(m, on(p, LIST_BLACK)->id, CH_NOTICE_DUE, 0), 1);
	at("2026-12-31");
	CHECK_INT(state(p, LIST_BLACK), ENTRY_PROPOSED);   /* no notice, no effect */
	/* only the identifying department reports it, and not before identification */
	CHECK_INT(act_notice(&A, on(p, LIST_BLACK)->id, dom_party(&D, "court"), dom_date("2026-12-30"), false, &en, NULL, &e), JRP_EFORBIDDEN);
	CHECK_INT(act_notice(&A, on(p, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), dom_date("2026-11-01"), false, &en, NULL, &e), JRP_EINVAL);
	CHECK_STR(e.field, "notice_date");
	CHECK_INT(act_notice(&A, on(p, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), dom_date("2026-12-30"), false, &en, NULL, &e), 0);
	/* tax.major_violation's notice period: 5 days: 30 Dec + 5 = Mon 4 Jan 2027 (a working day) */
	CHECK_INT(en.objection_end, dom_date("2027-01-04"));
	CHECK_INT(act_notice(&A, en.id, dom_party(&D, "tax_bureau"), dom_date("2026-12-30"), false, &en, NULL, &e), JRP_ECONFLICT);
	at("2027-01-31");
	CHECK_INT(state(p, LIST_BLACK), ENTRY_EFFECTIVE);
	finish();
}

/* Issue 10 item 2 - DOMAIN.md Life 1 [001 §(二)2] [national: 国办发〔2020〕49号 (八)]: every subject of a
 * serious-dishonesty standard, organisations too, is told the reasons, the basis and its rights before
 * it is identified. The department's notice is a duty with a deadline (7 working days, NOTICE_WORKDAYS)
 * that the change log carries (decide_by), so that it can become overdue; the subject then has the
 * standard's notice period, here 5 days (not working days: 国家税务总局令第54号), the last day moved
 * off a weekend (《民法典》第二百零三条). The same holds for a focus standard that says notice: true
 * (market.repeated_violation). */
static void serious_dishonesty_is_notified_first(void)
{
	char *a = org(41), *b = org(42);
	static jrp_rec r;
	uint64_t m;
	entry en;
	jrp_error e;
	start("2026-11-23T09:00:00+08:00");   /* Monday */
	m = mark();
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	EV.record.notice_date = 0;
	apply();
	CHECK(on(a, LIST_BLACK)->notice_required && !on(a, LIST_BLACK)->objection_end);
	/* 7 working days from Mon 23 Nov: 24, 25, 26, 27, 30 Nov, 1, 2 Dec */
	CHECK_INT(on(a, LIST_BLACK)->notice_by, dom_date("2026-12-02"));
	CHECK_INT(changed(m, on(a, LIST_BLACK)->id, CH_NOTICE_DUE, 0), 1);
	CHECK_INT(dom_log_decode(&D, ADB_CHANGES, m + 2, 1u << REC_CHANGE, false, &r), 0);
	CHECK_INT(r.u.change.action, CH_NOTICE_DUE);
	CHECK_INT(r.u.change.decide_by, dom_date("2026-12-02"));
	/* without a notice it waits, whatever the time */
	at("2027-03-01");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_PROPOSED);
	adj_set_now(&A, dom_ms("2026-11-23T10:00:00+08:00"));
	CHECK_INT(act_notice(&A, on(a, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), dom_date("2026-11-23"), false, &en, NULL, &e), 0);
	CHECK_INT(en.notice_by, 0);
	/* Mon 23 Nov + 5 days = Sat 28 Nov, a day off: the period ends Mon 30 Nov */
	CHECK_INT(en.objection_end, dom_date("2026-11-30"));
	at("2026-11-30T23:59:00+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_PROPOSED);
	at("2026-12-01T00:00:01+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	/* a focus standard that says notice: true notifies organisations too (market.repeated_violation) */
	build("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, b, "repeated_minor_violation", -1, "2026-11-30");
	EV.record.notice_date = 0;
	apply();
	CHECK(on(b, LIST_FOCUS) && on(b, LIST_FOCUS)->notice_required && on(b, LIST_FOCUS)->notice_by);
	finish();
}

/* Issue 10 item 2 - DOMAIN.md Life 1: one notice may cover an organisation and its linked persons
 * when the department says so: entry.notice with linked (the persons' entries awaiting a notice get
 * the same date, each its own window), or a record whose notice says linked. Without it each
 * person waits for its own notice. */
static void one_notice_covers_linked_persons(void)
{
	char *a = org(43), *b = org(44);
	char rep[19], resp[19], rep2[19];
	entry en;
	jrp_error e;
	mw cov;
	codes_citizen_make("11010519800101", 43, rep);
	codes_citizen_make("11010519800101", 44, resp);
	codes_citizen_make("11010519800101", 45, rep2);
	start("2026-11-23T09:00:00+08:00");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	EV.record.notice_date = 0;
	EV.record.has_legal_rep = true;
	str_copy(EV.record.legal_rep.name, sizeof EV.record.legal_rep.name, "李四");
	EV.record.legal_rep.id_type = ID_CITIZEN;
	str_copy(EV.record.legal_rep.id_no, sizeof EV.record.legal_rep.id_no, rep);
	EV.record.nresponsible = 1;
	str_copy(EV.record.responsible[0].name, sizeof EV.record.responsible[0].name, "王五");
	EV.record.responsible[0].id_type = ID_CITIZEN;
	str_copy(EV.record.responsible[0].id_no, sizeof EV.record.responsible[0].id_no, resp);
	apply();
	CHECK(on(rep, LIST_BLACK)->notice_by && on(resp, LIST_BLACK)->notice_by);
	mw_init(&cov);
	mw_map(&cov);
	mw_str(&cov, "linked");
	mw_arr(&cov);
	CHECK_INT(act_notice(&A, on(a, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), dom_date("2026-11-23"), true, &en, &cov, &e), 0);
	mw_end(&cov);
	mw_end(&cov);
	CHECK_INT(on(rep, LIST_BLACK)->notice_date, dom_date("2026-11-23"));
	CHECK_INT(on(resp, LIST_BLACK)->notice_date, dom_date("2026-11-23"));
	CHECK_INT(on(rep, LIST_BLACK)->notice_by, 0);
	CHECK_INT(on(rep, LIST_BLACK)->objection_end, dom_date("2026-11-30"));
	{
		msg_in in;
		CHECK_INT(msg_parse(mw_data(&cov), mw_len(&cov), 1 << 20, &in, &e), 0);
		CHECK_INT(obj_get(in.root, "linked")->via.array.size, 2);
		msg_in_free(&in);
	}
	mw_free(&cov);
	at("2026-12-01T00:00:01+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(rep, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(resp, LIST_BLACK), ENTRY_EFFECTIVE);
	/* a record that says its notice reached the linked persons */
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "tax_fraud", 5000000, "2026-11-30");
	EV.record.notice_linked = true;
	EV.record.has_legal_rep = true;
	str_copy(EV.record.legal_rep.name, sizeof EV.record.legal_rep.name, "赵六");
	EV.record.legal_rep.id_type = ID_CITIZEN;
	str_copy(EV.record.legal_rep.id_no, sizeof EV.record.legal_rep.id_no, rep2);
	apply();
	CHECK_INT(on(rep2, LIST_BLACK)->notice_date, dom_date("2026-11-30"));
	CHECK_INT(on(rep2, LIST_BLACK)->notice_by, 0);
	at("2026-12-10");
	CHECK_INT(state(b, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(rep2, LIST_BLACK), ENTRY_EFFECTIVE);
	finish();
}

/* Issue 10 item 3 - DOMAIN.md Life 1 [national: 国家税务总局令第54号 第七条]: a standard may list only a
 * final decision (requires_final: tax.major_violation). A record that is not final makes no entry: it
 * waits; a finality record of the same department about it (final: true) identifies it then, with the
 * notice that record reports; final: false (annulled) forgets it. A record already final is identified
 * at once; standards that do not wait take the record when it comes. */
static void listing_waits_for_a_final_decision(void)
{
	char *a = org(51), *b = org(52), *c = org(53);
	awaited w;
	start("2026-06-01T09:00:00+08:00");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-05-20");
	EV.record.final = false;
	EV.record.notice_date = 0;
	apply();
	CHECK(on(a, LIST_BLACK) == NULL);
	awaiting(a, &w);
	CHECK_INT(w.n, 1);
	CHECK_STR(w.record_id, "R-1");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "tax_fraud", 5000000, "2026-05-20");
	EV.record.final = false;
	apply();
	/* the periods for review (60 days) and litigation (6 months) pass: the bureau reports finality,
	 * and that it notified the company the same day */
	at("2026-11-23T09:00:00+08:00");
	CHECK(on(a, LIST_BLACK) == NULL);
	build("tax_bureau", RK_FINALITY, "tax", SUBJECT_ORG, a, NULL, -1, "2026-11-21");
	str_copy(EV.record.refers_to, sizeof EV.record.refers_to, "R-1");
	EV.record.notice_date = dom_date("2026-11-23");
	apply();
	CHECK(on(a, LIST_BLACK) != NULL);
	CHECK_INT(on(a, LIST_BLACK)->state, ENTRY_PROPOSED);
	CHECK_INT(on(a, LIST_BLACK)->record_seq, 1);                       /* the decision's record */
	CHECK_INT(on(a, LIST_BLACK)->decision_date, dom_date("2026-05-20"));
	CHECK_INT(on(a, LIST_BLACK)->valid_until, dom_date("2029-05-19"));  /* from the decision date */
	CHECK_INT(on(a, LIST_BLACK)->notice_date, dom_date("2026-11-23"));
	awaiting(a, &w);
	CHECK_INT(w.n, 0);
	at("2026-12-01T09:00:00+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	/* b's decision was annulled on review: nothing is listed, nothing waits */
	build("tax_bureau", RK_FINALITY, "tax", SUBJECT_ORG, b, NULL, -1, "2026-07-15");
	str_copy(EV.record.refers_to, sizeof EV.record.refers_to, "R-2");
	EV.record.final = false;
	apply();
	CHECK(on(b, LIST_BLACK) == NULL);
	awaiting(b, &w);
	CHECK_INT(w.n, 0);
	/* a finality record about a record that waits for nothing changes nothing */
	build("tax_bureau", RK_FINALITY, "tax", SUBJECT_ORG, b, NULL, -1, "2026-07-15");
	str_copy(EV.record.refers_to, sizeof EV.record.refers_to, "R-2");
	apply();
	CHECK(on(b, LIST_BLACK) == NULL);
	/* a final record is identified at once */
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, c, "tax_fraud", 5000000, "2026-05-20");
	CHECK(on(c, LIST_BLACK) != NULL);
	finish();
}

/* Issue 10 item 4 - DOMAIN.md Life 4: a repeat offence under the same standard within validity extends
 * the listing: validity runs from the latest qualifying decision (it used to end on the first
 * decision's date), the change log says so (extended, with the new end) and the linked person's entry
 * follows; the old expiry passes without effect. A record of an earlier decision only joins the
 * history. */
static void repeat_offence_extends_the_listing(void)
{
	char *a = org(61), rep[19];
	uint64_t m;
	entry *en;
	codes_citizen_make("11010519800101", 61, rep);
	start("2026-05-25T09:00:00+08:00");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-05-20");
	EV.record.has_legal_rep = true;
	EV.record.notice_linked = true;
	str_copy(EV.record.legal_rep.name, sizeof EV.record.legal_rep.name, "钱八");
	EV.record.legal_rep.id_type = ID_CITIZEN;
	str_copy(EV.record.legal_rep.id_no, sizeof EV.record.legal_rep.id_no, rep);
	apply();
	at("2026-06-10");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(rep, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(on(a, LIST_BLACK)->valid_until, dom_date("2029-05-19"));
	/* the same company, the same standard, a new decision within validity */
	at("2027-03-01T09:00:00+08:00");
	m = mark();
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "false_special_invoice", 2000000, "2027-02-26");
	en = on(a, LIST_BLACK);
	CHECK_INT(of(a)->n, 1);   /* one entry per subject and standard */
	CHECK_INT(en->valid_until, dom_date("2030-02-25"));
	CHECK_INT(en->decision_date, dom_date("2027-02-26"));
	CHECK_INT(changed(m, en->id, CH_EXTENDED, 0), 1);
	CHECK_INT(on(rep, LIST_BLACK)->valid_until, dom_date("2030-02-25"));
	CHECK_INT(changed(m, on(rep, LIST_BLACK)->id, CH_EXTENDED, 0), 1);
	/* an earlier decision reported late extends nothing */
	m = mark();
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 3000000, "2026-12-01");
	CHECK_INT(on(a, LIST_BLACK)->valid_until, dom_date("2030-02-25"));
	CHECK_INT(changed(m, on(a, LIST_BLACK)->id, CH_EXTENDED, 0), 0);
	/* the first decision's end passes; the new one ends it */
	at("2029-05-21");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(rep, LIST_BLACK), ENTRY_EFFECTIVE);
	at("2030-02-26T00:00:01+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_BLACK)->exit_reason, EXIT_EXPIRED);
	finish();
}

/* Issue 10 item 10 - DOMAIN.md "Lists" [001 §(二)3]: an entry holds what followed; its record is
 * complete. The history used to keep 32 items (the identification and the latest 31); now every
 * item is kept, numbered, and read page by page. */
static void history_has_no_cap(void)
{
	char *a = org(91);
	mw out;
	msg_in in;
	jrp_error e;
	uint64_t id;
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	for (int i = 0; i < 60; i++)   /* older decisions reported late: each joins the history */
		record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 2000000 + i, "2026-10-01");
	id = on(a, LIST_BLACK)->id;
	CHECK_INT(on(a, LIST_BLACK)->nhist, 62);   /* identified, notified, 60 records */
	/* page 2 of 25: items 25..49 */
	mw_init(&out);
	mw_map(&out);
	mw_str(&out, "h");
	mw_arr(&out);
	CHECK_INT(entry_history_page(&A, id, 24, 25, &out), 0);
	mw_end(&out);
	mw_end(&out);
	CHECK_INT(msg_parse(mw_data(&out), mw_len(&out), 1 << 20, &in, &e), 0);
	{
		const msgpack_object *h = obj_get(in.root, "h");
		CHECK_INT(h->via.array.size, 25);
		CHECK_INT(obj_u64(&h->via.array.ptr[0], "n"), 25);
		CHECK_INT(obj_u64(&h->via.array.ptr[24], "n"), 49);
	}
	msg_in_free(&in);
	mw_free(&out);
	/* the first item is the identification, never dropped */
	mw_init(&out);
	mw_map(&out);
	mw_str(&out, "h");
	mw_arr(&out);
	CHECK_INT(entry_history_page(&A, id, -1, 1, &out), 0);
	mw_end(&out);
	mw_end(&out);
	CHECK_INT(msg_parse(mw_data(&out), mw_len(&out), 1 << 20, &in, &e), 0);
	{
		char ev[32];
		CHECK_STR(obj_cstr(&obj_get(in.root, "h")->via.array.ptr[0], "event", ev, sizeof ev), "identified");
	}
	msg_in_free(&in);
	mw_free(&out);
	finish();
}

/* ---- Life 2: cross-checks [001 §(二)2, §(五)6] ---- */

/* A subject on the black list never enters the red list: the attempt is a refused entry. A red
 * subject that is black-listed leaves red. */
static void black_and_red_never_together(void)
{
	char *a = org(2), *b = org(3);
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	at("2026-12-10");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	/* an A-grade tax rating is tax.a_grade's (red) */
	build("tax_bureau", RK_RATING, "tax", SUBJECT_ORG, a, NULL, -1, "2026-12-09");
	str_copy(EV.record.rating, sizeof EV.record.rating, "A");
	apply();
	CHECK_INT(state(a, LIST_RED), ENTRY_REFUSED);
	CHECK_INT(on(a, LIST_RED)->exit_reason, EXIT_ON_BLACK_LIST);
	/* red first, then black: red goes */
	build("tax_bureau", RK_RATING, "tax", SUBJECT_ORG, b, NULL, -1, "2026-12-09");
	str_copy(EV.record.rating, sizeof EV.record.rating, "A");
	apply();
	at("2026-12-20");
	CHECK_INT(state(b, LIST_RED), ENTRY_EFFECTIVE);
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "tax_fraud", 5000000, "2026-12-18");
	at("2026-12-31");
	CHECK_INT(state(b, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(b, LIST_RED), ENTRY_EXITED);
	CHECK_INT(on(b, LIST_RED)->exit_reason, EXIT_REMOVED_BY_DISHONESTY);
	finish();
}

/* ---- Life 4: escalation and the warning list [001 §(五)5] ---- */

/* Focus lists in three key domains derive a warning entry (no standard, no department); when one
 * of them ends it leaves by itself. */
static void warning_after_three_key_domains(void)
{
	char *a = org(4);
	jrp_error e;
	entry en;
	start("2026-11-23T09:00:00+08:00");
	record("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, a, "repeated_minor_violation", -1, "2026-11-20");
	record("food_drug_admin", RK_PENALTY, "food_drug", SUBJECT_ORG, a, "repeated_minor_violation", -1, "2026-11-20");
	record("env_bureau", RK_PENALTY, "environment", SUBJECT_ORG, a, "illegal_discharge", -1, "2026-11-20");
	/* two of the three standards notify first */
	notice_all(a, "2026-11-23");
	at("2026-12-10");
	CHECK(on(a, LIST_WARNING) != NULL);
	CHECK_INT(state(a, LIST_WARNING), ENTRY_EFFECTIVE);
	CHECK_INT(on(a, LIST_WARNING)->derived, DERIVED_WARNING);
	CHECK_STR(on(a, LIST_WARNING)->standard, "");
	/* the market entry is revoked: two key domains remain, the warning entry exits */
	{
		entry *m = NULL;
		for (int i = 0; i < of(a)->n; i++)
			if (strcmp(of(a)->v[i].domain, "market") == 0)
				m = &of(a)->v[i];
		CHECK(m != NULL);
		if (m) {
			uint64_t id = m->id;
			CHECK_INT(act_objection_file(&A, id, dom_party(&D, "office"), "错误", &en, &(jrp_date){ 0 }, &e), 0);
			CHECK_INT(act_objection_decide(&A, id, dom_party(&D, "market_regulator"), OUTCOME_WRONG, "", &en, &e), 0);
		}
	}
	CHECK_INT(state(a, LIST_WARNING), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_WARNING)->exit_reason, EXIT_FEWER_DOMAINS);
	finish();
}

/* A focus-listed subject that commits serious dishonesty within validity moves to black: its focus
 * entry ends (escalated; whatever the domain: escalation_whatever_the_domain). food_drug has both: repeated minor violations
 * (focus) and serious harm (black). */
static void focus_escalates_to_black(void)
{
	char *a = org(5);
	start("2026-11-23T09:00:00+08:00");
	record("food_drug_admin", RK_PENALTY, "food_drug", SUBJECT_ORG, a, "repeated_minor_violation", -1, "2026-11-20");
	notice_all(a, "2026-11-23");
	at("2026-12-10");
	CHECK_INT(state(a, LIST_FOCUS), ENTRY_EFFECTIVE);
	record("food_drug_admin", RK_PENALTY, "food_drug", SUBJECT_ORG, a, "food_safety_serious_harm", -1, "2026-12-09");
	notice_all(a, "2026-12-10");
	at("2026-12-31");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(a, LIST_FOCUS), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_FOCUS)->exit_reason, EXIT_ESCALATED);
	finish();
}

/* Issue 10 item 5 - DOMAIN.md Life 4 [001 §(五)5]: "重点关注名单主体有效期内发生严重失信行为的…转入黑名单":
 * a focus-listed subject black-listed in ANY domain leaves the focus list: every focus entry in force
 * exits (escalated), not only the black entry's domain; its warning entry, derived from three key
 * focus domains, follows (fewer_domains). Red needs a clean record: a focus-listed subject is
 * refused red (on_focus_list). */
static void escalation_whatever_the_domain(void)
{
	char *a = org(71), *b = org(72);
	start("2026-11-23T09:00:00+08:00");
	record("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, a, "repeated_minor_violation", -1, "2026-11-20");
	record("food_drug_admin", RK_PENALTY, "food_drug", SUBJECT_ORG, a, "repeated_minor_violation", -1, "2026-11-20");
	record("env_bureau", RK_PENALTY, "environment", SUBJECT_ORG, a, "illegal_discharge", -1, "2026-11-20");
	at("2026-12-10");
	CHECK_INT(state(a, LIST_WARNING), ENTRY_EFFECTIVE);
	/* tax fraud: a black standard of another domain than any of the three */
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-12-09");
	at("2026-12-31");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	for (int i = 0; i < of(a)->n; i++)
		if (of(a)->v[i].list == LIST_FOCUS) {
			CHECK_INT(of(a)->v[i].state, ENTRY_EXITED);
			CHECK_INT(of(a)->v[i].exit_reason, EXIT_ESCALATED);
		}
	CHECK_INT(state(a, LIST_WARNING), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_WARNING)->exit_reason, EXIT_FEWER_DOMAINS);
	/* a focus-listed subject applies for the red list: refused */
	record("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, b, "repeated_minor_violation", -1, "2026-12-20");
	at("2027-01-05");
	CHECK_INT(state(b, LIST_FOCUS), ENTRY_EFFECTIVE);
	build("tax_bureau", RK_RATING, "tax", SUBJECT_ORG, b, NULL, -1, "2027-01-04");
	str_copy(EV.record.rating, sizeof EV.record.rating, "A");
	apply();
	CHECK_INT(state(b, LIST_RED), ENTRY_REFUSED);
	CHECK_INT(on(b, LIST_RED)->exit_reason, EXIT_ON_FOCUS_LIST);
	finish();
}

/* Issue 10 item 5 - DOMAIN.md Subjects [001 §(四)6] (落实到人): a record may name the organisation's
 * actual controller (实际控制人), as the high-consumption rules reach it; black-listing the
 * organisation links an entry for it. A focus-listed organisation's persons are linked only where a
 * measure of the catalogue reaches persons on that focus list (here: P-SUP-01 made to reach them,
 * in memory, for this test). */
static void persons_reached_where_measures_say(void)
{
	char *a = org(73), *b = org(74), *c = org(75), ctl[19], rep[19], rep2[19];
	jrp_measure *sup;
	codes_citizen_make("11010519800101", 73, ctl);
	codes_citizen_make("11010519800101", 74, rep);
	codes_citizen_make("11010519800101", 75, rep2);
	start("2026-11-23T09:00:00+08:00");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	EV.record.has_controller = true;
	str_copy(EV.record.controller.name, sizeof EV.record.controller.name, "孙九");
	EV.record.controller.id_type = ID_CITIZEN;
	str_copy(EV.record.controller.id_no, sizeof EV.record.controller.id_no, ctl);
	EV.record.notice_linked = true;
	apply();
	CHECK(on(ctl, LIST_BLACK) != NULL);
	CHECK_INT(on(ctl, LIST_BLACK)->link_role, LINK_ACTUAL_CONTROLLER);
	CHECK_INT(on(ctl, LIST_BLACK)->linked_to, on(a, LIST_BLACK)->id);
	/* focus: no measure reaches persons in the real catalogue: no linked entry */
	build("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, b, "repeated_minor_violation", -1, "2026-11-20");
	EV.record.has_legal_rep = true;
	str_copy(EV.record.legal_rep.name, sizeof EV.record.legal_rep.name, "周十");
	EV.record.legal_rep.id_type = ID_CITIZEN;
	str_copy(EV.record.legal_rep.id_no, sizeof EV.record.legal_rep.id_no, rep);
	apply();
	CHECK(on(b, LIST_FOCUS) != NULL);
	CHECK(on(rep, LIST_FOCUS) == NULL);
	/* a measure that reaches persons on focus lists: the legal representative is linked */
	sup = (jrp_measure *)catalog_measure(D.cat, "P-SUP-01");
	CHECK(sup != NULL);
	if (sup) {
		sup->persons = 1u << LINK_LEGAL_REP | 1u << LINK_RESPONSIBLE | 1u << LINK_ACTUAL_CONTROLLER;
		sup->subject_types |= SUBJ_PERSON;
		build("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, c, "repeated_minor_violation", -1, "2026-11-20");
		EV.record.has_legal_rep = true;
		str_copy(EV.record.legal_rep.name, sizeof EV.record.legal_rep.name, "吴十一");
		EV.record.legal_rep.id_type = ID_CITIZEN;
		str_copy(EV.record.legal_rep.id_no, sizeof EV.record.legal_rep.id_no, rep2);
		apply();
		CHECK(on(rep2, LIST_FOCUS) != NULL);
		CHECK_INT(on(rep2, LIST_FOCUS)->link_role, LINK_LEGAL_REP);
	}
	finish();
}

/* ---- Life 6: objection [001 §(五)7] ---- */

/* While a black entry in force is verified its punishments are suspended; upheld resumes them;
 * wrong revokes the entry, restores the subject's reputation, corrects the publication, and no
 * focus entry follows. */
static void objection_suspends_then_decides(void)
{
	char *a = org(6);
	jrp_error e;
	jrp_date by;
	entry en;
	uint64_t id, m;
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	at("2026-12-10");
	id = on(a, LIST_BLACK)->id;
	m = mark();
	CHECK_INT(act_objection_file(&A, id, dom_party(&D, "procurement_centre"), "数据有误", &en, &by, &e), 0);
	CHECK(en.suspended);
	CHECK_INT(by, calendar_add_workdays(D.cat->cal, A.today, 10));
	CHECK_INT(changed(m, id, CH_SUSPENDED, 0), 1);
	CHECK_INT(changed(m, id, CH_OBJECTION_FILED, 0), 1);
	CHECK_INT(act_objection_file(&A, id, dom_party(&D, "office"), "again", &en, &by, &e), JRP_ECONFLICT);
	/* only the identifying department decides */
	CHECK_INT(act_objection_decide(&A, id, dom_party(&D, "court"), OUTCOME_UPHELD, "", &en, &e), JRP_EFORBIDDEN);
	CHECK_INT(act_objection_decide(&A, id, dom_party(&D, "tax_bureau"), OUTCOME_UPHELD, "", &en, &e), 0);
	CHECK(!en.suspended);
	CHECK_INT(changed(m, id, CH_RESUMED, 0), 1);
	/* a second objection, found wrong */
	m = mark();
	CHECK_INT(act_objection_file(&A, id, dom_party(&D, "office"), "新证据", &en, &by, &e), 0);
	CHECK_INT(act_objection_decide(&A, id, dom_party(&D, "tax_bureau"), OUTCOME_WRONG, "认定错误", &en, &e), 0);
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_BLACK)->exit_reason, EXIT_REVOKED);
	CHECK_INT(changed(m, id, CH_REVOKED, EXIT_REVOKED), 1);
	{
		static jrp_rec r;
		uint64_t last = dom_log_last(&D, ADB_CHANGES);
		CHECK_INT(dom_log_decode(&D, ADB_CHANGES, last, 1u << REC_CHANGE, false, &r), 0);
		CHECK(r.u.change.action == CH_REVOKED && r.u.change.restoration);
	}
	CHECK(on(a, LIST_FOCUS) == NULL);   /* no focus entry after a wrong one */
	finish();
}

/* Issue 10 item 1 - DOMAIN.md Life 1 and 6 [001 §(二)2, §(五)7]: an objection filed inside the
 * objection window holds the entry. It does not take effect at the window's end; upheld after the
 * window it takes effect at once (never before the window's end); found wrong, it is revoked and
 * never took effect. */
static void objection_in_the_window_holds_the_entry(void)
{
	char *a = org(15), *b = org(16), *c = org(17);
	jrp_error e;
	jrp_date by;
	entry en;
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "tax_fraud", 5000000, "2026-11-20");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, c, "tax_fraud", 5000000, "2026-11-20");
	CHECK_INT(act_objection_file(&A, on(a, LIST_BLACK)->id, dom_party(&D, "office"), "不是本企业", &en, &by, &e), 0);
	CHECK(!en.suspended);   /* nothing in force to suspend */
	CHECK_INT(act_objection_file(&A, on(b, LIST_BLACK)->id, dom_party(&D, "office"), "数额有误", &en, &by, &e), 0);
	CHECK_INT(act_objection_file(&A, on(c, LIST_BLACK)->id, dom_party(&D, "office"), "待核", &en, &by, &e), 0);
	/* the window (5 working days, to Mon 30 Nov) ends: none of them takes effect */
	at("2026-12-02");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_PROPOSED);
	CHECK_INT(state(b, LIST_BLACK), ENTRY_PROPOSED);
	/* upheld after the window: effective at once */
	CHECK_INT(act_objection_decide(&A, on(a, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), OUTCOME_UPHELD, "", &en, &e), 0);
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(on(a, LIST_BLACK)->valid_from, dom_date("2026-12-02"));
	/* wrong: revoked, never in force */
	CHECK_INT(act_objection_decide(&A, on(b, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), OUTCOME_WRONG, "", &en, &e), 0);
	CHECK_INT(state(b, LIST_BLACK), ENTRY_EXITED);
	CHECK_INT(on(b, LIST_BLACK)->exit_reason, EXIT_REVOKED);
	CHECK_INT(on(b, LIST_BLACK)->valid_from, 0);
	CHECK(on(b, LIST_FOCUS) == NULL);
	finish();
	/* upheld inside the window: it waits for the window's end, as without an objection */
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, c, "tax_fraud", 5000000, "2026-11-20");
	CHECK_INT(act_objection_file(&A, on(c, LIST_BLACK)->id, dom_party(&D, "office"), "待核", &en, &by, &e), 0);
	at("2026-11-25");
	CHECK_INT(act_objection_decide(&A, on(c, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), OUTCOME_UPHELD, "", &en, &e), 0);
	CHECK_INT(state(c, LIST_BLACK), ENTRY_PROPOSED);
	at("2026-12-01T00:00:01+08:00");
	CHECK_INT(state(c, LIST_BLACK), ENTRY_EFFECTIVE);
	finish();
}

/* ---- Life 7: repair [001 §(五)4] ---- */

/* Repair is asked after the standard's minimum period, with all its methods; approval exits the
 * entry early (repaired) and the focus period after a black-list exit follows. */
static void repair_after_minimum_with_methods(void)
{
	char *a = org(7);
	jrp_error e;
	entry en;
	uint64_t id;
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	at("2026-12-10");
	id = on(a, LIST_BLACK)->id;
	/* tax.major_violation: repair_min 1y, methods commitment + report */
	CHECK_INT(act_repair_apply(&A, id, dom_party(&D, "office"), 1u << RM_COMMITMENT | 1u << RM_REPORT, "", &en, &e),
		  JRP_ECONFLICT);
	CHECK(strstr(e.message, "2027-11-20") != NULL);
	at("2027-11-22");
	CHECK_INT(act_repair_apply(&A, id, dom_party(&D, "office"), 1u << RM_COMMITMENT, "", &en, &e), JRP_EINVAL);
	CHECK_STR(e.field, "methods");
	CHECK_INT(act_repair_apply(&A, id, dom_party(&D, "office"), 1u << RM_COMMITMENT | 1u << RM_REPORT, "", &en, &e), 0);
	CHECK_INT(en.repair, RP_APPLIED);
	CHECK_INT(en.repair_decide_by, calendar_add_workdays(D.cat->cal, A.today, 3));
	CHECK_INT(act_repair_decide(&A, id, dom_party(&D, "tax_bureau"), true, "", &en, &e), 0);
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_BLACK)->exit_reason, EXIT_REPAIRED);
	CHECK_INT(state(a, LIST_FOCUS), ENTRY_EFFECTIVE);
	CHECK_INT(on(a, LIST_FOCUS)->derived, DERIVED_AFTER_BLACK);
	finish();
}

/* ---- Life 8: exit [001 §(五)5-6] ---- */

/* At the end of validity the entry exits by itself; after a black-list exit the subject is on the
 * focus list for the standard's exit_focus period, published only where a focus standard says so. */
static void expiry_then_focus_after_black(void)
{
	char *a = org(8);
	uint64_t m;
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	at("2026-12-10");
	m = mark();
	at("2029-11-19T23:59:00+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	at("2029-11-20T00:00:01+08:00");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EXITED);
	CHECK_INT(on(a, LIST_BLACK)->exit_reason, EXIT_EXPIRED);
	CHECK_INT(changed(m, on(a, LIST_BLACK)->id, CH_EXITED, EXIT_EXPIRED), 1);
	CHECK_INT(state(a, LIST_FOCUS), ENTRY_EFFECTIVE);
	CHECK_INT(on(a, LIST_FOCUS)->valid_until, dom_date("2030-11-19"));   /* exit_focus 1y */
	CHECK(!on(a, LIST_FOCUS)->published);
	at("2030-11-20T00:00:01+08:00");
	CHECK_INT(state(a, LIST_FOCUS), ENTRY_EXITED);
	finish();
}

/* A record whose validity ended before identification is refused (validity_over); a further record
 * under the same standard joins the entry's history instead of making a second entry (a later
 * decision extends it: repeat_offence_extends_the_listing). */
static void one_entry_per_standard(void)
{
	char *a = org(9), *b = org(10);
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2023-01-05");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_REFUSED);
	CHECK_INT(on(a, LIST_BLACK)->exit_reason, EXIT_VALIDITY_OVER);
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "tax_fraud", 5000000, "2026-11-20");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "false_special_invoice", 3000000, "2026-11-20");
	CHECK_INT(of(b)->n, 1);
	CHECK_STR(last_event(&of(b)->v[0]), "record_attached");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, b, "false_special_invoice", 3000000, "2026-11-21");
	CHECK_INT(of(b)->n, 1);
	CHECK_STR(last_event(&of(b)->v[0]), "extended");
	finish();
}

/* ---- Life 5: rectification and interviews [001 §(四)2] ---- */

/* A focus entry with a rectification deadline that is not met gets one reminder interview duty;
 * the interview record (a refusal too) enters the subject's credit record. */
static void rectification_then_interview(void)
{
	char *a = org(11);
	uint64_t id, m;
	start("2026-11-23T09:00:00+08:00");
	record("market_regulator", RK_PENALTY, "market", SUBJECT_ORG, a, "repeated_minor_violation", -1, "2026-11-20");
	at("2026-12-10");
	id = on(a, LIST_FOCUS)->id;
	CHECK_INT(on(a, LIST_FOCUS)->rectify_by, calendar_add_workdays(D.cat->cal, dom_date("2026-12-10"), 15));
	m = mark();
	at("2027-01-31");
	CHECK_INT(on(a, LIST_FOCUS)->interview, IVS_DUE);
	CHECK_INT(changed(m, id, CH_INTERVIEW_DUE, 0), 1);
	{
		static jrp_rec r;
		for (uint64_t s = m + 1; s <= dom_log_last(&D, ADB_CHANGES); s++)
			if (dom_log_decode(&D, ADB_CHANGES, s, 1u << REC_CHANGE, false, &r) == 0 && r.u.change.action == CH_INTERVIEW_DUE)
				CHECK_INT(r.u.change.interview, IV_REMINDER);
	}
	m = mark();
	build("market_regulator", RK_INTERVIEW, "market", SUBJECT_ORG, a, NULL, -1, "2027-01-30");
	EV.record.outcome = IVS_REFUSED;
	apply();
	CHECK_INT(on(a, LIST_FOCUS)->interview, IVS_REFUSED);
	CHECK_INT(changed(m, id, CH_INTERVIEW_RECORDED, 0), 1);
	finish();
}

/* ---- Subjects: punishment reaches persons (落实到人) [001 §(四)6] ---- */

/* A black-listed organisation's legal representative and responsible persons get linked entries;
 * as natural persons they are notified first; they take effect with the organisation's entry and
 * leave with it. */
static void persons_linked_to_the_organisation(void)
{
	char *a = org(12);
	char rep[19], resp[19];
	jrp_error e;
	entry en;
	codes_citizen_make("11010519800101", 21, rep);
	codes_citizen_make("11010519800101", 22, resp);
	start("2026-11-23T09:00:00+08:00");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	EV.record.has_legal_rep = true;
	str_copy(EV.record.legal_rep.name, sizeof EV.record.legal_rep.name, "李四");
	EV.record.legal_rep.id_type = ID_CITIZEN;
	str_copy(EV.record.legal_rep.id_no, sizeof EV.record.legal_rep.id_no, rep);
	EV.record.nresponsible = 1;
	str_copy(EV.record.responsible[0].name, sizeof EV.record.responsible[0].name, "王五");
	EV.record.responsible[0].id_type = ID_CITIZEN;
	str_copy(EV.record.responsible[0].id_no, sizeof EV.record.responsible[0].id_no, resp);
	apply();
	CHECK(on(rep, LIST_BLACK) && on(resp, LIST_BLACK));
	CHECK_INT(on(rep, LIST_BLACK)->link_role, LINK_LEGAL_REP);
	CHECK_INT(on(resp, LIST_BLACK)->link_role, LINK_RESPONSIBLE);
	CHECK(on(rep, LIST_BLACK)->notice_required);
	at("2026-12-10");
	CHECK_INT(state(a, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(rep, LIST_BLACK), ENTRY_PROPOSED);   /* waits for its own notice */
	CHECK_INT(act_notice(&A, on(rep, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), dom_date("2026-12-10"), false, &en, NULL, &e), 0);
	at("2026-12-31");
	CHECK_INT(state(rep, LIST_BLACK), ENTRY_EFFECTIVE);
	CHECK_INT(state(resp, LIST_BLACK), ENTRY_PROPOSED);
	/* the organisation's entry was wrong: the persons' entries go with it */
	CHECK_INT(act_objection_file(&A, on(a, LIST_BLACK)->id, dom_party(&D, "office"), "x", &en, &(jrp_date){ 0 }, &e), 0);
	CHECK_INT(act_objection_decide(&A, on(a, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), OUTCOME_WRONG, "", &en, &e), 0);
	CHECK_INT(state(rep, LIST_BLACK), ENTRY_EXITED);
	CHECK_INT(on(rep, LIST_BLACK)->exit_reason, EXIT_REVOKED);
	CHECK_INT(state(resp, LIST_BLACK), ENTRY_EXITED);
	finish();
}

/* ---- Publication and privacy [001 §(一)4, §(二)4] ---- */

/* A public entry is published when it takes effect, a person's name and ID number masked; its exit
 * is announced through the same log. */
static void publication_masks_persons(void)
{
	char *p = person(31);
	jrp_error e;
	entry en;
	msg_in in;
	MDB_val v;
	char name[64], code[40];
	start("2026-11-23T09:00:00+08:00");
	build("tax_bureau", RK_PENALTY, "tax", SUBJECT_PERSON, p, "tax_fraud", 2000000, "2026-11-20");
	EV.record.notice_date = 0;
	apply();
	CHECK_INT(act_notice(&A, on(p, LIST_BLACK)->id, dom_party(&D, "tax_bureau"), dom_date("2026-11-23"), false, &en, NULL, &e), 0);
	at("2026-12-10");
	CHECK(on(p, LIST_BLACK)->published);
	/* 1: the penalty itself (双公示), 2: the entry */
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), 2);
	for (uint64_t seq = 1; seq <= 2; seq++) {
		CHECK_INT(store_log_get(D.txn, dom_dbi(&D, ADB_PUBLICATION), seq, &v), 0);
		CHECK_INT(msg_parse(v.mv_data, v.mv_size, 1 << 20, &in, &e), 0);
		CHECK(obj_str_eq(obj_get(in.root, "kind"), seq == 1 ? "record" : "listed"));
		obj_cstr(obj_get(in.root, "subject"), "name", name, sizeof name);
		obj_cstr(obj_get(in.root, "subject"), "code", code, sizeof code);
		CHECK_STR(name, "张*");
		CHECK(strcmp(code, p) != 0 && strchr(code, '*') != NULL);
		CHECK(strncmp(code, p, 6) == 0);
		msg_in_free(&in);
	}
	/* 3: the penalty's publication ends after its period (1 year without publish_until); 4: the exit */
	at("2029-11-20T00:00:01+08:00");
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), 4);
	finish();
}

/* pub_at - publication seq as a parsed map (caller frees) */
static int pub_at(uint64_t seq, msg_in *in)
{
	MDB_val v;
	jrp_error e;
	if (store_log_get(D.txn, dom_dbi(&D, ADB_PUBLICATION), seq, &v) != 0)
		return -1;
	return msg_parse(v.mv_data, v.mv_size, 1 << 20, in, &e);
}

/* Issue 11 - DOMAIN.md "Commitments and 双公示" [001 §(一)4]: a licence or a penalty is published when it
 * comes (within 7 working days of the decision if the department reported in time; the publication
 * says how many working days it took), masked for a person, with the facts left out for a person; it
 * is shown until the decision's publish_until or decision + the kind's period, then a record_end
 * (expired) follows; a decision annulled (a finality record) ends it at once (annulled). A kind the
 * catalogue does not publish (a judgment) is not. */
static void double_publicity(void)
{
	char *a = org(61), *b = org(62), *p = person(63);
	msg_in in;
	uint64_t first;
	start("2027-03-01T09:00:00+08:00");
	first = dom_log_last(&D, ADB_PUBLICATION);
	/* a licence, shown until its own end */
	build("market_regulator", RK_LICENCE, "market", SUBJECT_ORG, a, NULL, -1, "2027-02-26");
	str_copy(EV.record.facts, sizeof EV.record.facts, "准予食品经营许可");
	EV.record.publish_until = dom_date("2027-08-31");
	EV.reported_workdays = 1;
	apply();
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), first + 1);
	CHECK_INT(pub_at(first + 1, &in), 0);
	CHECK(obj_str_eq(obj_get(in.root, "kind"), "record"));
	CHECK(obj_str_eq(obj_get(in.root, "record_kind"), "licence"));
	CHECK(obj_str_eq(obj_get(in.root, "publish_until"), "2027-08-31"));
	CHECK(obj_str_eq(obj_get(in.root, "facts"), "准予食品经营许可"));
	CHECK(!obj_bool(in.root, "late"));
	msg_in_free(&in);
	/* a penalty on a person, reported late: masked, no facts, says late */
	build("market_regulator", RK_PENALTY, "market", SUBJECT_PERSON, p, "minor", 500, "2027-02-01");
	str_copy(EV.record.facts, sizeof EV.record.facts, "张三于2027年1月在某地销售过期食品");
	EV.reported_workdays = 20;
	EV.late = true;
	apply();
	CHECK_INT(pub_at(first + 2, &in), 0);
	CHECK(obj_get(in.root, "facts") == NULL);
	CHECK(obj_bool(in.root, "late") && obj_i64(in.root, "reported_workdays") == 20);
	CHECK(obj_str_eq(obj_get(in.root, "publish_until"), "2028-01-31"));   /* 1 year */
	CHECK(!obj_str_eq(obj_get(obj_get(in.root, "subject"), "code"), p));
	msg_in_free(&in);
	/* a judgment is not a 双公示 kind */
	record("court", RK_JUDGMENT, "courts", SUBJECT_ORG, b, "minor", -1, "2027-02-26");
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), first + 2);
	/* the penalty annulled on review: its publication ends now */
	build("market_regulator", RK_FINALITY, "market", SUBJECT_PERSON, p, NULL, -1, "2027-03-01");
	str_copy(EV.record.refers_to, sizeof EV.record.refers_to, "R-2");
	EV.record.final = false;
	CHECK_INT(pub_at(first + 2, &in), 0);
	{
		char rid[70];
		obj_cstr(in.root, "record_id", rid, sizeof rid);
		str_copy(EV.record.refers_to, sizeof EV.record.refers_to, rid);
	}
	msg_in_free(&in);
	apply();
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), first + 3);
	CHECK_INT(pub_at(first + 3, &in), 0);
	CHECK(obj_str_eq(obj_get(in.root, "kind"), "record_end"));
	CHECK(obj_str_eq(obj_get(in.root, "reason"), "annulled"));
	CHECK_INT(obj_u64(in.root, "refers_to"), first + 2);
	msg_in_free(&in);
	/* the licence's end passes: record_end, expired, once */
	at("2027-08-31T23:00:00+08:00");
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), first + 3);
	at("2027-09-01T00:00:01+08:00");
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), first + 4);
	CHECK_INT(pub_at(first + 4, &in), 0);
	CHECK(obj_str_eq(obj_get(in.root, "reason"), "expired"));
	CHECK(obj_str_eq(obj_get(in.root, "record_kind"), "licence"));
	msg_in_free(&in);
	at("2028-03-01");
	CHECK_INT(dom_log_last(&D, ADB_PUBLICATION), first + 4);   /* the annulled one does not end twice */
	finish();
}

/* ---- rules as data: a catalogue change [001 §(五)6] ---- */

static int seen;
static void count_changed(void *arg, const entry *en, const char *why)
{
	seen++;
	CHECK_STR(why, arg);
}

/* When the standard an entry was identified under leaves the catalogue, the entry exits
 * (standard_changed) and the reload names it. */
static void catalogue_change_exits_what_no_longer_fits(void)
{
	char *a = org(14);
	jrp_catalog *old;
	size_t n = 0;
	start("2026-11-23T09:00:00+08:00");
	record("tax_bureau", RK_PENALTY, "tax", SUBJECT_ORG, a, "tax_fraud", 5000000, "2026-11-20");
	at("2026-12-10");
	/* the same catalogue, but tax.major_violation made red-listing: the entry no longer fits */
	old = D.cat;
	{
		jrp_catalog *next;
		jrp_error e;
		CHECK_INT(catalog_load(JRP_SOURCE_ROOT "/rules", D.parties, &next, &e), 0);
		for (size_t i = 0; i < next->nstandards; i++)
			if (strcmp(next->standards[i].id, "tax.major_violation") == 0)
				next->standards[i].list = LIST_FOCUS;
		A.cat = next;
		seen = 0;
		CHECK_INT(lists_reevaluate(&A, old, count_changed, "standard_changed_list", &n), 0);
		CHECK_INT(n, 1);
		CHECK_INT(seen, 1);
		CHECK_INT(state(a, LIST_BLACK), ENTRY_EXITED);
		CHECK_INT(on(a, LIST_BLACK)->exit_reason, EXIT_STANDARD_CHANGED);
		A.cat = old;
		catalog_free(&next);
	}
	finish();
}

/* A stored entry that does not read back is damage: the rules stop (JRP_ESTORE), never default. */
static void damaged_entry_is_not_defaulted(void)
{
	unsigned char k[8];
	entry en;
	start("2026-11-23T09:00:00+08:00");
	be64_put(k, 99);
	CHECK_INT(kv_put(A.txn, A.db[ADB_ENTRIES], k, 8, "\x81\xa2id\x63", 5, 0), 0);   /* {id: 99} and nothing else */
	CHECK_INT(entry_load(&A, 99, &en), JRP_ESTORE);
	finish();
}

int main(void)
{
	RUN(window_in_working_days);
	RUN(persons_are_notified_first);
	RUN(serious_dishonesty_is_notified_first);
	RUN(one_notice_covers_linked_persons);
	RUN(listing_waits_for_a_final_decision);
	RUN(repeat_offence_extends_the_listing);
	RUN(escalation_whatever_the_domain);
	RUN(persons_reached_where_measures_say);
	RUN(history_has_no_cap);
	RUN(black_and_red_never_together);
	RUN(warning_after_three_key_domains);
	RUN(focus_escalates_to_black);
	RUN(objection_suspends_then_decides);
	RUN(objection_in_the_window_holds_the_entry);
	RUN(repair_after_minimum_with_methods);
	RUN(expiry_then_focus_after_black);
	RUN(one_entry_per_standard);
	RUN(rectification_then_interview);
	RUN(persons_linked_to_the_organisation);
	RUN(publication_masks_persons);
	RUN(double_publicity);
	RUN(catalogue_change_exits_what_no_longer_fits);
	RUN(damaged_entry_is_not_defaulted);
	TAP_DONE();
}
