/*
 * test_asof.c - the check as of a past instant (issue 14 item 3): a subject disputing a measure asks what
 * was in force on the day it was applied, and under which catalogue. DOMAIN.md "Measures": the catalogue is
 * managed dynamically and every decision must say which catalogue version it used [001 §(五)3]; "Trigger,
 * response, feedback": agencies check before every handling [001 §(四)1]; "Lists": an entry's record is
 * complete [001 §(二)3].
 *
 * On the real daemons: a company black-listed (effective 2026-12-01), the catalogue changed on 12-10 (the
 * procurement measure renamed, version 2026.12-2), the entry revoked after an objection on 12-15. Asked as of
 * 11-25, 12-05, 12-12 and 12-16, dispatch answers exactly what was in force then, with the catalogue of then
 * (its version, since when, the measure as it was named) and the change that put the entry in that state;
 * the answers survive a restart of dispatch (the kept catalogue is read back from its store); an as-of check
 * is not recorded as a check; bad instants are refused with the field.
 */
#include "harness.h"
#include "proto.h"
#include "../tap.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static harness H;
static uint64_t gp_task;   /* the procurement centre's apply task, fed back on 12-06 */
#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

/* replace - the first `from` after `anchor` in rules/file becomes `to` */
static int replace(const char *file, const char *anchor, const char *from, const char *to)
{
	char path[400];
	snprintf(path, sizeof path, "%s/rules/%s", H.dir, file);
	return h_replace_in(path, anchor, from, to);
}

/* asof - dispatch's check of H_ORG1 for public procurement as of `when`; 0 or JRP_EREPLY */
static int asof(const char *when, msg_in *in, jrp_error *e)
{
	return J(SVC_DISPATCH, in, e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\",\"subject\":\"%s\","
		 "\"matter\":\"public_procurement\",\"as_of_time\":\"%s\"}", H_ORG1, when);
}

/* gp_name - the name of measure P-GP-01 in the answer's first entry ("" if none) */
static const char *gp_name(const msgpack_object *reply, char *buf, size_t n)
{
	const msgpack_object *es = obj_get(reply, "entries"), *ms;
	buf[0] = '\0';
	if (!es || es->type != MSGPACK_OBJECT_ARRAY || !es->via.array.size)
		return buf;
	ms = obj_get(&es->via.array.ptr[0], "measures");
	for (uint32_t i = 0; ms && i < ms->via.array.size; i++)
		if (obj_str_eq(obj_get(&ms->via.array.ptr[i], "id"), "P-GP-01"))
			obj_cstr(&ms->via.array.ptr[i], "name", buf, n);
	return buf;
}

static uint64_t out_last(void)
{
	msg_in in;
	jrp_error e;
	uint64_t v = 0;
	if (J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"status\",\"id\":1}") == 0)
		v = obj_u64(in.root, "log_last");
	msg_in_free(&in);
	return v;
}

typedef struct want {
	const char *when;
	bool listed;
	const char *version;
	const char *gp;          /* P-GP-01's name then (NULL: not listed) */
} want;

static void ask_all(const want *w, size_t n, const char *label)
{
	for (size_t i = 0; i < n; i++) {
		msg_in in;
		jrp_error e;
		char v[40], name[200];
		int rc = asof(w[i].when, &in, &e);
		CHECK_INT(rc, 0);
		if (rc == 0) {
			CHECK(obj_bool(in.root, "listed") == w[i].listed);
			CHECK_STR(obj_cstr(in.root, "catalog_version", v, sizeof v), w[i].version);
			if (w[i].gp) {
				const msgpack_object *es = obj_get(in.root, "entries");
				CHECK_STR(gp_name(in.root, name, sizeof name), w[i].gp);
				CHECK(es && es->via.array.size == 1 && obj_u64(&es->via.array.ptr[0], "change_seq") > 0 &&
				      obj_get(&es->via.array.ptr[0], "since") != NULL);
			}
		} else {
			printf("# %s as of %s: [%s] %s %s\n", label, w[i].when, e.code, e.field, e.message);
		}
		msg_in_free(&in);
	}
}

