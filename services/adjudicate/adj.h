/*
 * adj.h - adjudication: records against standards, entries through their life
 *
 * The rules of DOMAIN.md "Lists" and "Life of an entry", each function on a
 * context (entry.h: transaction, databases, catalogue, now), never on the
 * daemon, so that tests/unit/test_adjudicate.c runs them without sockets:
 *   lists.c     the life of an entry: identification, notice and objection
 *               window, effect, exit, the cross-checks and derived entries,
 *               deadlines, catalogue changes
 *   actions.c   what departments, agencies and the office do to one entry
 *   publish.c   the publication log
 *   foreign.c   another region's entries: received under a receiving standard, changed only by the home
 * Every change goes to the change log (emit) as a records.h jrp_change.
 * requests.c turns requests into these calls; main.c is the daemon.
 */
#ifndef JRP_ADJ_H
#define JRP_ADJ_H
#include "entry.h"
#include "parties.h"

/* why a change happened, beyond the entry itself (records.h jrp_change) */
typedef struct change_why {
	jrp_exit_reason exit_reason;        /* exited, revoked, refused */
	jrp_outcome outcome;                /* objection_decided */
	jrp_repair_state repair;            /* repair_decided */
	jrp_interview_kind interview;       /* interview_due */
	jrp_interview_state interview_outcome; /* interview_recorded */
	jrp_date decide_by;                 /* notice_due, objection_filed, repair_applied */
	bool restoration;                   /* revoked punishment: reputation restored */
	const char *note;
} change_why;

/* the department's deadlines for its duties, in working days */
#define NOTICE_WORKDAYS 7             /* jrp's choice: no text sets one; the 7 working days departments
                                       * have to report a record (DOMAIN.md "Records") */
#define OBJECTION_DECIDE_WORKDAYS 10  /* [national] the platform answers within 10 working days */
#define REPAIR_DECIDE_WORKDAYS 3      /* [national] the department decides within 3 working days */

/* HISTORY - one more item of an entry's history (entry_history), returning its error from the
 * calling function */
#define HISTORY(a, en, ...) do { int hrc_ = entry_history((a), (en), __VA_ARGS__); if (hrc_) return hrc_; } while (0)

/* emit - append the change `action` of en, caused by `by`, to the change log */
int emit(adj *a, const entry *en, jrp_change_action action, const char *by, const change_why *w);

/* ---- lists.c ---- */
/* lists_apply_event - a department's record: identify under every standard it meets, or follow
 * up an entry (rectification, interview) */
int lists_apply_event(adj *a, const jrp_event *ev, jrp_error *e);
/* lists_tick - the deadlines due at a->now, at most a bounded batch: 1 if more are due now, 0, or
 * < 0; *next_due gets the next due time (INT64_MAX if none) */
int lists_tick(adj *a, int64_t *next_due);
int lists_effective(adj *a, entry *en);
/* lists_exit - end an active entry for reason (EXIT_REVOKED: it was wrong) */
int lists_exit(adj *a, entry *en, jrp_exit_reason reason, const char *by, uint64_t record_seq, const char *note);
/* lists_schedule_effective - (re)arm the objection window from the notice or identification date */
int lists_schedule_effective(adj *a, entry *en);
/* lists_reevaluate - after a catalogue change (old: the one before): exit active entries whose
 * standard no longer fits; each is passed to fn (the reply names the first ones) */
int lists_reevaluate(adj *a, const jrp_catalog *old, void (*fn)(void *arg, const entry *en, const char *why), void *arg,
		     size_t *changed);
/* lists_recalendar - after a catalogue change (old: the one before) whose calendar counts some
 * year's working days differently (an official schedule replacing a provisional year): every
 * pending working-day deadline that counted them (objection_end, rectify_by, notice_by,
 * repair_decide_by) is counted again, re-indexed, and passed to fn if it moved */
int lists_recalendar(adj *a, const jrp_catalog *old,
		     void (*fn)(void *arg, const entry *en, const char *deadline, jrp_date from, jrp_date to), void *arg,
		     size_t *moved);
/* lists_would_exit - the same with a->cat a candidate catalogue and `current` the one in force: the
 * entries a reload would exit, passed to fn, nothing written (catalog.diff) */
int lists_would_exit(adj *a, const jrp_catalog *current, void (*fn)(void *arg, const entry *en, const char *why),
		     void *arg, size_t *n);
/* lists_subject - every entry of a subject, encoded into the open array `out` */
/* lists_subject_asof - the subject's entries as they were at `at`, each with its history up to then */
int lists_subject_asof(adj *a, const char *code, int64_t at, mw *out);
int lists_subject(adj *a, const char *code, mw *out);
/* lists_awaiting - the records about a subject waiting for their decision to be final (an array) */
int lists_awaiting(adj *a, const char *code, mw *out);

/* lists_start - a new entry's id, identification date (today) and catalogue version, in state */
int lists_start(adj *a, entry *en, jrp_entry_state state);
/* lists_remove_red_fn - entry_each_subject's fn: arg (an entry taking effect on black or focus) removes
 * the subject's red entries in force */
int lists_remove_red_fn(adj *a, entry *en, void *arg);

/* ---- foreign.c: another region's entries (federation, issue 14) ---- */
/* foreign_apply - a foreign record from this region's exchange: the home entry's state after one of
 * its changes, applied once and in the home's order (origin.seq) */
int foreign_apply(adj *a, const jrp_event *ev, jrp_error *e);

/* ---- actions.c: each validates everything before it writes; e says field and reason ---- */
/* act_notice - the department notified the subject of entry id on notice_date; with linked, the same
 * notice reached the persons linked to it: each of their entries awaiting a notice is noticed too
 * and, if covered is not NULL, written into that open array as {entry, objection_end} */
int act_notice(adj *a, uint64_t id, const jrp_party *by, jrp_date notice_date, bool linked, entry *en, mw *covered,
	       jrp_error *e);
int act_objection_file(adj *a, uint64_t id, const jrp_party *by, const char *reason, entry *en, jrp_date *decide_by,
		       jrp_error *e);
int act_objection_decide(adj *a, uint64_t id, const jrp_party *by, jrp_outcome outcome, const char *note, entry *en,
			 jrp_error *e);
/* act_repair_apply - methods: mask of 1 << jrp_repair_method */
int act_repair_apply(adj *a, uint64_t id, const jrp_party *by, unsigned methods, const char *note, entry *en,
		     jrp_error *e);
int act_repair_decide(adj *a, uint64_t id, const jrp_party *by, bool approved, const char *note, entry *en,
		      jrp_error *e);
int act_reward_abuse(adj *a, uint64_t id, const jrp_party *by, const char *note, entry *en, jrp_error *e);

/* ---- publish.c ---- */
int publish(adj *a, entry *en, jrp_publication_kind kind);
/* publish_record - 双公示 [001 §(一)4]: a record of a kind the catalogue publishes (licence, penalty) goes to
 * the publication log when it comes, masked, shown until its publish_until (record_end at the end) */
int publish_record(adj *a, const jrp_event *ev);
/* publish_record_end - the record (party, record_id) stops being shown: reason "expired" (its period
 * ended: the deadline, by event seq) or "annulled" (a finality record: the decision was annulled);
 * 0 if it is not shown */
int publish_record_end(adj *a, const char *party, const char *record_id, const char *reason);
int publish_record_expired(adj *a, uint64_t record_seq);
/* mask_id / mask_name - the catalogue's masking of a person's ID number and name */
void mask_id(const jrp_catalog *cat, const char *id, char *out, size_t n);
void mask_name(const jrp_catalog *cat, const char *name, char *out, size_t n);

#endif
