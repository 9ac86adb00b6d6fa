/*
 * test_parties_config.c - the parties registry (common/parties.c), the
 * deployment config (common/config.c) and the strict YAML layer both use
 * (common/util/ydoc.c). Who may talk to jrp: DOMAIN.md "Who uses it";
 * config as data, validated before anything starts: CONVENTIONS.md 7.
 */
#include "parties.h"
#include "config.h"
#include "util/log.h"
#include "ydoc.h"
#include "../tap.h"
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

static char tmpdir[PATH_MAX];
static char root[PATH_MAX];     /* realpath of JRP_SOURCE_ROOT */
static char tmpdir_real[PATH_MAX];

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static const char *write_file(const char *name, const char *text)
{
	static char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", tmpdir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

/* expect_error - the error is "config" at path:line:col with msg in the message */
static void expect_error(int rc, const jrp_error *e, const char *path, int line, int col, const char *msg)
{
	char want[600];

	snprintf(want, sizeof want, "%s:%d:%d", path, line, col);
	CHECK(rc != 0);
	CHECK_STR(e->code, "config");
	CHECK_STR(e->field, want);
	CHECK(strstr(e->message, msg) != NULL);
	if (strcmp(e->field, want) != 0 || !strstr(e->message, msg))
		printf("# wanted %s: ...%s..., got %s: %s\n", want, msg, e->field, e->message);
}

/* the real registry: departments with domains, agencies, the office */
static void test_parties_real(void)
{
	char path[512];
	jrp_parties *p = NULL;
	const jrp_party *q;
	jrp_error e;
	size_t i;

	snprintf(path, sizeof path, "%s/deploy/parties.yaml", JRP_SOURCE_ROOT);
	jrp_error_clear(&e);
	CHECK_INT(parties_load(path, &p, &e), 0);
	if (!p) {
		printf("# %s: %s\n", e.field, e.message);
		return;
	}
	CHECK(p->n >= 15);     /* departments, agencies, the office (+ daemons) */
	CHECK_STR(p->path, path);
	q = parties_find(p, "tax_bureau");
	CHECK(q != NULL);
	if (q) {
		CHECK_INT(q->roles, ROLE_DEPARTMENT | ROLE_AGENCY);   /* identifies and executes */
		CHECK(party_has_domain(q, "tax"));
		CHECK(!party_has_domain(q, "courts"));
		CHECK(q->pubkey == NULL);
	}
	q = parties_find(p, "court");
	CHECK(q && q->roles == ROLE_DEPARTMENT && party_has_domain(q, "courts"));
	q = parties_find(p, "hr_social_security");
	CHECK(q && party_has_domain(q, "labour"));
	q = parties_find(p, "procurement_centre");
	CHECK(q && q->roles == ROLE_AGENCY && q->ndomains == 0);
	q = parties_find(p, "office");
	CHECK(q && q->roles == ROLE_OFFICE);
	CHECK(parties_find(p, "nobody") == NULL);
	CHECK(parties_find(p, NULL) == NULL);
	for (i = 0; i < p->n; i++) {
		CHECK(p->v[i].name && p->v[i].name[0]);
		if (p->v[i].roles & ROLE_DEPARTMENT)
			CHECK(p->v[i].ndomains > 0);
	}
	parties_free(&p);
	CHECK(p == NULL);
}

static void test_parties_errors(void)
{
	static const char key[] = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
	static const struct {
		const char *text;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "parties:\n  - id: Tax-Bureau\n    name: x\n    roles: [agency]\n", 2, 9, "must match [a-z0-9_]{1,32}" },
		{ "parties:\n  - id: a23456789012345678901234567890123\n    name: x\n    roles: [agency]\n", 2, 9,
		  "must match" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n  - id: a\n    name: y\n    roles: [office]\n",
		  5, 9, "duplicate party id 'a'" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency, judge]\n", 4, 21,
		  "unknown role 'judge' (allowed: department, agency, office, daemon, gateway, exchange, peer)" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency, agency]\n", 4, 21, "listed twice" },
		{ "parties:\n  - id: a\n    name: x\n    roles: []\n", 4, 12, "at least one role" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [department]\n", 2, 5,
		  "department 'a' needs at least one domain" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    domains: [tax]\n", 5, 14,
		  "only departments have domains" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [department]\n    domains: [tax, tax]\n", 5, 20,
		  "domain 'tax' is listed twice" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    pubkey: short\n", 5, 13,
		  "40-character Z85" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    pubkey: \"rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf\\\"\"\n",
		  5, 13, "40-character Z85" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    key: x\n", 5, 5,
		  "unknown key 'key' (allowed: id, name, roles, domains, pubkey, tokens, certs)" },
		/* the gateway's bearer tokens: only their hashes, never a token itself (README "The HTTP gateway") */
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    tokens: [jrp_0123456789]\n", 5, 14,
		  "the hash of the token" },
		{ "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    tokens: [\"sha256:ABCDEF\"]\n", 5, 14,
		  "64 lowercase hex digits" },
		{ "parties:\n  - id: a\n    roles: [agency]\n", 2, 5, "missing required key 'name'" },
		{ "parties:\n  - id: a\n    name: \"\"\n    roles: [agency]\n", 3, 11, "not empty" },
		{ "parties: []\n", 1, 10, "non-empty sequence" },
		{ "party: []\n", 1, 1, "unknown key 'party' (allowed: parties)" },
		{ "- a\n", 1, 1, "expected a mapping" },
		{ "parties:\n  - just a string\n", 2, 5, "expected a mapping" },
	};
	char text[512];
	jrp_parties *p, sentinel;
	const char *path;
	jrp_error e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_file("parties.yaml", cases[i].text);
		p = &sentinel;
		jrp_error_clear(&e);
		expect_error(parties_load(path, &p, &e), &e, path, cases[i].line, cases[i].col, cases[i].msg);
		CHECK(p == &sentinel);
	}
	/* a valid key is accepted; two parties cannot share one (ZAP maps key -> party) */
	snprintf(text, sizeof text, "parties:\n  - id: a\n    name: x\n    roles: [agency, daemon]\n"
		 "    pubkey: \"%s\"\n", key);
	path = write_file("parties.yaml", text);
	p = NULL;
	CHECK_INT(parties_load(path, &p, &e), 0);
	if (p) {
		CHECK_STR(p->v[0].pubkey, key);
		CHECK_INT(p->v[0].roles, ROLE_AGENCY | ROLE_DAEMON);
		parties_free(&p);
	}
	snprintf(text, sizeof text, "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    pubkey: \"%s\"\n"
		 "  - id: b\n    name: y\n    roles: [agency]\n    pubkey: \"%s\"\n", key, key);
	path = write_file("parties.yaml", text);
	jrp_error_clear(&e);
	expect_error(parties_load(path, &p, &e), &e, path, 9, 13, "same key as 'a'");
}

