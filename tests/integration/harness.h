/*
 * harness.h - integration tests on the real daemons
 *
 * h_start() makes a temporary directory with a config (test clock on, ipc://
 * sockets), starts the four real daemon binaries on it and waits until each
 * answers; h_call() sends one request with the real client; h_stop() stops
 * them with SIGTERM, checks they exited 0, and removes the directory.
 * h_start_curve() does the same on tcp://127.0.0.1 with CURVE keys
 * (DESIGN.md Security).
 */
#ifndef JRP_HARNESS_H
#define JRP_HARNESS_H
#include <stdbool.h>
#include <sys/types.h>
#include "client.h"
#include "config.h"
#include "msg.h"

typedef struct harness {
	char dir[256];
	char config[300];
	pid_t pid[SVC__N];
	jrp_client *cl[SVC__N];
	jrp_config *cfg;
	bool own_rules;           /* h_start_own_rules: DIR/rules is a copy the test may edit */
	bool curve;               /* h_start_curve: h->cl speak with the key of "office" */
} harness;

int h_start(harness *h);
/* h_config_map - if set before h_start: the map_size_mb / map_max_mb lines of the config */
extern const char *h_config_map;
/* h_data_dir - if set before h_start: the data_dir of the config (default DIR/data) */
extern const char *h_data_dir;
/* h_config_extra - if set before h_start: more lines of the config (e.g. log_retention_days) */
extern const char *h_config_extra;
/* h_start_from - like h_start, on the data directory in tarball (a .tar.gz holding data/<daemon>/) */
int h_start_from(harness *h, const char *tarball);
/* h_start_own_rules - like h_start, with a copy of rules/ in DIR/rules and of deploy/parties.yaml in
 * DIR/parties.yaml that the test may change */
int h_start_own_rules(harness *h);
/* h_start_curve - like h_start, but every daemon on tcp://127.0.0.1:<free port>
 * with CURVE: a key pair in DIR/keys for each daemon, "office" and each of
 * `parties` (NULL-terminated), registered in a copy of deploy/parties.yaml */
int h_start_curve(harness *h, const char *const *parties);
/* h_keygen - a new key pair DIR/keys/NAME.key and NAME.pub; pub (41 bytes) gets the public key */
int h_keygen(harness *h, const char *name, char *pub);
/* h_client - a client of svc with the key pair DIR/keys/NAME.key, or plain
 * (no CURVE) when name is NULL; NULL if the key cannot be read */
jrp_client *h_client(harness *h, int svc, const char *name);
/* h_stop - SIGTERM every daemon; returns how many did not exit 0 (a graceful
 * stop, and under the sanitizers no leak or error report) */
int h_stop(harness *h);
/* h_start_daemon / h_kill - one daemon (SIGKILL: no chance to clean up) */
int h_start_daemon(harness *h, int svc);
/* h_kill - returns the wait status */
int h_kill(harness *h, int svc, int sig);

/* h_req - begin a request (client_begin) */
void h_req(mw *w, const char *type, const char *party);
/* h_call - send; returns 0 (ok), JRP_EREPLY (error reply: *e), other (no reply);
 * the reply is in *in and must be freed with msg_in_free when the return is 0 or JRP_EREPLY */
int h_call(harness *h, int svc, mw *w, msg_in *in, jrp_error *e);
/* h_clock - set every daemon's test clock, downstream first */
int h_clock(harness *h, const char *now);
/* h_u64 - a field of the status reply of svc ("log_last", "cursor") */
uint64_t h_status_u64(harness *h, int svc, const char *key);
/* h_log_each - fn for every record of svc's outbound log, in order (log.fetch as office);
 * returns the number of records, or -1 if a fetch failed */
long h_log_each(harness *h, int svc, void (*fn)(void *arg, const msgpack_object *rec), void *arg);
/* h_stream_each - fn for every task of an agency's whole stream (tasks.fetch from 0, as the agency);
 * returns the number of tasks, or -1 */
long h_stream_each(harness *h, const char *agency, void (*fn)(void *arg, const msgpack_object *task), void *arg);
/* h_settle - wait until every consumer's cursor has reached its upstream's log end */
int h_settle(harness *h);

/* h_json - send a request written as JSON (printf format) to svc; 0 ok, JRP_EREPLY error
 * reply (in *e), other: no reply; *in is always to be freed with msg_in_free */
int h_json(harness *h, int svc, msg_in *in, jrp_error *e, const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* h_uscc - a valid unified social credit code: head (10 characters) + i (7 digits) + check */
void h_uscc(const char *head, int i, char out[19]);
/* h_citizen - a valid citizen id: head (14 digits) + i (3 digits) + check */
void h_citizen(const char *head, int i, char out[19]);

/* h_tax_penalty - mw_init w and begin a record.submit from tax_bureau: a tax penalty decided
 * 2026-11-20 about organisation code/name; violation, facts may be NULL, amount < 0 = none.
 * The decision is final (tax.major_violation lists only final decisions).
 * noticed: the date the record says the company was notified before identification (NULL: none,
 * the entry waits for entry.notice). The request map stays open for client_call / h_call to close. */
void h_tax_penalty(mw *w, const char *record_id, const char *code, const char *name, const char *violation,
		   int64_t amount, const char *facts, const char *noticed);

/* h_entry - the newest entry of subject code on list (NULL: any list) as entries.get shows it: its id
 * (0 if none) and, if state is not NULL, its state and exit reason ("" if none) */
uint64_t h_entry(harness *h, const char *code, const char *list, char state[16], char exit_reason[40]);
/* h_count_tasks - tasks with action (and measure, if not NULL) for entry in party's whole stream */
int h_count_tasks(harness *h, const char *party, uint64_t entry, const char *action, const char *measure);

/* h_slurp - a whole file, NUL-terminated (malloc'd), or NULL */
char *h_slurp(const char *path);
/* h_replace_in - in the file at path, the first `from` after `anchor` (NULL: from the start) becomes `to`
 * (a test's edit of a rules or parties file); 0, or -1 if either is not there */
int h_replace_in(const char *path, const char *anchor, const char *from, const char *to);

/* a valid organisation code and a valid citizen id for tests */
extern const char *const H_ORG1, *const H_ORG2, *const H_PERSON1;

#endif
