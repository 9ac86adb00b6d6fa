/*
 * test_catalog.c - the rules as data (common/catalog.c): the real rules/
 * directory, the measure contract the integration tests rely on, and broken
 * catalogues whose errors must say file:line:col and why (DESIGN.md "Rules
 * as data": a bad file changes nothing and says exactly where it is wrong).
 * Also the dishonesty rules of a standard: the four classes [001 §(四)1], the
 * national validity tiers (DOMAIN.md "Life of an entry" 7), repair methods
 * [001 §(五)4], rectification deadlines [001 §(四)2], key domains [001 §(五)5]
 * and publication masking (DOMAIN.md "Publication and privacy").
 */
#include "catalog.h"
#include "../tap.h"
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static jrp_parties *parties;

/* the catalogue's names now come from records.h's tables (one table per enum): these give the
 * answers the catalogue's own parsers gave, so that the assertions below stay as they were */
#define REPAIR_COMMITMENT (1u << RM_COMMITMENT)
#define REPAIR_TRAINING (1u << RM_TRAINING)
#define REPAIR_REPORT (1u << RM_REPORT)
#define REPAIR_SERVICE (1u << RM_SERVICE)
static int list_parse(const char *s)
{
	return names_find(&list_names, s, strlen(s));
}
static unsigned subject_type_parse(const char *s)
{
	int i = names_find(&subject_type_names, s, strlen(s));
	return i < 0 ? 0 : 1u << i;
}
static unsigned repair_method_parse(const char *s)
{
	int i = s ? names_find(&repair_method_names, s, strlen(s)) : -1;
	return i < 0 ? 0 : 1u << i;
}
static const char *repair_method_name(unsigned bit)
{
	for (int i = 0; i < RM__N; i++)
		if (bit == 1u << i)
			return names_get(&repair_method_names, i);
	return "?";
}

static int rm_cb(const char *p, const struct stat *sb, int flag, struct FTW *ftw)
{
	return remove(p);
}

static void rm_tree(const char *dir)
{
	nftw(dir, rm_cb, 8, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof path, "%s/%s", dir, name);
	f = fopen(path, "w");
	fputs(text, f);
	fclose(f);
}

/* replace - text with the first occurrence of `from` replaced (malloc'ed); from must occur */
static char *replace(const char *text, const char *from, const char *to)
{
	const char *hit = from ? strstr(text, from) : NULL;
	char *r;

	if (!from)
		return strdup(text);
	if (!hit) {
		printf("# test bug: '%s' not found\n", from);
		abort();
	}
	r = malloc(strlen(text) + strlen(to) + 1);
	memcpy(r, text, (size_t)(hit - text));
	strcpy(r + (hit - text), to);
	strcat(r, hit + strlen(from));
	return r;
}

static void load_parties(void)
{
	char path[512];
	jrp_error e;

	snprintf(path, sizeof path, "%s/deploy/parties.yaml", JRP_SOURCE_ROOT);
	jrp_error_clear(&e);
	CHECK_INT(parties_load(path, &parties, &e), 0);
	if (e.message[0])
		printf("# %s: %s\n", e.field, e.message);
}

static jrp_catalog *real_catalog(void)
{
	jrp_catalog *c = NULL;
	char dir[512];
	jrp_error e;

	snprintf(dir, sizeof dir, "%s/rules", JRP_SOURCE_ROOT);
	jrp_error_clear(&e);
	CHECK_INT(catalog_load(dir, parties, &c, &e), 0);
	if (e.message[0])
		printf("# %s: %s\n", e.field, e.message);
	return c;
}

/* list names: DOMAIN.md "Lists" [001 §(二)] [004 ch.6] */
static void test_names(void)
{
	CHECK_STR(list_name(LIST_RED), "red");
	CHECK_STR(list_name(LIST_BLACK), "black");
	CHECK_STR(list_name(LIST_FOCUS), "focus");
	CHECK_STR(list_name(LIST_WARNING), "warning");
	CHECK_STR(list_name_zh(LIST_RED), "红名单");
	CHECK_STR(list_name_zh(LIST_BLACK), "黑名单");
	CHECK_STR(list_name_zh(LIST_FOCUS), "重点关注名单");
	CHECK_STR(list_name_zh(LIST_WARNING), "信用预警名单");
	CHECK_INT(list_parse("red"), LIST_RED);
	CHECK_INT(list_parse("warning"), LIST_WARNING);
	CHECK_INT(list_parse("Red"), -1);
	CHECK_INT(list_parse(""), -1);
	CHECK_INT(subject_type_parse("org"), SUBJ_ORG);
	CHECK_INT(subject_type_parse("person"), SUBJ_PERSON);
	CHECK_INT(subject_type_parse("company"), 0);
	/* repair methods [001 §(五)4] */
	CHECK_INT(repair_method_parse("commitment"), REPAIR_COMMITMENT);
	CHECK_INT(repair_method_parse("training"), REPAIR_TRAINING);
	CHECK_INT(repair_method_parse("report"), REPAIR_REPORT);
	CHECK_INT(repair_method_parse("service"), REPAIR_SERVICE);
	CHECK_INT(repair_method_parse("apology"), 0);
	CHECK_INT(repair_method_parse("Commitment"), 0);
	CHECK_INT(repair_method_parse(NULL), 0);
	CHECK_STR(repair_method_name(REPAIR_COMMITMENT), "commitment");
	CHECK_STR(repair_method_name(REPAIR_TRAINING), "training");
	CHECK_STR(repair_method_name(REPAIR_REPORT), "report");
	CHECK_STR(repair_method_name(REPAIR_SERVICE), "service");
	CHECK_STR(repair_method_name(0), "?");
	CHECK_STR(repair_method_name(REPAIR_COMMITMENT | REPAIR_REPORT), "?");
}

/* the real catalogue loads, with agencies checked against deploy/parties.yaml */
static void test_real_rules(void)
{
	jrp_catalog *c = real_catalog();
	const jrp_standard *s;
	const jrp_measure *m;
	const jrp_party *p;
	size_t i, j;

	if (!c)
		return;
	CHECK_STR(c->version, "2026.12-1");
	CHECK(c->ndomains >= 9 && c->nmatters >= 13 && c->nkinds >= 9);
	CHECK_STR(catalog_domain(c, "tax")->name, "税务");
	CHECK_STR(catalog_domain(c, "labour")->name, "劳动保障");
	CHECK(catalog_matter(c, "public_procurement") != NULL);
	CHECK(catalog_matter(c, "high_consumption") != NULL);
	CHECK(catalog_kind(c, "determination") != NULL);
	CHECK(catalog_domain(c, "nowhere") == NULL);

	s = catalog_standard(c, "tax.major_violation");
	CHECK(s != NULL);
	if (s) {
		CHECK_STR(s->name, "重大税收违法失信主体");
		CHECK_INT(s->list, LIST_BLACK);
		CHECK_INT(s->subject_types, SUBJ_ORG | SUBJ_PERSON);
		CHECK_STR(names_get(&credit_kind_names, s->kind), "penalty");
		CHECK(s->ncases >= 8);   /* 国家税务总局令第54号 第六条: test_national_texts */
		CHECK(s->rating == NULL);
		CHECK(s->validity.years == 3 && s->validity.months == 0);
		/* 令第54号: told before identification, 5 days (not working days) to state its case */
		CHECK(s->notice && s->notice_period.n == 5 && !s->notice_period.workdays);
		CHECK(s->repairable && s->publish);
		CHECK_INT(s->repair_min.years, 1);
		CHECK_INT(s->exit_focus.years, 1);
	}
	s = catalog_standard(c, "tax.a_grade");
	CHECK(s != NULL);
	if (s) {
		CHECK_INT(s->list, LIST_RED);
		CHECK_INT(s->subject_types, SUBJ_ORG);
		CHECK_STR(s->rating, "A");
		CHECK_INT(s->ncases, 1);
		CHECK_INT(s->cases[0].min_amount, -1);
		CHECK_INT(s->cases[0].nviolations, 0);
		CHECK(!s->repairable && period_is_zero(s->exit_focus));
		CHECK_INT(s->validity.years, 1);
	}
	s = catalog_standard(c, "courts.dishonest_debtor");
	CHECK(s != NULL);
	if (s) {
		CHECK(s->notice && s->repairable);
		CHECK_INT(s->validity.years, 2);
		CHECK_INT(s->exit_focus.months, 6);
	}

	m = catalog_measure(c, "P-GP-01");
	CHECK(m != NULL);
	if (m) {
		CHECK_STR(m->name, "限制参与政府采购活动");
		CHECK(!m->reward && m->mandatory);
		CHECK_STR(m->category, "administrative");
		CHECK_INT(m->lists, 1u << LIST_BLACK);
		CHECK_INT(m->ndomains, 0);
		CHECK_INT(m->nagencies, 1);
		CHECK_STR(m->agencies[0], "procurement_centre");
		CHECK(strstr(m->basis_law, "《中华人民共和国政府采购法》") != NULL);
		CHECK(strstr(m->basis_articles, "第二十二条") != NULL);
		CHECK_INT(m->feedback_days, 10);
		CHECK(measure_has_matter(m, "public_procurement"));
		CHECK(!measure_has_matter(m, "financing"));
	}
	m = catalog_measure(c, "P-FIN-01");
	CHECK(m != NULL);
	if (m) {
		CHECK(!m->reward && !m->mandatory);
		CHECK_STR(m->category, "market");
		CHECK_STR(m->agencies[0], "bank_regulator");
		CHECK(measure_has_matter(m, "financing") && measure_has_matter(m, "bond_issuance"));
		CHECK_INT(m->feedback_days, 10);
	}
	CHECK(catalog_measure(c, "P-NONE") == NULL);

	/* every agency is an agency; every standard's domain has a department
	 * (DOMAIN.md "Who uses it") and every department domain exists */
	for (i = 0; i < c->nmeasures; i++)
		for (j = 0; j < c->measures[i].nagencies; j++) {
			p = parties_find(parties, c->measures[i].agencies[j]);
			CHECK(p && (p->roles & ROLE_AGENCY));
		}
	for (i = 0; i < c->nstandards; i++) {
		if (c->standards[i].receiving)
			continue;   /* other regions' entries: the exchange submits them, no department here */
		for (j = 0; j < parties->n; j++)
			if ((parties->v[j].roles & ROLE_DEPARTMENT) &&
			    party_has_domain(&parties->v[j], c->standards[i].domain))
				break;
		/* the defence domain (class 4 [001 §(四)1]) waits for its department
		 * (the conscription office) in deploy/parties.yaml */
		if (j == parties->n && strcmp(c->standards[i].domain, "defence") == 0) {
			printf("# note: no department for domain 'defence' in deploy/parties.yaml yet\n");
			continue;
		}
		CHECK(j < parties->n);
	}
	for (i = 0; i < parties->n; i++)
		for (j = 0; j < parties->v[i].ndomains; j++)
			CHECK(catalog_domain(c, parties->v[i].domains[j]) != NULL);

	/* publication masking (DOMAIN.md "Publication and privacy") */
	CHECK_INT(c->mask_id_keep_head, 6);
	CHECK_INT(c->mask_id_keep_tail, 4);
	CHECK_INT(c->mask_name_keep_head, 1);

	/* the calendar came along (DOMAIN.md "Working days") */
	CHECK_STR(calendar_year_status(c->cal, 2025), "official");
	CHECK_STR(calendar_year_status(c->cal, 2026), "official");
	CHECK_STR(calendar_year_status(c->cal, 2027), "provisional");
	catalog_free(&c);
	CHECK(c == NULL);
}

