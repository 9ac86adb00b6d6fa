/*
 * records.h - the contract between the daemons: every record that crosses a
 * log, as a typed struct, and every enum of the protocol with its names
 *
 *   log (owner)                 kind      struct       read by
 *   events (ingest)             "record"  jrp_event    adjudicate; records.get
 *   changes (adjudicate)        "change"  jrp_change   dispatch; jrpctl audit
 *   out (dispatch)              "change"  jrp_change   feedback (a copy: change_seq is the
 *                                                      seq in adjudicate's log)
 *                               "task"    jrp_task     feedback; each party's stream (tasks.fetch)
 *                               "check"   jrp_check    feedback
 *   publication (adjudicate)    listed | exit | correction: the public log (publication.fetch)
 *
 * Each kind has one encoder (*_encode) and one strict decoder (*_decode) built
 * on msg.h's readers: a missing required field, a wrong type, an unknown field,
 * a name that is not in its table or a field that does not belong to the
 * record's action is an error naming the field (jrp_error), never a default.
 * Consumers switch over the enums; no daemon or jrpctl compares a name.
 *
 * JRP_LOG_FORMAT is the format of these records. Each environment stores the
 * format of its outbound log in meta when it is created and log.fetch says it;
 * a consumer that meets a format or a kind it does not know stops pulling
 * (puller.h). Bump it on any change a reader of the previous format would
 * misread or refuse.
 */
#ifndef JRP_RECORDS_H
#define JRP_RECORDS_H
#include <stdbool.h>
#include <stdint.h>
#include "calendar.h"
#include "codes.h"
#include "msg.h"
#include "names.h"

#define JRP_LOG_FORMAT 3
/* the oldest format this build still reads: 2 only added what 1 did not have (the record kinds
 * commitment, commitment_kept, commitment_broken; the record fields commitment, base_amount,
 * quantity, extension, publish_until; the publication kinds record, record_end), and 3 only adds
 * to 2 (issue 14, federation: the record kind foreign with its fields list, state, suspended,
 * reason, valid_from, valid_until, origin; the optional origin of a change and of a task), so a
 * format-1 or format-2 log and store read as they are. An older daemon stops at a newer upstream:
 * upgrade downstream first */
#define JRP_LOG_FORMAT_MIN 1

/* lengths (bytes) that every writer respects and every reader enforces */
#define JRP_ID_MAX 32            /* party, domain, matter, agency ids */
#define JRP_STANDARD_MAX 64      /* standard ids */
#define JRP_MEASURE_MAX 32       /* measure ids */
#define JRP_CODE_MAX 32          /* a subject's identifier */
/* people's text is limited in characters (mr_text), held in TEXT_BUF(n) bytes */
#define JRP_NAME_MAX 200         /* characters: a subject's or a person's name */
#define JRP_RECORD_ID_MAX 64     /* a department's record id */
#define JRP_VERSION_MAX 32       /* a catalogue version */
#define JRP_NOTE_MAX 1000        /* characters: notes, reasons */
#define JRP_FACTS_MAX 4000       /* characters: a record's facts */
#define JRP_BASISTEXT_MAX 1000   /* characters: a record's legal basis */
#define JRP_DECISION_NO_MAX 100  /* characters: a decision's number (文书号) */
#define JRP_AUTHORITY_MAX 200    /* characters: the deciding authority */
#define JRP_NAME_BUF (4 * JRP_NAME_MAX + 1)
#define JRP_NOTE_BUF (4 * JRP_NOTE_MAX + 1)
#define JRP_TITLE_MAX 300        /* the catalogue's names of standards and measures */
#define JRP_BASIS_MAX 700        /* a measure's legal basis: law and articles */
#define JRP_MATTERS_MAX 32       /* matter kinds of one measure */
#define JRP_RESPONSIBLE_MAX 10   /* responsible persons of one record */
#define JRP_CHECK_ID_MAX 47      /* a check's id (journal.h: "SEGMENT-OFFSET", JOURNAL_REF_MAX) */
#define JRP_PROMISE_MAX 1000     /* characters: the text of a credit commitment */
#define JRP_PROMISE_YEARS 2      /* a commitment falls due at most 2 years after its decision */

/* ---- the enums, each with its one table of names ---- */

