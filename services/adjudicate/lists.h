/*
 * lists.h - adjudication: records against standards, entries through their life
 *
 * lists.c holds the life of an entry (create, effective, exit, the cross-checks
 * and derived entries); actions.c the requests of departments, agencies and the
 * office on one entry (notice, objection, repair, reward abuse); publish.c the
 * publication log.
 */
#ifndef JRP_ADJ_LISTS_H
#define JRP_ADJ_LISTS_H
#include "daemon.h"
#include "entry.h"

enum { DB_CHANGES = 1, DB_ENTRIES, DB_BY_SUBJECT, DB_DUE, DB_BY_STANDARD, DB_LINKS, DB_PUBLICATION, DB__N };

/* optional fields of a change record */
typedef struct change_opt {
	const char *reason;
	const char *note;
	const char *interview;   /* interview_due: "reminder" | "warning" */
	jrp_date decide_by;      /* objection_filed, repair_applied: the department's deadline */
	bool restoration;        /* revoked black/focus entry: the subject's reputation is restored */
} change_opt;

/* store and indexes */
int entry_load(jrp_daemon *d, MDB_txn *txn, uint64_t id, entry *en);
int entry_store(jrp_daemon *d, MDB_txn *txn, const entry *en);
int emit(jrp_daemon *d, MDB_txn *txn, const entry *en, const char *action, const char *by, const change_opt *o);
int due_put(jrp_daemon *d, MDB_txn *txn, int64_t at, uint64_t id, int action);

/* transitions */
int lists_effective(jrp_daemon *d, MDB_txn *txn, entry *en);
/* lists_exit - end an active entry: reason as entry.h says; "revoked" = wrong entry */
int lists_exit(jrp_daemon *d, MDB_txn *txn, entry *en, const char *reason, const char *by, uint64_t record_seq,
	       const char *note);
/* lists_schedule_effective - (re)arm the objection window from the notice or identification date */
int lists_schedule_effective(jrp_daemon *d, MDB_txn *txn, entry *en);

/* each_subject_entry - fn for every entry of a subject; fn returns < 0 to stop with that error */
int each_subject_entry(jrp_daemon *d, MDB_txn *txn, const char *code,
		       int (*fn)(jrp_daemon *d, MDB_txn *txn, entry *en, void *arg), void *arg);

int lists_apply_event(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ev, jrp_error *e);
int lists_tick(jrp_daemon *d, MDB_txn *txn, int64_t now, int64_t *next_due);
int lists_subject(jrp_daemon *d, MDB_txn *txn, const char *code, mw *out);
/* lists_reevaluate - after a catalogue change: exit active entries whose standard no longer fits;
 * writes {entry, standard, reason} of each into the open array `out` */
int lists_reevaluate(jrp_daemon *d, MDB_txn *txn, const jrp_catalog *old, mw *out, size_t *changed);

/* actions.c: request handlers */
int actions_h_notice(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int actions_h_objection_file(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int actions_h_objection_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int actions_h_repair_apply(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int actions_h_repair_decide(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int actions_h_reward_abuse(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);

/* publish.c */
int publish(jrp_daemon *d, MDB_txn *txn, entry *en, const char *kind);
int publish_h_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
/* mask_id / mask_name - the catalogue's masking of a person's ID number and name */
void mask_id(const jrp_catalog *cat, const char *id, char *out, size_t n);
void mask_name(const jrp_catalog *cat, const char *name, char *out, size_t n);

#endif