/* tokens: at most 4, no two parties with the same one, found by their hash in constant time */
static void test_parties_tokens(void)
{
	static const char h1[] = "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
	static const char h2[] = "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752";
	char text[1400];
	jrp_parties *p = NULL;
	const char *path;
	jrp_error e;

	snprintf(text, sizeof text, "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    tokens: [\"%s\", \"%s\"]\n"
		 "  - id: g\n    name: y\n    roles: [gateway]\n", h1, h2);
	path = write_file("parties.yaml", text);
	jrp_error_clear(&e);
	CHECK_INT(parties_load(path, &p, &e), 0);
	if (p) {
		CHECK_INT(p->v[0].ntokens, 2);
		CHECK(parties_by_token(p, h2) == &p->v[0]);
		CHECK(parties_by_token(p, h1) == &p->v[0]);
		CHECK(parties_by_token(p, "sha256:60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c75") == NULL);
		CHECK(parties_by_token(p, "") == NULL);
		CHECK_INT(p->v[1].roles, ROLE_GATEWAY);
		parties_free(&p);
	}
	snprintf(text, sizeof text, "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    tokens: [\"%s\"]\n"
		 "  - id: b\n    name: y\n    roles: [agency]\n    tokens: [\"%s\"]\n", h1, h1);
	path = write_file("parties.yaml", text);
	jrp_error_clear(&e);
	expect_error(parties_load(path, &p, &e), &e, path, 9, 14, "same token as 'a'");
	snprintf(text, sizeof text, "parties:\n  - id: a\n    name: x\n    roles: [agency]\n    tokens: [\"%s\", \"%s\", "
		 "\"%s\", \"%s\", \"%s\"]\n", h1, h1, h1, h1, h1);
	path = write_file("parties.yaml", text);
	jrp_error_clear(&e);
	CHECK(parties_load(path, &p, &e) != 0 && strstr(e.message, "at most 4 a party"));
}