#define RECORD_KINDS(X) X(REC_EVENT, "record") X(REC_CHANGE, "change") X(REC_TASK, "task") X(REC_CHECK, "check")
typedef enum { RECORD_KINDS(NAMES_ENUM) REC__N } jrp_rec_kind;
extern const jrp_names rec_kind_names;             /* "log record kind" */

/* the kinds of a department's credit record (DOMAIN.md "Credit records"); the
 * catalogue names each one it uses, and standards match on them */
#define CREDIT_KINDS(X) X(RK_PENALTY, "penalty") X(RK_LICENCE, "licence") X(RK_JUDGMENT, "judgment") \
	X(RK_AWARD, "award") X(RK_RATING, "rating") X(RK_INSPECTION, "inspection") X(RK_INTERVIEW, "interview") \
	X(RK_RECTIFICATION, "rectification") X(RK_DETERMINATION, "determination") X(RK_FINALITY, "finality") \
	X(RK_COMMITMENT, "commitment") X(RK_COMMITMENT_KEPT, "commitment_kept") X(RK_COMMITMENT_BROKEN, "commitment_broken") \
	X(RK_FOREIGN, "foreign")
typedef enum { CREDIT_KINDS(NAMES_ENUM) RK__N } jrp_credit_kind;
extern const jrp_names credit_kind_names;          /* "record kind" */
/* record_kind_refers - the kinds that report on an earlier record of the same department
 * (refers_to): finality, and a commitment's result (kept, broken) */
static inline bool record_kind_refers(jrp_credit_kind k)
{
	return k == RK_FINALITY || k == RK_COMMITMENT_KEPT || k == RK_COMMITMENT_BROKEN;
}

/* credit commitments (信用承诺) [001 §(一)6, §(三)2] [004 ch.5 §1]: what a matter was handled on
 * the promise of. notification: 告知承诺 (a licence or certificate granted on the promise that
 * the conditions are met); missing_papers: 容缺受理 (accepted with papers missing, to be supplied
 * by the due date); pledge: any other written credit commitment */
#define COMMITMENT_TYPES(X) X(CT_NONE, NULL) X(CT_NOTIFICATION, "notification") \
	X(CT_MISSING_PAPERS, "missing_papers") X(CT_PLEDGE, "pledge")
typedef enum { COMMITMENT_TYPES(NAMES_ENUM) CT__N } jrp_commitment_type;
extern const jrp_names commitment_type_names;      /* "commitment type" */
/* a commitment's state at ingest: open until its result is reported; overdue once its due date
 * has passed without one; kept or broken by the department's commitment_kept / commitment_broken
 * record (an overdue commitment too) */
#define COMMITMENT_STATES(X) X(CS_OPEN, "open") X(CS_OVERDUE, "overdue") X(CS_KEPT, "kept") X(CS_BROKEN, "broken")
typedef enum { COMMITMENT_STATES(NAMES_ENUM) CS__N } jrp_commitment_state;
extern const jrp_names commitment_state_names;     /* "commitment state" */

#define SUBJECT_TYPES(X) X(SUBJECT_ORG, "org") X(SUBJECT_PERSON, "person")
typedef enum { SUBJECT_TYPES(NAMES_ENUM) SUBJECT__N } jrp_subject_type;
extern const jrp_names subject_type_names;         /* "subject type" */
#define SUBJ_ORG (1u << SUBJECT_ORG)                /* masks of subject types (catalogue) */
#define SUBJ_PERSON (1u << SUBJECT_PERSON)

#define LISTS(X) X(LIST_RED, "red") X(LIST_BLACK, "black") X(LIST_FOCUS, "focus") X(LIST_WARNING, "warning")
typedef enum { LISTS(NAMES_ENUM) LIST__N } jrp_list;
extern const jrp_names list_names;                 /* "list" */
const char *list_name(jrp_list l);
const char *list_name_zh(jrp_list l);              /* 红名单 黑名单 重点关注名单 信用预警名单 */

#define ENTRY_STATES(X) X(ENTRY_PROPOSED, "proposed") X(ENTRY_EFFECTIVE, "effective") X(ENTRY_EXITED, "exited") \
	X(ENTRY_REFUSED, "refused")
typedef enum { ENTRY_STATES(NAMES_ENUM) ENTRY__N } jrp_entry_state;
extern const jrp_names entry_state_names;          /* "entry state" */

