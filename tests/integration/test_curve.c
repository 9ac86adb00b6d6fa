/*
 * test_curve.c - authentication on tcp://: the four real daemons on
 * tcp://127.0.0.1 with CURVE, a ZAP handler in each mapping keys to parties
 *
 * DESIGN.md Security: every TCP endpoint uses CURVE; each daemon's ZAP handler
 * maps a client's public key to a party of the registry; unknown keys are
 * refused. DOMAIN.md Publication and privacy [004 ch.3] (access control):
 * a party is who its key says, whatever the request claims.
 */
#include "../tap.h"
#include "clock.h"
#include "harness.h"
#include "proto.h"
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static harness H;
static const char *const keyed[] = { "tax_bureau", "procurement_centre", NULL };   /* + office, the daemons */

/* penalty - a tax record above the black-list amount; party NULL: left out */
static void penalty(mw *w, const char *party, const char *record_id, const char *code)
{
	mw_init(w);
	h_req(w, T_RECORD_SUBMIT, party);
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
	mw_kstr(w, "decision_date", "2026-11-20");
	mw_kbool(w, "final", true);
	mw_str(w, "notice");   /* the bureau notified the company that day */
	mw_map(w);
	mw_kstr(w, "date", "2026-11-20");
	mw_end(w);
	mw_kstr(w, "violation", "tax_evasion");
	mw_ki64(w, "amount", 3500000);
	mw_ki64(w, "base_amount", 20000000);
	mw_end(w);
}

/* call - one request on a client of its own; 0, JRP_EREPLY (then *in must be freed) or no reply */
static int call(jrp_client *c, mw *w, int timeout_ms, msg_in *in, jrp_error *e)
{
	int rc;
	jrp_error_clear(e);
	rc = c ? client_call(c, w, timeout_ms, in, e) : -100;
	mw_free(w);
	return rc;
}

static int ping(jrp_client *c, int timeout_ms)
{
	mw w;
	msg_in in;
	jrp_error e;
	int rc;
	mw_init(&w);
	client_begin(c, &w, T_PING, NULL);
	rc = call(c, &w, timeout_ms, &in, &e);
	if (rc == 0 || rc == JRP_EREPLY)
		msg_in_free(&in);
	return rc;
}

/* log_has - the daemon's log contains s (waiting up to 3 s for it) */
static bool log_has(int svc, const char *s)
{
	char path[400], buf[65536];
	int64_t until = clock_real_ms() + 3000;
	snprintf(path, sizeof path, "%s/%s.log", H.dir, svc_names[svc]);
	do {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof buf - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = 0;
		if (strstr(buf, s))
			return true;
		usleep(20000);
	} while (clock_real_ms() < until);
	return false;
}

/* (a) tax_bureau's key submits a record; it flows ingest -> adjudicate ->
 * dispatch, the pullers authenticating with their daemons' keys; after the
 * objection window procurement_centre's key reads its own stream */