/* the gateway: section (README Configuration) */
static void test_config_gateway(void)
{
	static const struct {
		const char *text;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "gateway:\n  listen: 8480\n", 2, 11, "must be HOST:PORT" },
		{ "gateway:\n  listen: 127.0.0.1:99999\n", 2, 11, "must be HOST:PORT" },
		{ "gateway:\n  listen: \"::1:8480\"\n", 2, 11, "written in brackets" },
		{ "gateway:\n  port: 1\n", 2, 3, "unknown key 'port' (allowed: listen, party, tls_cert, tls_key, client_ca)" },
		{ "gateway:\n  tls_cert: a.crt\n", 2, 3, "tls_cert and tls_key go together" },
	};
	jrp_config *c = NULL;
	const char *path;
	jrp_error e;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_file("gw.yaml", cases[i].text);
		jrp_error_clear(&e);
		expect_error(config_load(path, &c, &e), &e, path, cases[i].line, cases[i].col, cases[i].msg);
	}
	path = write_file("gw.yaml", "gateway:\n  listen: \"[::1]:0\"\n  tls_cert: t/a.crt\n  tls_key: t/a.key\n");
	jrp_error_clear(&e);
	CHECK_INT(config_load(path, &c, &e), 0);
	if (c) {
		CHECK(c->gw.enabled);
		CHECK_STR(c->gw.host, "::1");
		CHECK_INT(c->gw.port, 0);
		CHECK_STR(c->gw.party, "gateway");
		CHECK(c->gw.tls_key && strstr(c->gw.tls_key, "/t/a.key"));
		config_free(&c);
	}
	path = write_file("gw.yaml", "log_level: info\n");
	CHECK_INT(config_load(path, &c, &e), 0);
	if (c) {
		CHECK(!c->gw.enabled);
		CHECK_STR(c->gw.host, "127.0.0.1");
		CHECK_INT(c->gw.port, 8480);
		config_free(&c);
	}
}

/* the real local config: defaults spelled out, paths relative to deploy/ */
static void test_config_real(void)
{
	char path[PATH_MAX + 64], want[PATH_MAX + 64];
	jrp_config *c = NULL;
	jrp_error e;

	snprintf(path, sizeof path, "%s/deploy/local.yaml", JRP_SOURCE_ROOT);
	jrp_error_clear(&e);
	CHECK_INT(config_load(path, &c, &e), 0);
	if (!c) {
		printf("# %s: %s\n", e.field, e.message);
		return;
	}
	snprintf(want, sizeof want, "%s/deploy/local.yaml", root);
	CHECK_STR(c->path, want);
	snprintf(want, sizeof want, "%s/deploy/var/data", root);
	CHECK_STR(c->data_dir, want);
	snprintf(want, sizeof want, "%s/deploy/var/run", root);
	CHECK_STR(c->run_dir, want);
	snprintf(want, sizeof want, "%s/rules", root);
	CHECK_STR(c->rules_dir, want);
	snprintf(want, sizeof want, "%s/deploy/parties.yaml", root);
	CHECK_STR(c->parties_path, want);
	snprintf(want, sizeof want, "%s/deploy/keys", root);
	CHECK_STR(c->keys_dir, want);
	snprintf(want, sizeof want, "ipc://%s/deploy/var/run/ingest.sock", root);
	CHECK_STR(c->endpoint[SVC_INGEST], want);
	snprintf(want, sizeof want, "ipc://%s/deploy/var/run/feedback.sock", root);
	CHECK_STR(c->endpoint[SVC_FEEDBACK], want);
	CHECK(!c->test_clock);
	CHECK(c->map_size == (size_t)1024 << 20);
	CHECK(c->map_max == (size_t)65536 << 20);
	CHECK_INT(c->log_level, LOG_INFO);
	CHECK_INT(c->retention_days, 30);   /* log_retention_days' default (README Configuration) */
	CHECK_STR(svc_names[SVC_INGEST], "ingest");
	CHECK_STR(svc_names[SVC_ADJUDICATE], "adjudicate");
	CHECK_STR(svc_names[SVC_DISPATCH], "dispatch");
	CHECK_STR(svc_names[SVC_FEEDBACK], "feedback");
	config_free(&c);
	CHECK(c == NULL);
}

