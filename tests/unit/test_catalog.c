/*
 * test_catalog.c - the rules as data (common/catalog.c): the real rules/
 * directory, the measure contract the integration tests rely on, and broken
 * catalogues whose errors must say file:line:col and why (DESIGN.md "Rules
 * as data": a bad file changes nothing and says exactly where it is wrong).
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
	CHECK_STR(c->version, "2026.11-1");
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
		CHECK_STR(s->kind, "penalty");
		CHECK_INT(s->nviolations, 3);
		CHECK_INT(s->min_amount, 1000000);
		CHECK(s->rating == NULL);
		CHECK(s->validity.years == 3 && s->validity.months == 0);
		CHECK_INT(s->objection_days, 5);
		CHECK(!s->notice && s->repairable && s->publish);
		CHECK_INT(s->repair_min.years, 1);
		CHECK_INT(s->exit_focus.years, 1);
	}
	s = catalog_standard(c, "tax.a_grade");
	CHECK(s != NULL);
	if (s) {
		CHECK_INT(s->list, LIST_RED);
		CHECK_INT(s->subject_types, SUBJ_ORG);
		CHECK_STR(s->rating, "A");
		CHECK_INT(s->min_amount, -1);
		CHECK_INT(s->nviolations, 0);
		CHECK(!s->repairable && period_is_zero(s->exit_focus));
		CHECK_INT(s->validity.years, 1);
	}
	s = catalog_standard(c, "courts.dishonest_debtor");
	CHECK(s != NULL);
	if (s) {
		CHECK(s->notice && s->repairable);
		CHECK_INT(s->objection_days, 10);
		CHECK_INT(s->validity.years, 2);
		CHECK_INT(s->repair_min.months, 6);
		CHECK_INT(s->exit_focus.months, 6);
	}
	s = catalog_standard(c, "market.serious_violation");
	CHECK(s != NULL);
	if (s) {
		CHECK_INT(s->list, LIST_FOCUS);
		CHECK(!s->publish);
		CHECK(period_is_zero(s->exit_focus));
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
		CHECK_STR(m->basis_law, "《中华人民共和国政府采购法》");
		CHECK_STR(m->basis_articles, "第二十二条");
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
		for (j = 0; j < parties->n; j++)
			if ((parties->v[j].roles & ROLE_DEPARTMENT) &&
			    party_has_domain(&parties->v[j], c->standards[i].domain))
				break;
		CHECK(j < parties->n);
	}
	for (i = 0; i < parties->n; i++)
		for (j = 0; j < parties->v[i].ndomains; j++)
			CHECK(catalog_domain(c, parties->v[i].domains[j]) != NULL);

	/* the calendar came along (DOMAIN.md "Working days") */
	CHECK_STR(calendar_year_status(c->cal, 2025), "official");
	CHECK_STR(calendar_year_status(c->cal, 2026), "official");
	CHECK_STR(calendar_year_status(c->cal, 2027), "provisional");
	catalog_free(&c);
	CHECK(c == NULL);
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

/* the contract with the integration tests: an organisation black-listed under
 * tax.major_violation gets exactly P-GP-01 and P-FIN-01 (DOMAIN.md "Measures"
 * [001 §(五)3]); other lists and domains get theirs */
static void test_measure_applies(void)
{
	jrp_catalog *c = real_catalog();
	char got[512];

	if (!c)
		return;
	applicable(c, LIST_BLACK, "tax.major_violation", SUBJ_ORG, got, sizeof got);
	CHECK_STR(got, "P-GP-01,P-FIN-01");
	/* a person on the same list: the org-only measures do not reach them */
	applicable(c, LIST_BLACK, "tax.major_violation", SUBJ_PERSON, got, sizeof got);
	CHECK_STR(got, "");
	/* dishonest judgment debtors: procurement, credit, bidding, land, honours;
	 * persons also lose high consumption [001 §(四)3] */
	applicable(c, LIST_BLACK, "courts.dishonest_debtor", SUBJ_ORG, got, sizeof got);
	CHECK_STR(got, "P-GP-01,P-FIN-01,P-BID-01,P-LAND-01,P-HON-01");
	applicable(c, LIST_BLACK, "courts.dishonest_debtor", SUBJ_PERSON, got, sizeof got);
	CHECK_STR(got, "P-BID-01,P-LAND-01,P-CONS-01,P-HON-01");
	CHECK(catalog_measure(c, "P-CONS-01")->persons);
	/* focus list: stronger supervision; warning (no standard): only measures
	 * bound to no domain */
	applicable(c, LIST_FOCUS, "market.serious_violation", SUBJ_ORG, got, sizeof got);
	CHECK_STR(got, "P-SUP-01");
	applicable(c, LIST_WARNING, NULL, SUBJ_ORG, got, sizeof got);
	CHECK_STR(got, "P-SUP-01");
	/* red: rewards only [001 §(三)] */
	applicable(c, LIST_RED, "tax.a_grade", SUBJ_ORG, got, sizeof got);
	CHECK_STR(got, "R-LIC-01,R-LIC-02,R-TAX-01,R-FIN-01");
	applicable(c, LIST_RED, "market.contract_abiding", SUBJ_ORG, got, sizeof got);
	CHECK_STR(got, "R-LIC-01,R-LIC-02,R-FIN-01");
	/* a domain-bound measure never applies without a standard */
	CHECK(!measure_applies(catalog_measure(c, "P-BID-01"), LIST_BLACK, NULL, SUBJ_ORG));
	CHECK(!measure_applies(NULL, LIST_BLACK, NULL, SUBJ_ORG));
	catalog_free(&c);
}