static void key_of_a_department_flows_to_an_agency(void)
{
	jrp_client *tax = h_client(&H, SVC_INGEST, "tax_bureau"), *pc = h_client(&H, SVC_DISPATCH, "procurement_centre");
	mw w;
	msg_in in;
	jrp_error e;
	char buf[32];

	penalty(&w, "tax_bureau", "TAX-C-0001", H_ORG1);
	CHECK_INT(call(tax, &w, 10000, &in, &e), 0);
	CHECK_INT(obj_u64(in.root, "seq"), 1);
	msg_in_free(&in);
	CHECK_INT(h_settle(&H), 0);
	CHECK_INT(h_status_u64(&H, SVC_ADJUDICATE, "cursor"), 1);
	CHECK(h_status_u64(&H, SVC_DISPATCH, "cursor") >= 1);
	/* past the objection window (5 working days from Mon 2026-11-23) */
	CHECK_INT(h_clock(&H, "2026-12-01T09:00:00+08:00"), 0);
	CHECK_INT(h_settle(&H), 0);
	mw_init(&w);
	client_begin(pc, &w, T_TASKS_FETCH, "procurement_centre");
	mw_ku64(&w, "after", 0);
	mw_ku64(&w, "wait_ms", 3000);
	CHECK_INT(call(pc, &w, 10000, &in, &e), 0);
	CHECK_INT(obj_get(in.root, "tasks") ? obj_get(in.root, "tasks")->via.array.size : 0, 1);
	if (obj_get(in.root, "tasks") && obj_get(in.root, "tasks")->via.array.size == 1) {
		const msgpack_object *t = &obj_get(in.root, "tasks")->via.array.ptr[0];
		CHECK_STR(obj_cstr(t, "action", buf, sizeof buf), "apply");
		CHECK_STR(obj_cstr(t, "measure", buf, sizeof buf), "P-GP-01");
	}
	msg_in_free(&in);
	/* the key reads only its own party's stream */
	mw_init(&w);
	client_begin(pc, &w, T_TASKS_FETCH, "bank_regulator");
	CHECK_INT(call(pc, &w, 10000, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	CHECK_STR(e.field, "party");
	msg_in_free(&in);
	client_free(&tax);
	client_free(&pc);
}

/* (b) a key that no party holds: ZAP refuses the handshake, no reply ever
 * comes, and the daemon logs the key and the peer */
static void unknown_key_is_refused(void)
{
	char pub[CONFIG_KEY_Z85], want[120];
	jrp_client *c;

	CHECK_INT(h_keygen(&H, "stranger", pub), 0);
	c = h_client(&H, SVC_INGEST, "stranger");
	CHECK(c != NULL);
	CHECK_INT(ping(c, 1500), JRP_ETIMEOUT);
	client_free(&c);
	snprintf(want, sizeof want, "event=zap_refused key=%s address=127.0.0.1", pub);
	CHECK(log_has(SVC_INGEST, want));
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 1);
}

/* (c) a client without CURVE gets nothing from a tcp:// daemon */
static void no_curve_no_reply(void)
{
	jrp_client *c = client_new(H.cfg->endpoint[SVC_INGEST]);
	CHECK_INT(ping(c, 1500), JRP_ETIMEOUT);
	client_free(&c);
	c = client_new(H.cfg->endpoint[SVC_DISPATCH]);
	CHECK_INT(ping(c, 1000), JRP_ETIMEOUT);
	client_free(&c);
}

/* (d) tax_bureau's key may not speak as another party: forbidden, nothing stored */
static void key_cannot_claim_another_party(void)
{
	jrp_client *tax = h_client(&H, SVC_INGEST, "tax_bureau");
	mw w;
	msg_in in;
	jrp_error e;

	penalty(&w, "procurement_centre", "TAX-C-0002", H_ORG2);
	CHECK_INT(call(tax, &w, 10000, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	CHECK_STR(e.field, "party");
	CHECK(strstr(e.message, "\"tax_bureau\"") != NULL);
	msg_in_free(&in);
	/* a party of the registry that could have sent it over ipc: still not with this key */
	penalty(&w, "court", "TAX-C-0003", H_ORG2);
	CHECK_INT(call(tax, &w, 10000, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	msg_in_free(&in);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 1);
	CHECK(log_has(SVC_INGEST, "event=forbidden key_party=tax_bureau party=procurement_centre"));
	client_free(&tax);
}

/* (e) without "party" the key's party speaks: the record is tax_bureau's; the
 * office's key without "party" is the office, which identifies nothing */
static void party_defaults_to_the_key(void)
{
	jrp_client *tax = h_client(&H, SVC_INGEST, "tax_bureau"), *office = h_client(&H, SVC_INGEST, "office");
	mw w;
	msg_in in;
	jrp_error e;
	char buf[40];
	const msgpack_object *es;

	penalty(&w, NULL, "TAX-C-0004", H_ORG2);
	CHECK_INT(call(tax, &w, 10000, &in, &e), 0);
	CHECK_INT(obj_u64(in.root, "seq"), 2);
	msg_in_free(&in);
	CHECK_INT(h_settle(&H), 0);
	mw_init(&w);
	h_req(&w, T_ENTRIES_GET, NULL);
	mw_kstr(&w, "subject", H_ORG2);
	CHECK_INT(h_call(&H, SVC_ADJUDICATE, &w, &in, &e), 0);   /* h->cl: the office's key */
	mw_free(&w);
	es = obj_get(in.root, "entries");
	CHECK(es && es->via.array.size == 1);
	if (es && es->via.array.size == 1)
		CHECK_STR(obj_cstr(&es->via.array.ptr[0], "party", buf, sizeof buf), "tax_bureau");
	msg_in_free(&in);
	penalty(&w, NULL, "TAX-C-0005", H_ORG2);
	CHECK_INT(call(office, &w, 10000, &in, &e), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	CHECK(strstr(e.message, "office") != NULL);
	msg_in_free(&in);
	CHECK_INT(h_status_u64(&H, SVC_INGEST, "log_last"), 2);
	client_free(&tax);
	client_free(&office);
}

/* run_check - `jrp-SVC -c CONFIG -n`; its exit status, output in out */
static int run_check(const char *bin, char *out, size_t n)
{
	char cmd[1200], path[400];
	FILE *f;
	int st;
	size_t r;
	snprintf(path, sizeof path, "%s/check.out", H.dir);
	snprintf(cmd, sizeof cmd, "'%s' -c '%s' -n > '%s' 2>&1", bin, H.config, path);
	st = system(cmd);
	f = fopen(path, "r");
	r = f ? fread(out, 1, n - 1, f) : 0;
	out[r] = 0;
	if (f)
		fclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* a daemon on tcp:// refuses to start without its key pair, or when others may read it */
static void key_files_are_checked_at_start(void)
{
	char key[400], moved[400], out[2048];

	CHECK_INT(run_check(JRP_BIN_INGEST, out, sizeof out), 0);
	snprintf(key, sizeof key, "%s/ingest.key", H.cfg->keys_dir);
	CHECK_INT(chmod(key, 0640), 0);
	CHECK_INT(run_check(JRP_BIN_INGEST, out, sizeof out), 1);
	CHECK(strstr(out, "ingest.key") && strstr(out, "owner's only"));
	CHECK_INT(chmod(key, 0600), 0);
	/* dispatch pulls from adjudicate over tcp: its own pair is needed for that too */
	snprintf(key, sizeof key, "%s/dispatch.key", H.cfg->keys_dir);
	snprintf(moved, sizeof moved, "%s/dispatch.key.away", H.cfg->keys_dir);
	CHECK_INT(rename(key, moved), 0);
	CHECK_INT(run_check(JRP_BIN_DISPATCH, out, sizeof out), 1);
	CHECK(strstr(out, "dispatch.key") && strstr(out, "no such key file"));
	CHECK_INT(rename(moved, key), 0);
}

/* swap_in_file - replace the first `from` in file path with `to`; 0 or -1 */
static int swap_in_file(const char *path, const char *from, const char *to)
{
	FILE *f = fopen(path, "rb");
	char *s, *p, *out;
	long n;
	int rc = -1;
	if (!f)
		return -1;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	if (fread(s, 1, (size_t)n, f) == (size_t)n && (p = strstr(s, from)) != NULL) {
		out = calloc(1, (size_t)n + strlen(to) + 1);
		memcpy(out, s, (size_t)(p - s));
		strcat(out, to);
		strcat(out, p + strlen(from));
		fclose(f);
		f = fopen(path, "w");
		rc = f && fputs(out, f) >= 0 ? 0 : -1;
		free(out);
	}
	if (f)
		fclose(f);
	free(s);
	return rc;
}

/* Issue 12 item 5 - a party's key is rotated without restarting anything: the new pubkey goes into the
 * parties file, the office reloads it (parties.reload on every daemon), and from then on the new key
 * is accepted and the old one refused by ZAP (DESIGN.md Security: the key names the party) */
static void key_rotation_without_restart(void)
{
	char oldpub[CONFIG_KEY_Z85], newpub[CONFIG_KEY_Z85], path[400], from[200], to[200], cmd[900];
	jrp_client *c;
	jrp_error e;
	snprintf(path, sizeof path, "%s/tax_bureau.pub", H.cfg->keys_dir);
	CHECK_INT(config_key_read(path, false, oldpub, NULL, &e), 0);
	/* keep the old pair as "tax_bureau_old" to try it afterwards */
	snprintf(cmd, sizeof cmd, "mv '%s/tax_bureau.key' '%s/tax_bureau_old.key' && mv '%s/tax_bureau.pub' "
		 "'%s/tax_bureau_old.pub'", H.cfg->keys_dir, H.cfg->keys_dir, H.cfg->keys_dir, H.cfg->keys_dir);
	CHECK_INT(system(cmd), 0);
	CHECK_INT(h_keygen(&H, "tax_bureau", newpub), 0);
	/* not registered yet: refused */
	c = h_client(&H, SVC_INGEST, "tax_bureau");
	CHECK_INT(ping(c, 1500), JRP_ETIMEOUT);
	client_free(&c);
	snprintf(path, sizeof path, "%s/parties.yaml", H.dir);
	snprintf(from, sizeof from, "pubkey: \"%s\"", oldpub);
	snprintf(to, sizeof to, "pubkey: \"%s\"", newpub);
	CHECK_INT(swap_in_file(path, from, to), 0);
	for (int s = SVC__N - 1; s >= 0; s--) {
		msg_in in;
		CHECK_INT(h_json(&H, s, &in, &e, "{\"v\":1,\"type\":\"parties.reload\",\"id\":1}"), 0);
		CHECK(obj_get(in.root, "changed") && obj_get(in.root, "changed")->via.array.size == 1);
		msg_in_free(&in);
	}
	c = h_client(&H, SVC_INGEST, "tax_bureau");
	CHECK_INT(ping(c, 3000), 0);
	client_free(&c);
	c = h_client(&H, SVC_INGEST, "tax_bureau_old");
	CHECK_INT(ping(c, 1500), JRP_ETIMEOUT);
	client_free(&c);
}

static void clean_shutdown(void)
{
	CHECK_INT(h_stop(&H), 0);
}

int main(void)
{
	if (h_start_curve(&H, keyed) != 0) {
		printf("Bail out! could not start the daemons on tcp:// with CURVE (kept %s)\n", H.dir);
		return 1;
	}
	RUN(key_of_a_department_flows_to_an_agency);
	RUN(unknown_key_is_refused);
	RUN(no_curve_no_reply);
	RUN(key_cannot_claim_another_party);
	RUN(party_defaults_to_the_key);
	RUN(key_files_are_checked_at_start);
	RUN(key_rotation_without_restart);
	RUN(clean_shutdown);
	TAP_DONE();
}