static void as_of_a_past_instant(void)
{
	msg_in in;
	jrp_error e;
	mw w;
	uint64_t entry;
	char state[16], reason[40];
	static const char *old_name = "限制参与政府采购活动";
	static const char *new_name = "限制参与政府采购活动（2026年12月修订）";

	CHECK_INT(h_clock(&H, "2026-11-23T09:00:00+08:00"), 0);
	h_tax_penalty(&w, "ASOF-1", H_ORG1, "示范科技有限公司", "tax_fraud", 5000000, NULL, "2026-11-20");
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_clock(&H, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	entry = h_entry(&H, H_ORG1, "black", state, reason);
	CHECK(entry > 0);
	CHECK_STR(state, "effective");

	/* the procurement centre applies its measure on 12-06 and says so */
	CHECK_INT(h_clock(&H, "2026-12-06T09:00:00+08:00"), 0);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"party\":\"office\",\"subject\":\"%s\"}",
		    H_ORG1), 0);
	{
		const msgpack_object *ts = obj_get(in.root, "tasks");
		for (uint32_t i = 0; ts && i < ts->via.array.size; i++) {
			const msgpack_object *t = obj_get(&ts->via.array.ptr[i], "task");
			if (obj_str_eq(obj_get(t, "agency"), "procurement_centre") && obj_str_eq(obj_get(t, "action"), "apply"))
				gp_task = obj_u64(t, "task");
		}
	}
	msg_in_free(&in);
	CHECK(gp_task > 0);
	CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"feedback.submit\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"task\":%llu,\"result\":\"applied\"}", (unsigned long long)gp_task), 0);
	msg_in_free(&in);

	/* the office changes the catalogue on 12-10: the procurement measure gets a new name */
	CHECK_INT(h_clock(&H, "2026-12-10T09:00:00+08:00"), 0);
	CHECK_INT(replace("catalog.yaml", "version:", "2026.12-1", "2026.12-2"), 0);
	CHECK_INT(replace("measures.yaml", "id: P-GP-01", old_name, new_name), 0);
	for (int s = SVC__N - 1; s >= 0; s--) {
		mw_init(&w);
		h_req(&w, T_CATALOG_RELOAD, "office");
		CHECK_INT(h_call(&H, s, &w, &in, &e), 0);
		msg_in_free(&in);
		mw_free(&w);
	}
	CHECK_INT(h_settle(&H), 0);

	/* an objection on 12-14, found right on 12-15: the entry is revoked */
	CHECK_INT(h_clock(&H, "2026-12-14T09:00:00+08:00"), 0);
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"objection.file\",\"id\":1,\"party\":\"office\","
		    "\"entry\":%llu,\"reason\":\"主体称已补缴税款\"}", (unsigned long long)entry), 0);
	msg_in_free(&in);
	CHECK_INT(h_clock(&H, "2026-12-15T09:00:00+08:00"), 0);
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"objection.decide\",\"id\":1,\"party\":\"tax_bureau\","
		    "\"entry\":%llu,\"outcome\":\"wrong\"}", (unsigned long long)entry), 0);
	msg_in_free(&in);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_clock(&H, "2026-12-16T10:00:00+08:00"), 0);

	const want wants[] = {
		{ "2026-11-25", false, "2026.12-1", NULL },                           /* proposed, not in force */
		{ "2026-12-05", true, "2026.12-1", old_name },                        /* in force, the old catalogue */
		{ "2026-12-12T12:00:00+08:00", true, "2026.12-2", new_name },         /* in force, the new catalogue */
		{ "2026-12-14T12:00:00+08:00", true, "2026.12-2", NULL },             /* suspended while verified */
		{ "2026-12-16", false, "2026.12-2", NULL },                           /* revoked on 12-15 */
	};
	uint64_t before = out_last();
	ask_all(wants, sizeof wants / sizeof wants[0], "before a restart");
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(out_last(), before);   /* not a check before handling: nothing recorded */
	/* suspended while the objection was verified: listed, no measure bites (DOMAIN.md Life 6) */
	CHECK_INT(asof("2026-12-14T12:00:00+08:00", &in, &e), 0);
	{
		const msgpack_object *es = obj_get(in.root, "entries");
		CHECK(es && es->via.array.size == 1 && obj_bool(&es->via.array.ptr[0], "suspended"));
	}
	msg_in_free(&in);
	/* and today's check says the same as the last as-of one: not listed */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"subject\":\"%s\",\"matter\":\"public_procurement\"}", H_ORG1), 0);
	CHECK(!obj_bool(in.root, "listed"));
	msg_in_free(&in);

	/* dispatch restarted: the old catalogue is read back from its store */
	h_kill(&H, SVC_DISPATCH, 9);   /* SIGKILL: nothing but the store survives */
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	ask_all(wants, sizeof wants / sizeof wants[0], "after a restart");
}