/* absent keys take the defaults of config.h; {run} is substituted */
static void test_config_defaults(void)
{
	char want[2 * PATH_MAX + 64];
	jrp_config *c = NULL;
	const char *path;
	jrp_error e;

	path = write_file("min.yaml", "log_level: debug\n");
	jrp_error_clear(&e);
	CHECK_INT(config_load(path, &c, &e), 0);
	if (c) {
		snprintf(want, sizeof want, "%s/var/data", tmpdir);
		CHECK_STR(c->data_dir, want);
		snprintf(want, sizeof want, "%s/var/run", tmpdir);
		CHECK_STR(c->run_dir, want);
		/* "../rules" resolved lexically against the config's directory */
		snprintf(want, sizeof want, "%s", tmpdir);
		*strrchr(want, '/') = 0;
		strcat(want, "/rules");
		CHECK_STR(c->rules_dir, want);
		snprintf(want, sizeof want, "%s/parties.yaml", tmpdir);
		CHECK_STR(c->parties_path, want);
		/* keys_dir defaults to "keys" beside the config file */
		snprintf(want, sizeof want, "%s/keys", tmpdir);
		CHECK_STR(c->keys_dir, want);
		CHECK(!config_is_tcp(c->endpoint[SVC_DISPATCH]));
		snprintf(want, sizeof want, "ipc://%s/var/run/dispatch.sock", tmpdir);
		CHECK_STR(c->endpoint[SVC_DISPATCH], want);
		CHECK_INT(c->log_level, LOG_DEBUG);
		CHECK(c->map_size == (size_t)1024 << 20 && c->map_max == (size_t)65536 << 20);
		CHECK(!c->test_clock);
		config_free(&c);
	}
	path = write_file("full.yaml",
			  "data_dir: /srv/jrp/data\n"
			  "run_dir: ./run/./x/../y\n"
			  "rules: /etc/jrp/rules/\n"
			  "parties: keys/parties.yaml\n"
			  "keys_dir: /etc/jrp/./keys/\n"
			  "test_clock: true\n"
			  "map_size_mb: 16\n"
			  "map_max_mb: 16\n"
			  "log_level: error\n"
			  "log_retention_days: 0\n"
			  "endpoints:\n"
			  "  ingest: tcp://127.0.0.1:7001\n"
			  "  feedback: ipc://{run}/fb-{run}.sock\n");
	CHECK_INT(config_load(path, &c, &e), 0);
	if (c) {
		CHECK_STR(c->data_dir, "/srv/jrp/data");
		snprintf(want, sizeof want, "%s/run/y", tmpdir);
		CHECK_STR(c->run_dir, want);
		CHECK_STR(c->rules_dir, "/etc/jrp/rules");
		snprintf(want, sizeof want, "%s/keys/parties.yaml", tmpdir);
		CHECK_STR(c->parties_path, want);
		CHECK_STR(c->keys_dir, "/etc/jrp/keys");
		CHECK(c->test_clock);
		CHECK(c->map_size == (size_t)16 << 20 && c->map_max == (size_t)16 << 20);
		CHECK_INT(c->log_level, LOG_ERROR);
		CHECK_INT(c->retention_days, 0);
		CHECK_STR(c->endpoint[SVC_INGEST], "tcp://127.0.0.1:7001");
		CHECK(config_is_tcp(c->endpoint[SVC_INGEST]));
		snprintf(want, sizeof want, "ipc://%s/run/y/fb-%s/run/y.sock", tmpdir, tmpdir);
		CHECK_STR(c->endpoint[SVC_FEEDBACK], want);
		snprintf(want, sizeof want, "ipc://%s/run/y/adjudicate.sock", tmpdir);
		CHECK_STR(c->endpoint[SVC_ADJUDICATE], want);
		config_free(&c);
	}
}

