/*
 * test_parties.c - the parties registry changes without a restart (issue 12 item 5): a new agency, a
 * department's new domain, a party removed, a bad file, on the real daemons. `parties.reload` (the
 * office; `jrpctl parties reload`) validates the file completely, checks that it fits what runs (this
 * daemon and its upstream are daemon parties, every measure of the catalogue in force keeps its
 * agency, every department's domain is in the catalogue), and only then puts it in force; a file
 * that fails changes nothing and the error says where. DOMAIN.md "Who uses it"; DESIGN.md Security
 * (who may ask what is the registry's).
 */
#include "../tap.h"
#include "harness.h"
#include "proto.h"
#include <stdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

static harness H;

#define J(svc, in, e, ...) h_json(&H, (svc), (in), (e), __VA_ARGS__)

static void h_spit(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(s, f);
		fclose(f);
	}
}

/* edit - in DIR/parties.yaml replace the first `from` with `to`; 0 or -1 */
static int edit(const char *from, const char *to)
{
	char path[400];
	snprintf(path, sizeof path, "%s/parties.yaml", H.dir);
	return h_replace_in(path, NULL, from, to);
}

/* reload_all - parties.reload on every daemon, downstream first; the number that accepted it; the
 * last refusal in e */
static int reload_all(const char *party, jrp_error *e)
{
	int n = 0;
	for (int s = SVC__N - 1; s >= 0; s--) {
		msg_in in;
		if (J(s, &in, e, "{\"v\":1,\"type\":\"parties.reload\",\"id\":1,\"party\":\"%s\"}", party) == 0) {
			n++;
			if (s == SVC_DISPATCH) {
				const msgpack_object *a = obj_get(in.root, "added");
				printf("# dispatch: %llu parties, %u added\n", (unsigned long long)obj_u64(in.root, "parties"),
				       a ? a->via.array.size : 0);
			}
		}
		msg_in_free(&in);
	}
	return n;
}

/* check_as - an agency's check (dispatch's front thread answers it); 0, or the refusal's code in code */
static int check_as(const char *party, char code[32])
{
	msg_in in;
	jrp_error e;
	int rc = J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"check\",\"id\":1,\"party\":\"%s\","
		   "\"subject\":\"91350100M000100Y43\",\"matter\":\"supervision\"}", party);
	code[0] = 0;
	if (rc)
		snprintf(code, 32, "%s", e.code);
	msg_in_free(&in);
	return rc;
}

/* a new agency (a sports bureau that will execute measures) is authorised once the registry is
 * reloaded, on every daemon, without a restart; what it could not do before it can do after */
static void new_agency_without_restart(void)
{
	char code[32];
	jrp_error e;
	msg_in in;
	CHECK(check_as("sports_bureau", code) != 0);
	CHECK_STR(code, "unknown_party");
	CHECK_INT(edit("  - id: railway\n", "  - id: sports_bureau\n    name: 示范市体育局\n    roles: [agency]\n"
		       "  - id: railway\n"), 0);
	CHECK_INT(reload_all("office", &e), SVC__N);
	CHECK_INT(check_as("sports_bureau", code), 0);
	/* the answer names what changed */
	CHECK_INT(J(SVC_INGEST, &in, &e, "{\"v\":1,\"type\":\"parties.reload\",\"id\":1,\"party\":\"office\"}"), 0);
	CHECK_INT(obj_get(in.root, "added")->via.array.size, 0);   /* the same file again: nothing added */
	msg_in_free(&in);
	/* its task stream is there too (the write loop's registry) */
	CHECK_INT(J(SVC_DISPATCH, &in, &e, "{\"v\":1,\"type\":\"tasks.fetch\",\"id\":1,\"party\":\"sports_bureau\"}"), 0);
	msg_in_free(&in);
}

/* only the office reloads */
static void only_the_office_reloads(void)
{
	jrp_error e;
	CHECK_INT(reload_all("tax_bureau", &e), 0);
	CHECK_STR(e.code, "forbidden");
}

/* a department gets a new domain: the market regulator may report food and drug records after the
 * reload, not before */