/* in_tier - validity within the national tier of the severity [national]
 * (DOMAIN.md "Life of an entry" 7), compared as dates from 2001-01-01 */
static bool in_tier(const jrp_standard *s)
{
	jrp_date base = date_from_ymd(2001, 1, 1), end = date_add_period(base, s->validity);

	/* a law's own period (validity_basis) prevails: 食品安全法 第一百三十五条, 法释〔2017〕7号 */
	if (s->validity_basis)
		return true;
	if (s->severity && strcmp(s->severity, "general") == 0)
		return end >= date_from_ymd(2001, 4, 1) && end <= date_from_ymd(2002, 1, 1);
	if (s->severity && strcmp(s->severity, "serious") == 0)
		return end >= date_from_ymd(2002, 1, 1) && end <= date_from_ymd(2004, 1, 1);
	return false;
}

/*
 * the dishonesty rules of the real standards: the four classes of serious
 * dishonesty [001 §(四)1] each have a standard and a punishment that applies
 * to it; every black/focus standard has its class and a severity whose tier
 * fits the validity; red has none; there is a general-tier repairable
 * standard and a serious one that cannot be repaired ([national] "some
 * serious cases cannot be repaired"); key domains [001 §(五)5]
 */
static void test_real_dishonesty(void)
{
	static const char *const key_domains[] = { "food_drug", "environment", "construction", "work_safety",
		"tax", "labour", "finance", "market", NULL };
	jrp_catalog *c = real_catalog();
	const jrp_standard *s;
	const jrp_measure *m;
	bool general_repairable = false, serious_unrepairable = false, rectify = false;
	size_t i, j, nkey = 0;
	int cls;

	if (!c)
		return;
	/* key domains (重点领域) [001 §(四)1] [001 §(五)5]; courts and defence are not */
	for (i = 0; key_domains[i]; i++) {
		CHECK(catalog_domain(c, key_domains[i]) && catalog_domain(c, key_domains[i])->key);
		if (!catalog_domain(c, key_domains[i]) || !catalog_domain(c, key_domains[i])->key)
			printf("# not a key domain: %s\n", key_domains[i]);
	}
	for (i = 0; i < c->ndomains; i++)
		nkey += c->domains[i].key;
	CHECK_INT(nkey, 8);
	CHECK(!catalog_domain(c, "courts")->key);
	CHECK(catalog_domain(c, "defence") != NULL && !catalog_domain(c, "defence")->key);
	CHECK(!catalog_matter(c, "public_procurement")->key);
	CHECK(catalog_matter(c, "exit_entry") != NULL);

	for (i = 0; i < c->nstandards; i++) {
		s = &c->standards[i];
		if (s->receiving) {
			/* another region's entry: its class, tier, repair and exit are the home's */
			CHECK(s->dishonesty_class == 0 && s->severity == NULL && !s->repairable && !s->publish);
			continue;
		}
		if (s->list == LIST_RED) {
			CHECK(s->dishonesty_class == 0 && s->severity == NULL);
			CHECK(s->repair_methods == 0 && s->rectification_days == 0);
			continue;
		}
		CHECK(s->dishonesty_class >= 1 && s->dishonesty_class <= 4);
		CHECK(in_tier(s));
		if (!in_tier(s))
			printf("# %s: validity outside its tier\n", s->id);
		CHECK(s->rectification_days >= 0 && s->rectification_days <= 60);
		/* each repairable standard says how [001 §(五)4]; others have no methods */
		CHECK(s->repairable ? s->repair_methods != 0 : s->repair_methods == 0);
		if (s->repairable && strcmp(s->severity, "general") == 0)
			general_repairable = true;
		if (!s->repairable && strcmp(s->severity, "serious") == 0)
			serious_unrepairable = true;
		if (s->rectification_days > 0)
			rectify = true;
	}
	CHECK(general_repairable && serious_unrepairable && rectify);

	/* every class has a standard, and a punishment that applies to one of its
	 * standards for one of its subject types */
	for (cls = 1; cls <= 4; cls++) {
		bool has_std = false, has_measure = false;

		for (i = 0; i < c->nstandards; i++) {
			s = &c->standards[i];
			if (s->dishonesty_class != cls)
				continue;
			has_std = true;
			for (j = 0; j < c->nmeasures; j++) {
				m = &c->measures[j];
				if (!m->reward && (measure_applies(m, s->list, s, SUBJ_ORG & s->subject_types) ||
						   measure_applies(m, s->list, s, SUBJ_PERSON & s->subject_types)))
					has_measure = true;
			}
		}
		CHECK(has_std && has_measure);
		if (!has_std || !has_measure)
			printf("# class %d: standard %d, measure %d\n", cls, has_std, has_measure);
	}

	s = catalog_standard(c, "tax.major_violation");
	CHECK(s && s->dishonesty_class == 2 && strcmp(s->severity, "serious") == 0);
	if (s) {
		CHECK_INT(s->repair_methods, REPAIR_COMMITMENT | REPAIR_REPORT);
		CHECK_INT(s->rectification_days, 0);
	}
	s = catalog_standard(c, "courts.dishonest_debtor");
	CHECK(s && s->dishonesty_class == 3 && strcmp(s->severity, "serious") == 0 && s->validity.years == 2);
	s = catalog_standard(c, "market.serious_violation");
	CHECK(s && s->list == LIST_BLACK && s->dishonesty_class == 2 && s->rectification_days == 15);
	s = catalog_standard(c, "labour.wage_arrears");
	CHECK(s && s->dishonesty_class == 2 && s->rectification_days == 10);
	s = catalog_standard(c, "food_drug.repeated_violation");
	CHECK(s && s->dishonesty_class == 1 && strcmp(s->severity, "general") == 0 && s->repairable);
	s = catalog_standard(c, "food_drug.serious_harm");
	CHECK(s && s->list == LIST_BLACK && s->dishonesty_class == 1 && !s->repairable);
	s = catalog_standard(c, "defence.refuse_conscription");
	CHECK(s && s->list == LIST_BLACK && s->dishonesty_class == 4 && s->subject_types == SUBJ_PERSON);
	s = catalog_standard(c, "tax.a_grade");
	CHECK(s && s->dishonesty_class == 0 && s->severity == NULL);

	/* persons: true reaches the legal representative / responsible persons of
	 * a black-listed organisation [001 §(四)6]: always a person measure */
	for (j = 0; j < c->nmeasures; j++)
		if (c->measures[j].persons)
			CHECK(c->measures[j].subject_types & SUBJ_PERSON);
	m = catalog_measure(c, "P-EXIT-01");
	CHECK(m && m->persons && m->subject_types == SUBJ_PERSON);
	if (m) {
		CHECK_STR(m->agencies[0], "tax_bureau");
		CHECK(measure_has_matter(m, "exit_entry"));
		CHECK(measure_applies(m, LIST_BLACK, catalog_standard(c, "tax.major_violation"), SUBJ_PERSON));
		CHECK(!measure_applies(m, LIST_BLACK, catalog_standard(c, "tax.major_violation"), SUBJ_ORG));
		CHECK(!measure_applies(m, LIST_BLACK, catalog_standard(c, "courts.dishonest_debtor"), SUBJ_PERSON));
	}
	catalog_free(&c);
}

