/*
 * entry.h - a list entry (名单条目) as adjudicate keeps it, and the context its
 * life runs in
 *
 * An entry is one subject on one list under one standard (or derived: a focus
 * entry after a black-list exit, a warning entry). It is stored as a msgpack
 * map in "entries" (key: 8-byte id), indexed by subject ("by_subject": code
 * NUL id), by standard ("by_standard": id NUL entry), an organisation's entry
 * by its linked persons' ("links": org id, person id), and while a deadline is
 * pending by due time ("due": ms, id, action). entries.get shows the same map.
 * A record that meets a standard requiring a final decision waits, before any
 * entry exists, in "awaiting_final" (key: subject code NUL party NUL record id;
 * value: the event as the event log holds it) until a finality record arrives.
 * A published licence or penalty (双公示, publish.c) is kept in "published_records" while it is shown:
 * key 's' + event seq (8 bytes) -> party NUL record id, and 'r' + party NUL record id -> {seq, until,
 * kind, subject (masked)}; its end is due in "due" under the event's seq (DUE_RECORD_END).
 * A foreign entry (another region's, foreign.c) is found by its home in "foreign" (key: region NUL
 * home entry id (8 bytes) -> local entry id (8 bytes)).
 * An entry's history has no bound: each item is kept in "history" (key: entry
 * id, item number; both big-endian), the entry counts them (history_total).
 * See DOMAIN.md "Life of an entry".
 *
 * adj is everything the rules need (no daemon): the write transaction, the
 * databases, the catalogue, the calendar through it, and now. The daemon
 * builds one per call (main.c); tests/unit/test_adjudicate.c builds its own.
 */
#ifndef JRP_ADJ_ENTRY_H
#define JRP_ADJ_ENTRY_H
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include "calendar.h"
#include "catalog.h"
#include "msg.h"
#include "records.h"

/* adjudicate's databases (db 0 is the skeleton's meta) */
enum { ADB_META, ADB_CHANGES, ADB_ENTRIES, ADB_BY_SUBJECT, ADB_DUE, ADB_BY_STANDARD, ADB_LINKS, ADB_PUBLICATION,
       ADB_AWAITING, ADB_HISTORY, ADB_PUBREC, ADB_ESNAP, ADB_FOREIGN, ADB__N };
extern const char *const adj_db_names[ADB__N];

typedef struct adj {
	MDB_txn *txn;
	MDB_dbi db[ADB__N];
	const jrp_catalog *cat;
	int64_t now;                 /* ms */
	jrp_date today;
	bool retick;                 /* out: a deadline was indexed; the daemon re-arms its timer */
} adj;

/* adj_set_now - now (ms) and today from one instant */
void adj_set_now(adj *a, int64_t now_ms);

#define ENTRY_VIEW_HIST 100   /* history items entries.get shows with each entry: the latest ones */
#define ENTRY_HIST_PAGE 1000  /* at most this many per entry.history page */

/* a history item (the "history" database): {at (ms), event (identified, effective, exited,
 * record_attached, notified, objection ...), by (the party that caused it; "adjudicate" for
 * deadlines), record_seq? (the event-log record that caused it), note?} */

