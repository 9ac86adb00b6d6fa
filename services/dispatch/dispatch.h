/*
 * dispatch.h - list changes to per-party task streams, and the check service
 *
 * The rules (DOMAIN.md "Measures", "Trigger, response, feedback"), each on a
 * context (transaction, databases, catalogue, parties, now), never on the
 * daemon, so that tests/unit/test_dispatch.c runs them without sockets:
 *   tasks.c     a change of an entry -> tasks for each executing agency of each
 *               measure that targets it (apply, stop, suspend, resume, recall),
 *               and duties for the identifying department
 *   check.c     the answer to a check before handling (逢办必查)
 *   reconcile.c after a catalogue change, the measures of the entries in force
 *               follow it (apply what it adds, stop what it withdraws), in
 *               bounded batches; catalog.diff computes the same, changing nothing
 * service.c is the daemon: the agencies' streams (tasks.fetch, tasks.ack), the
 * check on the front thread with its journal, the pulled changes.
 *
 * Databases: "out" is the outbound log (copies of changes, tasks, checks: what
 * feedback pulls); "astream" indexes each party's tasks in it (party NUL seq);
 * "acks" each party's acknowledged cursor; "active" the entries in force, the
 * latest copy of their change (subject NUL entry -> change); "etasks" the
 * measures applied for an entry (entry, agency NUL measure -> apply task seq); "ahist" every write of
 * "active", for the check as of a past instant (asof.c).
 */
#ifndef JRP_DISPATCH_H
#define JRP_DISPATCH_H
#include <lmdb.h>
#include "catalog.h"
#include "parties.h"
#include "records.h"

enum { DDB_META, DDB_OUT, DDB_ASTREAM, DDB_ACKS, DDB_ACTIVE, DDB_ETASKS, DDB_AHIST, DDB__N };
extern const char *const dsp_db_names[DDB__N];

typedef struct dsp {
	MDB_txn *txn;
	MDB_dbi db[DDB__N];
	const jrp_catalog *cat;
	const jrp_parties *parties;
	int64_t now;                 /* ms */
	jrp_date today;
	/* log_read - the record at seq of the outbound log, from LMDB or, once it was archived, from its
	 * archive file (daemon_log_read); NULL: LMDB only (the unit tests). *owned: the caller frees */
	int (*log_read)(void *arg, MDB_txn *txn, uint64_t seq, MDB_val *v, void **owned, jrp_error *e);
	void *log_arg;
	jrp_error *err;              /* where a log_read failure says why (NULL: only logged) */
} dsp;

void dsp_set_now(dsp *x, int64_t now_ms);

/* tasks_apply_change - one change of adjudicate's log: its copy goes to the outbound log (ch becomes
 * that copy: change_seq = its seq upstream, seq = dispatch's), and the tasks it calls for */
int tasks_apply_change(dsp *x, jrp_change *ch, jrp_error *e);

/* check_answer - the entries in force of subject and the measures of each that bite in matter
 * (mandatory first; `yours` for agency), written into the open reply map out; rec gets what the
 * check's record says (listed, lists, as_of). e: an unknown matter kind */
int check_answer(dsp *x, const char *subject, const char *matter, const char *agency, mw *out, jrp_check *rec,
		 jrp_error *e);

/* check_write_entry - one entry of a check's answer (its measures that bite in matter); since and change_seq
 * (a check as of a past instant: the change that put it in that state) when change_seq is not 0 */
void check_write_entry(const jrp_catalog *cat, const jrp_change *ch, const char *matter, const char *agency, mw *out,
		       int64_t since, uint64_t change_seq);

/* ---- asof.c: the check as of a past instant ---- */
/* asof_note - the entries in force of ch's subject changed: ch (at its seq in the outbound log) is in force from
 * ch->at, or (in_force false) the entry is not from then on */
int asof_note(dsp *x, const jrp_change *ch, bool in_force);
/* asof_init - at start: when the index began (kept), and the catalogue in force now kept if it is new */
int asof_init(dsp *x, int64_t now);
/* asof_catalog_in_force - cat comes into force at `at` (start or catalog.reload): its files kept if new */
int asof_catalog_in_force(dsp *x, const jrp_catalog *cat, int64_t at);
/* check_answer_asof - the check's answer as it was at `at` (ms): the entries in force then, the catalogue in
 * force then and its measures; refused (not_found, as_of_time) before the index began. scratch: a directory
 * where a kept catalogue may be unpacked to be loaded */
int check_answer_asof(dsp *x, const char *code, const char *matter, const char *agency, int64_t at,
		      const char *scratch, mw *out, jrp_error *e);

/* astream_key - "party NUL seq": a party's stream index */
size_t astream_key(unsigned char *k, const char *party, uint64_t seq);

/* ---- tasks.c's parts that reconcile.c shares ---- */
/* etask_key - "entry(8) agency NUL measure": the index of measures applied for an entry */
size_t etask_key(unsigned char *k, uint64_t entry, const char *agency, const char *measure);
/* task_of - a task about the change's entry for party (no action, no measure yet) */
void task_of(dsp *x, const jrp_change *ch, const char *party, jrp_task *t);
/* measure_of - the measure's fields (class, name, basis, matters, feedback_due) into t */
void measure_of(dsp *x, const jrp_measure *m, jrp_task *t);
/* push - t at the next seq of the outbound log, indexed in its party's stream */
int push(dsp *x, jrp_task *t);
/* applied_measure - the measure's fields of apply task seq, as the agency was told them */
int applied_measure(dsp *x, uint64_t seq, jrp_task *t);

/* ---- reconcile.c ---- */
typedef struct recon_agency {
	char agency[JRP_ID_MAX + 1];
	uint64_t apply, stop;
} recon_agency;

/* what reconciling entries with a catalogue does (or, dry, would do) */
typedef struct recon {
	bool dry;                    /* catalog.diff: count and list, write nothing */
	uint64_t entries, apply, stop;
	recon_agency *agencies;      /* dry: per agency */
	size_t nagencies;
	mw *first;                   /* dry: an open array for the first items ({entry, subject, agency, measure,
	                              * action, reason?}), or NULL */
	size_t nfirst, max_first;
} recon;

/* recon_entry - the entry in force whose latest change is ch, against x->cat: apply every (agency,
 * measure) the catalogue targets and the entry never had, stop every one it had that the catalogue
 * no longer targets. An entry that no longer fits the catalogue is left to adjudicate, which exits
 * it (dry: its measures count as stops, reason standard_changed). */
int recon_entry(dsp *x, const jrp_change *ch, recon *r);
/* recon_batch - the next at most max entries in force after *after (a "subject NUL entry" key;
 * *alen 0 = from the start), reconciled; *after advances; 1 if more remain, 0 when done, < 0 */
int recon_batch(dsp *x, recon *r, unsigned char *after, size_t *alen, size_t max);
void recon_free(recon *r);

#endif