/* applicable - comma-joined ids of the measures that apply */
static void applicable(const jrp_catalog *c, jrp_list l, const char *std, unsigned subj, char *out, size_t n)
{
	const jrp_standard *s = std ? catalog_standard(c, std) : NULL;
	size_t i, off = 0;

	out[0] = 0;
	for (i = 0; i < c->nmeasures; i++)
		if (measure_applies(&c->measures[i], l, s, subj))
			off += (size_t)snprintf(out + off, n - off, "%s%s", off ? "," : "", c->measures[i].id);
}

/* has - is measure id among those that apply (applicable's output)? */
static bool has(const char *got, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = got; (p = strstr(p, id)) != NULL; p += n)
		if ((p == got || p[-1] == ',') && (p[n] == ',' || p[n] == 0))
			return true;
	return false;
}

/* which measures reach whom (DOMAIN.md "Measures" [001 §(五)3]): each check says that a measure
 * reaches a class of subject its basis names, or that it does not reach one it must not. None pins a
 * class to an exact set: the catalogue grows towards the national basic list (全国失信惩戒措施基础清单)
 * without these being rewritten */
static void test_measure_applies(void)
{
	jrp_catalog *c = real_catalog();
	char got[512];
	const jrp_standard *tax, *debtor;

	if (!c)
		return;
	tax = catalog_standard(c, "tax.major_violation");
	debtor = catalog_standard(c, "courts.dishonest_debtor");
	/* a black-listed organisation is excluded from procurement and its credit is reviewed strictly,
	 * whatever the domain (政府采购法 第二十二条; 财库〔2016〕125号; 国发〔2016〕33号 二（九）) */
	for (size_t i = 0; i < c->nstandards; i++) {
		const jrp_standard *s = &c->standards[i];
		if (s->list != LIST_BLACK || !(s->subject_types & SUBJ_ORG))
			continue;
		applicable(c, LIST_BLACK, s->id, SUBJ_ORG, got, sizeof got);
		CHECK(has(got, "P-GP-01") && has(got, "P-FIN-01"));
		/* no reward ever applies to a black list [001 §(二)2] */
		CHECK(strstr(got, "R-") == NULL);
	}
	/* the org-only measures never reach a person; the exit ban never reaches an organisation
	 * (税收征收管理法 第四十四条: the taxpayer or its legal representative) */
	applicable(c, LIST_BLACK, "tax.major_violation", SUBJ_PERSON, got, sizeof got);
	CHECK(has(got, "P-EXIT-01") && !has(got, "P-GP-01") && !has(got, "P-FIN-01"));
	applicable(c, LIST_BLACK, "tax.major_violation", SUBJ_ORG, got, sizeof got);
	CHECK(!has(got, "P-EXIT-01"));
	/* dishonest judgment debtors: bidding, land and high consumption (法释〔2017〕7号 第八条;
	 * 法释〔2015〕17号 第三条: the unit itself too); only the courts' lists */
	applicable(c, LIST_BLACK, "courts.dishonest_debtor", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "P-BID-01") && has(got, "P-LAND-01") && has(got, "P-CONS-01"));
	applicable(c, LIST_BLACK, "courts.dishonest_debtor", SUBJ_PERSON, got, sizeof got);
	CHECK(has(got, "P-BID-01") && has(got, "P-CONS-01"));
	applicable(c, LIST_BLACK, "courts.dishonest_debtor_able", SUBJ_PERSON, got, sizeof got);
	CHECK(has(got, "P-CONS-01"));
	applicable(c, LIST_BLACK, "tax.major_violation", SUBJ_ORG, got, sizeof got);
	CHECK(!has(got, "P-CONS-01") && !has(got, "P-BID-01"));
	(void)tax;
	(void)debtor;
	/* class 1, harm to health and life [001 §(四)1]: stricter licence review; persons responsible for
	 * food harm are banned from the trade (食品安全法 第一百三十五条) [001 §(四)2] */
	applicable(c, LIST_BLACK, "work_safety.serious_violation", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "P-LIC-01"));
	applicable(c, LIST_BLACK, "food_drug.serious_harm", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "P-LIC-01") && !has(got, "P-BAN-01"));
	applicable(c, LIST_BLACK, "food_drug.serious_harm", SUBJ_PERSON, got, sizeof got);
	CHECK(has(got, "P-BAN-01"));
	applicable(c, LIST_BLACK, "food_drug.crime_ban", SUBJ_PERSON, got, sizeof got);
	CHECK(has(got, "P-BAN-01"));
	/* class 4, refusing defence obligations: hiring bans for the person (兵役法 第五十七条) */
	applicable(c, LIST_BLACK, "defence.refuse_conscription", SUBJ_PERSON, got, sizeof got);
	CHECK(has(got, "P-HIRE-01"));
	/* focus lists: stronger supervision by the domain's own regulator [001 §(五)5] */
	applicable(c, LIST_FOCUS, "market.repeated_violation", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "P-SUP-01") && !has(got, "P-GP-01"));
	applicable(c, LIST_FOCUS, "environment.serious_violation", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "P-SUP-02") && !has(got, "P-SUP-01"));
	applicable(c, LIST_WARNING, NULL, SUBJ_ORG, got, sizeof got);
	CHECK(got[0] != 0 && !has(got, "P-GP-01"));
	/* red: rewards only [001 §(三)]; the tax incentives only for tax's red list */
	applicable(c, LIST_RED, "tax.a_grade", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "R-LIC-02") && has(got, "R-TAX-01") && strstr(got, "P-") == NULL);
	applicable(c, LIST_RED, "market.contract_abiding", SUBJ_ORG, got, sizeof got);
	CHECK(has(got, "R-LIC-02") && !has(got, "R-TAX-01") && strstr(got, "P-") == NULL);
	/* a domain-bound measure never applies without a standard */
	CHECK(!measure_applies(catalog_measure(c, "P-BID-01"), LIST_BLACK, NULL, SUBJ_ORG));
	CHECK(!measure_applies(NULL, LIST_BLACK, NULL, SUBJ_ORG));
	catalog_free(&c);
}

static bool strv_in(char *const *v, size_t n, const char *x)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i], x) == 0)
			return true;
	return false;
}

/* a match case of standard s that names violation v (NULL if none) */
static const jrp_match_case *case_of(const jrp_standard *s, const char *v, int nth)
{
	for (size_t i = 0; s && i < s->ncases; i++)
		for (size_t j = 0; j < s->cases[i].nviolations; j++)
			if (strcmp(s->cases[i].violations[j], v) == 0 && nth-- == 0)
				return &s->cases[i];
	return NULL;
}

static bool period_is(jrp_period p, int y, int m, int d)
{
	return p.years == y && p.months == m && p.days == d;
}

/* the shipped catalogue against the national texts it cites (issue 11): each figure here has its
 * source beside it in rules/, and changing it back fails this test */
