/*
 * test_daily.c - the office's figures day by day (README feedback, stats.daily), on the four real
 * daemons with the test clock
 *
 * DOMAIN.md "Monitoring by the office" [001 四(三)] [003 六]: the office follows the mechanism over
 * time. Three tax-fraud black-list records are identified on Monday 2026-11-23 and take effect on
 * 2026-12-10 when their window has passed; agencies check subjects on both days and report on their
 * apply tasks on 2026-12-10 and 2026-12-11, and an objection is filed on 2026-12-11. Each shows on the
 * day it happened at its source (README stats.get: a change or task when made, feedback on its
 * date, a check when answered), every other day of the period is there with zeros, and the days
 * add up to what stats.get says for the same period.
 */
#include "../tap.h"
#include "calendar.h"
#include "harness.h"
#include "proto.h"
#include <string.h>

static harness H;

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

static char X[3][19];

static bool ok(int svc, const char *json)
{
	msg_in in;
	jrp_error e;
	int rc = J(svc, &in, &e, "%s", json);
	msg_in_free(&in);
	if (rc != 0)
		printf("# refused: [%s] %s: %s\n#   %s\n", e.code, e.field, e.message, json);
	return rc == 0;
}

static bool check(const char *code)
{
	char json[300];
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"land_office\",\"subject\":\"%s\","
		 "\"matter\":\"land_transfer\"}", code);
	return ok(SVC_DISPATCH, json);
}

static void clock_to(const char *t)
{
	CHECK_INT(h_clock(&H, t), 0);
	CHECK_INT(h_settle(&H), 0);
}

/* the first apply tasks of some agency's stream: its id into agency, their seqs into t */
typedef struct applies {
	uint64_t t[8];
	int n;
} applies;

static void apply_one(void *arg, const msgpack_object *task)
{
	applies *a = arg;
	if (obj_str_eq(obj_get(task, "action"), "apply") && a->n < 8)
		a->t[a->n++] = obj_u64(task, "seq");
}

static const char *const agencies[] = { "land_office", "procurement_centre", "public_resource_trading", "bank_regulator",
					 "dev_reform", "tax_bureau", "market_regulator", NULL };

static const char *agency_with_tasks(applies *a)
{
	for (int i = 0; agencies[i]; i++) {
		memset(a, 0, sizeof *a);
		if (h_stream_each(&H, agencies[i], apply_one, a) >= 0 && a->n >= 2)
			return agencies[i];
	}
	return NULL;
}

static bool feedback(const char *agency, uint64_t task, const char *date)
{
	char json[300];
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"%s\",\"task\":%llu,"
		 "\"result\":\"applied\"%s%s%s}", agency, (unsigned long long)task, date ? ",\"date\":\"" : "",
		 date ? date : "", date ? "\"" : "");
	return ok(SVC_FEEDBACK, json);
}

static void happen(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	applies a;
	const char *agency;
	char json[200];
	clock_to("2026-11-23T09:00:00+08:00");
	for (int i = 0; i < 3; i++) {
		char rid[20];
		h_uscc("91350100MD", i, X[i]);
		snprintf(rid, sizeof rid, "DAY-%d", i);
		h_tax_penalty(&w, rid, X[i], "逐日统计企业", "tax_fraud", 5000000, NULL, "2026-11-20");
		CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
		msg_in_free(&in);
		mw_free(&w);
	}
	CHECK(check(X[0]));   /* proposed, not in force: not listed yet */
	CHECK(check(H_ORG1));
	CHECK_INT(h_settle(&H), 0);
	/* the company's 5 working days to state its case have passed: in force, tasks pushed */
	clock_to("2026-12-10T09:00:00+08:00");
	CHECK(check(X[0]));   /* listed now */
	CHECK(agency = agency_with_tasks(&a));
	if (!agency)
		return;
	CHECK(feedback(agency, a.t[0], NULL));
	clock_to("2026-12-11T09:00:00+08:00");
	CHECK(feedback(agency, a.t[1], NULL));
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\",\"entry\":%llu,"
		 "\"reason\":\"主体称已补缴\"}", (unsigned long long)h_entry(&H, X[1], "black", NULL, NULL));
	CHECK(ok(SVC_ADJUDICATE, json));
	CHECK_INT(h_settle(&H), 0);
}

static int daily(const char *from, const char *to, msg_in *in, jrp_error *e)
{
	return J(SVC_FEEDBACK, in, e, "{\"v\":1,\"type\":\"stats.daily\",\"id\":1,\"party\":\"office\",\"from\":\"%s\","
		 "\"to\":\"%s\"}", from, to);
}

static const msgpack_object *day(const msg_in *in, const char *date)
{
	const msgpack_object *ds = obj_get(in->root, "days");
	for (uint32_t i = 0; ds && i < ds->via.array.size; i++)
		if (obj_str_eq(obj_get(&ds->via.array.ptr[i], "date"), date))
			return &ds->via.array.ptr[i];
	return NULL;
}