#define CHANGE_ACTIONS(X) X(CH_PROPOSED, "proposed") X(CH_NOTICE_DUE, "notice_due") X(CH_NOTICED, "noticed") \
	X(CH_EFFECTIVE, "effective") X(CH_OBJECTION_FILED, "objection_filed") X(CH_SUSPENDED, "suspended") \
	X(CH_RESUMED, "resumed") X(CH_OBJECTION_DECIDED, "objection_decided") X(CH_REPAIR_APPLIED, "repair_applied") \
	X(CH_REPAIR_DECIDED, "repair_decided") X(CH_INTERVIEW_DUE, "interview_due") \
	X(CH_INTERVIEW_RECORDED, "interview_recorded") X(CH_EXITED, "exited") X(CH_REVOKED, "revoked") \
	X(CH_REFUSED, "refused") X(CH_EXTENDED, "extended")
typedef enum { CHANGE_ACTIONS(NAMES_ENUM) CH__N } jrp_change_action;
extern const jrp_names change_action_names;        /* "change action" */

/* why an entry ended (exited, revoked) or was never listed (refused) */
#define EXIT_REASONS(X) X(EXIT_NONE, NULL) X(EXIT_EXPIRED, "expired") X(EXIT_REPAIRED, "repaired") \
	X(EXIT_REVOKED, "revoked") X(EXIT_ESCALATED, "escalated") X(EXIT_REMOVED_BY_DISHONESTY, "removed_by_dishonesty") \
	X(EXIT_REWARD_ABUSE, "reward_abuse") X(EXIT_STANDARD_CHANGED, "standard_changed") \
	X(EXIT_FEWER_DOMAINS, "fewer_domains") X(EXIT_ORGANISATION_EXITED, "organisation_exited") \
	X(EXIT_ON_BLACK_LIST, "on_black_list") X(EXIT_VALIDITY_OVER, "validity_over") X(EXIT_ON_FOCUS_LIST, "on_focus_list") \
	X(EXIT_NO_STANDARD, "no_standard")
/* no_standard: a foreign entry (RK_FOREIGN) that no receiving standard of this region's catalogue
 * takes: kept as a refused entry, so that the operator sees what came and why nothing follows */
typedef enum { EXIT_REASONS(NAMES_ENUM) EXIT__N } jrp_exit_reason;
extern const jrp_names exit_reason_names;          /* "exit reason" */

#define OUTCOMES(X) X(OUTCOME_NONE, NULL) X(OUTCOME_UPHELD, "upheld") X(OUTCOME_WRONG, "wrong")
typedef enum { OUTCOMES(NAMES_ENUM) OUTCOME__N } jrp_outcome;
extern const jrp_names outcome_names;              /* "objection outcome" */

#define REPAIR_STATES(X) X(RP_NONE, NULL) X(RP_APPLIED, "applied") X(RP_APPROVED, "approved") \
	X(RP_REJECTED, "rejected")
typedef enum { REPAIR_STATES(NAMES_ENUM) RP__N } jrp_repair_state;
extern const jrp_names repair_state_names;         /* "repair state" */

/* repair methods a standard may require [001 §(五)4]: value i is the bit 1 << i of a mask */
#define REPAIR_METHODS(X) X(RM_COMMITMENT, "commitment") X(RM_TRAINING, "training") X(RM_REPORT, "report") \
	X(RM_SERVICE, "service")
typedef enum { REPAIR_METHODS(NAMES_ENUM) RM__N } jrp_repair_method;
extern const jrp_names repair_method_names;        /* "repair method" */

/* interviews [001 §(四)2]: the kind a rectification deadline calls for, and an entry's interview
 * state (an interview record's outcome is held or refused) */
#define INTERVIEW_KINDS(X) X(IV_NONE, NULL) X(IV_REMINDER, "reminder") X(IV_WARNING, "warning")
typedef enum { INTERVIEW_KINDS(NAMES_ENUM) IV__N } jrp_interview_kind;
extern const jrp_names interview_kind_names;       /* "interview kind" */
#define INTERVIEW_STATES(X) X(IVS_NONE, NULL) X(IVS_DUE, "due") X(IVS_HELD, "held") X(IVS_REFUSED, "refused")
typedef enum { INTERVIEW_STATES(NAMES_ENUM) IVS__N } jrp_interview_state;
extern const jrp_names interview_state_names;      /* "interview state" */