static void test_national_texts(void)
{
	jrp_catalog *c = real_catalog();
	const jrp_standard *s;
	const jrp_match_case *k;
	const jrp_measure *m;

	if (!c)
		return;
	/* 国家税务总局令第54号 第六条 */
	s = catalog_standard(c, "tax.major_violation");
	CHECK(s && s->requires_final && s->notice);          /* 第七条; 国办发〔2020〕49号 (八) */
	k = case_of(s, "tax_evasion", 0);                    /* (一) ≥ 1,000,000 AND ≥ 10% of the year's tax due */
	CHECK(k && k->min_amount == 1000000 && k->min_percent == 10);
	k = case_of(s, "arrears_evasion", 0);                /* (二) ≥ 1,000,000 */
	CHECK(k && k->min_amount == 1000000 && k->min_percent == 0);
	k = case_of(s, "tax_fraud", 0);                      /* (三) export-refund fraud: no floor */
	CHECK(k && k->min_amount == -1 && k->min_percent == 0 && k->min_quantity == -1);
	k = case_of(s, "violent_refusal", 0);                /* (四) */
	CHECK(k && k->min_amount == -1);
	k = case_of(s, "false_special_invoice", 0);          /* (五) no floor */
	CHECK(k && k->min_amount == -1 && k->min_quantity == -1);
	k = case_of(s, "false_ordinary_invoice", 0);         /* (六) 100 invoices ... */
	CHECK(k && k->min_quantity == 100 && k->min_amount == -1);
	k = case_of(s, "false_ordinary_invoice", 1);         /* ... or 4,000,000 yuan */
	CHECK(k && k->min_amount == 4000000 && k->min_quantity == -1);
	CHECK(case_of(s, "absconding", 0) != NULL);          /* (八) 走逃（失联） */
	CHECK(case_of(s, "invoice_forgery", 0) != NULL);     /* (七) */
	/* 税务总局公告2025年第12号 replaces the 2014 measures */
	s = catalog_standard(c, "tax.a_grade");
	CHECK(s && strstr(s->basis, "2025年第12号") != NULL);
	m = catalog_measure(c, "R-TAX-01");
	CHECK(m && strstr(m->basis_law, "2025年第12号") != NULL);

	/* 法释〔2017〕7号: 2 years for 第一条(二)-(六), extension 1-3 years (第二条); none for (一);
	 * effective when decided; deleted on performance at any time (第十条) */
	s = catalog_standard(c, "courts.dishonest_debtor");
	CHECK(s && period_is(s->validity, 2, 0, 0) && !s->validity_open);
	CHECK(s && period_is(s->extension_min, 1, 0, 0) && period_is(s->extension_max, 3, 0, 0));
	CHECK(s && s->notice_period.n == 0);
	CHECK(s && s->repairable && period_is_zero(s->repair_min) && s->repair_basis);
	CHECK(s && s->ncases == 1 && s->cases[0].nviolations == 5 && !case_of(s, "refuse_while_able", 0));
	s = catalog_standard(c, "courts.dishonest_debtor_able");
	CHECK(s && s->validity_open && s->list == LIST_BLACK && case_of(s, "refuse_while_able", 0));
	CHECK(s && s->notice_period.n == 0 && period_is_zero(s->repair_min));

	/* 市场监管总局令第44号: 严重违法失信名单, black, with notice, published; 3 years, early removal
	 * after 1 year */
	s = catalog_standard(c, "market.serious_violation");
	CHECK(s && s->list == LIST_BLACK && s->notice && s->publish);
	CHECK(s && period_is(s->validity, 3, 0, 0) && period_is(s->repair_min, 1, 0, 0));

	/* 人社部令第45号: listed after an order to pay went unmet; 3 years; early removal 6 months after the
	 * correction, with a written commitment */
	s = catalog_standard(c, "labour.wage_arrears");
	CHECK(s && s->requires_order);
	CHECK(s && period_is(s->validity, 3, 0, 0) && period_is(s->repair_min, 0, 6, 0));
	CHECK(s && s->repair_from_rectification && (s->repair_methods & (1u << RM_COMMITMENT)));

	/* 食品安全法 第一百三十五条: 5 years; for life after a food-safety crime */
	s = catalog_standard(c, "food_drug.serious_harm");
	CHECK(s && period_is(s->validity, 5, 0, 0) && s->validity_basis && !s->repairable);
	s = catalog_standard(c, "food_drug.crime_ban");
	CHECK(s && s->validity_open && !s->repairable && s->subject_types == SUBJ_PERSON);

	/* 法释〔2015〕17号 第三条: the unit, its legal representative, principal, responsible persons and
	 * actual controller; executed beyond civil aviation */
	m = catalog_measure(c, "P-CONS-01");
	CHECK(m && (m->subject_types & SUBJ_ORG) && (m->subject_types & SUBJ_PERSON));
	CHECK(m && measure_reaches(m, LINK_LEGAL_REP) && measure_reaches(m, LINK_ACTUAL_CONTROLLER) &&
	      measure_reaches(m, LINK_RESPONSIBLE));
	CHECK(m && strv_in(m->agencies, m->nagencies, "civil_aviation") && strv_in(m->agencies, m->nagencies, "railway"));
	/* 税收征收管理法 第四十四条: "may", the taxpayer or its legal representative only */
	m = catalog_measure(c, "P-EXIT-01");
	CHECK(m && !m->mandatory && measure_reaches(m, LINK_LEGAL_REP) && !measure_reaches(m, LINK_RESPONSIBLE) &&
	      !measure_reaches(m, LINK_ACTUAL_CONTROLLER) && m->subject_types == SUBJ_PERSON);
	/* agencies as the rules name them: 容缺受理 at the approval bureau; supervision by each domain's
	 * regulator; procurement also on 财库〔2016〕125号 */
	m = catalog_measure(c, "R-LIC-02");
	CHECK(m && strv_in(m->agencies, m->nagencies, "approval_bureau"));
	m = catalog_measure(c, "P-SUP-02");
	CHECK(m && strv_in(m->agencies, m->nagencies, "env_bureau") && !strv_in(m->agencies, m->nagencies, "market_regulator"));
	m = catalog_measure(c, "P-GP-01");
	CHECK(m && strstr(m->basis_law, "财库〔2016〕125号") != NULL);
	catalog_free(&c);
}

/* a minimal valid catalogue; the broken cases below edit one line of it */
static const char min_catalog[] =
	"version: \"t-1\"\n"
	"domains:\n"
	"  - { id: tax, name: 税务, key: true }\n"
	"  - { id: courts, name: 法院 }\n"
	"matters:\n"
	"  - { id: public_procurement, name: 政府采购 }\n"
	"kinds:\n"
	"  - { id: penalty, name: 行政处罚 }\n"
	"masking:\n"                                   /* 9 */
	"  id_number: { keep_head: 6, keep_tail: 4 }\n"
	"  person_name: { keep_head: 1 }\n";

static const char min_standards[] =
	"standards:\n"                                  /* 1 */
	"  - id: tax.major_violation\n"
	"    name: 重大税收违法失信主体\n"
	"    domain: tax\n"
	"    list: black\n"                             /* 5 */
	"    subject_types: [org, person]\n"
	"    basis: 办法\n"
	"    match:\n"
	"      kind: penalty\n"
	"      min_amount: 1000000\n"                   /* 10 */
	"    validity: 3y\n"
	"    notice: true\n"
	"    notice_period: 5d\n"
	"    repairable: true\n"
	"    repair_min: 1y\n"                          /* 15 */
	"    exit_focus: 1y\n"
	"    publish: true\n"
	"    class: 2\n"
	"    severity: serious\n"                      /* 19 */
	"    repair_methods: [commitment, report]\n";

static const char min_measures[] =
	"measures:\n"                                   /* 1 */
	"  - id: P-GP-01\n"
	"    name: 限制参与政府采购活动\n"
	"    type: punishment\n"
	"    class: mandatory\n"                        /* 5 */
	"    category: administrative\n"
	"    lists: [black]\n"
	"    subject_types: [org]\n"
	"    agencies: [procurement_centre]\n"
	"    basis: { law: 《中华人民共和国政府采购法》, articles: 第二十二条 }\n"  /* 10 */
	"    matters: [public_procurement]\n"
	"    feedback_days: 10\n";

/* the minimal standard turned into a general focus standard that notifies no organisation */
#define ORG_FOCUS_FROM "    validity: 3y\n    notice: true\n    notice_period: 5d\n    repairable: true\n" \
	"    repair_min: 1y\n    exit_focus: 1y\n    publish: true\n    class: 2\n    severity: serious\n"
#define ORG_FOCUS_TO(extra) "    validity: 1y\n    notice: false\n" extra "    repairable: true\n" \
	"    repair_min: 1y\n    publish: true\n    class: 2\n    severity: general\n"

struct bad_case {
	const char *file;               /* which file is edited */
	const char *from, *to;          /* first edit */
	const char *from2, *to2;        /* optional second edit */
	int line, col;                  /* expected position; 0 = only the file is checked */
	const char *msg;                /* substring of the message */
	const char *cfrom, *cto;        /* optional edit of catalog.yaml besides */
};

