/*
 * ctl.h - jrpctl: the command line for departments, agencies, the office and
 * the operator. One file per concern: main.c (options, commands that talk to
 * one daemon), conn.c (configuration, clients, one request), local.c
 * (up/down/status of the local deployment), print.c (human-readable output),
 * keys.c (CURVE key pairs for tcp:// deployments), entries.c (actions on
 * entries, a subject's record), audit.c (who changed what, from which
 * record), rejected.c (records a daemon could not apply).
 */
#ifndef JRP_CTL_H
#define JRP_CTL_H
#include <stdbool.h>
#include "catalog.h"
#include "client.h"
#include "config.h"
#include "msg.h"
#include "parties.h"

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

#endif
