/*
 * test_reload.c - the catalogue changes without a restart
 *
 * DESIGN.md "Rules as data": a catalogue is validated completely before it
 * replaces the one in force; a bad file changes nothing and says exactly where
 * it is wrong; decisions record the version they used. DOMAIN.md Life 8
 * [001 §(五)6] and Measures [001 §(五)3] (managed dynamically): when a standard
 * changes so that an entry no longer fits, the reload re-evaluates the affected
 * entries, says which changed, and they exit with stop tasks.
 */
#include "../tap.h"
#include "codes.h"
#include "harness.h"
#include "proto.h"
#include <stdio.h>
#include <stdlib.h>

static harness H;
static char X[19];

/* replace - the first `from` after `anchor` in rules/file becomes `to` */
static int replace(const char *file, const char *anchor, const char *from, const char *to)
{
	char path[400];
	snprintf(path, sizeof path, "%s/rules/%s", H.dir, file);
	return h_replace_in(path, anchor, from, to);
}

static int reload(int svc, msg_in *in, jrp_error *e)
{
	mw w;
	int rc;
	mw_init(&w);
	h_req(&w, T_CATALOG_RELOAD, "office");
	rc = h_call(&H, svc, &w, in, e);
	mw_free(&w);
	return rc;
}

static const char *version(int svc, char *buf, size_t n)
{
	mw w;
	msg_in in;
	jrp_error e;
	buf[0] = 0;
	mw_init(&w);
	h_req(&w, T_STATUS, NULL);
	if (h_call(&H, svc, &w, &in, &e) == 0)
		obj_cstr(in.root, "catalog_version", buf, n);
	msg_in_free(&in);
	mw_free(&w);
	return buf;
}

static uint64_t focus_entry(char *state, size_t n)
{
	mw w;
	msg_in in;
	jrp_error e;
	uint64_t id = 0;
	mw_init(&w);
	h_req(&w, T_ENTRIES_GET, "office");
	mw_kstr(&w, "subject", X);
	if (h_call(&H, SVC_ADJUDICATE, &w, &in, &e) == 0 && obj_get(in.root, "entries")->via.array.size) {
		const msgpack_object *en = &obj_get(in.root, "entries")->via.array.ptr[0];
		id = obj_u64(en, "id");
		obj_cstr(en, "state", state, n);
	}
	msg_in_free(&in);
	mw_free(&w);
	return id;
}

static void setup_entry(void)
{
	mw w;
	msg_in in;
	jrp_error e;
	char state[16];
	mw_init(&w);
	h_req(&w, T_RECORD_SUBMIT, "market_regulator");
	mw_str(&w, "record");
	mw_map(&w);
	mw_kstr(&w, "record_id", "MK-X-1");
	mw_kstr(&w, "kind", "penalty");
	mw_kstr(&w, "domain", "market");
	mw_str(&w, "subject");
	mw_map(&w);
	mw_kstr(&w, "type", "org");
	mw_kstr(&w, "code", X);
	mw_kstr(&w, "name", "壬公司");
	mw_end(&w);
	mw_kstr(&w, "decision_date", "2026-11-20");
	mw_str(&w, "notice");   /* the focus standard notifies first (notice: true) */
	mw_map(&w);
	mw_kstr(&w, "date", "2026-11-20");
	mw_end(&w);
	mw_kstr(&w, "violation", "repeated_minor_violation");
	mw_end(&w);
	CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), 0);
	msg_in_free(&in);
	mw_free(&w);
	CHECK_INT(h_clock(&H, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	CHECK(focus_entry(state, sizeof state) > 0);
	CHECK_STR(state, "effective");
}

/* a catalogue that fails validation never replaces the one in force; the error gives file:line:col */
static void bad_catalogue_changes_nothing(void)
{
	msg_in in;
	jrp_error e;
	char v[40];
	CHECK_INT(replace("standards.yaml", "id: market.repeated_violation", "notice_period: 5wd", "notice_periodz: 5wd"), 0);
	CHECK_INT(replace("catalog.yaml", "version:", "2026.12-1", "2026.12-2"), 0);
	CHECK_INT(reload(SVC_ADJUDICATE, &in, &e), JRP_EREPLY);
	msg_in_free(&in);
	CHECK_STR(e.code, "config");
	CHECK(strstr(e.field, "standards.yaml:") != NULL);
	CHECK(strstr(e.message, "notice_periodz") != NULL);
	CHECK_STR(version(SVC_ADJUDICATE, v, sizeof v), "2026.12-1");
	CHECK_INT(replace("standards.yaml", "id: market.repeated_violation", "notice_periodz: 5wd", "notice_period: 5wd"), 0);
	/* only the office reloads */
	{
		mw w;
		mw_init(&w);
		h_req(&w, T_CATALOG_RELOAD, "tax_bureau");
		CHECK_INT(h_call(&H, SVC_INGEST, &w, &in, &e), JRP_EREPLY);
		CHECK_STR(e.code, "forbidden");
		msg_in_free(&in);
		mw_free(&w);
	}
}

/* the standard changes: the entry no longer fits, the reload names it, it exits with stop tasks */
static void changed_standard_exits_entries(void)
{
	msg_in in;
	jrp_error e;
	char v[40], state[16];
	const msgpack_object *ch;
	uint64_t id = focus_entry(state, sizeof state);
	/* market.repeated_violation now applies to persons only */
	CHECK_INT(replace("standards.yaml", "id: market.repeated_violation", "subject_types: [org]", "subject_types: [person]"), 0);
	for (int s = SVC__N - 1; s >= SVC_ADJUDICATE; s--) {
		CHECK_INT(reload(s, &in, &e), 0);
		if (s == SVC_ADJUDICATE) {
			ch = obj_get(in.root, "changed");
			CHECK(ch && ch->via.array.size == 1);
			if (ch && ch->via.array.size == 1) {
				CHECK_INT(obj_u64(&ch->via.array.ptr[0], "entry"), id);
				CHECK(obj_str_eq(obj_get(&ch->via.array.ptr[0], "reason"), "standard_changed_subjects"));
			}
		}
		msg_in_free(&in);
	}
	CHECK_INT(reload(SVC_INGEST, &in, &e), 0);
	msg_in_free(&in);
	CHECK_STR(version(SVC_INGEST, v, sizeof v), "2026.12-2");
	CHECK_STR(version(SVC_DISPATCH, v, sizeof v), "2026.12-2");
	/* the same version again is refused: a changed catalogue needs a new version */
	CHECK_INT(reload(SVC_FEEDBACK, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "conflict");
	msg_in_free(&in);
	CHECK_INT(h_settle(&H), 0);
	focus_entry(state, sizeof state);
	CHECK_STR(state, "exited");
	/* and an org record under the changed standard no longer lists anyone */
	{
		mw w;
		mw_init(&w);
		h_req(&w, T_CHECK, "market_regulator");
		mw_kstr(&w, "subject", X);
		mw_kstr(&w, "matter", "supervision");
		CHECK_INT(h_call(&H, SVC_DISPATCH, &w, &in, &e), 0);
		CHECK(!obj_bool(in.root, "listed"));
		msg_in_free(&in);
		mw_free(&w);
	}
}

static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	snprintf(X, sizeof X, "91350100MC0000001");
	X[17] = codes_uscc_checkchar(X);
	X[18] = 0;
	if (h_start_own_rules(&H) != 0) {
		printf("Bail out! could not start the daemons\n");
		return 1;
	}
	RUN(setup_entry);
	RUN(bad_catalogue_changes_nothing);
	RUN(changed_standard_exits_entries);
	RUN(clean_shutdown);
	TAP_DONE();
}