#define LINK_ROLES(X) X(LINK_NONE, NULL) X(LINK_LEGAL_REP, "legal_rep") X(LINK_RESPONSIBLE, "responsible") \
	X(LINK_ACTUAL_CONTROLLER, "actual_controller")
typedef enum { LINK_ROLES(NAMES_ENUM) LINK__N } jrp_link_role;
extern const jrp_names link_role_names;            /* "link role" */

#define DERIVATIONS(X) X(DERIVED_NONE, NULL) X(DERIVED_AFTER_BLACK, "after_black") X(DERIVED_WARNING, "warning")
typedef enum { DERIVATIONS(NAMES_ENUM) DERIVED__N } jrp_derived;
extern const jrp_names derived_names;              /* "derivation" */

/* what an executing agency is told to do with a measure */
#define TASK_ACTIONS(X) X(TA_APPLY, "apply") X(TA_STOP, "stop") X(TA_SUSPEND, "suspend") X(TA_RESUME, "resume") \
	X(TA_RECALL, "recall") X(TA_EXTEND, "extend")
typedef enum { TASK_ACTIONS(NAMES_ENUM) TA__N } jrp_task_action;
extern const jrp_names task_action_names;          /* "task action" */

/* what an identifying department is told to do (a task of class duty) */
#define DUTIES(X) X(DUTY_NOTICE, "notice") X(DUTY_VERIFY_OBJECTION, "verify_objection") \
	X(DUTY_DECIDE_REPAIR, "decide_repair") X(DUTY_INTERVIEW, "interview")
typedef enum { DUTIES(NAMES_ENUM) DUTY__N } jrp_duty;
extern const jrp_names duty_names;                 /* "duty" */

#define TASK_CLASSES(X) X(CLASS_MANDATORY, "mandatory") X(CLASS_RECOMMENDED, "recommended") X(CLASS_DUTY, "duty")
typedef enum { TASK_CLASSES(NAMES_ENUM) CLASS__N } jrp_task_class;
extern const jrp_names task_class_names;           /* "task class" */

#define MEASURE_TYPES(X) X(MT_PUNISHMENT, "punishment") X(MT_REWARD, "reward")
typedef enum { MEASURE_TYPES(NAMES_ENUM) MT__N } jrp_measure_type;
extern const jrp_names measure_type_names;         /* "measure type" */

/* a task's state at feedback: pending until reported; superseded when its entry ended first;
 * done when the department's act closed a duty. An agency reports applied, not_applicable or failed */
#define TASK_STATES(X) X(TS_PENDING, "pending") X(TS_APPLIED, "applied") X(TS_NOT_APPLICABLE, "not_applicable") \
	X(TS_FAILED, "failed") X(TS_SUPERSEDED, "superseded") X(TS_DONE, "done")
typedef enum { TASK_STATES(NAMES_ENUM) TS__N } jrp_task_state;
extern const jrp_names task_state_names;           /* "task state" */

/* listed, exit, correction, extended: an entry's; record, record_end: 双公示, a licence's or a penalty's
 * publication and its end (expired, annulled) [001 §(一)4] */
#define PUBLICATION_KINDS(X) X(PUB_LISTED, "listed") X(PUB_EXIT, "exit") X(PUB_CORRECTION, "correction") \
	X(PUB_EXTENDED, "extended") X(PUB_RECORD, "record") X(PUB_RECORD_END, "record_end")
typedef enum { PUBLICATION_KINDS(NAMES_ENUM) PUB__N } jrp_publication_kind;
extern const jrp_names publication_kind_names;     /* "publication kind" */

/* names_tables - every table above (and the identifier types of codes.h), NULL-terminated:
 * what the README's "Names" section must list */
extern const jrp_names *const names_tables[];

/* ---- the structs ---- */

typedef struct jrp_person {               /* a linked person: legal representative, responsible */
	char name[JRP_NAME_BUF];
	jrp_id_type id_type;              /* ID_CITIZEN, ID_HMT or ID_FOREIGN */
	char id_no[JRP_CODE_MAX + 1];
} jrp_person;

