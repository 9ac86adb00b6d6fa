/*
 * exchange.h - the contract between engines: the records one region's
 * jrp-exchange keeps for another (README "Between regions")
 *
 *   kind          from -> to                  what
 *   "shared"      home -> peer                one state of an entry the home's standard shares with
 *                                             the peer (share: in standards.yaml): effective,
 *                                             suspended or not, extended, exited and why
 *   "initiation"  initiator -> peer           the initiating office asks the peer region to identify
 *                                             a subject under its own standards (跨地区联合惩戒发起)
 *   "reply"       peer -> initiator           the peer office accepted or refused an initiation, why
 *   "report"      receiver -> home            what the receiving region's agencies did about the
 *                                             home's entries: tasks, done, awaiting, overdue
 *
 * Every record has {seq, kind, to, at}: seq is its place in the stream the sender keeps for `to`
 * (1, 2, 3 ... with no gap), at when the sender committed it. A peer pulls its stream with
 * exchange.fetch from its own cursor, exactly as the daemons pull each other's logs (puller.h),
 * and the identity checks of log.fetch hold (log_id, format, after_crc, end_crc).
 *
 * Each kind has one encoder and one strict decoder: an unknown field, a wrong type, a name not in
 * its table is an error naming the field. X_FORMAT is the format of these records (log.fetch's
 * `format` of the stream); a receiver stops at a format or a kind it does not know.
 */
#ifndef JRP_EXCHANGE_H
#define JRP_EXCHANGE_H
#include "records.h"

#define X_FORMAT 1
#define X_REPORT_MAX 1000        /* entries in one report (feedback's foreign.report page; the rest: truncated) */

#define X_KINDS(X) X(XK_SHARED, "shared") X(XK_INITIATION, "initiation") X(XK_REPLY, "reply") X(XK_REPORT, "report")
typedef enum { X_KINDS(NAMES_ENUM) XK__N } x_kind;
extern const jrp_names x_kind_names;               /* "exchange record kind" */

/* what a receiving region answered an initiation */
#define X_DECISIONS(X) X(XD_PENDING, "pending") X(XD_ACCEPTED, "accepted") X(XD_REFUSED, "refused")
typedef enum { X_DECISIONS(NAMES_ENUM) XD__N } x_decision;
extern const jrp_names x_decision_names;           /* "initiation decision" */

typedef struct x_shared {
	uint64_t entry;                   /* the home's entry id */
	uint64_t change_seq;              /* the change of the home's adjudicate log this state comes from */
	jrp_change_action action;         /* that change: effective, suspended, resumed, extended, exited, revoked */
	jrp_list list;
	bool exited;                      /* the entry has ended at home (reason says why) */
	bool suspended;
	jrp_exit_reason reason;           /* exited: required; else EXIT_NONE */
	jrp_subject subject;
	uint64_t linked_to;               /* a linked person's entry: the organisation's entry at home, 0 if none */
	char party[JRP_ID_MAX + 1];       /* the home's identifying department */
	char standard[JRP_STANDARD_MAX + 1];
	char standard_name[JRP_TITLE_MAX + 1];
	char domain[JRP_ID_MAX + 1];
	char catalog_version[JRP_VERSION_MAX + 1];
	jrp_date decision_date, valid_from, valid_until;
} x_shared;

typedef struct x_initiation {
	uint64_t id;                      /* the initiator's id of it (1, 2, ... per initiating region) */
	char by[JRP_ID_MAX + 1];          /* the initiating office's party */
	jrp_subject subject;
	jrp_list list;                    /* black or focus: what the initiator asks for */
	char domain[JRP_ID_MAX + 1];      /* the initiator's domain of the dishonesty */
	char reason[JRP_NOTE_BUF];        /* why it asks (people's text) */
	char facts[4 * JRP_FACTS_MAX + 1];
	char basis[4 * JRP_BASISTEXT_MAX + 1];   /* "" if none */
} x_initiation;

typedef struct x_reply {
	uint64_t id;                      /* the initiation's id at the initiator */
	x_decision decision;              /* accepted or refused */
	char by[JRP_ID_MAX + 1];          /* the deciding office's party */
	char reason[JRP_NOTE_BUF];
	char standard[JRP_STANDARD_MAX + 1];   /* accepted: the receiving standard the subject is identified under */
	char record_id[JRP_RECORD_ID_MAX + 1]; /* accepted: the determination record it became */
} x_reply;

typedef struct x_report_item {
	uint64_t entry;                   /* the home's entry id (0 in totals) */
	bool in_force;                    /* the foreign entry is in force in the receiving region */
	uint64_t tasks, done, awaiting, overdue;
} x_report_item;

typedef struct x_report {
	x_report_item totals;
	size_t n;                         /* items in entries */
	bool truncated;                   /* more entries than X_REPORT_MAX: only the first are here */
	x_report_item *entries;           /* decoded: malloc'ed (x_free) */
} x_report;

typedef struct x_rec {
	uint64_t seq;
	x_kind kind;
	char to[JRP_ID_MAX + 1];
	int64_t at;
	union {
		x_shared shared;
		x_initiation init;
		x_reply reply;
		x_report report;
	} u;
} x_rec;

/* x_encode - the record map (seq, kind, to, at and the kind's fields) */
void x_encode(mw *w, const x_rec *x);
/* x_decode - strictly; JRP_EUNKNOWN (e names it) for a kind this build does not know */
int x_decode(const msgpack_object *o, x_rec *x, jrp_error *e);
void x_free(x_rec *x);

#endif
