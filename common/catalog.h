/*
 * catalog.h - the rules as data: list standards, measures, domains, matter
 * kinds and the holiday calendar, loaded from one rules directory:
 *
 *   DIR/catalog.yaml    version, domains (id -> Chinese name), matters (id -> name),
 *                       record kinds
 *   DIR/standards.yaml  list standards (认定标准)
 *   DIR/measures.yaml   the measure catalogue (措施清单)
 *   DIR/calendar/YYYY.yaml one file per year (official holiday schedule)
 *
 * catalog_load validates everything (types, unknown keys, references between
 * files, and agencies against the parties registry when one is given) before
 * returning; a catalogue that fails changes nothing and the error names
 * file:line:col and what is wrong. A loaded catalogue is immutable.
 */
#ifndef JRP_CATALOG_H
#define JRP_CATALOG_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"
#include "calendar.h"
#include "parties.h"
#include "records.h"

typedef struct jrp_named {
	char *id;
	char *name;     /* Chinese name */
	bool key;       /* domains only: a key domain (重点领域) for the credit-warning list */
	/* kinds only: 双公示 [001 §(一)4] - records of this kind are published (masked) when they come, until
	 * the record's publish_until or, without one, decision + pub_period; publish_until must lie in
	 * decision + pub_min .. decision + pub_max */
	bool publish;
	jrp_period pub_period, pub_min, pub_max;
} jrp_named;


/* one way a record meets a standard (standards.yaml match, or one item of match.cases): all given
 * conditions hold */
typedef struct jrp_match_case {
	char **violations;      /* record.violation in this set (NULL/0 = any) */
	size_t nviolations;
	int64_t min_amount;     /* record.amount >= this (yuan); -1 = no condition */
	int min_percent;        /* record.amount >= this % of record.base_amount; 0 = no condition */
	int64_t min_quantity;   /* record.quantity >= this; -1 = no condition */
} jrp_match_case;

/* a validity with no fixed term (不设期限): the entry ends only by exit (repair, objection, a change of
 * standard); its valid_until is JRP_DATE_OPEN */
#define JRP_DATE_OPEN 2932896   /* 9999-12-31 */

typedef struct jrp_standard {
	char *id;               /* e.g. "tax.major_violation" */
	char *name;             /* 重大税收违法失信主体 */
	char *domain;           /* a domain id of catalog.yaml */
	jrp_list list;          /* red, black or focus (warning is derived, never a standard) */
	unsigned subject_types; /* SUBJ_* mask */
	char *basis;            /* the national/provincial document the standard comes from */
	/* match: a record meets the standard when all given conditions hold */
	jrp_credit_kind kind;   /* record kind, required (named in catalog.yaml kinds) */
	jrp_match_case *cases;  /* the record meets one of these (match.cases, or match's own conditions: one) */
	size_t ncases;
	char *rating;           /* record.rating equals this; NULL = no condition */
	bool requires_order;    /* identify only a record whose order to correct or pay (record.order) went unmet:
	                         * its deadline passed before the decision (人社部令第45号) */
	bool requires_final;    /* identify only once the decision is final (record.final, or a finality record
	                         * later): tax, 国家税务总局令第54号 第七条 */
	/* life */
	jrp_period validity;    /* from the decision date; required, non-zero unless open */
	bool validity_open;     /* validity: none - no fixed term (法释〔2017〕7号 第一条(一)) */
	char *validity_basis;   /* the law that sets a validity outside the severity tier, or none; NULL */
	jrp_period extension_min, extension_max;  /* a record may extend validity by this much (extension:
	                         * {min, max}; 法释〔2017〕7号 第二条: 1 to 3 years); zero = none */
	bool notice;            /* every subject is notified before identification (persons always are:
	                         * enforced by adjudicate); true on every black or serious standard */
	jrp_limit notice_period;/* a notified subject's time to state its case, from the notice */
	int objection_days;     /* a subject not notified: working days of its window from identification */
	bool repairable;
	jrp_period repair_min;  /* minimum period before a repair application, from the decision date (or the
	                         * rectification, repair_from) */
	bool repair_from_rectification;  /* repair_from: rectification (人社部令第45号: 6 months after correction) */
	char *repair_basis;     /* the rule that allows a repair_min below the severity tier's minimum; NULL */
	jrp_period exit_focus;  /* after a black-list exit (not for error): focus period; zero = none */
	bool publish;           /* public list (focus only where marked) */
	/* issue 3 */
	int dishonesty_class;   /* 1..4: the four classes of serious dishonesty [001 §(四)1]; 0 = none (red) */
	char *severity;         /* "general" | "serious" (black/focus); NULL for red. Validity tiers [national]:
	                         * general 3m..1y, serious 1y..3y */
	unsigned repair_methods;/* REPAIR_* all required for a repair application (repairable only) */
	int rectification_days; /* working days after effect to rectify; 0 = no rectification deadline */
	/* federation (issue 14) */
	char **share;           /* share: the regions (their exchange party ids) this standard's entries are
	                         * offered to; NULL/0 = none. Read by jrp-exchange */
	size_t nshare;
	/* a receiving standard (match.kind: foreign): takes another region's entry of its `list` whose home
	 * domain is in from_domains and home region in from_regions (NULL/0 = any); its `domain` is this
	 * region's, which picks the measures. No life of its own: validity and exit are the home's */
	bool receiving;
	char **from_domains;    /* match.domains */
	size_t nfrom_domains;
	char **from_regions;    /* match.regions */
	size_t nfrom_regions;
} jrp_standard;