typedef struct jrp_subject {              /* whom an entry, a change or a task is about */
	jrp_subject_type type;
	jrp_id_type id_type;              /* org: ID_USCC; person: ID_CITIZEN, ID_HMT, ID_FOREIGN */
	char code[JRP_CODE_MAX + 1];
	char name[JRP_NAME_BUF];
} jrp_subject;

/* a foreign entry's home (federation, issue 14): region "" = the entry is this region's own */
typedef struct jrp_origin {
	char region[JRP_ID_MAX + 1];      /* the home region (its exchange party id) */
	uint64_t entry;                   /* the entry's id at home */
	uint64_t seq;                     /* the home's change seq this state comes from (grows with each change) */
	char party[JRP_ID_MAX + 1];       /* the home's identifying department */
	char standard[JRP_STANDARD_MAX + 1];   /* the home's standard */
	char standard_name[JRP_TITLE_MAX + 1];
	char domain[JRP_ID_MAX + 1];      /* the home's domain */
	char catalog_version[JRP_VERSION_MAX + 1];  /* the home catalogue the entry was decided under */
} jrp_origin;

/* origin_read - the optional map `key` {region, entry, seq, party, standard, standard_name, domain,
 * catalog_version} (every field required there); absent: region "". origin_write - the map, only
 * when region is not "" */
int origin_read(mr *r, const char *key, jrp_origin *o);
void origin_write(mw *w, const char *key, const jrp_origin *o);

/* a department's credit record: record.submit's `record`, and an event's. A foreign record
 * (RK_FOREIGN, from this region's jrp-exchange) is another region's list entry as it is after one
 * of its changes: record_id, kind, subject, decision_date, facts? and the fields marked foreign
 * below, nothing else (no domain: the origin has the home's) */
typedef struct jrp_record {
	char record_id[JRP_RECORD_ID_MAX + 1];
	jrp_credit_kind kind;
	char domain[JRP_ID_MAX + 1];
	jrp_subject subject;
	char lei[21];                     /* "" if none */
	bool has_legal_rep;
	jrp_person legal_rep;
	int nresponsible;
	jrp_person responsible[JRP_RESPONSIBLE_MAX];
	bool has_controller;
	jrp_person controller;            /* subject.actual_controller: 实际控制人, a natural person */
	jrp_date decision_date;
	jrp_date notice_date;             /* notice.date: the subject was notified before identification; 0 = not */
	bool notice_linked;               /* notice.linked: the same notice reached the linked persons */
	jrp_date order_date, order_due;   /* order: {date, due}: the subject was ordered to correct or pay (责令限期
	                                   * 改正 / 支付) on date, by due; 0 = no order given (人社部令第45号) */
	bool final;                       /* the decision is final (no review or litigation can change it); a
	                                   * finality record: true = the decision it refers to became final on
	                                   * decision_date, false = it was annulled then */
	char refers_to[JRP_RECORD_ID_MAX + 1];   /* record_kind_refers: the department's record it is about
	                                          * (a finality record's decision; a result's commitment) */
	struct {                          /* a commitment record's `commitment` (type CT_NONE on other kinds) */
		jrp_commitment_type type;
		char matter[JRP_ID_MAX + 1];      /* a matter kind of the catalogue */
		jrp_date due;                     /* after decision_date, within JRP_PROMISE_YEARS */
		char content[TEXT_BUF(JRP_PROMISE_MAX)];   /* what the subject promised */
	} commitment;
	int64_t amount;                   /* yuan; -1 = not given */
	int64_t base_amount;              /* yuan the amount is a share of (tax: the year's total tax due,
	                                   * 国家税务总局令第54号 第六条(一)); -1 = not given */
	int64_t quantity;                 /* a count (invoices: 第六条(六)); -1 = not given */
	jrp_period extension;             /* the deciding authority extended the listing by this (法释〔2017〕7号
	                                   * 第二条: 1 to 3 years); zero = none */
	jrp_date publish_until;           /* 双公示: the last day the penalty or licence is published, as the
	                                   * decision set it; 0 = the catalogue's default period */
	jrp_interview_state outcome;      /* interview records: IVS_HELD | IVS_REFUSED; else IVS_NONE */
	char decision_no[4 * JRP_DECISION_NO_MAX + 1];   /* the strings below: "" if not given */
	char violation[65];
	char rating[9];
	char standard[JRP_STANDARD_MAX + 1];
	char authority[4 * JRP_AUTHORITY_MAX + 1];
	char authority_code[19];
	char basis[4 * JRP_BASISTEXT_MAX + 1];
	char facts[4 * JRP_FACTS_MAX + 1];
	/* foreign only (zero on other kinds) */
	jrp_list list;                    /* the home entry's list */
	jrp_entry_state origin_state;     /* state: ENTRY_EFFECTIVE | ENTRY_EXITED */
	bool suspended;                   /* the home suspended its punishments (objection being verified) */
	jrp_exit_reason exit_reason;      /* reason: why it exited (required when exited, else EXIT_NONE) */
	jrp_date valid_from, valid_until;
	jrp_origin origin;                /* region "" on other kinds */
} jrp_record;