static void test_config_errors(void)
{
	static const struct {
		const char *text;
		int line, col;
		const char *msg;
	} cases[] = {
		{ "data_dir: x\nrundir: y\n", 2, 1, "unknown key 'rundir' (allowed: data_dir, run_dir, rules, parties, "
		  "keys_dir, test_clock, map_size_mb, map_max_mb, log_level, endpoints" },
		{ "log_retention_days: -1\n", 1, 21, "out of range" },
		{ "log_retention_days: 36501\n", 1, 21, "out of range" },
		{ "log_retention_days: 30d\n", 1, 21, "plain decimal integer" },
		{ "keys_dir: [a]\n", 1, 11, "must be a string" },
		{ "keys_dir: ~\n", 1, 11, "must be a string, not null" },
		{ "log_level: verbose\n", 1, 12, "key 'log_level' must be debug, info, warn or error, not 'verbose'" },
		{ "test_clock: yes\n", 1, 13, "key 'test_clock' must be true or false, not 'yes'" },
		{ "map_size_mb: 1e3\n", 1, 14, "plain decimal integer" },
		{ "map_size_mb: 0\n", 1, 14, "out of range" },
		{ "map_size_mb: 2048\nmap_max_mb: 1024\n", 2, 13, "must be at least map_size_mb" },
		{ "map_size_mb: 131072\n", 1, 14, "must be at least map_size_mb" },
		{ "endpoints:\n  ingest: udp://x\n", 2, 11, "must start with ipc:// or tcp://" },
		{ "endpoints:\n  ingest: ipc://{data}/x.sock\n", 2, 11, "only {run} may be substituted" },
		{ "endpoints:\n  checker: ipc://x\n", 2, 3,
		  "unknown key 'checker' (allowed: ingest, adjudicate, dispatch, feedback)" },
		{ "endpoints: ipc://x\n", 1, 12, "expected a mapping" },
		{ "data_dir: [a, b]\n", 1, 11, "must be a string" },
		{ "rules: \n", 1, 7, "not empty" },
		{ "rules: ~\n", 1, 8, "must be a string, not null" },
		{ "log_level: info\nlog_level: debug\n", 2, 1, "duplicate key 'log_level'" },
		{ "log_level: info\n  bad: indent\n", 2, 6, "YAML syntax error" },
	};
	jrp_config *c, sentinel;
	const char *path;
	jrp_error e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		path = write_file("bad.yaml", cases[i].text);
		c = &sentinel;
		jrp_error_clear(&e);
		expect_error(config_load(path, &c, &e), &e, path, cases[i].line, cases[i].col, cases[i].msg);
		CHECK(c == &sentinel);
	}
	/* keys_dir relative to the config file's directory, normalised */
	path = write_file("keys.yaml", "keys_dir: ../x/./secrets\n");
	CHECK_INT(config_load(path, &c, &e), 0);
	if (c && c != &sentinel) {
		char want[PATH_MAX + 64];
		snprintf(want, sizeof want, "%s", tmpdir);
		*strrchr(want, '/') = 0;
		strcat(want, "/x/secrets");
		CHECK_STR(c->keys_dir, want);
		config_free(&c);
	}
	/* an ipc path longer than a unix socket allows is refused up front */
	{
		char text[400], big[200];

		memset(big, 'x', 150);
		big[150] = 0;
		snprintf(text, sizeof text, "run_dir: /%s\n", big);
		path = write_file("bad.yaml", text);
		jrp_error_clear(&e);
		CHECK(config_load(path, &c, &e) != 0);
		CHECK(strstr(e.message, "endpoints.ingest") != NULL);
		CHECK(strstr(e.message, "must be 1..107 bytes") != NULL);
	}
	jrp_error_clear(&e);
	CHECK_INT(config_load("/nonexistent/local.yaml", &c, &e), JRP_EIO);
	CHECK_STR(e.field, "/nonexistent/local.yaml");
}