static void department_new_domain(void)
{
	char json[800];
	msg_in in;
	jrp_error e;
	snprintf(json, sizeof json, "{\"v\":1,\"type\":\"record.submit\",\"id\":1,\"party\":\"market_regulator\",\"record\":{"
		 "\"record_id\":\"PD-1\",\"kind\":\"inspection\",\"domain\":\"food_drug\",\"subject\":{\"type\":\"org\","
		 "\"code\":\"91350100M000100Y43\",\"name\":\"某公司\"},\"decision_date\":\"2026-11-20\"}}");
	CHECK_INT(J(SVC_INGEST, &in, &e, "%s", json), JRP_EREPLY);
	CHECK_STR(e.code, "forbidden");
	CHECK_STR(e.field, "record.domain");
	msg_in_free(&in);
	CHECK_INT(edit("    roles: [department, agency]        # identifies market lists; executes supervision and green channel\n"
		       "    domains: [market]",
		       "    roles: [department, agency]        # identifies market lists; executes supervision and green channel\n"
		       "    domains: [market, food_drug]"), 0);
	CHECK_INT(reload_all("office", &e), SVC__N);
	CHECK_INT(J(SVC_INGEST, &in, &e, "%s", json), 0);
	msg_in_free(&in);
}

/* a file that fails changes nothing, and says where: a syntax error (file:line:col), an agency the
 * catalogue in force still names removed, a department given a domain the catalogue does not have,
 * this daemon's own party removed. After each, what worked still works. */
static void bad_file_changes_nothing(void)
{
	char code[32], path[400], *good;
	jrp_error e;
	snprintf(path, sizeof path, "%s/parties.yaml", H.dir);
	good = h_slurp(path);
	/* an unknown key */
	CHECK_INT(edit("  - id: sports_bureau\n    name: 示范市体育局\n", "  - id: sports_bureau\n    name: 示范市体育局\n    colour: red\n"), 0);
	CHECK_INT(reload_all("office", &e), 0);
	CHECK_STR(e.code, "config");
	CHECK(strstr(e.field, "parties.yaml:") != NULL);
	CHECK(strstr(e.message, "colour") != NULL);
	CHECK_INT(check_as("sports_bureau", code), 0);
	/* the procurement centre removed while P-GP-01 names it */
	h_spit(path, good);
	CHECK_INT(edit("  - id: procurement_centre\n", "  - id: procurement_centre_old\n"), 0);
	CHECK_INT(reload_all("office", &e), 0);
	CHECK_STR(e.code, "conflict");
	CHECK(strstr(e.message, "P-GP-01") && strstr(e.message, "procurement_centre"));
	CHECK_INT(check_as("procurement_centre", code), 0);
	/* a domain the catalogue does not have */
	h_spit(path, good);
	CHECK_INT(edit("    domains: [courts]", "    domains: [courts, space]"), 0);
	CHECK_INT(reload_all("office", &e), 0);
	CHECK_STR(e.code, "conflict");
	CHECK(strstr(e.message, "space") != NULL);
	/* the daemons' own parties */
	h_spit(path, good);
	CHECK_INT(edit("  - id: ingest\n", "  - id: ingest_old\n"), 0);
	CHECK_INT(reload_all("office", &e), 0);   /* no daemon accepts a registry without one of them */
	CHECK_STR(e.code, "conflict");
	h_spit(path, good);
	CHECK_INT(check_as("sports_bureau", code), 0);
	free(good);
}

/* a restart reads the registry as it is on disk: the reloaded one */
static void restart_keeps_it(void)
{
	char code[32];
	CHECK_INT(h_kill(&H, SVC_DISPATCH, SIGTERM), 0);
	CHECK_INT(h_start_daemon(&H, SVC_DISPATCH), 0);
	client_free(&H.cl[SVC_DISPATCH]);
	H.cl[SVC_DISPATCH] = h_client(&H, SVC_DISPATCH, NULL);
	CHECK_INT(check_as("sports_bureau", code), 0);
}

int main(void)
{
	if (h_start_own_rules(&H) != 0) {
		printf("Bail out! the daemons did not start\n");
		return 1;
	}
	RUN(new_agency_without_restart);
	RUN(only_the_office_reloads);
	RUN(department_new_domain);
	RUN(bad_file_changes_nothing);
	RUN(restart_keeps_it);
	CHECK_INT(h_stop(&H), 0);
	TAP_DONE();
}
