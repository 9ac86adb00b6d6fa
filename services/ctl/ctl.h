/*
 * ctl.h - jrpctl: the command line for departments, agencies, the office and
 * the operator. One file per concern: main.c (options, commands that talk to
 * one daemon), conn.c (configuration, clients, one request), local.c
 * (up/down/status of the local deployment), print.c (human-readable output),
 * keys.c (CURVE key pairs for tcp:// deployments), entries.c (actions on
 * entries, a subject's record), audit.c (who changed what, from which
 * record), rejected.c (records a daemon could not apply), help.c (the table of
 * commands behind --help), zh.c (the Chinese of what jrpctl prints), bulk.c (the
 * bulk loader's pipeline and progress bar), csv.c (submit --csv: a spreadsheet).
 */
#ifndef JRP_CTL_H
#define JRP_CTL_H
#include <stdbool.h>
#include <stdio.h>
#include "catalog.h"
#include "client.h"
#include "config.h"
#include "msg.h"
#include "parties.h"
#include "util/i18n.h"

typedef struct ctl {
	const char *config_path;
	jrp_config *cfg;
	jrp_parties *parties;      /* NULL if it could not be loaded */
	jrp_catalog *cat;          /* NULL if it could not be loaded */
	const char *party;         /* --as, else the party of the --key in parties.yaml */
	const char *key_path;      /* --key: the party's CURVE key pair, for tcp:// endpoints */
	bool have_key;
	char pub[CONFIG_KEY_Z85], sec[CONFIG_KEY_Z85];
	bool json;
	const char *id_type;       /* subject CODE --id-type T, audit --id-type T: for an HMT or foreign id */
	const char *as_of;         /* subject CODE --as-of TIME: records and entries as they were then */
	int timeout_ms;
} ctl;

/* ctl_load - config, parties and catalogue (names for people); 0 or exits with a message */
int ctl_load(ctl *c, bool need_catalog);
/* ctl_call - one request to a daemon; prints the error and returns non-zero on failure */
int ctl_call(ctl *c, int svc, mw *req, jrp_client *cl, msg_in *reply);
/* ctl_send - ctl_call on a request begun in w, which it frees: 0 and *in filled, or 1 (the error
 * printed, *in freed) */
int ctl_send(ctl *c, int svc, mw *w, msg_in *in);
/* ctl_client - a client of svc: plain for ipc://, CURVE with --key for tcp:// (exits if there is no key) */
jrp_client *ctl_client(ctl *c, int svc);
void ctl_print_error(const jrp_error *e);
/* ctl_need_party - --as PARTY, or a key (a tcp:// daemon knows the party from it); exits if neither */
const char *ctl_need_party(ctl *c);
/* ctl_read_file - a whole file ("-": stdin), NUL-terminated; exits if it cannot be read */
char *ctl_read_file(const char *path, size_t *len);
/* ctl_red - the text in red when stdout is a terminal */
const char *ctl_red(const char *s, char *buf, size_t n);
void ctl_print_json(const msgpack_object *o);
/* ctl_print_mw - print the object built in w as JSON (--json output that jrpctl puts together) */
void ctl_print_mw(const mw *w);
/* ctl_mw_error - {"ok": false, "error": {code, field, message}} into w, as a daemon's error reply says it */
void ctl_mw_error(mw *w, const jrp_error *e);
/* ctl_fail - a failure found by jrpctl itself: that object on stdout with --json, else "jrpctl: FIELD:
 * MESSAGE" on stderr; returns 1 */
int ctl_fail(ctl *c, const jrp_error *e);
/* ctl_call_quiet - one request to a daemon, nothing printed: 0 and *reply filled, or the error in *e
 * (*reply freed) */
int ctl_call_quiet(ctl *c, int svc, mw *req, msg_in *reply, jrp_error *e);
/* ctl_mw_reply - KEY: the reply, or the error as ctl_mw_error says it (rc: ctl_call_quiet's), into a map */
void ctl_mw_reply(mw *w, const char *key, int rc, const msg_in *reply, const jrp_error *e);

/* help.c: one table of every command (name, synopsis, description, options; English and Chinese) */
/* ctl_usage - the list of every command: stdout for --help, stderr after a usage error */
void ctl_usage(FILE *f);
/* ctl_help - help of the command that words name (n == 0: the list), as JSON with --json; 0, or 2 if there
 * is no such command */
int ctl_help(ctl *c, int n, char **words);
/* ctl_usage_of - the synopsis of the command(s) named cmd on stderr after a usage error: 2, or -1 if none */
int ctl_usage_of(const char *cmd);
/* ctl_wants_help - --help or -h among a command's arguments */
bool ctl_wants_help(int argc, char **argv);
/* zh.c: the Chinese of jrpctl's output (util/i18n.h) */
extern const i18n_msg ctl_zh[];