typedef struct jrp_measure {
	char *id;               /* e.g. "P-GP-01" */
	char *name;             /* 限制参与政府采购活动 */
	bool reward;            /* true = incentive (红), false = punishment */
	bool mandatory;         /* 强制性 vs 推荐性 */
	char *category;         /* administrative | market | industry | social */
	unsigned lists;         /* mask of (1 << jrp_list) the measure targets */
	char **domains;         /* domains of the entry's standard (NULL/0 = all) */
	size_t ndomains;
	unsigned subject_types; /* SUBJ_* mask of the entry's subject */
	unsigned persons;       /* mask of 1 << jrp_link_role: the persons of a listed organisation the measure
	                         * reaches (persons: true = every role; or a list of roles); 0 = none */
	char **agencies;        /* executing agencies: party ids */
	size_t nagencies;
	char *basis_law;        /* 《中华人民共和国政府采购法》 */
	char *basis_articles;   /* 第二十二条 */
	char **matters;         /* matter kinds where the measure bites (ids of catalog.yaml matters) */
	size_t nmatters;
	int feedback_days;      /* working days for the agency to report back (mandatory: required) */
} jrp_measure;

typedef struct jrp_catalog {
	char *version;          /* catalog.yaml "version", recorded with every decision */
	char *dir;
	jrp_named *domains;  size_t ndomains;
	jrp_named *matters;  size_t nmatters;
	jrp_named *kinds;    size_t nkinds;   /* record kinds: penalty, judgment, award, rating, determination ... */
	jrp_standard *standards; size_t nstandards;
	jrp_measure *measures;   size_t nmeasures;
	jrp_calendar *cal;
	/* publication masking [001 §(一)4, §(二)4]: a person's ID number and name are never published whole */
	int mask_id_keep_head, mask_id_keep_tail;   /* ID numbers: characters kept at each end */
	int mask_name_keep_head;                    /* a person's name: characters (UTF-8 code points) kept */
} jrp_catalog;

int catalog_load(const char *dir, const jrp_parties *parties, jrp_catalog **out, jrp_error *e);
void catalog_free(jrp_catalog **c);

const jrp_standard *catalog_standard(const jrp_catalog *c, const char *id);
const jrp_measure *catalog_measure(const jrp_catalog *c, const char *id);
const jrp_named *catalog_domain(const jrp_catalog *c, const char *id);
const jrp_named *catalog_matter(const jrp_catalog *c, const char *id);
const jrp_named *catalog_kind(const jrp_catalog *c, const char *id);

/* catalog_check_parties - does registry p fit catalogue c: every measure's agency a party with the
 * agency role, every department's domains domains of c? 0, or the first misfit in e (field "parties") */
int catalog_check_parties(const jrp_catalog *c, const jrp_parties *p, jrp_error *e);

/* measure_applies - does measure m target an entry on list l under standard s
 * for a subject of type subj (SUBJ_*)? (persons-only measures: see m->persons) */
bool measure_applies(const jrp_measure *m, jrp_list l, const jrp_standard *s, unsigned subj);
/* catalog_calendar_warnings - the calendar years that deadlines from now may reach and that are
 * not official (DOMAIN.md "Working days"), as strings into the open array out */
void catalog_calendar_warnings(const jrp_catalog *c, int64_t now_ms, mw *out);

/* catalog_entry_fits - DOMAIN.md Life 8: does an entry identified under `standard` (on list l, derived
 * or not, about a subject of type t, decided on decision) still fit catalogue c today? NULL if it
 * does, else why not: "standard_removed", "standard_changed_list", "standard_changed_subjects",
 * "standard_shortened". A derived warning entry (no standard) always fits. */
const char *catalog_entry_fits(const jrp_catalog *c, const char *standard, jrp_list l, bool derived,
			       jrp_subject_type t, jrp_date decision, jrp_date today);

/* record_publish_until - 双公示: the last day a record of a published kind is shown: the record's
 * publish_until, or its decision date + the kind's period - 1; 0 if its kind is not published */
jrp_date record_publish_until(const jrp_catalog *c, const jrp_record *rec);

/* measure_reaches - does m apply to a linked person entry of role `role` (LINK_NONE: the subject
 * itself, always)? */
bool measure_reaches(const jrp_measure *m, jrp_link_role role);
/* standard_valid_until - the last day of validity of an entry decided on `decision` with a record's
 * extension (zero: none): JRP_DATE_OPEN for a standard with no fixed term */
jrp_date standard_valid_until(const jrp_standard *s, jrp_date decision, jrp_period extension);
/* standard_extension_ok - may a record under s extend its validity by x (non-zero)? */
bool standard_extension_ok(const jrp_standard *s, jrp_period x);

/* standard_receives - does receiving standard s take a foreign entry on list l from region `region`
 * whose home domain is `domain`? (false for any other standard) */
bool standard_receives(const jrp_standard *s, jrp_list l, const char *region, const char *domain);

/* measure_has_matter - does m bite in matter kind `matter`? */
bool measure_has_matter(const jrp_measure *m, const char *matter);

#endif
