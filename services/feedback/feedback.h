/*
 * feedback.h - agencies' feedback, overdue tracking and the office's figures
 *
 * DOMAIN.md "Trigger, response, feedback" and "Monitoring by the office"
 * [001 §(五)1-2, 四(三)] [003 六], each on a context (transaction, databases,
 * parties, now), never on the daemon, so that tests/unit/test_feedback.c runs
 * them without sockets:
 *   accounts.c   what dispatch's log says: changes, tasks and checks become
 *                counters, task states and deadlines
 *   report.c     an agency's feedback on its own task
 *   overdue.c    deadlines: what is due, what is overdue and how late, what a
 *                calendar change moves
 *   counters.c   the counters, by name and by day
 *   foreign.c    other regions' entries here, by region (stats.get's foreign, foreign.report)
 *   figures.c    the office's statistics (in all, over a period, day by day) and a
 *                subject's tasks
 * service.c is the daemon; main.c starts it.
 *
 * Databases: "tasks" task seq -> state byte (jrp_task_state) + the task as
 * dispatch sent it; "feedback" task seq -> the agency's report; "due"
 * (due ms, task seq) -> its party, for mandatory measures and duties with a
 * deadline not yet passed; "overdue" (party NUL due date, task seq) -> "" once
 * it has passed (overdue.c moves them, a bounded batch at a time); "stats"
 * counters by name, and for flows also by day ("name@YYYY-MM-DD": statistics
 * over a period are sums of days, never scans of tasks); "estate" entry -> its
 * list while in force; "etasks" (entry, task seq) -> the task's action or
 * duty; "stasks" (subject NUL task seq): a subject's tasks; "foreign": other regions' entries and
 * tasks by region (foreign.c).
 */
#ifndef JRP_FEEDBACK_H
#define JRP_FEEDBACK_H
#include <lmdb.h>
#include "catalog.h"
#include "parties.h"
#include "records.h"

enum { FDB_META, FDB_TASKS, FDB_FB, FDB_DUE, FDB_STATS, FDB_ESTATE, FDB_ETASKS, FDB_STASKS, FDB_OVERDUE, FDB_TSTATE,
       FDB_FOREIGN, FDB__N };
extern const char *const fb_db_names[FDB__N];

typedef struct fbk {
	MDB_txn *txn;
	MDB_dbi db[FDB__N];
	const jrp_parties *parties;
	const jrp_catalog *cat;      /* domains, the calendar (durations and lateness in working days) */
	int64_t now;                 /* ms */
	jrp_date today;
	jrp_date day;                /* the day the record being counted happened (0: today) */
} fbk;

void fbk_set_now(fbk *f, int64_t now_ms);

/* fb_task_put - a task's value (state byte + the task) into "tasks", and its state from now on into "tstate"
 * (task(8) at(8) -> state): tasks.get as of a past instant reads the state a task had then */
int fb_task_put(fbk *f, const unsigned char k[8], const void *v, size_t len);
#define FB_TSTATE_SINCE "tstate_since"   /* meta: since when task states are kept by instant */

/* accounts.c: one record of dispatch's log (raw: as dispatch encoded it) */
int fb_apply(fbk *f, const jrp_rec *rec, const msgpack_object *raw, jrp_error *e);

/* report.c: feedback.submit by agency on its task; *duplicate when the same result was reported */
typedef struct fb_report {
	uint64_t task;
	jrp_task_state result;       /* TS_APPLIED, TS_NOT_APPLICABLE or TS_FAILED */
	char matter_id[65];          /* "" if none */
	jrp_date date;
	char note[JRP_NOTE_BUF];
	bool is_case;
} fb_report;
int fb_report_submit(fbk *f, const jrp_party *agency, const fb_report *r, bool *duplicate, jrp_error *e);

/* figures.c: the office's statistics; from/to (0: none) sum the flows over those days (stocks are
 * as of now either way) */
void fb_stats(fbk *f, mw *out, jrp_date from, jrp_date to);
/* fb_daily - the office's figures day by day from..to (at most FB_DAILY_MAX days): the reply's
 * days array, one element a day, zeros too, in date order; each figure is the day's counter, the same
 * stats.get {from: day, to: day} gives */
#define FB_DAILY_MAX 366
void fb_daily(fbk *f, mw *out, jrp_date from, jrp_date to);
/* fb_overdue - tasks past their deadline, in all (party NULL) or of one party: a counter */
uint64_t fb_overdue(fbk *f, const char *party);