/* the figures of a day element: its own and listed_by_list's */
static const char *const figures[] = { "proposed", "listed", "exited", "objections_filed", "objections_decided",
				       "repairs_applied", "repairs_decided", "tasks_pushed", "tasks_stopped", "applied",
				       "not_applicable", "failed", "cases", "checks", "checks_listed", NULL };
static const char *const lists[] = { "red", "black", "focus", "warning", NULL };

static uint64_t fig(const msgpack_object *d, const char *name)
{
	for (int l = 0; lists[l]; l++)
		if (strcmp(name, lists[l]) == 0)
			return obj_u64(obj_get(d, "listed_by_list"), name);
	return obj_u64(d, name);
}

/* zero - every figure of d is 0 */
static bool zero(const msgpack_object *d)
{
	for (int k = 0; figures[k]; k++)
		if (fig(d, figures[k]))
			return false;
	for (int l = 0; lists[l]; l++)
		if (fig(d, lists[l]))
			return false;
	return true;
}

/* README feedback, stats.daily: one element a day, zeros too, in date order; each on its own day */
static void each_on_its_day(void)
{
	msg_in in;
	jrp_error e;
	const msgpack_object *ds, *a, *b, *c;
	char want[11];
	CHECK_INT(daily("2026-11-22", "2026-12-12", &in, &e), 0);
	CHECK(obj_str_eq(obj_get(in.root, "from"), "2026-11-22") && obj_str_eq(obj_get(in.root, "to"), "2026-12-12"));
	ds = obj_get(in.root, "days");
	CHECK(ds && ds->via.array.size == 21);
	for (uint32_t i = 0; ds && i < ds->via.array.size; i++) {
		const msgpack_object *d = &ds->via.array.ptr[i];
		date_format(date_from_ymd(2026, 11, 22) + (jrp_date)i, want);
		CHECK(obj_str_eq(obj_get(d, "date"), want));
		if (!obj_str_eq(obj_get(d, "date"), "2026-11-23") && !obj_str_eq(obj_get(d, "date"), "2026-12-10") &&
		    !obj_str_eq(obj_get(d, "date"), "2026-12-11") && !zero(d)) {
			printf("# %s is not all zeros\n", want);
			CHECK(0);
		}
	}
	/* the day identified: three entries proposed, two checks (none found a subject listed) */
	CHECK(a = day(&in, "2026-11-23"));
	CHECK_INT(fig(a, "proposed"), 3);
	CHECK_INT(fig(a, "listed"), 0);
	CHECK_INT(fig(a, "checks"), 2);
	CHECK_INT(fig(a, "checks_listed"), 0);
	CHECK_INT(fig(a, "tasks_pushed"), 0);
	/* the day in force: three black-list entries, their apply tasks, one feedback, a check that found one */
	CHECK(b = day(&in, "2026-12-10"));
	CHECK_INT(fig(b, "proposed"), 0);
	CHECK_INT(fig(b, "listed"), 3);
	CHECK_INT(fig(b, "black"), 3);
	CHECK_INT(fig(b, "red"), 0);
	CHECK(fig(b, "tasks_pushed") >= 6);
	CHECK_INT(fig(b, "applied"), 1);
	CHECK_INT(fig(b, "checks"), 1);
	CHECK_INT(fig(b, "checks_listed"), 1);
	CHECK_INT(fig(b, "objections_filed"), 0);
	/* the next day: the second feedback and the objection */
	CHECK(c = day(&in, "2026-12-11"));
	CHECK_INT(fig(c, "applied"), 1);
	CHECK_INT(fig(c, "objections_filed"), 1);
	CHECK_INT(fig(c, "listed"), 0);
	CHECK_INT(fig(c, "tasks_pushed"), 0);
	msg_in_free(&in);
}

/* stats_of - stats.get over from..to */
static int stats_of(const char *from, const char *to, msg_in *in)
{
	jrp_error e;
	return J(SVC_FEEDBACK, in, &e, "{\"v\":1,\"type\":\"stats.get\",\"id\":1,\"party\":\"office\",\"from\":\"%s\","
		 "\"to\":\"%s\"}", from, to);
}