/* write_mode - a file with text and mode (for key files) */
static const char *write_mode(const char *name, const char *text, mode_t mode)
{
	const char *path = write_file(name, text);
	chmod(path, mode);
	return path;
}

/* CURVE key files of keys_dir (DESIGN.md Security): written 0600 and never
 * overwritten, read back strictly; a secret others may read is refused */
static void test_key_files(void)
{
	char dir[PATH_MAX + 16], kpath[PATH_MAX + 64], ppath[PATH_MAX + 64], text[PATH_MAX + 128];
	char pub[CONFIG_KEY_Z85], sec[CONFIG_KEY_Z85], pub2[CONFIG_KEY_Z85], sec2[CONFIG_KEY_Z85];
	char rpub[CONFIG_KEY_Z85], rsec[CONFIG_KEY_Z85];
	jrp_config *c = NULL;
	struct stat st;
	const char *path;
	jrp_error e;

	CHECK_INT(zmq_curve_keypair(pub, sec), 0);
	CHECK_INT(zmq_curve_keypair(pub2, sec2), 0);
	snprintf(dir, sizeof dir, "%s/keys", tmpdir);
	snprintf(kpath, sizeof kpath, "%s/ingest.key", dir);
	snprintf(ppath, sizeof ppath, "%s/ingest.pub", dir);
	jrp_error_clear(&e);
	CHECK_INT(config_key_write(dir, "ingest", pub, sec, &e), 0);
	CHECK(stat(dir, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK(stat(kpath, &st) == 0 && (st.st_mode & 0777) == 0600);
	CHECK(stat(ppath, &st) == 0 && (st.st_mode & 0777) == 0644);
	CHECK_INT(config_key_read(kpath, true, rpub, rsec, &e), 0);
	CHECK_STR(rpub, pub);
	CHECK_STR(rsec, sec);
	CHECK_INT(config_key_read(ppath, false, rpub, NULL, &e), 0);
	CHECK_STR(rpub, pub);
	/* never overwritten */
	CHECK(config_key_write(dir, "ingest", pub2, sec2, &e) != 0);
	CHECK(strstr(e.message, "already exists") != NULL);
	CHECK_INT(config_key_read(kpath, true, rpub, rsec, &e), 0);
	CHECK_STR(rpub, pub);
	CHECK(config_key_write(dir, "../ingest", pub2, sec2, &e) != 0);
	CHECK_STR(e.code, "bad_value");
	/* a secret that group or others may read is refused; its public half is still usable */
	chmod(kpath, 0640);
	CHECK(config_key_read(kpath, true, rpub, rsec, &e) != 0);
	CHECK_STR(e.field, kpath);
	CHECK(strstr(e.message, "owner's only") && strstr(e.message, "0640"));
	CHECK_INT(config_key_read(kpath, false, rpub, NULL, &e), 0);
	chmod(kpath, 0600);
	/* a .pub is not a key pair */
	CHECK(config_key_read(write_mode("x.pub", "public: x\n", 0600), false, rpub, NULL, &e) != 0);
	CHECK(strstr(e.message, "line 1: must be a 40-character Z85") != NULL);
	snprintf(text, sizeof text, "# comment\n\npublic: \"%s\"\n", pub);
	path = write_mode("x.pub", text, 0600);
	CHECK_INT(config_key_read(path, false, rpub, NULL, &e), 0);
	CHECK_STR(rpub, pub);
	CHECK(config_key_read(path, true, rpub, rsec, &e) != 0);
	CHECK(strstr(e.message, "no 'secret") != NULL);
	/* a secret of another pair, a line that is not a key, a key given twice, nothing */
	snprintf(text, sizeof text, "public: %s\nsecret: %s\n", pub, sec2);
	CHECK(config_key_read(write_mode("x.key", text, 0600), true, rpub, rsec, &e) != 0);
	CHECK(strstr(e.message, "does not belong") != NULL);
	snprintf(text, sizeof text, "public: %s\nprivate: %s\n", pub, sec);
	CHECK(config_key_read(write_mode("x.key", text, 0600), true, rpub, rsec, &e) != 0);
	CHECK(strstr(e.message, "line 2: expected 'public: <z85>'") != NULL);
	snprintf(text, sizeof text, "public: %s\npublic: %s\n", pub, pub);
	CHECK(config_key_read(write_mode("x.key", text, 0600), false, rpub, NULL, &e) != 0);
	CHECK(strstr(e.message, "given twice") != NULL);
	CHECK(config_key_read(write_mode("x.key", "\n", 0600), false, rpub, NULL, &e) != 0);
	CHECK(strstr(e.message, "no 'public") != NULL);
	CHECK(config_key_read(write_mode("x.key", "", 0600), false, rpub, NULL, &e) != 0);
	snprintf(text, sizeof text, "%s/none.key", dir);
	CHECK(config_key_read(text, true, rpub, rsec, &e) != 0);
	CHECK(strstr(e.message, "no such key file") != NULL);
	/* a peer's public key: NAME.pub, else the public line of NAME.key */
	CHECK_INT(config_load(write_file("k.yaml", "keys_dir: keys\n"), &c, &e), 0);
	if (c) {
		CHECK_INT(config_peer_key(c, "ingest", rpub, &e), 0);
		CHECK_STR(rpub, pub);
		unlink(ppath);
		CHECK_INT(config_peer_key(c, "ingest", rpub, &e), 0);
		CHECK_STR(rpub, pub);
		CHECK(config_peer_key(c, "dispatch", rpub, &e) != 0);
		CHECK_STR(e.field, dir);
		CHECK(strstr(e.message, "neither dispatch.pub nor dispatch.key") != NULL);
		config_free(&c);
	}
}

/* the strict YAML layer shared by all loaders */
static void test_ydoc(void)
{
	static const char *const keys[] = { "a", "b", NULL };
	ydoc *d = NULL;
	const char *path;
	jrp_error e;
	int64_t v;
	bool bv;
	char *s = NULL, **list = NULL;
	size_t n = 0;
	char want[600];

	path = write_file("y.yaml", "");
	jrp_error_clear(&e);
	expect_error(ydoc_load(path, &d, &e), &e, path, 1, 1, "empty");
	path = write_file("y.yaml", "a: 1\n---\nb: 2\n");
	expect_error(ydoc_load(path, &d, &e), &e, path, 3, 1, "only one YAML document");
	path = write_file("y.yaml", "a: *nope\n");
	expect_error(ydoc_load(path, &d, &e), &e, path, 1, 4, "YAML syntax error: found undefined alias");
	path = write_file("y.yaml", "a: [1, 2\nb: 3\n");
	expect_error(ydoc_load(path, &d, &e), &e, path, 2, 2, "did not find expected ',' or ']'");

	path = write_file("y.yaml", "a: -42\nb: [x, y]\nc: 007\nd: 0x10\ne: True\nf: '5'\ng: 99999999999999999999\n"
			  "h: &anchor [p]\ni: *anchor\n");
	CHECK_INT(ydoc_load(path, &d, &e), 0);
	if (!d)
		return;
	CHECK_INT(ydoc_int(d, ydoc_root(d), "a", true, -100, 100, &v, &e), 0);
	CHECK_INT(v, -42);
	expect_error(ydoc_int(d, ydoc_root(d), "a", true, 0, 100, &v, &e), &e, path, 1, 4, "out of range 0..100");
	expect_error(ydoc_int(d, ydoc_root(d), "c", true, 0, 100, &v, &e), &e, path, 3, 4, "plain decimal");
	expect_error(ydoc_int(d, ydoc_root(d), "d", true, 0, 100, &v, &e), &e, path, 4, 4, "plain decimal");
	expect_error(ydoc_int(d, ydoc_root(d), "f", true, 0, 100, &v, &e), &e, path, 6, 4, "plain decimal");
	expect_error(ydoc_int(d, ydoc_root(d), "g", true, 0, INT64_MAX, &v, &e), &e, path, 7, 4, "out of range");
	expect_error(ydoc_bool(d, ydoc_root(d), "e", true, &bv, &e), &e, path, 5, 4, "true or false");
	expect_error(ydoc_int(d, ydoc_root(d), "zz", true, 0, 1, &v, &e), &e, path, 1, 1, "missing required key 'zz'");
	v = 7;
	CHECK_INT(ydoc_int(d, ydoc_root(d), "zz", false, 0, 1, &v, &e), 0);
	CHECK_INT(v, 7);                                        /* absent: left alone */
	CHECK_INT(ydoc_str(d, ydoc_root(d), "f", true, &s, &e), 0);
	CHECK_STR(s, "5");
	free(s);
	expect_error(ydoc_str(d, ydoc_root(d), "b", true, &s, &e), &e, path, 2, 4, "must be a string");
	CHECK_INT(ydoc_strlist(d, ydoc_root(d), "b", true, &list, &n, &e), 0);
	CHECK_INT(n, 2);
	if (n == 2) {
		CHECK_STR(list[0], "x");
		CHECK_STR(list[1], "y");
		free(list[0]);
		free(list[1]);
	}
	free(list);
	list = NULL;
	CHECK_INT(ydoc_strlist(d, ydoc_root(d), "i", true, &list, &n, &e), 0);   /* aliases resolve */
	CHECK(n == 1 && list && strcmp(list[0], "p") == 0);
	if (list) {
		free(list[0]);
		free(list);
	}
	expect_error(ydoc_strlist(d, ydoc_root(d), "a", true, &list, &n, &e), &e, path, 1, 4, "sequence of strings");
	snprintf(want, sizeof want, "unknown key 'c' (allowed: a, b)");
	expect_error(ydoc_map_check_keys(d, ydoc_root(d), keys, &e), &e, path, 3, 1, want);
	CHECK_INT(ydoc_map_len(ydoc_root(d)), 9);
	CHECK_INT(ydoc_seq_len(ydoc_map_get(d, ydoc_root(d), "b")), 2);
	CHECK(ydoc_seq_at(d, ydoc_map_get(d, ydoc_root(d), "b"), 2) == NULL);
	CHECK(ydoc_is_scalar(ydoc_map_get(d, ydoc_root(d), "a")));
	CHECK_STR(ydoc_scalar(ydoc_map_get(d, ydoc_root(d), "a")), "-42");
	ydoc_free(&d);
	CHECK(d == NULL);
}

int main(void)
{
	if (!realpath(JRP_SOURCE_ROOT, root))
		return 2;
	snprintf(tmpdir, sizeof tmpdir, "/tmp/jrp_test_pc_XXXXXX");
	if (!mkdtemp(tmpdir) || !realpath(tmpdir, tmpdir_real))
		return 2;
	snprintf(tmpdir, sizeof tmpdir, "%s", tmpdir_real);
	RUN(test_parties_real);
	RUN(test_parties_errors);
	RUN(test_parties_tokens);
	RUN(test_config_gateway);
	RUN(test_config_real);
	RUN(test_config_defaults);
	RUN(test_config_errors);
	RUN(test_key_files);
	RUN(test_ydoc);
	nftw(tmpdir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
	TAP_DONE();
}
