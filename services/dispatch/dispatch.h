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
 * service.c is the daemon: the agencies' streams (tasks.fetch, tasks.ack), the
 * check on the front thread with its journal, the pulled changes.
 *
 * Databases: "out" is the outbound log (copies of changes, tasks, checks: what
 * feedback pulls); "astream" indexes each party's tasks in it (party NUL seq);
 * "acks" each party's acknowledged cursor; "active" the entries in force, the
 * latest copy of their change (subject NUL entry -> change); "etasks" the
 * measures applied for an entry (entry, agency NUL measure -> apply task seq).
 */
#ifndef JRP_DISPATCH_H
#define JRP_DISPATCH_H
#include <lmdb.h>
#include "catalog.h"
#include "parties.h"
#include "records.h"

enum { DDB_META, DDB_OUT, DDB_ASTREAM, DDB_ACKS, DDB_ACTIVE, DDB_ETASKS, DDB__N };
extern const char *const dsp_db_names[DDB__N];

typedef struct dsp {
	MDB_txn *txn;
	MDB_dbi db[DDB__N];
	const jrp_catalog *cat;
	const jrp_parties *parties;
	int64_t now;                 /* ms */
	jrp_date today;
} dsp;

void dsp_set_now(dsp *x, int64_t now_ms);

/* tasks_apply_change - one change of adjudicate's log: its copy goes to the outbound log (ch becomes
 * that copy: change_seq = its seq upstream, seq = dispatch's), and the tasks it calls for */
int tasks_apply_change(dsp *x, jrp_change *ch, jrp_error *e);

/* check_code - the subject of a check, validated as a submission's is (DOMAIN.md "Subjects and codes"):
 * id_type ID_NONE means a unified social credit code or a citizen ID (whichever it is); a code that
 * fails is bad_code on field "subject", so that a mistyped character never answers "not listed" */
int check_code(const char *code, jrp_id_type id_type, jrp_error *e);

/* check_answer - the entries in force of subject and the measures of each that bite in matter
 * (mandatory first; `yours` for agency), written into the open reply map out; rec gets what the
 * check's record says (listed, lists, as_of). e: an unknown matter kind */
int check_answer(dsp *x, const char *subject, const char *matter, const char *agency, mw *out, jrp_check *rec,
		 jrp_error *e);

/* astream_key - "party NUL seq": a party's stream index */
size_t astream_key(unsigned char *k, const char *party, uint64_t seq);

#endif