/* record_read - the `record` map: every field's type, length and name, the subject's codes by
 * their algorithms (codes.h); id_type defaults (uscc for org, citizen for person), a
 * determination names its standard. Catalogue and party checks are the caller's. */
int record_read(mr *r, jrp_record *out);
/* record_write - the normalised record map (what the event log holds) */
void record_write(mw *w, const jrp_record *rec);

/* event (ingest -> adjudicate): a department reported a record */
typedef struct jrp_event {
	uint64_t seq;
	int64_t at;                       /* ms: when ingest committed it */
	char party[JRP_ID_MAX + 1];       /* the reporting department */
	int32_t reported_workdays;        /* working days from the decision to the report */
	bool late;                        /* more than 7 working days [001 §(一)1] */
	jrp_record record;
} jrp_event;
/* event_encode - rec is record_write's encoding of ev->record (ingest hashes it first) */
void event_encode(mw *w, const jrp_event *ev, const mw *rec);
int event_decode(const msgpack_object *o, jrp_event *ev, jrp_error *e);

/* change (adjudicate -> dispatch, and dispatch's copy -> feedback): one step of an entry's life,
 * with the entry as it is after the step */
typedef struct jrp_change {
	uint64_t seq;
	uint64_t change_seq;              /* dispatch's copy: the seq in adjudicate's log; else 0 */
	jrp_change_action action;
	int64_t at;
	char by[JRP_ID_MAX + 1];          /* the party that caused it ("adjudicate": a deadline) */
	/* why: on the wire all of these are "reason" (or "interview"), by action */
	jrp_exit_reason exit_reason;      /* exited, revoked, refused (required there) */
	jrp_outcome outcome;              /* objection_decided (required) */
	jrp_repair_state repair;          /* repair_decided: RP_APPROVED | RP_REJECTED (required) */
	jrp_interview_kind interview;     /* interview_due (required) */
	jrp_interview_state interview_outcome; /* interview_recorded: IVS_HELD | IVS_REFUSED (required) */
	jrp_date decide_by;               /* notice_due, objection_filed, repair_applied: the department's deadline */
	bool restoration;                 /* revoked punishment: the subject's reputation is restored */
	char note[JRP_NOTE_BUF];      /* "" if none */
	/* the entry */
	uint64_t entry;
	jrp_list list;
	char standard[JRP_STANDARD_MAX + 1]; /* "" only for a derived warning entry */
	char domain[JRP_ID_MAX + 1];      /* "" only for a derived warning entry */
	char party[JRP_ID_MAX + 1];       /* the identifying department ("adjudicate": derived) */
	jrp_subject subject;
	uint64_t linked_to;               /* a linked person's entry: the organisation's entry */
	jrp_link_role link_role;
	jrp_derived derived;
	bool suspended;
	uint64_t record_seq;              /* the event it came from (0: derived) */
	char record_id[JRP_RECORD_ID_MAX + 1];
	jrp_date decision_date;
	jrp_date valid_from;              /* 0 until effective */
	jrp_date valid_until;
	jrp_date objection_end;           /* 0 if not known yet */
	char catalog_version[JRP_VERSION_MAX + 1];
	jrp_origin origin;                /* a foreign entry's home ("origin", absent for this region's own) */
} jrp_change;
void change_encode(mw *w, const jrp_change *c);
/* change_decode - copy: the record is dispatch's copy (change_seq required) */
int change_decode(const msgpack_object *o, bool copy, jrp_change *c, jrp_error *e);