/* entries_asof - entries.get as of `when`: the one entry's state and its number of history items ("" / 0: none) */
static void entries_asof(const char *when, char state[16], uint64_t *nhist, bool *suspended)
{
	msg_in in;
	jrp_error e;
	state[0] = '\0';
	*nhist = 0;
	*suspended = false;
	if (J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"tax_bureau\",\"subject\":\"%s\","
	      "\"as_of_time\":\"%s\"}", H_ORG1, when) != 0) {
		printf("# entries.get as of %s: [%s] %s %s\n", when, e.code, e.field, e.message);
	} else {
		const msgpack_object *es = obj_get(in.root, "entries");
		if (es && es->via.array.size == 1) {
			obj_cstr(&es->via.array.ptr[0], "state", state, 16);
			*nhist = obj_u64(&es->via.array.ptr[0], "history_total");
			*suspended = obj_bool(&es->via.array.ptr[0], "suspended");
			const msgpack_object *h = obj_get(&es->via.array.ptr[0], "history");
			CHECK(h && h->via.array.size == *nhist);   /* the history up to then, no later item */
		}
	}
	msg_in_free(&in);
}

/* the subject's record as of a past instant: its records then (ingest) and its entries as they were (adjudicate) */
static void subject_record_as_of(void)
{
	msg_in in;
	jrp_error e;
	char state[16];
	uint64_t n1, n2, n3, n4;
	bool susp;
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"party\":\"tax_bureau\","
		    "\"subject\":\"%s\",\"as_of_time\":\"2026-11-22\"}", H_ORG1), 0);
	CHECK(obj_get(in.root, "records") && obj_get(in.root, "records")->via.array.size == 0);   /* reported on 11-23 */
	msg_in_free(&in);
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"party\":\"tax_bureau\","
		    "\"subject\":\"%s\",\"as_of_time\":\"2026-11-24\"}", H_ORG1), 0);
	CHECK(obj_get(in.root, "records") && obj_get(in.root, "records")->via.array.size == 1);
	msg_in_free(&in);

	entries_asof("2026-11-22", state, &n1, &susp);
	CHECK_STR(state, "");                       /* not identified yet */
	entries_asof("2026-11-25", state, &n1, &susp);
	CHECK_STR(state, "proposed");
	entries_asof("2026-12-05", state, &n2, &susp);
	CHECK_STR(state, "effective");
	CHECK(!susp);
	entries_asof("2026-12-14T12:00:00+08:00", state, &n3, &susp);
	CHECK_STR(state, "effective");
	CHECK(susp);                                 /* the objection being verified (DOMAIN.md Life 6) */
	entries_asof("2026-12-16", state, &n4, &susp);
	CHECK_STR(state, "exited");
	CHECK(n1 > 0 && n1 < n2 && n2 < n3 && n3 < n4);   /* each answer's history ends where it was then */
	/* the tasks as they were: on 12-05 the centre's apply task was pending, on 12-07 applied with its feedback */
	{
		static const struct { const char *when; const char *state; bool fb; } tw[] = {
			{ "2026-11-30", NULL, false }, { "2026-12-05", "pending", false }, { "2026-12-07", "applied", true },
		};
		for (size_t i = 0; i < 3; i++) {
			CHECK_INT(J(SVC_FEEDBACK, &in, &e, "{\"v\":1,\"type\":\"tasks.get\",\"id\":1,\"party\":\"office\","
				    "\"subject\":\"%s\",\"as_of_time\":\"%s\"}", H_ORG1, tw[i].when), 0);
			const msgpack_object *ts = obj_get(in.root, "tasks"), *mine = NULL;
			for (uint32_t j = 0; ts && j < ts->via.array.size; j++)
				if (obj_u64(obj_get(&ts->via.array.ptr[j], "task"), "task") == gp_task)
					mine = &ts->via.array.ptr[j];
			char st[24] = "";
			if (mine)
				obj_cstr(mine, "state", st, sizeof st);
			if (tw[i].state)
				CHECK_STR(st, tw[i].state);
			else
				CHECK(mine == NULL);   /* pushed on 12-01 */
			CHECK((mine && obj_get(mine, "feedback") != NULL) == tw[i].fb);
			msg_in_free(&in);
		}
	}
	/* adjudicate restarted: the same */
	h_kill(&H, SVC_ADJUDICATE, 9);
	CHECK_INT(h_start_daemon(&H, SVC_ADJUDICATE), 0);
	entries_asof("2026-12-05", state, &n1, &susp);
	CHECK_STR(state, "effective");
	CHECK_INT(n1, n2);
	/* an instant in the future is refused, by each */
	CHECK_INT(J(SVC_ADJUDICATE, &in, &e, "{\"v\":1,\"type\":\"entries.get\",\"id\":1,\"party\":\"tax_bureau\","
		    "\"subject\":\"%s\",\"as_of_time\":\"2030-01-01\"}", H_ORG1), JRP_EREPLY);
	CHECK_STR(e.field, "as_of_time");
	msg_in_free(&in);
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"records.get\",\"id\":1,\"party\":\"tax_bureau\","
		    "\"subject\":\"%s\",\"as_of_time\":\"2030-01-01\"}", H_ORG1), JRP_EREPLY);
	CHECK_STR(e.field, "as_of_time");
	msg_in_free(&in);
}

static void refused_instants(void)
{
	msg_in in;
	jrp_error e;
	CHECK_INT(asof("2027-01-01", &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "bad_value");
	CHECK_STR(e.field, "as_of_time");
	msg_in_free(&in);
	CHECK_INT(asof("yesterday", &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "bad_value");
	msg_in_free(&in);
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"subject\":\"%s\",\"matter\":\"public_procurement\",\"as_of_time\":true}", H_ORG1), JRP_EREPLY);
	CHECK_STR(e.code, "wrong_type");
	msg_in_free(&in);
	/* an instant in milliseconds is read as one */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"procurement_centre\","
		    "\"subject\":\"%s\",\"matter\":\"public_procurement\",\"as_of_time\":1796518800000}", H_ORG1), 0);
	CHECK(obj_bool(in.root, "listed"));   /* 2026-12-06T09:00+08:00 */
	msg_in_free(&in);
}

int main(void)
{
	if (h_start_own_rules(&H) < 0) {
		printf("not ok 1 - start\n1..1\n");
		return 1;
	}
	RUN(as_of_a_past_instant);
	RUN(subject_record_as_of);
	RUN(refused_instants);
	h_stop(&H);
	TAP_DONE();
}