/* overdue.c: DOMAIN.md "Monitoring by the office": what is past its deadline */
/* fb_overdue_tick - move what fell due by f->now from "due" to "overdue", at most max; *next: the
 * next due time (INT64_MAX if none); 1 if more are due now, 0, < 0 */
int fb_overdue_tick(fbk *f, size_t max, int64_t *next);
/* fb_deadline_close - a pending task with a deadline is done (reported, closed, superseded): out of
 * the due or the overdue index; if it was overdue, counted late for its party (how late in working
 * days) */
int fb_deadline_close(fbk *f, const jrp_task *t);
/* fb_overdue_recalendar - the same for what is already overdue: counted again; back to "due" if its
 * new deadline has not passed */
int fb_overdue_recalendar(fbk *f, const jrp_calendar *old, const jrp_calendar *cal,
			  void (*fn)(void *arg, const jrp_task *t, jrp_date from, jrp_date to), void *arg, size_t *moved);
/* fb_overdue_list - overdue items (of party, or all when NULL) after cursor `after` ("" = from the
 * start), at most max, into the open array out; *next gets the cursor of the last one ("" if the
 * list ended) */
int fb_overdue_list(fbk *f, const char *party, const char *after, size_t max, mw *out, char next[160]);
/* fb_subject_tasks - a subject's tasks with their state and feedback, into the open reply map */
int fb_subject_tasks(fbk *f, const char *code, mw *out);
/* fb_subject_tasks_asof - the same as it was at `at`: the tasks that had come, each in the state it had then
 * (its feedback only if given by then) */
int fb_subject_tasks_asof(fbk *f, const char *code, int64_t at, mw *out);

/* foreign.c (federation, issue 14): called only for a change or task that carries an origin */
/* fb_foreign_change - was_in_force: the entry was in force before this change (an exit) */
int fb_foreign_change(fbk *f, const jrp_change *ch, bool was_in_force);
int fb_foreign_task(fbk *f, const jrp_task *t);
/* fb_foreign_done - a foreign task left pending (was_pending) or got feedback `result` */
int fb_foreign_done(fbk *f, const jrp_task *t, bool was_pending, jrp_task_state result);
/* fb_foreign_overdue - task went overdue (+1) or left overdue (-1); region NULL: looked up by task */
int fb_foreign_overdue(fbk *f, uint64_t task, const char *region, int delta);
/* fb_foreign_stats - stats.get's "foreign": {region: {entries, tasks, applied, not_applicable, failed,
 * awaiting, overdue}} */
void fb_foreign_stats(fbk *f, mw *out);
/* fb_foreign_report - foreign.report: the region's entries after home entry `after` (at most max) with
 * what became of each, next? and the region's totals, into the open reply map */
int fb_foreign_report(fbk *f, const char *region, uint64_t after, size_t max, mw *out);
/* fb_task_overdue - is pending task t in the overdue index? (overdue.c) */
bool fb_task_overdue(fbk *f, const jrp_task *t);

/* counters (accounts.c): stat_add adds delta to the counter named by fmt, a, b */
int fb_stat_add(fbk *f, int64_t delta, const char *fmt, const char *a, const char *b);
uint64_t fb_stat_get(fbk *f, const char *fmt, const char *a);
/* fb_stat_period - the sum of a flow counter's days from..to (both included) */
uint64_t fb_stat_period(fbk *f, const char *key, jrp_date from, jrp_date to);
/* fb_stat_days - each day's count of a flow counter from..to added into acc[day - from] */
void fb_stat_days(fbk *f, const char *key, jrp_date from, jrp_date to, uint64_t *acc);
/* fb_due_key - (due day's end, task): the overdue index */
void fb_due_key(unsigned char k[16], jrp_date due, uint64_t task);
/* fb_task_set_due - the stored task (in state `state`) with a new feedback_due */
int fb_task_set_due(fbk *f, int state, jrp_task *t, jrp_date due);
/* fb_recalendar - DOMAIN.md "Working days": the calendar changed from old to cal (an official
 * schedule replacing a provisional year): every pending deadline that counted the changed years is
 * counted again (the same working days after the day the task was pushed), re-indexed and stored
 * with its task (tasks.get shows it); each that moved is passed to fn */
int fb_recalendar(fbk *f, const jrp_calendar *old, const jrp_calendar *cal,
		  void (*fn)(void *arg, const jrp_task *t, jrp_date from, jrp_date to), void *arg, size_t *moved);

#endif