/* task (dispatch -> an agency's or a department's stream, and feedback) */
typedef struct jrp_task {
	uint64_t seq;                     /* = the task's id */
	jrp_task_class cls;
	jrp_task_action action;           /* measures (mandatory, recommended) */
	jrp_duty duty;                    /* duties */
	jrp_exit_reason reason;           /* stop, recall: why the entry ended; else EXIT_NONE */
	char agency[JRP_ID_MAX + 1];      /* the party whose stream it is in */
	int64_t at;
	/* the measure (not for duties) */
	char measure[JRP_MEASURE_MAX + 1];
	char measure_name[JRP_TITLE_MAX + 1];
	jrp_measure_type measure_type;
	char basis[JRP_BASIS_MAX + 1];
	int nmatters;
	char matters[JRP_MATTERS_MAX][JRP_ID_MAX + 1];
	/* the entry */
	uint64_t entry;
	jrp_list list;
	char standard[JRP_STANDARD_MAX + 1];
	char standard_name[JRP_TITLE_MAX + 1]; /* "" if the standard is not in the catalogue */
	char domain[JRP_ID_MAX + 1];
	char party[JRP_ID_MAX + 1];
	jrp_subject subject;
	uint64_t linked_to;
	jrp_link_role link_role;
	jrp_date valid_from;              /* 0 if not effective yet */
	jrp_date valid_until;
	jrp_interview_kind interview;     /* duty interview */
	char note[JRP_NOTE_BUF];
	char catalog_version[JRP_VERSION_MAX + 1];
	jrp_date feedback_due;            /* 0 if none */
	jrp_origin origin;                /* a foreign entry's home ("origin", absent for this region's own) */
} jrp_task;
void task_encode(mw *w, const jrp_task *t);
int task_decode(const msgpack_object *o, jrp_task *t, jrp_error *e);
/* task_what - the wire name of the task's action or duty */
const char *task_what(const jrp_task *t);

/* check (dispatch's front -> its log -> feedback): an agency asked before handling a matter */
typedef struct jrp_check {
	uint64_t seq;                     /* 0 in the journal, before it reaches the log */
	char check_id[JRP_CHECK_ID_MAX + 1];
	int64_t at;
	char party[JRP_ID_MAX + 1];
	char subject[JRP_CODE_MAX + 1];
	char matter[JRP_ID_MAX + 1];
	bool listed;
	unsigned lists;                   /* mask of 1 << jrp_list the subject was on */
	uint64_t as_of;                   /* the last seq of dispatch's log the answer saw */
} jrp_check;
void check_encode(mw *w, const jrp_check *c);
int check_decode(const msgpack_object *o, jrp_check *c, jrp_error *e);

/* one record of any kind, as a consumer takes it */
typedef struct jrp_rec {
	jrp_rec_kind kind;
	union {
		jrp_event event;
		jrp_change change;
		jrp_task task;
		jrp_check check;
	} u;
} jrp_rec;

/* rec_kind - the record's kind: 0, JRP_EUNKNOWN (a kind this build does not know: e->message
 * names it), or JRP_EBADMSG (no kind, not a map) */
int rec_kind(const msgpack_object *o, jrp_rec_kind *k, jrp_error *e);
/* rec_decode - any record of one of the kinds in mask (1 << jrp_rec_kind), strictly; copy as
 * for change_decode. JRP_EUNKNOWN for a kind this build does not know or the mask excludes */
int rec_decode(const msgpack_object *o, unsigned mask, bool copy, jrp_rec *r, jrp_error *e);
/* rec_decode_bytes - the same from an encoded record */
int rec_decode_bytes(const void *buf, size_t len, unsigned mask, bool copy, jrp_rec *r, jrp_error *e);

/* rec_key - what orders a record with others: records about the same key apply in log order
 * ("subject:CODE" for an event, "entry:N" for a change or a task, "" for a check). Read
 * leniently: it serves records that do not decode too (puller.h holds them in order) */
void rec_key(const msgpack_object *o, char *buf, size_t n);

/* subject_read / subject_write - {type, id_type, code, name} (codes checked) */
int subject_read(mr *r, const char *key, jrp_subject *s);
void subject_write(mw *w, const char *key, const jrp_subject *s);

#endif