/* most cases leave cfrom/cto out (NULL) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct bad_case bad_cases[] = {
	/* unknown key, refused with the allowed list */
	{ "standards.yaml", "    publish: true\n", "    publish: true\n    colour: red\n", NULL, NULL, 18, 5,
	  "unknown key 'colour' (allowed: id, name, domain, list, subject_types, basis, match, requires_final, "
	  "validity, objection_days, notice, notice_period, repairable, repair_min, exit_focus, publish, class, "
	  "severity, repair_methods, rectification_days, validity_basis, extension, repair_from, repair_basis, requires_order, share)" },
	{ "measures.yaml", "measures:", "measure:", NULL, NULL, 1, 1, "unknown key 'measure' (allowed: measures)" },
	/* federation (issue 14): share names regions; a receiving standard has no life of its own */
	{ "standards.yaml", "    publish: true\n", "    publish: true\n    share: [Shanghai]\n", NULL, NULL, 0, 0,
	  "key 'share': 'Shanghai' is not a valid id" },
	{ "standards.yaml", "      kind: penalty\n      min_amount: 1000000\n", "      kind: foreign\n", NULL, NULL, 0, 0,
	  "key 'validity': standard 'tax.major_violation' receives other regions' entries (match.kind: foreign)" },
	{ "standards.yaml", "      kind: penalty\n", "      kind: penalty\n      amount: 5\n", NULL, NULL, 10, 7,
	  "unknown key 'amount' (allowed: kind, violations, min_amount, min_percent, min_quantity, rating, cases)" },
	/* issue 11: what the national texts needed the catalogue to say, each key refused when wrong */
	{ "standards.yaml", "      min_amount: 1000000\n", "      min_percent: 0\n", NULL, NULL, 10, 20,
	  "key 'min_percent'" },
	{ "standards.yaml", "      min_amount: 1000000\n", "      min_amount: 1000000\n      cases:\n"
	  "        - { violations: [x] }\n", NULL, NULL, 10, 19, "with 'cases', each case carries its own conditions" },
	{ "standards.yaml", "      min_amount: 1000000\n", "      cases:\n        - { min_amount: 5 }\n", NULL, NULL,
	  11, 11, "a case of 'cases' names its violations" },
	{ "standards.yaml", "      min_amount: 1000000\n", "      cases:\n        - { violations: [x], amount: 5 }\n",
	  NULL, NULL, 11, 30, "unknown key 'amount'" },
	{ "standards.yaml", "    validity: 3y\n", "    validity: none\n", NULL, NULL, 11, 15,
	  "none (no fixed term) needs the law that says so in validity_basis" },
	{ "standards.yaml", "    validity: 3y\n", "    validity: 5y\n", NULL, NULL, 11, 15,
	  "a law that sets another period is named in validity_basis" },
	{ "standards.yaml", "    validity: 3y\n", "    validity: 3y\n    validity_basis: 法\n", NULL, NULL, 12, 21,
	  "validity_basis is for a law that sets a period outside it" },
	{ "standards.yaml", "    validity: 3y\n", "    validity: none\n    validity_basis: 法\n    extension: { min: 1y, max: 3y }\n",
	  NULL, NULL, 13, 16, "a validity with no fixed term cannot be extended" },
	{ "standards.yaml", "    validity: 3y\n", "    validity: 2y\n    extension: { min: 3y, max: 1y }\n", NULL, NULL,
	  12, 16, "min must be non-zero and max at least min" },
	{ "standards.yaml", "    validity: 3y\n", "    validity: 2y\n    extension: { min: 1y, upto: 3y }\n", NULL, NULL,
	  12, 27, "unknown key 'upto'" },
	/* the repair minimum against the tier (发改委令2023年第58号): serious at least 1 year */
	{ "standards.yaml", "repair_min: 1y", "repair_min: 6m", NULL, NULL, 15, 17,
	  "6m is shorter than the serious tier's minimum 1y before repair" },
	{ "standards.yaml", "repair_min: 1y", "repair_min: 4y", NULL, NULL, 15, 17, "is longer than the validity" },
	{ "standards.yaml", "repair_min: 1y", "repair_min: 1y\n    repair_from: correction", NULL, NULL, 16, 18,
	  "key 'repair_from' must be decision or rectification, not 'correction'" },
	{ "standards.yaml", "repair_min: 1y", "repair_min: 1y\n    repair_from: rectification", NULL, NULL, 16, 18,
	  "rectification needs a rectification deadline (rectification_days)" },
	{ "measures.yaml", "    subject_types: [org]\n", "    subject_types: [person]\n    persons: [legal_rep, boss]\n",
	  NULL, NULL, 0, 0, "key 'persons': unknown role 'boss'" },
	/* references between files */
	{ "standards.yaml", "domain: tax", "domain: nowhere", NULL, NULL, 4, 13, "unknown domain 'nowhere'" },
	{ "standards.yaml", "kind: penalty", "kind: verdict", NULL, NULL, 9, 13, "unknown record kind 'verdict'" },
	{ "measures.yaml", "matters: [public_procurement]", "matters: [parking]", NULL, NULL, 11, 15,
	  "unknown matter 'parking'" },
	{ "measures.yaml", "    lists: [black]\n", "    lists: [black]\n    domains: [nowhere]\n", NULL, NULL, 8, 15,
	  "unknown domain 'nowhere'" },
	{ "catalog.yaml", "kinds:\n  - { id: penalty, name: 行政处罚 }\n", "", NULL, NULL, 1, 1,
	  "missing required key 'kinds'" },
	/* lists: a reward targets only red, a punishment never red; warning is derived */
	{ "measures.yaml", "type: punishment", "type: reward", NULL, NULL, 7, 13,
	  "reward measure 'P-GP-01' can only target the red list, not 'black'" },
	{ "measures.yaml", "lists: [black]", "lists: [red]", NULL, NULL, 7, 13,
	  "punishment measure 'P-GP-01' cannot target the red list" },
	{ "standards.yaml", "list: black", "list: warning", NULL, NULL, 5, 11, "derived" },
	{ "standards.yaml", "list: black", "list: grey", NULL, NULL, 5, 11,
	  "key 'list' must be red, black or focus, not 'grey'" },
	/* agencies against the parties registry */
	{ "measures.yaml", "agencies: [procurement_centre]", "agencies: [nobody]", NULL, NULL, 9, 16,
	  "measure 'P-GP-01': agency 'nobody' is not a party" },
	{ "measures.yaml", "agencies: [procurement_centre]", "agencies: [procurement_centre, court]", NULL, NULL,
	  9, 36, "measure 'P-GP-01': party 'court' does not have the agency role" },
	/* duplicate ids and keys */
	{ "measures.yaml", "    feedback_days: 10\n",
	  "    feedback_days: 10\n  - id: P-GP-01\n    name: x\n    type: punishment\n    class: recommended\n"
	  "    category: market\n    lists: [black]\n    subject_types: [org]\n    agencies: [bank_regulator]\n"
	  "    basis: { law: x, articles: y }\n    matters: [public_procurement]\n",
	  NULL, NULL, 13, 9, "duplicate measure id 'P-GP-01'" },
	{ "catalog.yaml", "{ id: courts, name: 法院 }", "{ id: tax, name: 法院 }", NULL, NULL, 4, 11,
	  "duplicate id 'tax' in domains" },
	{ "standards.yaml", "    notice: true\n", "    notice: true\n    notice: false\n", NULL, NULL, 13, 5,
	  "duplicate key 'notice'" },
	/* periods, integers, booleans */
	{ "standards.yaml", "validity: 3y", "validity: 3x", NULL, NULL, 11, 15, "key 'validity': bad period '3x'" },
	{ "standards.yaml", "repair_min: 1y", "repair_min: 1y6", NULL, NULL, 15, 17, "bad period '1y6'" },
	{ "standards.yaml", "validity: 3y", "validity: 0d", NULL, NULL, 11, 15, "must not be zero" },
	{ "standards.yaml", "notice: true", "notice: no", NULL, NULL, 12, 13, "must be true or false" },
	/* finality (国家税务总局令第54号 第七条): requires_final is a boolean; no standard identifies on a
	 * record that follows up another one */
	{ "standards.yaml", "    validity: 3y\n", "    requires_final: 1\n    validity: 3y\n", NULL, NULL, 11, 21,
	  "must be true or false" },
	{ "standards.yaml", "kind: penalty", "kind: finality", NULL, NULL, 9, 13,
	  "a finality record follows up another record or entry, or opens a commitment; no standard identifies on it",
	  "  - { id: penalty, name: 行政处罚 }\n", "  - { id: penalty, name: 行政处罚 }\n  - { id: finality, name: 决定生效 }\n" },
	/* a commitment is a promise accepted, no judgment of anyone: only its result may be matched */
	{ "standards.yaml", "kind: penalty", "kind: commitment", NULL, NULL, 9, 13,
	  "a commitment record follows up another record or entry, or opens a commitment",
	  "  - { id: penalty, name: 行政处罚 }\n", "  - { id: penalty, name: 行政处罚 }\n  - { id: commitment, name: 信用承诺 }\n" },
	/* notice before identification (DOMAIN.md Life 1 [001 §(二)2], 国办发〔2020〕49号 (八)): a serious
	 * standard notifies every subject; the notice period in days or working days; the window of a
	 * subject not notified in working days */
	{ "standards.yaml", "notice: true", "notice: false", NULL, NULL, 12, 13,
	  "key 'notice': standard 'tax.major_violation' identifies serious dishonesty (black list): every subject "
	  "is told the reasons, basis and its rights before it is identified (国办发〔2020〕49号 (八))" },
	{ "standards.yaml", "list: black", "list: focus", "    notice: true\n    notice_period: 5d\n    repairable: true\n"
	  "    repair_min: 1y\n    exit_focus: 1y\n", "    notice: false\n    notice_period: 5d\n    repairable: true\n"
	  "    repair_min: 1y\n", 12, 13, "identifies serious dishonesty (severity serious)" },
	{ "standards.yaml", "    notice_period: 5d\n", "", NULL, NULL, 2, 5,
	  "missing required key 'notice_period' (standard 'tax.major_violation' notifies every subject before "
	  "identification" },
	{ "standards.yaml", "notice_period: 5d", "notice_period: 5x", NULL, NULL, 13, 20,
	  "key 'notice_period': expected days (e.g. 5d) or working days (e.g. 5wd), 0..366" },
	{ "standards.yaml", "notice_period: 5d", "notice_period: 367d", NULL, NULL, 13, 20, "0..366" },
	{ "standards.yaml", "notice_period: 5d", "notice_period: 05wd", NULL, NULL, 13, 20, "0..366" },
	{ "standards.yaml", "notice_period: 5d\n", "notice_period: 5d\n    objection_days: 5\n", NULL, NULL, 14, 21,
	  "every subject of standard 'tax.major_violation' is notified, and its window is notice_period from the "
	  "notice: leave objection_days out" },
	{ "standards.yaml", "    list: black\n    subject_types: [org, person]\n", "    list: focus\n    subject_types: [org]\n",
	  ORG_FOCUS_FROM, ORG_FOCUS_TO(""), 2, 5, "missing required key 'objection_days'" },
	{ "standards.yaml", "    list: black\n    subject_types: [org, person]\n", "    list: focus\n    subject_types: [org]\n",
	  ORG_FOCUS_FROM, ORG_FOCUS_TO("    objection_days: 90\n"), 13, 21, "out of range 0..60" },
	{ "standards.yaml", "    list: black\n    subject_types: [org, person]\n", "    list: focus\n    subject_types: [org]\n",
	  ORG_FOCUS_FROM, ORG_FOCUS_TO("    objection_days: \"5\"\n"), 13, 21, "plain decimal integer" },
	{ "standards.yaml", "    list: black\n    subject_types: [org, person]\n", "    list: focus\n    subject_types: [org]\n",
	  ORG_FOCUS_FROM, ORG_FOCUS_TO("    objection_days: 5\n    notice_period: 5d\n"), 14, 20,
	  "key 'notice_period': standard 'tax.major_violation' notifies no subject" },
	{ "standards.yaml", "list: black", "list: focus", ORG_FOCUS_FROM, ORG_FOCUS_TO("    objection_days: 5\n"), 2, 5,
	  "missing required key 'notice_period' (standard 'tax.major_violation' notifies natural persons" },
	/* life rules of a standard */
	{ "standards.yaml", "list: black", "list: red", "    repairable: true\n    repair_min: 1y\n", "", 14, 17,
	  "a red standard cannot have exit_focus" },
	{ "standards.yaml", "list: black", "list: red", "    exit_focus: 1y\n", "", 14, 17,
	  "a red standard cannot be repairable" },
	{ "standards.yaml", "    repairable: true\n", "", NULL, NULL, 14, 17, "is not repairable" },
	{ "standards.yaml", "id: tax.major_violation", "id: Tax-Major", NULL, NULL, 2, 9, "must match [a-z0-9_.]" },
	/* measures */
	{ "measures.yaml", "    feedback_days: 10\n", "", NULL, NULL, 2, 5, "mandatory measure 'P-GP-01' needs feedback_days >= 1" },
	{ "measures.yaml", "subject_types: [org]", "subject_types: [company]", NULL, NULL, 8, 21,
	  "unknown subject type 'company'" },
	{ "measures.yaml", "class: mandatory", "class: optional", NULL, NULL, 5, 12,
	  "key 'class' must be mandatory or recommended, not 'optional'" },
	{ "measures.yaml", "articles: 第二十二条 }", "article: 第二十二条 }", NULL, NULL, 10, 0,
	  "unknown key 'article' (allowed: law, articles)" },
	/* persons: true reaches the legal representative of a listed organisation
	 * [001 §(四)6] through person entries: subject_types must include person */
	{ "measures.yaml", "    subject_types: [org]\n", "    subject_types: [org]\n    persons: true\n", NULL, NULL,
	  9, 14, "measure 'P-GP-01' reaches an organisation's legal representative and responsible persons, "
	  "so its subject_types must include person" },
	/* the four classes of serious dishonesty [001 §(四)1]: class and severity
	 * required on black and focus, refused on red */
	{ "standards.yaml", "    class: 2\n", "", NULL, NULL, 2, 5, "missing required key 'class'" },
	{ "standards.yaml", "    severity: serious\n", "", NULL, NULL, 2, 5, "missing required key 'severity'" },
	{ "standards.yaml", "class: 2", "class: 5", NULL, NULL, 18, 12, "out of range 1..4" },
	{ "standards.yaml", "severity: serious", "severity: grave", NULL, NULL, 19, 15,
	  "key 'severity' must be general or serious, not 'grave'" },
	{ "standards.yaml", "list: black", "list: red", "    repairable: true\n    repair_min: 1y\n    exit_focus: 1y\n",
	  "", 15, 12, "key 'class': a red standard" },
	{ "standards.yaml", "list: black", "list: red",
	  "    repairable: true\n    repair_min: 1y\n    exit_focus: 1y\n    publish: true\n    class: 2\n",
	  "    publish: true\n", 15, 15, "key 'severity': a red standard" },
	{ "standards.yaml", "list: black", "list: red",
	  "    repairable: true\n    repair_min: 1y\n    exit_focus: 1y\n    publish: true\n    class: 2\n"
	  "    severity: serious\n    repair_methods: [commitment, report]\n",
	  "    publish: true\n    rectification_days: 5\n", 15, 25, "key 'rectification_days': a red standard" },
	/* the national validity tiers (DOMAIN.md "Life of an entry" 7): general
	 * 3 months to 1 year, serious 1 to 3 years */
	{ "standards.yaml", "severity: serious", "severity: general", "validity: 3y", "validity: 2y", 11, 15,
	  "key 'validity': 2y is outside the general tier (general dishonesty is published 3 months to 1 year" },
	{ "standards.yaml", "validity: 3y", "validity: 6m", NULL, NULL, 11, 15,
	  "key 'validity': 6m is outside the serious tier (serious dishonesty is published 1 to 3 years" },
	{ "standards.yaml", "validity: 3y", "validity: 3y1d", NULL, NULL, 11, 15, "outside the serious tier" },
	{ "standards.yaml", "validity: 3y", "validity: 364d", NULL, NULL, 11, 15, "outside the serious tier" },
	{ "standards.yaml", "severity: serious", "severity: general", "validity: 3y", "validity: 89d", 11, 15,
	  "outside the general tier" },
	{ "standards.yaml", "severity: serious", "severity: general", "validity: 3y", "validity: 1y1d", 11, 15,
	  "outside the general tier" },
	/* repair methods [001 §(五)4]: only when repairable, known, each once */
	{ "standards.yaml", "    repairable: true\n    repair_min: 1y\n", "", NULL, NULL, 18, 21,
	  "key 'repair_methods': standard 'tax.major_violation' is not repairable" },
	{ "standards.yaml", "[commitment, report]", "[commitment, apology]", NULL, NULL, 20, 34,
	  "unknown repair method 'apology' (allowed: commitment, training, report, service)" },
	{ "standards.yaml", "[commitment, report]", "[commitment, commitment]", NULL, NULL, 20, 34,
	  "'commitment' is listed twice" },
	{ "standards.yaml", "[commitment, report]", "[]", NULL, NULL, 20, 21, "must not be empty" },
	{ "standards.yaml", "[commitment, report]", "commitment", NULL, NULL, 20, 21, "must be a sequence" },
	/* rectification deadline [001 §(四)2]: 0..60 working days */
	{ "standards.yaml", "[commitment, report]\n", "[commitment, report]\n    rectification_days: 61\n", NULL, NULL,
	  21, 25, "out of range 0..60" },
	/* key domains [001 §(五)5]: a boolean, on domains only */
	{ "catalog.yaml", "key: true", "key: yes", NULL, NULL, 3, 31, "must be true or false" },
	{ "catalog.yaml", "{ id: penalty, name: 行政处罚 }", "{ id: penalty, name: 行政处罚, key: true }", NULL, NULL,
	  8, 32, "unknown key 'key' (allowed: id, name, publish)" },
	/* 双公示 [001 §(一)4]: a published kind's period, 0 < min <= period <= max */
	{ "catalog.yaml", "{ id: penalty, name: 行政处罚 }", "{ id: penalty, name: 行政处罚, publish: 1y }", NULL, NULL,
	  8, 41, "key 'publish' is a map {period, min?, max?}" },
	{ "catalog.yaml", "{ id: penalty, name: 行政处罚 }", "{ id: penalty, name: 行政处罚, publish: { min: 3m } }", NULL,
	  NULL, 8, 41, "missing required key 'period'" },
	{ "catalog.yaml", "{ id: penalty, name: 行政处罚 }",
	  "{ id: penalty, name: 行政处罚, publish: { period: 1y, max: 6m } }", NULL, NULL, 8, 41,
	  "needs 0 < min <= period <= max" },
	{ "catalog.yaml", "{ id: penalty, name: 行政处罚 }",
	  "{ id: penalty, name: 行政处罚, publish: { period: 1y, until: 3y } }", NULL, NULL, 8, 55, "unknown key 'until'" },
	/* publication masking (DOMAIN.md "Publication and privacy"): required, and
	 * an ID number or a name is never published whole */
	{ "catalog.yaml", "masking:\n  id_number: { keep_head: 6, keep_tail: 4 }\n  person_name: { keep_head: 1 }\n", "",
	  NULL, NULL, 1, 1, "missing required key 'masking'" },
	{ "catalog.yaml", "keep_tail: 4", "keep_tail: 9", NULL, NULL, 10, 41,
	  "keep_head 6 + keep_tail 9 keeps 15 characters of an 18-character ID number; at most 14" },
	{ "catalog.yaml", "keep_head: 6, keep_tail: 4", "keep_head: 0, keep_tail: 15", NULL, NULL, 10, 41,
	  "at most 14 (at least 4 always masked" },
	{ "catalog.yaml", "keep_head: 6", "keep_head: 19", NULL, NULL, 10, 27, "out of range 0..18" },
	{ "catalog.yaml", "person_name: { keep_head: 1 }", "person_name: { keep_head: 2 }", NULL, NULL, 11, 29,
	  "a person's name is never published whole" },
	{ "catalog.yaml", "  person_name: { keep_head: 1 }\n", "", NULL, NULL, 10, 3,
	  "missing required key 'person_name' in 'masking'" },
	{ "catalog.yaml", "  id_number: { keep_head: 6, keep_tail: 4 }\n", "", NULL, NULL, 10, 3,
	  "missing required key 'id_number' in 'masking'" },
	{ "catalog.yaml", ", keep_tail: 4 }", " }", NULL, NULL, 10, 14, "missing required key 'keep_tail'" },
	{ "catalog.yaml", "keep_tail: 4", "keep_end: 4", NULL, NULL, 10, 30,
	  "unknown key 'keep_end' (allowed: keep_head, keep_tail)" },
	{ "catalog.yaml", "masking:\n  id_number: { keep_head: 6, keep_tail: 4 }\n  person_name: { keep_head: 1 }\n",
	  "masking: 3\n", NULL, NULL, 9, 10, "expected a mapping" },
	/* YAML syntax errors name the position and libyaml's problem */
	{ "catalog.yaml", "version: \"t-1\"", "version: \"t-1", NULL, NULL, 0, 0, "YAML syntax error" },
	{ "standards.yaml", "    name: 重大税收违法失信主体\n", "    name: [\n", NULL, NULL, 0, 0, "YAML syntax error" },
};
#pragma GCC diagnostic pop