/* a minimal valid catalogue; the broken cases below edit one line of it */
static const char min_catalog[] =
	"version: \"t-1\"\n"
	"domains:\n"
	"  - { id: tax, name: 税务 }\n"
	"  - { id: courts, name: 法院 }\n"
	"matters:\n"
	"  - { id: public_procurement, name: 政府采购 }\n"
	"kinds:\n"
	"  - { id: penalty, name: 行政处罚 }\n";

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
	"    objection_days: 5\n"
	"    notice: false\n"
	"    repairable: true\n"
	"    repair_min: 1y\n"                          /* 15 */
	"    exit_focus: 1y\n"
	"    publish: true\n";

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

struct bad_case {
	const char *file;               /* which file is edited */
	const char *from, *to;          /* first edit */
	const char *from2, *to2;        /* optional second edit */
	int line, col;                  /* expected position; 0 = only the file is checked */
	const char *msg;                /* substring of the message */
};

static const struct bad_case bad_cases[] = {
	/* unknown key, refused with the allowed list */
	{ "standards.yaml", "    publish: true\n", "    publish: true\n    colour: red\n", NULL, NULL, 18, 5,
	  "unknown key 'colour' (allowed: id, name, domain, list, subject_types, basis, match, validity, "
	  "objection_days, notice, repairable, repair_min, exit_focus, publish)" },
	{ "measures.yaml", "measures:", "measure:", NULL, NULL, 1, 1, "unknown key 'measure' (allowed: measures)" },
	{ "standards.yaml", "      kind: penalty\n", "      kind: penalty\n      amount: 5\n", NULL, NULL, 10, 7,
	  "unknown key 'amount' (allowed: kind, violations, min_amount, rating)" },
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
	{ "standards.yaml", "    notice: false\n", "    notice: false\n    notice: true\n", NULL, NULL, 14, 5,
	  "duplicate key 'notice'" },
	/* periods, integers, booleans */
	{ "standards.yaml", "validity: 3y", "validity: 3x", NULL, NULL, 11, 15, "key 'validity': bad period '3x'" },
	{ "standards.yaml", "repair_min: 1y", "repair_min: 1y6", NULL, NULL, 15, 17, "bad period '1y6'" },
	{ "standards.yaml", "validity: 3y", "validity: 0d", NULL, NULL, 11, 15, "must not be zero" },
	{ "standards.yaml", "objection_days: 5", "objection_days: \"5\"", NULL, NULL, 12, 21, "plain decimal integer" },
	{ "standards.yaml", "objection_days: 5", "objection_days: 90", NULL, NULL, 12, 21, "out of range 0..60" },
	{ "standards.yaml", "notice: false", "notice: no", NULL, NULL, 13, 13, "must be true or false" },
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
	/* YAML syntax errors name the position and libyaml's problem */
	{ "catalog.yaml", "version: \"t-1\"", "version: \"t-1", NULL, NULL, 0, 0, "YAML syntax error" },
	{ "standards.yaml", "    name: 重大税收违法失信主体\n", "    name: [\n", NULL, NULL, 0, 0, "YAML syntax error" },
};

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
	RUN(test_measure_applies);
	RUN(test_bad_catalogs);
	RUN(test_no_parties);
	parties_free(&parties);
	TAP_DONE();
}