/* backup.c: a consistent hot copy of the four environments and the journal, with a manifest; its restore */
int ctl_backup(ctl *c, int argc, char **argv);
int ctl_restore(ctl *c, int argc, char **argv);
int ctl_up(ctl *c, int argc, char **argv);
int ctl_down(ctl *c, int argc, char **argv);
int ctl_status(ctl *c, int argc, char **argv);
/* ctl_status_u64 - one field of a daemon's status reply, or -1 if it does not answer */
int64_t ctl_status_u64(ctl *c, int svc, const char *key);
/* ctl_sync - wait until every consumer has caught up with its upstream log */
int ctl_sync(ctl *c, int argc, char **argv);
/* ctl_keys - jrpctl keys new NAME [--dir DIR] */
int ctl_keys(ctl *c, int argc, char **argv);
/* ctl_tokens - jrpctl tokens new PARTY: a bearer token for jrp-gateway and the hash parties.yaml keeps */
int ctl_tokens(ctl *c, int argc, char **argv);
/* exchange.c: jrpctl exchange (README "Between regions") */
int ctl_exchange(ctl *c, int argc, char **argv);

void print_check(ctl *c, const msgpack_object *r);
void print_task(ctl *c, const msgpack_object *t);
void print_stats(ctl *c, const msgpack_object *r);
void print_report_stats(ctl *c, const msgpack_object *r);
void print_daily(ctl *c, const msgpack_object *r);
void print_overdue(ctl *c, const msgpack_object *r);
void print_commitments(ctl *c, const msgpack_object *r, bool first);
void print_entries(ctl *c, const msgpack_object *r);
void print_records(ctl *c, const msgpack_object *r);
void print_subject_tasks(ctl *c, const msgpack_object *r);

/* entries.c: notice, object, decide-objection, repair, decide-repair, abuse, publication;
 * returns -1 if cmd is not one of them */
int ctl_entry_cmd(ctl *c, const char *cmd, int argc, char **argv);
/* ctl_subject - a subject's whole credit record from three daemons */
int ctl_subject(ctl *c, const char *code);
const char *party_name(ctl *c, const char *id);
/* ctl_rejected - rejected.c: jrpctl rejected list [--all] | retry SEQ [--daemon NAME] */
int ctl_rejected(ctl *c, int argc, char **argv);
/* ctl_audit - audit.c: jrpctl audit --subject CODE | --from TIME --to TIME: who changed what, when, from which record */
int ctl_audit(ctl *c, int argc, char **argv);

/* bulk.c: the bulk loader's pipeline (submit --lines, submit --csv): records sent with many requests
 * in flight, each reply matched to its item's tag (a line or a row number) */
typedef struct ctl_bulk {
	ctl *c;
	jrp_client *cl;
	size_t total, done, dups, failed, inflight;   /* done: committed (dups of them duplicates) */
	int64_t t0;
	uint64_t first_id;         /* request ids are consecutive from here: id - first_id = index */
	size_t *tag;               /* each request's tag, by index */
	size_t cap;
	const char *what;          /* what an item is, in messages ("line" if NULL) */
	/* refused - a refusal of the item tagged tag; NULL: printed as "line N refused [code] field: message" */
	void (*refused)(void *arg, size_t tag, const char *code, const char *field, const char *message);
	void *arg;
	mw refusals;               /* --json without refused(): an array of {line, code, field, message} */
	const char *type;          /* the request: record.submit (NULL), or record.check (a dry run) */
} ctl_bulk;
void bulk_init(ctl_bulk *b, ctl *c, jrp_client *cl, size_t total);
void bulk_free(ctl_bulk *b);
/* bulk_send - one record (its msgpack map) in flight, tagged; first waits for a reply if the window is
 * full: 0, or -1 (no reply in time, or the send failed). Fits conv_json_lines' callback */
int bulk_send(void *b, const char *mp, size_t mplen, size_t tag);
/* bulk_skip - an item refused before it was sent: counted, the progress bar moves */
void bulk_skip(ctl_bulk *b);
/* bulk_drain - wait for every reply in flight, then the last progress; 0, or -1 if some never came */
int bulk_drain(ctl_bulk *b);
void bulk_progress(ctl_bulk *b, bool force);

/* csv.c: jrpctl submit --csv FILE [--mapping FILE] [--domain D] [--check] [--refused FILE] */
int ctl_submit_csv(ctl *c, int argc, char **argv);
/* ctl_csv_rules_check - validate the CSV mapping files of a rules directory (DIR/csv/NAME.yaml) against
 * its catalogue, printing one line each; 0, or 1 with the error printed */
int ctl_csv_rules_check(ctl *c, const char *dir, const jrp_catalog *cat);

#endif