/* what stats.get says of the period for figure name of stats.daily */
static uint64_t period_figure(const msg_in *s, const char *name)
{
	const msgpack_object *en = obj_get(s->root, "entries"), *tk = obj_get(s->root, "tasks"),
			     *fb = obj_get(s->root, "feedback"), *ck = obj_get(s->root, "checks"), *bd = obj_get(s->root, "by_domain");
	if (strcmp(name, "listed") == 0 || strcmp(name, "red") == 0 || strcmp(name, "black") == 0 ||
	    strcmp(name, "focus") == 0 || strcmp(name, "warning") == 0) {
		uint64_t n = 0;
		for (uint32_t i = 0; bd && i < bd->via.array.size; i++)
			if (strcmp(name, "listed") == 0 || obj_str_eq(obj_get(&bd->via.array.ptr[i], "list"), name))
				n += obj_u64(&bd->via.array.ptr[i], "effective");
		return n;
	}
	if (strcmp(name, "proposed") == 0)
		return obj_u64(en, "proposed_total");
	if (strcmp(name, "exited") == 0)
		return obj_u64(en, "exited_total");
	if (strncmp(name, "objections_", 11) == 0 || strncmp(name, "repairs_", 8) == 0)
		return obj_u64(en, name);
	if (strcmp(name, "tasks_pushed") == 0)
		return obj_u64(tk, "apply");
	if (strcmp(name, "tasks_stopped") == 0)
		return obj_u64(tk, "stop");
	if (strcmp(name, "checks") == 0)
		return obj_u64(ck, "total");
	if (strcmp(name, "checks_listed") == 0)
		return obj_u64(ck, "listed");
	return obj_u64(fb, name);   /* applied, not_applicable, failed, cases */
}

/* the sum over the days is stats.get's figure for the same period, and one day is stats.get of that day */
static bool agrees(const char *from, const char *to)
{
	msg_in d, s;
	jrp_error e;
	bool good = daily(from, to, &d, &e) == 0 && stats_of(from, to, &s) == 0;
	const msgpack_object *ds = good ? obj_get(d.root, "days") : NULL;
	for (int pass = 0; good && pass < 2; pass++)
		for (int k = 0; (pass ? lists : figures)[k]; k++) {
			const char *name = (pass ? lists : figures)[k];
			uint64_t sum = 0;
			for (uint32_t i = 0; i < ds->via.array.size; i++)
				sum += fig(&ds->via.array.ptr[i], name);
			if (sum != period_figure(&s, name)) {
				printf("# %s..%s %s: days add up to %llu, stats.get says %llu\n", from, to, name,
				       (unsigned long long)sum, (unsigned long long)period_figure(&s, name));
				good = false;
			}
		}
	msg_in_free(&d);
	msg_in_free(&s);
	return good;
}

static void days_add_up_to_stats_get(void)
{
	msg_in s;
	CHECK(agrees("2026-11-22", "2026-12-12"));
	CHECK(agrees("2026-11-23", "2026-11-23"));
	CHECK(agrees("2026-12-10", "2026-12-10"));
	CHECK(agrees("2026-12-11", "2026-12-11"));
	CHECK(agrees("2026-12-10", "2026-12-11"));
	CHECK(agrees("2025-12-12", "2026-12-12"));   /* 366 days */
	/* and everything so far happened in the period: stats.get in all says the same */
	CHECK_INT(stats_of("2000-01-01", "2026-12-12", &s), 0);
	CHECK(period_figure(&s, "proposed") == 3 && period_figure(&s, "listed") == 3 && period_figure(&s, "checks") == 3);
	msg_in_free(&s);
}

/* README feedback, stats.daily: from and to required, to not before from, at most 366 days; the office's */
static void refusals(void)
{
	msg_in in;
	jrp_error e;
	CHECK_INT(daily("2026-12-12", "2026-12-11", &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "bad_value");
	CHECK_STR(e.field, "to");
	msg_in_free(&in);
	CHECK_INT(daily("2025-12-10", "2026-12-11", &in, &e), JRP_EREPLY);   /* 367 days: 366 is the most */
	CHECK_STR(e.code, "bad_value");
	CHECK_STR(e.field, "to");
	msg_in_free(&in);
	CHECK_INT(daily("2026-02-30", "2026-12-11", &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "bad_value");
	CHECK_STR(e.field, "from");
	msg_in_free(&in);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.daily\",\"id\":1,\"party\":\"office\",\"from\":\"2026-12-01\"}"),
		  JRP_EREPLY);
	CHECK_STR(e.code, "missing_field");
	CHECK_STR(e.field, "to");
	msg_in_free(&in);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.daily\",\"id\":1,\"party\":\"land_office\","
		    "\"from\":\"2026-12-01\",\"to\":\"2026-12-02\"}"), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"stats.daily\",\"id\":1,\"party\":\"office\","
		    "\"from\":\"2026-12-01\",\"to\":\"2026-12-02\",\"list\":\"black\"}"), JRP_EREPLY);
	CHECK_STR(e.code, "unknown_field");
	msg_in_free(&in);
}

int main(void)
{
	if (h_start(&H) != 0) {
		printf("Bail out! daemons did not start\n");
		return 1;
	}
	RUN(happen);
	RUN(each_on_its_day);
	RUN(days_add_up_to_stats_get);
	RUN(refusals);
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