/* broken catalogues: code "config", field file:line:col, a message naming the
 * key and why, and *out untouched (DESIGN.md "Rules as data") */
static void test_bad_catalogs(void)
{
	char dir[64], path[512], want[600];
	jrp_catalog sentinel, *c;
	const struct bad_case *b;
	jrp_error e;
	char *cat, *std, *mea, *t;
	size_t i;
	int rc;

	for (i = 0; i < sizeof bad_cases / sizeof bad_cases[0] + 1; i++) {
		b = i ? &bad_cases[i - 1] : NULL;   /* case 0: the minimal catalogue is valid */
		snprintf(dir, sizeof dir, "/tmp/jrp_test_catalog_XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof path, "%s/calendar", dir);
		mkdir(path, 0700);
		cat = strdup(min_catalog);
		std = strdup(min_standards);
		mea = strdup(min_measures);
		if (b) {
			char **f = strcmp(b->file, "catalog.yaml") == 0 ? &cat :
				   strcmp(b->file, "standards.yaml") == 0 ? &std : &mea;

			t = replace(*f, b->from, b->to);
			free(*f);
			*f = t;
			t = replace(*f, b->from2, b->to2);
			free(*f);
			*f = t;
			t = replace(cat, b->cfrom, b->cto);
			free(cat);
			cat = t;
		}
		write_file(dir, "catalog.yaml", cat);
		write_file(dir, "standards.yaml", std);
		write_file(dir, "measures.yaml", mea);
		c = &sentinel;
		jrp_error_clear(&e);
		rc = catalog_load(dir, parties, &c, &e);
		if (!b) {
			CHECK_INT(rc, 0);
			if (rc)
				printf("# minimal catalogue: %s: %s\n", e.field, e.message);
			else
				catalog_free(&c);
		} else {
			CHECK(rc != 0);
			CHECK(c == &sentinel);
			CHECK_STR(e.code, "config");
			if (b->line && b->col)
				snprintf(want, sizeof want, "%s/%s:%d:%d", dir, b->file, b->line, b->col);
			else if (b->line)
				snprintf(want, sizeof want, "%s/%s:%d:", dir, b->file, b->line);
			else
				snprintf(want, sizeof want, "%s/%s:", dir, b->file);
			if (b->line && b->col)
				CHECK_STR(e.field, want);
			else
				CHECK(strncmp(e.field, want, strlen(want)) == 0);
			CHECK(strstr(e.message, b->msg) != NULL);
			if (strncmp(e.field, want, strlen(want)) != 0 || !strstr(e.message, b->msg))
				printf("# case %zu (%s): got %s: %s\n", i, b->msg, e.field, e.message);
		}
		free(cat);
		free(std);
		free(mea);
		rm_tree(dir);
	}
}

/* load_min - the minimal catalogue with standards.yaml edited (from -> to,
 * then from2 -> to2); returns catalog_load's result, frees the catalogue */
static int load_min(const char *from, const char *to, const char *from2, const char *to2, jrp_catalog **keep,
		    jrp_error *e)
{
	char dir[64], path[512], *std, *t;
	jrp_catalog *c = NULL;
	int rc;

	snprintf(dir, sizeof dir, "/tmp/jrp_test_catalog_XXXXXX");
	if (!mkdtemp(dir))
		abort();
	snprintf(path, sizeof path, "%s/calendar", dir);
	mkdir(path, 0700);
	std = replace(min_standards, from, to);
	t = replace(std, from2, to2);
	free(std);
	write_file(dir, "catalog.yaml", min_catalog);
	write_file(dir, "standards.yaml", t);
	write_file(dir, "measures.yaml", min_measures);
	free(t);
	jrp_error_clear(e);
	rc = catalog_load(dir, parties, &c, e);
	if (keep)
		*keep = c;
	else
		catalog_free(&c);
	rm_tree(dir);
	return rc;
}

/* federation (issue 14): share on a standard, and a receiving standard (match.kind: foreign) that takes
 * another region's entries of its list by home domain and region, with this region's domain */
static void test_federation_keys(void)
{
	static const char *const recv =
		"    repair_methods: [commitment, report]\n"
		"    share: [sh, zj]\n"
		"  - id: foreign.tax_black\n"
		"    name: 外地重大税收违法失信主体\n"
		"    domain: tax\n"
		"    list: black\n"
		"    subject_types: [org]\n"
		"    basis: 跨区域联合惩戒\n"
		"    match: { kind: foreign, domains: [tax], regions: [sh] }\n";
	jrp_catalog *c = NULL;
	const jrp_standard *s;
	jrp_error e;
	CHECK_INT(load_min("    repair_methods: [commitment, report]\n", recv, NULL, NULL, &c, &e), 0);
	if (!c) {
		printf("# %s: %s\n", e.field, e.message);
		return;
	}
	s = catalog_standard(c, "tax.major_violation");
	CHECK(s && s->nshare == 2 && strcmp(s->share[0], "sh") == 0 && strcmp(s->share[1], "zj") == 0 && !s->receiving);
	s = catalog_standard(c, "foreign.tax_black");
	CHECK(s && s->receiving && s->kind == RK_FOREIGN && s->nshare == 0);
	CHECK(s && standard_receives(s, LIST_BLACK, "sh", "tax"));
	CHECK(s && !standard_receives(s, LIST_BLACK, "zj", "tax"));      /* another region */
	CHECK(s && !standard_receives(s, LIST_BLACK, "sh", "market"));   /* another home domain */
	CHECK(s && !standard_receives(s, LIST_FOCUS, "sh", "tax"));      /* another list */
	CHECK(!standard_receives(catalog_standard(c, "tax.major_violation"), LIST_BLACK, "sh", "tax"));
	/* its validity is the home's: it never makes an entry "shortened" */
	CHECK(s && catalog_entry_fits(c, s->id, LIST_BLACK, false, SUBJECT_ORG, date_from_ymd(2020, 1, 1),
				      date_from_ymd(2026, 12, 1)) == NULL);
	catalog_free(&c);
	/* the keys of a life of its own are refused by name; so are share and an unknown match key */
	CHECK(load_min("    repair_methods: [commitment, report]\n", recv, "    basis: 跨区域联合惩戒\n",
		       "    basis: 跨区域联合惩戒\n    notice: true\n", NULL, &e) != 0);
	CHECK(strstr(e.message, "key 'notice'") != NULL);
	CHECK(load_min("    repair_methods: [commitment, report]\n", recv, "    basis: 跨区域联合惩戒\n",
		       "    basis: 跨区域联合惩戒\n    share: [zj]\n", NULL, &e) != 0);
	CHECK(strstr(e.message, "key 'share'") != NULL);
	CHECK(load_min("    repair_methods: [commitment, report]\n", recv, "regions: [sh]", "regions: [sh], rating: A", NULL,
		       &e) != 0);
	CHECK(strstr(e.message, "unknown key 'rating'") != NULL);
}

/*
 * the tier bounds are inclusive and periods compare as periods (DOMAIN.md
 * "Life of an entry" 7 [national]: general 3 months to 1 year, serious 1 to
 * 3 years): 12m and 365d are 1y, 90d is 3m, 36m is 3y; the refused side of
 * each bound is in bad_cases. Also the parsed values of the new keys.
 */
static void test_tier_bounds(void)
{
	static const char *const serious_ok[] = { "1y", "12m", "365d", "2y", "1y6m", "3y", "36m", "1095d", NULL };
	static const char *const general_ok[] = { "3m", "90d", "6m", "1y", "12m", "365d", NULL };
	char v[32];
	jrp_catalog *c = NULL;
	jrp_error e;
	size_t i;

	for (i = 0; serious_ok[i]; i++) {
		snprintf(v, sizeof v, "validity: %s", serious_ok[i]);
		CHECK_INT(load_min("validity: 3y", v, NULL, NULL, NULL, &e), 0);
		if (e.message[0])
			printf("# serious %s: %s: %s\n", serious_ok[i], e.field, e.message);
	}
	for (i = 0; general_ok[i]; i++) {
		snprintf(v, sizeof v, "validity: %s", general_ok[i]);
		/* the general tier's repair minimum is 3 months (发改委令2023年第58号) */
		CHECK_INT(load_min("validity: 3y", v, "repair_min: 1y\n    exit_focus: 1y\n    publish: true\n    class: 2\n"
				   "    severity: serious", "repair_min: 3m\n    exit_focus: 1y\n    publish: true\n"
				   "    class: 2\n    severity: general", NULL, &e), 0);
		if (e.message[0])
			printf("# general %s: %s: %s\n", general_ok[i], e.field, e.message);
	}

	/* parsed values: class, severity, repair methods, rectification, key, masking */
	CHECK_INT(load_min("[commitment, report]\n", "[service, training, commitment, report]\n"
			   "    rectification_days: 60\n", NULL, NULL, &c, &e), 0);
	if (c) {
		const jrp_standard *s = catalog_standard(c, "tax.major_violation");

		CHECK_INT(s->dishonesty_class, 2);
		CHECK_STR(s->severity, "serious");
		CHECK_INT(s->repair_methods, REPAIR_COMMITMENT | REPAIR_TRAINING | REPAIR_REPORT | REPAIR_SERVICE);
		CHECK_INT(s->rectification_days, 60);
		CHECK(catalog_domain(c, "tax")->key);
		CHECK(!catalog_domain(c, "courts")->key);
		CHECK_INT(c->mask_id_keep_head, 6);
		CHECK_INT(c->mask_id_keep_tail, 4);
		CHECK_INT(c->mask_name_keep_head, 1);
		catalog_free(&c);
	}
	/* defaults: no repair methods, no rectification deadline */
	CHECK_INT(load_min("    repair_methods: [commitment, report]\n", "", NULL, NULL, &c, &e), 0);
	if (c) {
		CHECK_INT(c->standards[0].repair_methods, 0);
		CHECK_INT(c->standards[0].rectification_days, 0);
		catalog_free(&c);
	}
	/* a focus standard takes class and severity as black does; red takes none */
	CHECK_INT(load_min("list: black", "list: focus", "    exit_focus: 1y\n", "", &c, &e), 0);
	if (c) {
		CHECK_INT(c->standards[0].list, LIST_FOCUS);
		CHECK_INT(c->standards[0].dishonesty_class, 2);
		catalog_free(&c);
	}
	CHECK_INT(load_min("list: black", "list: red",
			   "    repairable: true\n    repair_min: 1y\n    exit_focus: 1y\n    publish: true\n    class: 2\n"
			   "    severity: serious\n    repair_methods: [commitment, report]\n",
			   "    publish: true\n", &c, &e), 0);
	if (c) {
		CHECK_INT(c->standards[0].dishonesty_class, 0);
		CHECK(c->standards[0].severity == NULL);
		catalog_free(&c);
	}
	/* the smallest safe masking: 14 characters of an ID kept, no name kept */
	{
		char dir[64], path[512], *cat;

		snprintf(dir, sizeof dir, "/tmp/jrp_test_catalog_XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(path, sizeof path, "%s/calendar", dir);
		mkdir(path, 0700);
		cat = replace(min_catalog, "{ keep_head: 6, keep_tail: 4 }\n  person_name: { keep_head: 1 }",
			      "{ keep_head: 10, keep_tail: 4 }\n  person_name: { keep_head: 0 }");
		write_file(dir, "catalog.yaml", cat);
		write_file(dir, "standards.yaml", min_standards);
		write_file(dir, "measures.yaml", min_measures);
		jrp_error_clear(&e);
		CHECK_INT(catalog_load(dir, parties, &c, &e), 0);
		if (c) {
			CHECK_INT(c->mask_id_keep_head, 10);
			CHECK_INT(c->mask_id_keep_tail, 4);
			CHECK_INT(c->mask_name_keep_head, 0);
			catalog_free(&c);
		}
		free(cat);
		rm_tree(dir);
	}
}

/* without a parties registry agencies are not checked (jrpctl rules check alone) */
static void test_no_parties(void)
{
	char dir[64], *mea;
	jrp_catalog *c = NULL;
	jrp_error e;

	snprintf(dir, sizeof dir, "/tmp/jrp_test_catalog_XXXXXX");
	if (!mkdtemp(dir))
		abort();
	mea = replace(min_measures, "agencies: [procurement_centre]", "agencies: [nobody]");
	write_file(dir, "catalog.yaml", min_catalog);
	write_file(dir, "standards.yaml", min_standards);
	write_file(dir, "measures.yaml", mea);
	/* no calendar directory: an error naming it */
	jrp_error_clear(&e);
	CHECK(catalog_load(dir, NULL, &c, &e) != 0);
	CHECK(c == NULL);
	CHECK(strstr(e.field, "/calendar") != NULL);
	CHECK(strstr(e.message, "calendar directory") != NULL);
	{
		char path[512];

		snprintf(path, sizeof path, "%s/calendar", dir);
		mkdir(path, 0700);
		/* a broken calendar file inside a catalogue names that file */
		write_file(path, "2026.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: [2026-01-05]\n"
			   "workdays: [2026-01-06]\n");
		jrp_error_clear(&e);
		CHECK(catalog_load(dir, NULL, &c, &e) != 0);
		snprintf(path, sizeof path, "%s/calendar/2026.yaml:5:12", dir);
		CHECK_STR(e.field, path);
		CHECK(strstr(e.message, "not a Saturday or Sunday") != NULL);
		write_file(dir, "calendar/2026.yaml", "year: 2026\nstatus: official\nsource: x\ndays_off: [2026-01-05]\n");
		write_file(dir, "calendar/2025.yaml", "year: 2025\nstatus: provisional\nsource: x\ndays_off: []\n");
		write_file(dir, "calendar/README.txt", "not loaded\n");
	}
	jrp_error_clear(&e);
	CHECK_INT(catalog_load(dir, NULL, &c, &e), 0);
	if (c) {
		CHECK_STR(c->measures[0].agencies[0], "nobody");
		CHECK_STR(calendar_year_status(c->cal, 2026), "official");
		CHECK_STR(calendar_year_status(c->cal, 2025), "provisional");
		CHECK_STR(c->dir, dir);
		catalog_free(&c);
	}
	free(mea);
	rm_tree(dir);
}

int main(void)
{
	load_parties();
	if (!parties) {
		printf("Bail out! cannot load deploy/parties.yaml\n");
		return 1;
	}
	RUN(test_names);
	RUN(test_real_rules);
	RUN(test_real_dishonesty);
	RUN(test_tier_bounds);
	RUN(test_measure_applies);
	RUN(test_national_texts);
	RUN(test_bad_catalogs);
	RUN(test_federation_keys);
	RUN(test_no_parties);
	parties_free(&parties);
	TAP_DONE();
}