typedef struct entry {
	uint64_t id;
	jrp_entry_state state;
	jrp_list list;
	char standard[JRP_STANDARD_MAX + 1];   /* "" for a derived warning entry */
	char domain[JRP_ID_MAX + 1];           /* "" for a derived warning entry */
	char party[JRP_ID_MAX + 1];            /* identifying department ("adjudicate": derived) */
	jrp_subject subject;
	uint64_t record_seq;
	char record_id[JRP_RECORD_ID_MAX + 1];
	jrp_date decision_date;
	jrp_date identified_on;
	jrp_date objection_end;   /* last working day of the objection window (0 until known) */
	jrp_date valid_from;      /* day it became effective (0 until then) */
	jrp_date valid_until;     /* last day of validity */
	char catalog_version[JRP_VERSION_MAX + 1];
	jrp_exit_reason exit_reason;
	/* notice and objection (DOMAIN.md Life 1, 6) */
	bool notice_required;
	jrp_date notice_date;     /* 0 until the department reports the notice */
	jrp_date notice_by;       /* the department's deadline for the notice (0: none awaited) */
	bool objection_pending;
	char objection_by[JRP_ID_MAX + 1];
	bool suspended;           /* black entry's punishments suspended while the objection is verified */
	/* repair (Life 7) */
	jrp_repair_state repair;
	jrp_date repair_applied;  /* the day the pending application came */
	jrp_date repair_decide_by;
	/* rectification and interviews (Life 5) */
	jrp_date rectify_by;      /* 0 = no deadline */
	bool rectified;
	jrp_date rectified_on;    /* the rectification record's decision date (0: none) */
	jrp_interview_state interview;
	/* links and derivations */
	uint64_t linked_to;       /* a person's entry linked to an organisation's entry (落实到人) */
	jrp_link_role link_role;
	uint64_t derived_from;    /* focus entry after a black-list exit: the black entry */
	jrp_derived derived;
	bool published;           /* went to the publication log */
	uint32_t nhist;           /* history items kept (history_total) */
	/* federation (issue 14, foreign.c): another region's entry received here; region "" = this
	 * region's own. Only the home changes it: origin.seq is the last home change applied */
	jrp_origin origin;
} entry;

/* entry_foreign - is en another region's entry? (a field test: actions refuse it, the tick skips it) */
static inline bool entry_foreign(const entry *en)
{
	return en->origin.region[0] != 0;
}

/* deadlines in the "due" index; NOTICE and REPAIR only mark the department's deadlines (feedback
 * tracks the duties), so that a calendar change finds every working-day deadline there */
enum { DUE_EFFECTIVE = 1, DUE_EXPIRE = 2, DUE_RECTIFY = 3, DUE_NOTICE = 4, DUE_REPAIR = 5,
       DUE_RECORD_END = 6 /* 双公示: the id is the event's seq, not an entry (publish.c) */ };

/* entry_encode - the entry as it is stored (no history items: history_total) */
void entry_encode(const entry *en, mw *w);
/* entry_view - the entry as entries.get shows it: the stored map with its latest ENTRY_VIEW_HIST
 * history items (history) and the number of the first one shown (history_from) */
int entry_view(adj *a, const entry *en, mw *w);
/* entry_decode - strict: a stored entry that does not read back is an error, never defaults */
int entry_decode(const void *buf, size_t len, entry *en, jrp_error *e);
/* entry_history - one more item of en's history, at a->now (en must be stored afterwards) */
int entry_history(adj *a, entry *en, const char *event, const char *by, uint64_t record_seq, const char *note);
/* entry_history_page - items n > after (after < 0: from the first) of entry id, at most max, each
 * {n, at, event, by, record_seq?, note?}, into the open array out */
int entry_history_page(adj *a, uint64_t id, int64_t after, size_t max, mw *out);
bool entry_active(const entry *en);

/* the store: load, store, index, walk */
int entry_load(adj *a, uint64_t id, entry *en);
int entry_store(adj *a, const entry *en);
/* entry_load_asof - entry id as it was at `at` (its last store at or before then; the "esnap" snapshots):
 * JRP_ENOTFOUND if it did not exist yet */
int entry_load_asof(adj *a, uint64_t id, int64_t at, entry *en);

/* entry_new_id - the next entry id */
int entry_new_id(adj *a, uint64_t *id);
/* entry_index - the subject, standard and link indexes of a new entry */
int entry_index(adj *a, const entry *en);
/* entry_due - index a deadline of entry id at `at` (ms) */
int entry_due(adj *a, int64_t at, uint64_t id, int action);
/* entry_each_* - fn for every entry of a subject / every person entry linked to an organisation's
 * entry / every entry of a standard; ids are collected first, so fn may write. fn returns < 0
 * to stop with that error */
typedef int (*entry_fn)(adj *a, entry *en, void *arg);
int entry_each_subject(adj *a, const char *code, entry_fn fn, void *arg);
/* entry_each_subject_asof - fn on each entry of the subject as it was at `at` (those that existed then) */
int entry_each_subject_asof(adj *a, const char *code, int64_t at, entry_fn fn, void *arg);
int entry_each_linked(adj *a, uint64_t id, entry_fn fn, void *arg);
int entry_each_standard(adj *a, const char *standard, entry_fn fn, void *arg);

#endif
