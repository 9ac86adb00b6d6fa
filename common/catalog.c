/*
 * catalog.c - the rules as data: load and validate one rules directory
 * (see catalog.h for the files), and answer which measures apply
 *
 * Called by adjudicate (standards), dispatch (measures, the check service),
 * feedback (deadlines), and jrpctl ("rules check"). catalog_load reads every
 * file, checks every key and every reference between files (standard ->
 * domain and record kind, measure -> domains, matters, and agencies in the
 * parties registry) and returns a complete immutable catalogue, or nothing
 * and an error naming file:line:col and the reason [DESIGN.md "Rules as
 * data"]. The measure rules follow DOMAIN.md "Measures" [001 §(五)3]; a
 * standard's class, severity (validity tier), repair methods and
 * rectification deadline follow DOMAIN.md "Lists" and "Life of an entry"
 * [001 §(四)1-2, §(五)4]; the publication masking DOMAIN.md "Publication and
 * privacy" [001 §(一)4, §(二)4].
 */
#include "catalog.h"
#include "clock.h"
#include "util/xalloc.h"
#include "ydoc.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LOWER_ID "abcdefghijklmnopqrstuvwxyz0123456789_"

/* title_ok - the name of a standard or measure fits what records carry (JRP_TITLE_MAX bytes) */
static int title_ok(ydoc *d, ynode *m, const char *name, jrp_error *e)
{
	if (strlen(name) <= JRP_TITLE_MAX)
		return 0;
	return ydoc_fail(d, ydoc_map_get(d, m, "name"), e, "key 'name' is %zu bytes long; at most %d", strlen(name),
			 JRP_TITLE_MAX);
}

/* name_bit - the mask bit (1 << value) of a name of t, or 0 */
static unsigned name_bit(const jrp_names *t, const char *s)
{
	int i = names_find(t, s, strlen(s));
	return i >= 0 ? 1u << i : 0;
}

/* ---- freeing ---- */

static void strv_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void named_free(jrp_named *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(v[i].id);
		free(v[i].name);
	}
	free(v);
}

static void standard_clear(jrp_standard *s)
{
	free(s->id);
	free(s->name);
	free(s->domain);
	free(s->basis);
	for (size_t i = 0; i < s->ncases; i++)
		strv_free(s->cases[i].violations, s->cases[i].nviolations);
	free(s->cases);
	free(s->rating);
	free(s->severity);
	free(s->validity_basis);
	free(s->repair_basis);
	strv_free(s->share, s->nshare);
	strv_free(s->from_domains, s->nfrom_domains);
	strv_free(s->from_regions, s->nfrom_regions);
}

static void measure_clear(jrp_measure *m)
{
	free(m->id);
	free(m->name);
	free(m->category);
	strv_free(m->domains, m->ndomains);
	strv_free(m->agencies, m->nagencies);
	free(m->basis_law);
	free(m->basis_articles);
	strv_free(m->matters, m->nmatters);
}

void catalog_free(jrp_catalog **cp)
{
	jrp_catalog *c = *cp;
	size_t i;

	if (!c)
		return;
	free(c->version);
	free(c->dir);
	named_free(c->domains, c->ndomains);
	named_free(c->matters, c->nmatters);
	named_free(c->kinds, c->nkinds);
	for (i = 0; i < c->nstandards; i++)
		standard_clear(&c->standards[i]);
	free(c->standards);
	for (i = 0; i < c->nmeasures; i++)
		measure_clear(&c->measures[i]);
	free(c->measures);
	calendar_free(&c->cal);
	free(c);
	*cp = NULL;
}

/* ---- lookups ---- */

static const jrp_named *named_find(const jrp_named *v, size_t n, const char *id)
{
	size_t i;

	for (i = 0; id && i < n; i++)
		if (strcmp(v[i].id, id) == 0)
			return &v[i];
	return NULL;
}

const jrp_named *catalog_domain(const jrp_catalog *c, const char *id)
{
	return named_find(c->domains, c->ndomains, id);
}

const jrp_named *catalog_matter(const jrp_catalog *c, const char *id)
{
	return named_find(c->matters, c->nmatters, id);
}

const jrp_named *catalog_kind(const jrp_catalog *c, const char *id)
{
	return named_find(c->kinds, c->nkinds, id);
}

const jrp_standard *catalog_standard(const jrp_catalog *c, const char *id)
{
	size_t i;

	for (i = 0; id && i < c->nstandards; i++)
		if (strcmp(c->standards[i].id, id) == 0)
			return &c->standards[i];
	return NULL;
}

const jrp_measure *catalog_measure(const jrp_catalog *c, const char *id)
{
	size_t i;

	for (i = 0; id && i < c->nmeasures; i++)
		if (strcmp(c->measures[i].id, id) == 0)
			return &c->measures[i];
	return NULL;
}

static bool strv_has(char *const *v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		if (strcmp(v[i], s) == 0)
			return true;
	return false;
}

/*
 * measure_applies - list, subject type and (when the measure names domains)
 * the domain of the entry's standard must all match. A warning-list entry has
 * no standard (it is derived across domains), so a domain-bound measure never
 * applies to it. A persons: true measure is asked about with SUBJ_PERSON for
 * the linked person entries of a listed organisation's legal representative
 * and responsible persons [001 §(四)6]; one whose subject_types is [person]
 * never applies to the organisation itself (SUBJ_ORG).
 */
bool measure_applies(const jrp_measure *m, jrp_list l, const jrp_standard *s, unsigned subj)
{
	if (!m || (unsigned)l >= LIST__N || !(m->lists & (1u << l)) || !(m->subject_types & subj))
		return false;
	if (m->ndomains == 0)
		return true;
	return s && strv_has(m->domains, m->ndomains, s->domain);
}

int catalog_check_parties(const jrp_catalog *c, const jrp_parties *p, jrp_error *e)
{
	for (size_t i = 0; i < c->nmeasures; i++)
		for (size_t j = 0; j < c->measures[i].nagencies; j++) {
			const jrp_party *a = parties_find(p, c->measures[i].agencies[j]);
			if (!a)
				return jrp_fail(e, JRP_ERR_CONFLICT, "parties", "measure %s of catalogue %s is executed by "
						"agency \"%s\", which is not in %s", c->measures[i].id, c->version,
						c->measures[i].agencies[j], p->path);
			if (!(a->roles & ROLE_AGENCY))
				return jrp_fail(e, JRP_ERR_CONFLICT, "parties", "measure %s of catalogue %s is executed by "
						"\"%s\", which no longer has the agency role in %s", c->measures[i].id,
						c->version, a->id, p->path);
		}
	for (size_t i = 0; i < p->n; i++)
		for (size_t j = 0; j < p->v[i].ndomains; j++)
			if (!catalog_domain(c, p->v[i].domains[j]))
				return jrp_fail(e, JRP_ERR_CONFLICT, "parties", "department \"%s\" identifies in domain "
						"\"%s\", which catalogue %s does not have", p->v[i].id, p->v[i].domains[j],
						c->version);
	return 0;
}

bool measure_reaches(const jrp_measure *m, jrp_link_role role)
{
	return role == LINK_NONE || (m->persons & (1u << role));
}

jrp_date standard_valid_until(const jrp_standard *s, jrp_date decision, jrp_period extension)
{
	if (s->validity_open)
		return JRP_DATE_OPEN;
	return date_add_period(date_add_period(decision, s->validity), extension) - 1;
}

static jrp_date period_reach(jrp_period p);

bool standard_extension_ok(const jrp_standard *s, jrp_period x)
{
	return !s->validity_open && !period_is_zero(s->extension_max) &&
	       period_reach(x) >= period_reach(s->extension_min) && period_reach(x) <= period_reach(s->extension_max);
}

const char *catalog_entry_fits(const jrp_catalog *c, const char *standard, jrp_list l, bool derived,
			       jrp_subject_type t, jrp_date decision, jrp_date today)
{
	const jrp_standard *s;
	if (!standard[0])
		return NULL;
	if (!(s = catalog_standard(c, standard)))
		return "standard_removed";
	if (s->list != l && !derived)
		return "standard_changed_list";
	if (!(s->subject_types & (1u << t)))
		return "standard_changed_subjects";
	if (s->receiving)
		return NULL;   /* a foreign entry's validity is its home's, which sends its exit */
	/* an extension the record gave is not known here: the standard's own validity is the floor */
	if (standard_valid_until(s, decision, (jrp_period){ 0, 0, 0 }) < today && !derived)
		return "standard_shortened";
	return NULL;
}

bool standard_receives(const jrp_standard *s, jrp_list l, const char *region, const char *domain)
{
	return s->receiving && s->list == l && (!s->nfrom_domains || strv_has(s->from_domains, s->nfrom_domains, domain)) &&
	       (!s->nfrom_regions || strv_has(s->from_regions, s->nfrom_regions, region));
}

bool measure_has_matter(const jrp_measure *m, const char *matter)
{
	return m && strv_has(m->matters, m->nmatters, matter);
}

/* ---- loading helpers ---- */

/* id_ok - 1..max characters, all from set */
static bool id_ok(const char *s, const char *set, size_t max)
{
	size_t n = strlen(s);

	return n >= 1 && n <= max && strspn(s, set) == n;
}

/* item_at - node of the i-th item of the sequence under key, for positions */
static ynode *item_at(ydoc *d, ynode *map, const char *key, size_t i)
{
	return ydoc_seq_at(d, ydoc_map_get(d, map, key), i);
}

/* idlist - an optional/required list of ids: pattern, no duplicates, non-empty if present */
static int idlist(ydoc *d, ynode *m, const char *key, bool required, const char *set, size_t max,
		  char ***out, size_t *n, jrp_error *e)
{
	size_t i, j;
	int rc;

	if ((rc = ydoc_strlist(d, m, key, required, out, n, e)))
		return rc;
	if (ydoc_map_get(d, m, key) && *n == 0)
		return ydoc_fail(d, ydoc_map_get(d, m, key), e,
				 "key '%s' must not be empty (leave the key out instead)", key);
	for (i = 0; i < *n; i++) {
		if (!id_ok((*out)[i], set, max))
			return ydoc_fail(d, item_at(d, m, key, i), e,
					 "key '%s': '%s' is not a valid id", key, (*out)[i]);
		for (j = 0; j < i; j++)
			if (strcmp((*out)[i], (*out)[j]) == 0)
				return ydoc_fail(d, item_at(d, m, key, i), e,
						 "key '%s': '%s' is listed twice", key, (*out)[i]);
	}
	return 0;
}

/* subjects - subject_types: [org, person] -> SUBJ_* mask (required, non-empty) */
static int subjects(ydoc *d, ynode *m, unsigned *mask, jrp_error *e)
{
	char **v = NULL;
	size_t n = 0, i;
	unsigned t;
	int rc;

	*mask = 0;
	if ((rc = ydoc_strlist(d, m, "subject_types", true, &v, &n, e)))
		return rc;
	if (n == 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "subject_types"), e,
			       "key 'subject_types' must list org and/or person");
		goto out;
	}
	for (i = 0; i < n; i++) {
		t = name_bit(&subject_type_names, v[i]);
		if (!t) {
			rc = ydoc_fail(d, item_at(d, m, "subject_types", i), e,
				       "key 'subject_types': unknown subject type '%s' (allowed: org, person)", v[i]);
			goto out;
		}
		if (*mask & t) {
			rc = ydoc_fail(d, item_at(d, m, "subject_types", i), e,
				       "key 'subject_types': '%s' is listed twice", v[i]);
			goto out;
		}
		*mask |= t;
	}
out:
	strv_free(v, n);
	return rc;
}

/* period - a period key ("3y", "6m", "10d", "1y6m"); *present says if it was given */
static int period(ydoc *d, ynode *m, const char *key, bool required, jrp_period *out, bool *present,
		  jrp_error *e)
{
	char *s = NULL;
	int rc;

	*present = false;
	if ((rc = ydoc_str(d, m, key, required, &s, e)) || !s)
		return rc;
	if (period_parse(s, out))
		rc = ydoc_fail(d, ydoc_map_get(d, m, key), e,
			       "key '%s': bad period '%s' (expected e.g. 3y, 6m, 10d, 1y6m)", key, s);
	else
		*present = true;
	free(s);
	return rc;
}

/* one_of - a required string key naming one of the first n values of t; its value */
static int one_of(ydoc *d, ynode *m, const char *key, const jrp_names *t, int n, int *idx, jrp_error *e)
{
	char *s = NULL;
	int rc, i;

	if ((rc = ydoc_str(d, m, key, true, &s, e)))
		return rc;
	i = names_find(t, s, strlen(s));
	if (i >= 0 && i < n) {
		*idx = i;
	} else {
		char list[200];
		size_t off = 0;
		list[0] = 0;
		for (int j = 0; j < n && off < sizeof list; j++)
			if (t->name[j])
				off += (size_t)snprintf(list + off, sizeof list - off, "%s%s", off ? (j + 1 < n ? ", " : " or ") : "",
							t->name[j]);
		rc = ydoc_fail(d, ydoc_map_get(d, m, key), e, "key '%s' must be %s, not '%s'", key, list, s);
	}
	free(s);
	return rc;
}

/* ---- catalog.yaml ---- */

static jrp_date period_reach(jrp_period p);
static int period(ydoc *d, ynode *m, const char *key, bool required, jrp_period *out, bool *present, jrp_error *e);

/*
 * kind_publish - a record kind's `publish: {period, min?, max?}` (双公示 [001 §(一)4]): records of the
 * kind are published when they come, for `period` from the decision date unless the record sets its
 * own end (publish_until) inside min..max; period is required and non-zero, min <= period <= max
 * (min defaults to 1 day, max to period)
 */
static int kind_publish(ydoc *d, ynode *it, jrp_named *k, jrp_error *e)
{
	static const char *const pkeys[] = { "period", "min", "max", NULL };
	ynode *p = ydoc_map_get(d, it, "publish");
	bool has_min, has_max, has;
	int rc;
	if (!p)
		return 0;
	if (!ydoc_is_map(p))
		return ydoc_fail(d, p, e, "key 'publish' is a map {period, min?, max?} of periods");
	if ((rc = ydoc_map_check_keys(d, p, pkeys, e)) || (rc = period(d, p, "period", true, &k->pub_period, &has, e)) ||
	    (rc = period(d, p, "min", false, &k->pub_min, &has_min, e)) ||
	    (rc = period(d, p, "max", false, &k->pub_max, &has_max, e)))
		return rc;
	if (!has_min)
		k->pub_min = (jrp_period){ 0, 0, 1 };
	if (!has_max)
		k->pub_max = k->pub_period;
	if (period_is_zero(k->pub_period) || period_is_zero(k->pub_min) ||
	    period_reach(k->pub_min) > period_reach(k->pub_period) || period_reach(k->pub_period) > period_reach(k->pub_max))
		return ydoc_fail(d, p, e, "key 'publish': needs 0 < min <= period <= max");
	k->publish = true;
	return 0;
}

jrp_date record_publish_until(const jrp_catalog *c, const jrp_record *rec)
{
	const jrp_named *k = catalog_kind(c, names_get(&credit_kind_names, rec->kind));
	if (!k || !k->publish)
		return 0;
	return rec->publish_until ? rec->publish_until : date_add_period(rec->decision_date, k->pub_period) - 1;
}

/*
 * named_list - domains/matters/kinds: a non-empty sequence of {id, name} with
 * unique ids; with allow_key (domains only) also an optional `key: true|false`
 * (default false), a key domain (重点领域) whose focus lists count towards the
 * credit-warning list [001 §(五)5]
 */
static int named_list(ydoc *d, ynode *root, const char *key, bool allow_key, jrp_named **out, size_t *nout,
		      jrp_error *e)
{
	static const char *const plain_keys[] = { "id", "name", NULL };
	static const char *const domain_keys[] = { "id", "name", "key", NULL };
	static const char *const kind_keys[] = { "id", "name", "publish", NULL };
	const char *const *keys = allow_key ? domain_keys : strcmp(key, "kinds") == 0 ? kind_keys : plain_keys;
	jrp_named *v;
	ynode *seq, *it;
	size_t i, j, n;
	int rc;

	if ((rc = ydoc_seq_at_key(d, root, key, true, &seq, e)))
		return rc;
	n = ydoc_seq_len(seq);
	v = xcalloc(n, sizeof *v);
	for (i = 0; i < n; i++) {
		it = ydoc_seq_at(d, seq, i);
		if ((rc = ydoc_map_check_keys(d, it, keys, e)) ||
		    (rc = ydoc_str(d, it, "id", true, &v[i].id, e)) ||
		    (rc = ydoc_str(d, it, "name", true, &v[i].name, e)) ||
		    (allow_key && (rc = ydoc_bool(d, it, "key", false, &v[i].key, e))))
			goto fail;
		if (!id_ok(v[i].id, LOWER_ID, 32)) {
			rc = ydoc_fail(d, ydoc_map_get(d, it, "id"), e,
				       "key 'id': %s id '%s' must match [a-z0-9_]{1,32}", key, v[i].id);
			goto fail;
		}
		if (keys == kind_keys && (rc = kind_publish(d, it, &v[i], e)))
			goto fail;
		for (j = 0; j < i; j++)
			if (strcmp(v[i].id, v[j].id) == 0) {
				rc = ydoc_fail(d, ydoc_map_get(d, it, "id"), e,
					       "key 'id': duplicate id '%s' in %s", v[i].id, key);
				goto fail;
			}
	}
	*out = v;
	*nout = n;
	return 0;
fail:
	named_free(v, n);
	return rc;
}

/*
 * load_masking - `masking: { id_number: { keep_head: N, keep_tail: M },
 * person_name: { keep_head: K } }`: what publication keeps of a person's ID
 * number and name; personal data is masked before publication [001 §(一)4,
 * §(二)4] (DOMAIN.md "Publication and privacy"). Never unsafe: of an
 * 18-character ID number at most 14 characters are kept (at least 4 masked),
 * and at most the first character of a name (a 2-character name with 1 kept
 * still masks one), so neither is ever published whole.
 */
#define MASK_ID_LEN 18          /* citizen ID (GB 11643-1999) */
#define MASK_ID_MIN_MASKED 4
#define MASK_NAME_MAX_KEEP 1

static int load_masking(jrp_catalog *c, ydoc *d, ynode *root, jrp_error *e)
{
	static const char *const keys[] = { "id_number", "person_name", NULL };
	static const char *const id_keys[] = { "keep_head", "keep_tail", NULL };
	static const char *const name_keys[] = { "keep_head", NULL };
	ynode *m = ydoc_map_get(d, root, "masking"), *id, *name;
	int64_t head = 0, tail = 0, nhead = 0;
	int rc;

	if (!m)
		return ydoc_fail(d, root, e, "missing required key 'masking' (what publication keeps of ID numbers "
				 "and names: DOMAIN.md \"Publication and privacy\")");
	if ((rc = ydoc_map_check_keys(d, m, keys, e)))
		return rc;
	id = ydoc_map_get(d, m, "id_number");
	name = ydoc_map_get(d, m, "person_name");
	if (!id)
		return ydoc_fail(d, m, e, "missing required key 'id_number' in 'masking'");
	if (!name)
		return ydoc_fail(d, m, e, "missing required key 'person_name' in 'masking'");
	if ((rc = ydoc_map_check_keys(d, id, id_keys, e)) ||
	    (rc = ydoc_int(d, id, "keep_head", true, 0, MASK_ID_LEN, &head, e)) ||
	    (rc = ydoc_int(d, id, "keep_tail", true, 0, MASK_ID_LEN, &tail, e)))
		return rc;
	if (head + tail > MASK_ID_LEN - MASK_ID_MIN_MASKED)
		return ydoc_fail(d, ydoc_map_get(d, id, "keep_tail"), e,
				 "key 'masking.id_number': keep_head %d + keep_tail %d keeps %d characters of an "
				 "%d-character ID number; at most %d (at least %d always masked before publication)",
				 (int)head, (int)tail, (int)(head + tail), MASK_ID_LEN,
				 MASK_ID_LEN - MASK_ID_MIN_MASKED, MASK_ID_MIN_MASKED);
	if ((rc = ydoc_map_check_keys(d, name, name_keys, e)) ||
	    (rc = ydoc_int(d, name, "keep_head", true, 0, 1000, &nhead, e)))
		return rc;
	if (nhead > MASK_NAME_MAX_KEEP)
		return ydoc_fail(d, ydoc_map_get(d, name, "keep_head"), e,
				 "key 'masking.person_name': keep_head %d is unsafe; a person's name is never "
				 "published whole, keep at most %d character", (int)nhead, MASK_NAME_MAX_KEEP);
	c->mask_id_keep_head = (int)head;
	c->mask_id_keep_tail = (int)tail;
	c->mask_name_keep_head = (int)nhead;
	return 0;
}

static int load_catalog_file(jrp_catalog *c, const char *path, jrp_error *e)
{
	static const char *const keys[] = { "version", "domains", "matters", "kinds", "masking", NULL };
	ydoc *d = NULL;
	ynode *root;
	int rc;

	if ((rc = ydoc_load(path, &d, e)))
		return rc;
	root = ydoc_root(d);
	if ((rc = ydoc_map_check_keys(d, root, keys, e)) ||
	    (rc = ydoc_str(d, root, "version", true, &c->version, e)))
		goto out;
	if (!id_ok(c->version, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-", 32)) {
		rc = ydoc_fail(d, ydoc_map_get(d, root, "version"), e,
			       "key 'version': '%s' must be 1..32 characters of [A-Za-z0-9._-]", c->version);
		goto out;
	}
	if ((rc = named_list(d, root, "domains", true, &c->domains, &c->ndomains, e)) ||
	    (rc = named_list(d, root, "matters", false, &c->matters, &c->nmatters, e)) ||
	    (rc = named_list(d, root, "kinds", false, &c->kinds, &c->nkinds, e)) ||
	    (rc = load_masking(c, d, root, e)))
		goto out;
	/* the engine knows what each kind of record means (records.h): the catalogue names them */
	for (size_t i = 0; i < c->nkinds; i++)
		if (names_find(&credit_kind_names, c->kinds[i].id, strlen(c->kinds[i].id)) < 0) {
			char allowed[200];
			rc = ydoc_fail(d, ydoc_map_get(d, item_at(d, root, "kinds", i), "id"), e,
				       "key 'id': '%s' is not a record kind jrp knows (%s)", c->kinds[i].id,
				       names_list(&credit_kind_names, allowed, sizeof allowed));
			goto out;
		}
out:
	ydoc_free(&d);
	return rc;
}

/* ---- standards.yaml ---- */

/* load_case - the conditions of one way to meet a standard (match itself, or an item of match.cases):
 *   violations    record.violation is one of these (omit = any)
 *   min_amount    record.amount >= this, yuan
 *   min_percent   record.amount >= this % of record.base_amount (1..100): e.g. the tax evaded as a
 *                 share of the year's tax due, 国家税务总局令第54号 第六条(一)
 *   min_quantity  record.quantity >= this (e.g. invoices, 第六条(六)) */
static int load_case(ydoc *d, ynode *m, jrp_match_case *mc, jrp_error *e)
{
	int64_t pct = 0;
	int rc;
	mc->min_amount = mc->min_quantity = -1;
	if ((rc = idlist(d, m, "violations", false, LOWER_ID, 64, &mc->violations, &mc->nviolations, e)) ||
	    (rc = ydoc_int(d, m, "min_amount", false, 0, INT64_C(1000000000000000), &mc->min_amount, e)) ||
	    (rc = ydoc_int(d, m, "min_percent", false, 1, 100, &pct, e)) ||
	    (rc = ydoc_int(d, m, "min_quantity", false, 1, INT64_C(1000000000), &mc->min_quantity, e)))
		return rc;
	mc->min_percent = (int)pct;
	return 0;
}

static int load_match(jrp_catalog *c, ydoc *d, ynode *sm, jrp_standard *s, jrp_error *e)
{
	static const char *const keys[] = { "kind", "violations", "min_amount", "min_percent", "min_quantity",
		"rating", "cases", NULL };
	static const char *const case_keys[] = { "violations", "min_amount", "min_percent", "min_quantity", NULL };
	static const char *const own[] = { "violations", "min_amount", "min_percent", "min_quantity", NULL };
	ynode *m = ydoc_map_get(d, sm, "match"), *cases;
	char *kind = NULL;
	int rc;

	if (!m)
		return ydoc_fail(d, sm, e, "missing required key 'match'");
	if ((rc = ydoc_map_check_keys(d, m, keys, e)) ||
	    (rc = ydoc_str(d, m, "kind", true, &kind, e)))
		return rc;
	if (!catalog_kind(c, kind)) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "kind"), e,
			       "key 'kind': unknown record kind '%s' (not in catalog.yaml kinds)", kind);
		free(kind);
		return rc;
	}
	s->kind = (jrp_credit_kind)names_find(&credit_kind_names, kind, strlen(kind));   /* checked at catalog.yaml */
	free(kind);
	if (s->kind == RK_FINALITY || s->kind == RK_RECTIFICATION || s->kind == RK_INTERVIEW || s->kind == RK_COMMITMENT)
		return ydoc_fail(d, ydoc_map_get(d, m, "kind"), e,
				 "key 'kind': a %s record follows up another record or entry, or opens a commitment; no "
				 "standard identifies on it",
				 names_get(&credit_kind_names, s->kind));
	if ((rc = ydoc_str(d, m, "rating", false, &s->rating, e)))
		return rc;
	if (!(cases = ydoc_map_get(d, m, "cases"))) {
		s->cases = xcalloc(1, sizeof *s->cases);
		s->ncases = 1;
		return load_case(d, m, &s->cases[0], e);
	}
	/* cases: the record meets the standard in one of several ways (one article's items, each with its
	 * own threshold); the conditions then live in the cases only */
	for (size_t i = 0; own[i]; i++)
		if (ydoc_map_get(d, m, own[i]))
			return ydoc_fail(d, ydoc_map_get(d, m, own[i]), e,
					 "key '%s': with 'cases', each case carries its own conditions", own[i]);
	if ((rc = ydoc_seq_at_key(d, m, "cases", true, &cases, e)))
		return rc;
	s->ncases = ydoc_seq_len(cases);
	s->cases = xcalloc(s->ncases, sizeof *s->cases);
	for (size_t i = 0; i < s->ncases; i++) {
		ynode *ci = ydoc_seq_at(d, cases, i);
		if (!ydoc_is_map(ci))
			return ydoc_fail(d, ci, e, "an item of 'cases' is a map {violations, min_amount, min_percent, "
					 "min_quantity}");
		if ((rc = ydoc_map_check_keys(d, ci, case_keys, e)) || (rc = load_case(d, ci, &s->cases[i], e)))
			return rc;
		if (!s->cases[i].nviolations)
			return ydoc_fail(d, ci, e, "a case of 'cases' names its violations (a case for any violation "
					 "would make the others pointless)");
	}
	return 0;
}

/*
 * Validity tiers [national] (DOMAIN.md "Life of an entry" 7): general
 * dishonesty is published 3 months to 1 year, serious dishonesty 1 to 3 years,
 * both bounds inclusive. Periods are compared as the dates they reach from a
 * fixed start, 2001-01-01 (no leap day in 2001-2003, so 1y = 12m = 365d,
 * 3m = 90d and 3y = 1095d): exact for y/m periods, and a d period counts
 * calendar days.
 */
static const struct tier {
	const char *name;
	jrp_period min, max;
	const char *text;
	jrp_period repair_min;
} tiers[] = {
	/* repair: the shortest publication before a repair application, 《失信行为纠正后的信用信息修复管理
	 * 办法（试行）》（国家发展和改革委员会令2023年第58号）: general 3 months, serious 1 year */
	{ "general", { 0, 3, 0 }, { 1, 0, 0 }, "3 months to 1 year", { 0, 3, 0 } },
	{ "serious", { 1, 0, 0 }, { 3, 0, 0 }, "1 to 3 years", { 1, 0, 0 } },
};

static jrp_date period_reach(jrp_period p)
{
	return date_add_period(date_from_ymd(2001, 1, 1), p);
}

/* repair_methods - optional list of REPAIR_* names, each at most once, non-empty if present */
static int repair_methods(ydoc *d, ynode *m, unsigned *mask, jrp_error *e)
{
	char **v = NULL;
	size_t n = 0, i;
	unsigned bit;
	int rc;

	*mask = 0;
	if ((rc = ydoc_strlist(d, m, "repair_methods", false, &v, &n, e)))
		return rc;
	if (ydoc_map_get(d, m, "repair_methods") && n == 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "repair_methods"), e,
			       "key 'repair_methods' must not be empty (leave the key out instead)");
		goto out;
	}
	for (i = 0; i < n; i++) {
		bit = name_bit(&repair_method_names, v[i]);
		if (!bit) {
			rc = ydoc_fail(d, item_at(d, m, "repair_methods", i), e,
				       "key 'repair_methods': unknown repair method '%s' "
				       "(allowed: commitment, training, report, service)", v[i]);
			goto out;
		}
		if (*mask & bit) {
			rc = ydoc_fail(d, item_at(d, m, "repair_methods", i), e,
				       "key 'repair_methods': '%s' is listed twice", v[i]);
			goto out;
		}
		*mask |= bit;
	}
out:
	strv_free(v, n);
	return rc;
}

/*
 * load_dishonesty - class, severity (with the validity tier), repair_methods
 * and rectification_days of a standard whose other keys are loaded:
 *   class 1..4          the four classes of serious dishonesty [001 §(四)1];
 *                       required on black and focus, refused on red
 *   severity            general | serious, same rule; validity must fit its tier
 *   repair_methods      what a repair application needs [001 §(五)4]; only
 *                       on repairable standards
 *   rectification_days  working days to correct after the entry takes effect
 *                       [001 §(四)2] (0..60, default 0 = no deadline); not on red
 */
static int load_dishonesty(ydoc *d, ynode *m, jrp_standard *s, jrp_error *e)
{
	const struct tier *t = NULL;
	int64_t cls = 0, rd = 0;
	char pbuf[32];
	size_t i;
	int rc;

	if (s->list == LIST_RED) {
		static const char *const refused[] = { "class", "severity", "rectification_days", NULL };

		for (i = 0; refused[i]; i++)
			if (ydoc_map_get(d, m, refused[i]))
				return ydoc_fail(d, ydoc_map_get(d, m, refused[i]), e,
						 "key '%s': a red standard rewards trust; class, severity and "
						 "rectification_days are only for black and focus standards "
						 "[001 §(四)1]", refused[i]);
	} else {
		if (!ydoc_map_get(d, m, "class"))
			return ydoc_fail(d, m, e, "missing required key 'class' (a %s standard needs its class "
					 "of serious dishonesty, 1..4 [001 §(四)1])", list_name(s->list));
		if (!ydoc_map_get(d, m, "severity"))
			return ydoc_fail(d, m, e, "missing required key 'severity' (a %s standard is general or "
					 "serious, which sets its validity tier)", list_name(s->list));
		if ((rc = ydoc_int(d, m, "class", true, 1, 4, &cls, e)) ||
		    (rc = ydoc_str(d, m, "severity", true, &s->severity, e)))
			return rc;
		s->dishonesty_class = (int)cls;
		for (i = 0; i < sizeof tiers / sizeof tiers[0]; i++)
			if (strcmp(s->severity, tiers[i].name) == 0)
				t = &tiers[i];
		if (!t)
			return ydoc_fail(d, ydoc_map_get(d, m, "severity"), e,
					 "key 'severity' must be general or serious, not '%s'", s->severity);
		/* a law's own period (validity_basis) prevails over the tier: 食品安全法 第一百三十五条 5 years,
		 * 法释〔2017〕7号 no fixed term */
		if (!s->validity_basis && (s->validity_open || period_reach(s->validity) < period_reach(t->min) ||
					   period_reach(s->validity) > period_reach(t->max))) {
			if (s->validity_open)
				snprintf(pbuf, sizeof pbuf, "none (no fixed term)");
			else
				period_format(s->validity, pbuf, sizeof pbuf);
			return ydoc_fail(d, ydoc_map_get(d, m, "validity"), e,
					 "key 'validity': %s is outside the %s tier (%s dishonesty is published %s "
					 "[national]); a law that sets another period is named in validity_basis",
					 pbuf, t->name, t->name, t->text);
		}
		if (s->validity_basis && !s->validity_open && period_reach(s->validity) >= period_reach(t->min) &&
		    period_reach(s->validity) <= period_reach(t->max))
			return ydoc_fail(d, ydoc_map_get(d, m, "validity_basis"), e,
					 "key 'validity_basis': the validity is inside the %s tier; validity_basis is "
					 "for a law that sets a period outside it", t->name);
		/* the repair minimum against the tier [national]: shorter only on a rule of the list's own
		 * (repair_basis: 法释〔2017〕7号 第十条 deletion on performance, 人社部令第45号 6 months) */
		if (s->repairable && !s->repair_basis && period_reach(s->repair_min) < period_reach(t->repair_min)) {
			char tb[32];
			period_format(s->repair_min, pbuf, sizeof pbuf);
			period_format(t->repair_min, tb, sizeof tb);
			return ydoc_fail(d, ydoc_map_get(d, m, "repair_min"), e,
					 "key 'repair_min': %s is shorter than the %s tier's minimum %s before repair "
					 "(国家发展和改革委员会令2023年第58号); a list rule that allows it is named in "
					 "repair_basis", pbuf, t->name, tb);
		}
		if ((rc = ydoc_int(d, m, "rectification_days", false, 0, 60, &rd, e)))
			return rc;
		s->rectification_days = (int)rd;
	}
	if (s->repairable && !s->validity_open && period_reach(s->repair_min) > period_reach(s->validity))
		return ydoc_fail(d, ydoc_map_get(d, m, "repair_min"), e,
				 "key 'repair_min' is longer than the validity: the entry would end before a repair "
				 "could be asked for");
	if (s->repair_basis && !s->repairable)
		return ydoc_fail(d, ydoc_map_get(d, m, "repair_basis"), e,
				 "key 'repair_basis': standard '%s' is not repairable", s->id);
	if (s->repair_from_rectification && !s->rectification_days)
		return ydoc_fail(d, ydoc_map_get(d, m, "repair_from"), e,
				 "key 'repair_from': rectification needs a rectification deadline (rectification_days)");
	if ((rc = repair_methods(d, m, &s->repair_methods, e)))
		return rc;
	if (s->repair_methods && !s->repairable)
		return ydoc_fail(d, ydoc_map_get(d, m, "repair_methods"), e,
				 "key 'repair_methods': standard '%s' is not repairable (set repairable: true, or "
				 "leave repair_methods out)", s->id);
	return 0;
}

/*
 * load_notice - notice, notice_period and objection_days of a standard whose list, subject types and
 * severity are loaded (DOMAIN.md "Life of an entry", 1):
 *   notice          true: every subject is told the reasons, basis and its rights before it is
 *                   identified. Natural persons always are [001 §(二)2]; a serious-dishonesty
 *                   standard (black, or severity serious) must say true: since 国办发〔2020〕49号
 *                   (八) every subject about to be identified as seriously dishonest is told first
 *   notice_period   how long a notified subject has to state its case, from the notice: "5d"
 *                   (days, 《民法典》第二百零一条、第二百零三条) or "5wd" (working days); required
 *                   when any subject of the standard is notified, refused otherwise
 *   objection_days  working days of the objection window of a subject that is not notified, from
 *                   identification (0..60); required when there is one, refused otherwise
 */
static int load_notice(ydoc *d, ynode *m, jrp_standard *s, jrp_error *e)
{
	bool serious = s->list == LIST_BLACK || (s->severity && strcmp(s->severity, "serious") == 0);
	bool some_notified = s->notice || (s->subject_types & SUBJ_PERSON);
	bool some_not = !s->notice && (s->subject_types & SUBJ_ORG);
	int64_t od = 0;
	char *np = NULL;
	int rc;

	if (serious && !s->notice)
		return ydoc_fail(d, ydoc_map_get(d, m, "notice"), e,
				 "key 'notice': standard '%s' identifies serious dishonesty (%s): every subject is "
				 "told the reasons, basis and its rights before it is identified (国办发〔2020〕49号 "
				 "(八)); set notice: true and its notice_period", s->id,
				 s->list == LIST_BLACK ? "black list" : "severity serious");
	if (!some_notified && ydoc_map_get(d, m, "notice_period"))
		return ydoc_fail(d, ydoc_map_get(d, m, "notice_period"), e,
				 "key 'notice_period': standard '%s' notifies no subject (notice: false, "
				 "organisations only): leave notice_period out", s->id);
	if (some_notified) {
		if (!ydoc_map_get(d, m, "notice_period"))
			return ydoc_fail(d, m, e, "missing required key 'notice_period' (standard '%s' notifies %s "
					 "before identification: how long it has to state its case, e.g. 5d or 5wd)",
					 s->id, s->notice ? "every subject" : "natural persons");
		if ((rc = ydoc_str(d, m, "notice_period", true, &np, e)))
			return rc;
		rc = limit_parse(np, &s->notice_period);
		free(np);
		if (rc)
			return ydoc_fail(d, ydoc_map_get(d, m, "notice_period"), e,
					 "key 'notice_period': expected days (e.g. 5d) or working days (e.g. 5wd), "
					 "0..366");
	}
	if (!some_not && ydoc_map_get(d, m, "objection_days"))
		return ydoc_fail(d, ydoc_map_get(d, m, "objection_days"), e,
				 "key 'objection_days': every subject of standard '%s' is notified, and its window "
				 "is notice_period from the notice: leave objection_days out", s->id);
	if (some_not) {
		if ((rc = ydoc_int(d, m, "objection_days", true, 0, 60, &od, e)))
			return rc;
		s->objection_days = (int)od;
	}
	return 0;
}

/*
 * load_validity - validity, validity_basis and extension:
 *   validity        a period from the decision date, or "none": no fixed term (the entry ends only by
 *                   exit), which needs validity_basis
 *   validity_basis  the law that sets a validity outside the severity tier (or none)
 *   extension       {min, max}: a record may extend its entry's validity by a period in this range
 *                   (record.extension; 法释〔2017〕7号 第二条: 1 to 3 years); not with validity none
 */
static int load_validity(ydoc *d, ynode *m, jrp_standard *s, jrp_error *e)
{
	static const char *const xkeys[] = { "min", "max", NULL };
	ynode *x;
	char *v = NULL;
	bool has;
	int rc;
	if ((rc = ydoc_str(d, m, "validity_basis", false, &s->validity_basis, e)))
		return rc;
	if (ydoc_str(d, m, "validity", true, &v, NULL) == 0 && strcmp(v, "none") == 0) {
		free(v);
		s->validity_open = true;
		if (!s->validity_basis)
			return ydoc_fail(d, ydoc_map_get(d, m, "validity"), e,
					 "key 'validity': none (no fixed term) needs the law that says so in "
					 "validity_basis");
	} else {
		free(v);
		if ((rc = period(d, m, "validity", true, &s->validity, &has, e)))
			return rc;
		if (period_is_zero(s->validity))
			return ydoc_fail(d, ydoc_map_get(d, m, "validity"), e, "key 'validity' must not be zero");
	}
	if (!(x = ydoc_map_get(d, m, "extension")))
		return 0;
	if (s->validity_open)
		return ydoc_fail(d, x, e, "key 'extension': a validity with no fixed term cannot be extended");
	if (!ydoc_is_map(x))
		return ydoc_fail(d, x, e, "key 'extension' is a map {min, max} of periods");
	if ((rc = ydoc_map_check_keys(d, x, xkeys, e)) ||
	    (rc = period(d, x, "min", true, &s->extension_min, &has, e)) ||
	    (rc = period(d, x, "max", true, &s->extension_max, &has, e)))
		return rc;
	if (period_is_zero(s->extension_min) || period_reach(s->extension_max) < period_reach(s->extension_min))
		return ydoc_fail(d, x, e, "key 'extension': min must be non-zero and max at least min");
	return 0;
}

/* load_repair_from - repair_from: decision (default) | rectification: what repair_min counts from */
static int load_repair_from(ydoc *d, ynode *m, jrp_standard *s, jrp_error *e)
{
	char *v = NULL;
	int rc;
	if ((rc = ydoc_str(d, m, "repair_from", false, &v, e)) || !v)
		return rc;
	if (strcmp(v, "rectification") == 0)
		s->repair_from_rectification = true;
	else if (strcmp(v, "decision") != 0)
		rc = ydoc_fail(d, ydoc_map_get(d, m, "repair_from"), e,
			       "key 'repair_from' must be decision or rectification, not '%s'", v);
	free(v);
	if (!rc && !s->repairable)
		rc = ydoc_fail(d, ydoc_map_get(d, m, "repair_from"), e,
			       "key 'repair_from': standard '%s' is not repairable", s->id);
	return rc;
}

/*
 * load_receiving - the rest of a receiving standard (federation, issue 14; id, name, domain, list,
 * subject_types and basis are loaded): match {kind: foreign, domains?, regions?}. It takes another
 * region's entry as that region decided it: the notice, the objection window, validity, repair,
 * rectification and exit are the home's [001 §(五)2], so every key of a standard's own life is
 * refused, naming it; publish too (the home publishes its entry) and share (only the home offers
 * its entries).
 */
static int load_receiving(ydoc *d, ynode *m, jrp_standard *s, jrp_error *e)
{
	static const char *const mkeys[] = { "kind", "domains", "regions", NULL };
	static const char *const life[] = { "requires_final", "requires_order", "validity", "validity_basis",
		"extension", "objection_days", "notice", "notice_period", "repairable", "repair_min", "repair_from",
		"repair_basis", "repair_methods", "exit_focus", "publish", "class", "severity", "rectification_days",
		"share", NULL };
	ynode *mm = ydoc_map_get(d, m, "match");
	int rc;

	for (size_t i = 0; life[i]; i++)
		if (ydoc_map_get(d, m, life[i]))
			return ydoc_fail(d, ydoc_map_get(d, m, life[i]), e,
					 "key '%s': standard '%s' receives other regions' entries (match.kind: foreign), "
					 "which live by their home region's decisions (notice, objection, validity, "
					 "repair, exit, publication, sharing): leave '%s' out", life[i], s->id, life[i]);
	if ((rc = ydoc_map_check_keys(d, mm, mkeys, e)) ||
	    (rc = idlist(d, mm, "domains", false, LOWER_ID, 32, &s->from_domains, &s->nfrom_domains, e)) ||
	    (rc = idlist(d, mm, "regions", false, LOWER_ID, 32, &s->from_regions, &s->nfrom_regions, e)))
		return rc;
	s->receiving = true;
	s->kind = RK_FOREIGN;
	s->validity_open = true;   /* the entry runs until its home says it exited */
	return 0;
}

/* match_is_foreign - does the standard's match say kind: foreign? */
static bool match_is_foreign(ydoc *d, ynode *m)
{
	ynode *mm = ydoc_map_get(d, m, "match");
	char *k = NULL;
	bool yes;
	if (!mm || !ydoc_is_map(mm) || ydoc_str(d, mm, "kind", true, &k, NULL) != 0)
		return false;
	yes = strcmp(k, "foreign") == 0;
	free(k);
	return yes;
}

static int load_standard(jrp_catalog *c, ydoc *d, ynode *m, jrp_standard *s, jrp_error *e)
{
	static const char *const keys[] = { "id", "name", "domain", "list", "subject_types", "basis",
		"match", "requires_final", "validity", "objection_days", "notice", "notice_period", "repairable",
		"repair_min", "exit_focus", "publish", "class", "severity", "repair_methods", "rectification_days",
		"validity_basis", "extension", "repair_from", "repair_basis", "requires_order", "share", NULL };
	bool has_repair_min, has_exit_focus, has_validity;
	int li = 0, rc;

	if ((rc = ydoc_map_check_keys(d, m, keys, e)) ||
	    (rc = ydoc_str(d, m, "id", true, &s->id, e)))
		return rc;
	if (!id_ok(s->id, LOWER_ID ".", 64) || s->id[0] == '.' || s->id[strlen(s->id) - 1] == '.')
		return ydoc_fail(d, ydoc_map_get(d, m, "id"), e,
				 "key 'id': standard id '%s' must match [a-z0-9_.]{1,64} (e.g. tax.major_violation)",
				 s->id);
	if ((rc = ydoc_str(d, m, "name", true, &s->name, e)) ||
	    (rc = title_ok(d, m, s->name, e)) ||
	    (rc = ydoc_str(d, m, "domain", true, &s->domain, e)))
		return rc;
	if (!catalog_domain(c, s->domain))
		return ydoc_fail(d, ydoc_map_get(d, m, "domain"), e,
				 "key 'domain': unknown domain '%s' (not in catalog.yaml domains)", s->domain);
	/* a standard identifies red, black or focus: warning, the last list, is derived */
	if ((rc = one_of(d, m, "list", &list_names, LIST_WARNING, &li, e))) {
		char *l = NULL;

		if (ydoc_str(d, m, "list", true, &l, NULL) == 0 && strcmp(l, "warning") == 0)
			rc = ydoc_fail(d, ydoc_map_get(d, m, "list"), e,
				       "key 'list': the warning list is derived (focus lists in 3 or more "
				       "domains), never identified under a standard");
		free(l);
		return rc;
	}
	s->list = (jrp_list)li;
	if ((rc = subjects(d, m, &s->subject_types, e)) ||
	    (rc = ydoc_str(d, m, "basis", true, &s->basis, e)))
		return rc;
	if (match_is_foreign(d, m))
		return load_receiving(d, m, s, e);
	/* share: the regions this standard's entries are offered to (jrp-exchange reads it) */
	if ((rc = idlist(d, m, "share", false, LOWER_ID, 32, &s->share, &s->nshare, e)))
		return rc;
	if ((rc = load_match(c, d, m, s, e)) ||
	    (rc = load_validity(d, m, s, e)))
		return rc;
	(void)has_validity;
	if ((rc = ydoc_bool(d, m, "requires_final", false, &s->requires_final, e)) ||
	    (rc = ydoc_bool(d, m, "requires_order", false, &s->requires_order, e)) ||
	    (rc = ydoc_bool(d, m, "notice", true, &s->notice, e)) ||
	    (rc = ydoc_bool(d, m, "repairable", false, &s->repairable, e)) ||
	    (rc = period(d, m, "repair_min", false, &s->repair_min, &has_repair_min, e)) ||
	    (rc = ydoc_str(d, m, "repair_basis", false, &s->repair_basis, e)) ||
	    (rc = load_repair_from(d, m, s, e)) ||
	    (rc = period(d, m, "exit_focus", false, &s->exit_focus, &has_exit_focus, e)) ||
	    (rc = ydoc_bool(d, m, "publish", true, &s->publish, e)))
		return rc;
	if (has_exit_focus && s->list != LIST_BLACK)
		return ydoc_fail(d, ydoc_map_get(d, m, "exit_focus"), e,
				 "key 'exit_focus': only black standards move the subject to the focus list "
				 "at exit; a %s standard cannot have exit_focus", list_name(s->list));
	if (s->repairable && s->list == LIST_RED)
		return ydoc_fail(d, ydoc_map_get(d, m, "repairable"), e,
				 "key 'repairable': a red standard cannot be repairable (repair is for dishonesty)");
	if (s->repairable && !has_repair_min)
		return ydoc_fail(d, m, e, "missing required key 'repair_min' (standard '%s' is repairable)", s->id);
	if (!s->repairable && has_repair_min)
		return ydoc_fail(d, ydoc_map_get(d, m, "repair_min"), e,
				 "key 'repair_min': standard '%s' is not repairable (set repairable: true)", s->id);
	if ((rc = load_dishonesty(d, m, s, e)))
		return rc;
	return load_notice(d, m, s, e);
}

static int load_standards(jrp_catalog *c, const char *path, jrp_error *e)
{
	ydoc *d = NULL;
	ynode *seq, *it;
	size_t i, j, n;
	int rc;

	if ((rc = ydoc_load_list(path, "standards", &d, &seq, e)))
		goto out;
	n = ydoc_seq_len(seq);
	c->standards = xcalloc(n, sizeof *c->standards);
	for (i = 0; i < n; i++) {
		it = ydoc_seq_at(d, seq, i);
		c->nstandards = i + 1;
		if ((rc = load_standard(c, d, it, &c->standards[i], e)))
			goto out;
		for (j = 0; j < i; j++)
			if (strcmp(c->standards[i].id, c->standards[j].id) == 0) {
				rc = ydoc_fail(d, ydoc_map_get(d, it, "id"), e,
					       "key 'id': duplicate standard id '%s'", c->standards[i].id);
				goto out;
			}
	}
out:
	ydoc_free(&d);
	return rc;
}

/* ---- measures.yaml ---- */

/* load_persons - persons: true (every linked role: legal_rep, responsible, actual_controller), false, or
 * a list of those roles (税收征收管理法 第四十四条: the taxpayer or its legal representative only) */
static int load_persons(ydoc *d, ynode *m, jrp_measure *ms, jrp_error *e)
{
	ynode *p = ydoc_map_get(d, m, "persons");
	char **v = NULL;
	size_t n = 0;
	bool all = false;
	int rc;
	ms->persons = 0;
	if (!p)
		return 0;
	if (!ydoc_is_seq(p)) {
		if ((rc = ydoc_bool(d, m, "persons", false, &all, e)))
			return rc;
		if (all)
			for (int r = LINK_NONE + 1; r < LINK__N; r++)
				ms->persons |= 1u << r;
		return 0;
	}
	if ((rc = idlist(d, m, "persons", false, LOWER_ID, 32, &v, &n, e)))
		return rc;
	for (size_t i = 0; i < n && !rc; i++) {
		int r = names_find(&link_role_names, v[i], strlen(v[i]));
		if (r <= LINK_NONE)
			rc = ydoc_fail(d, item_at(d, m, "persons", i), e,
				       "key 'persons': unknown role '%s' (allowed: legal_rep, responsible, "
				       "actual_controller; or true for all)", v[i]);
		else
			ms->persons |= 1u << r;
	}
	strv_free(v, n);
	return rc;
}

static int load_measure(jrp_catalog *c, const jrp_parties *parties, ydoc *d, ynode *m, jrp_measure *ms,
			jrp_error *e)
{
	static const char *const keys[] = { "id", "name", "type", "class", "category", "lists", "domains",
		"subject_types", "persons", "agencies", "basis", "matters", "feedback_days", NULL };
	static const char *const bkeys[] = { "law", "articles", NULL };
	static const char *const cats_v[] = { "administrative", "market", "industry", "social" };
	static const jrp_names cats = { "measure category", cats_v, 4 };
	char **lists = NULL;
	size_t nlists = 0, i;
	const jrp_party *p;
	ynode *b;
	int64_t fd = 0;
	int type = 0, cls = 0, cat = 0, l, rc;

	if ((rc = ydoc_map_check_keys(d, m, keys, e)) ||
	    (rc = ydoc_str(d, m, "id", true, &ms->id, e)))
		return rc;
	if (!id_ok(ms->id, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.", 32))
		return ydoc_fail(d, ydoc_map_get(d, m, "id"), e,
				 "key 'id': measure id '%s' must be 1..32 characters of [A-Za-z0-9._-] (e.g. P-GP-01)",
				 ms->id);
	if ((rc = ydoc_str(d, m, "name", true, &ms->name, e)) ||
	    (rc = title_ok(d, m, ms->name, e)) ||
	    (rc = one_of(d, m, "type", &measure_type_names, MT__N, &type, e)) ||
	    /* a measure is mandatory or recommended; duty, the last class, is a department's */
	    (rc = one_of(d, m, "class", &task_class_names, CLASS_DUTY, &cls, e)) ||
	    (rc = one_of(d, m, "category", &cats, 4, &cat, e)))
		return rc;
	ms->reward = type == MT_REWARD;
	ms->mandatory = cls == CLASS_MANDATORY;
	ms->category = xstrdup(cats_v[cat]);

	if ((rc = idlist(d, m, "lists", true, LOWER_ID, 16, &lists, &nlists, e)))
		goto out;
	if (nlists == 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "lists"), e, "key 'lists' must name at least one list");
		goto out;
	}
	for (i = 0; i < nlists; i++) {
		l = names_find(&list_names, lists[i], strlen(lists[i]));
		if (l < 0) {
			rc = ydoc_fail(d, item_at(d, m, "lists", i), e,
				       "key 'lists': unknown list '%s' (allowed: red, black, focus, warning)", lists[i]);
			goto out;
		}
		if (ms->reward && l != LIST_RED) {
			rc = ydoc_fail(d, item_at(d, m, "lists", i), e,
				       "key 'lists': reward measure '%s' can only target the red list, not '%s'",
				       ms->id, lists[i]);
			goto out;
		}
		if (!ms->reward && l == LIST_RED) {
			rc = ydoc_fail(d, item_at(d, m, "lists", i), e,
				       "key 'lists': punishment measure '%s' cannot target the red list", ms->id);
			goto out;
		}
		ms->lists |= 1u << l;
	}

	if ((rc = idlist(d, m, "domains", false, LOWER_ID, 32, &ms->domains, &ms->ndomains, e)))
		goto out;
	for (i = 0; i < ms->ndomains; i++)
		if (!catalog_domain(c, ms->domains[i])) {
			rc = ydoc_fail(d, item_at(d, m, "domains", i), e,
				       "key 'domains': unknown domain '%s' (not in catalog.yaml domains)",
				       ms->domains[i]);
			goto out;
		}
	if ((rc = subjects(d, m, &ms->subject_types, e)) || (rc = load_persons(d, m, ms, e)))
		goto out;
	/* persons reaches the legal representative / responsible persons / actual controller of
	 * a listed organisation through linked person entries [001 §(四)6],
	 * so the measure must target person subjects */
	if (ms->persons && !(ms->subject_types & SUBJ_PERSON)) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "persons"), e,
			       "key 'persons': measure '%s' reaches an organisation's legal representative and "
			       "responsible persons, so its subject_types must include person", ms->id);
		goto out;
	}
	if ((rc = idlist(d, m, "agencies", true, LOWER_ID, 32, &ms->agencies, &ms->nagencies, e)))
		goto out;
	if (ms->nagencies == 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "agencies"), e,
			       "key 'agencies': measure '%s' needs at least one executing agency", ms->id);
		goto out;
	}
	for (i = 0; parties && i < ms->nagencies; i++) {
		p = parties_find(parties, ms->agencies[i]);
		if (!p) {
			rc = ydoc_fail(d, item_at(d, m, "agencies", i), e,
				       "key 'agencies': measure '%s': agency '%s' is not a party in %s",
				       ms->id, ms->agencies[i], parties->path);
			goto out;
		}
		if (!(p->roles & ROLE_AGENCY)) {
			rc = ydoc_fail(d, item_at(d, m, "agencies", i), e,
				       "key 'agencies': measure '%s': party '%s' does not have the agency role",
				       ms->id, ms->agencies[i]);
			goto out;
		}
	}

	b = ydoc_map_get(d, m, "basis");
	if (!b) {
		rc = ydoc_fail(d, m, e, "missing required key 'basis' (law and articles)");
		goto out;
	}
	if ((rc = ydoc_map_check_keys(d, b, bkeys, e)) ||
	    (rc = ydoc_str(d, b, "law", true, &ms->basis_law, e)) ||
	    (rc = ydoc_str(d, b, "articles", true, &ms->basis_articles, e)))
		goto out;
	if (strlen(ms->basis_law) + 1 + strlen(ms->basis_articles) > JRP_BASIS_MAX) {
		rc = ydoc_fail(d, b, e, "key 'basis': law and articles are %zu bytes together; at most %d (a task carries them)",
			       strlen(ms->basis_law) + 1 + strlen(ms->basis_articles), JRP_BASIS_MAX);
		goto out;
	}

	if ((rc = idlist(d, m, "matters", true, LOWER_ID, 32, &ms->matters, &ms->nmatters, e)))
		goto out;
	if (ms->nmatters == 0 || ms->nmatters > JRP_MATTERS_MAX) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "matters"), e,
			       "key 'matters': measure '%s' needs 1 to %d matter kinds", ms->id, JRP_MATTERS_MAX);
		goto out;
	}
	for (i = 0; i < ms->nmatters; i++)
		if (!catalog_matter(c, ms->matters[i])) {
			rc = ydoc_fail(d, item_at(d, m, "matters", i), e,
				       "key 'matters': unknown matter '%s' (not in catalog.yaml matters)",
				       ms->matters[i]);
			goto out;
		}

	if ((rc = ydoc_int(d, m, "feedback_days", false, 0, 365, &fd, e)))
		goto out;
	ms->feedback_days = (int)fd;
	if (ms->mandatory && ms->feedback_days < 1) {
		b = ydoc_map_get(d, m, "feedback_days");
		rc = ydoc_fail(d, b ? b : m, e,
			       "key 'feedback_days': mandatory measure '%s' needs feedback_days >= 1 "
			       "(working days for the agency to report back)", ms->id);
		goto out;
	}
out:
	strv_free(lists, nlists);
	return rc;
}

static int load_measures(jrp_catalog *c, const jrp_parties *parties, const char *path, jrp_error *e)
{
	ydoc *d = NULL;
	ynode *seq, *it;
	size_t i, j, n;
	int rc;

	if ((rc = ydoc_load_list(path, "measures", &d, &seq, e)))
		goto out;
	n = ydoc_seq_len(seq);
	c->measures = xcalloc(n, sizeof *c->measures);
	for (i = 0; i < n; i++) {
		it = ydoc_seq_at(d, seq, i);
		c->nmeasures = i + 1;
		if ((rc = load_measure(c, parties, d, it, &c->measures[i], e)))
			goto out;
		for (j = 0; j < i; j++)
			if (strcmp(c->measures[i].id, c->measures[j].id) == 0) {
				rc = ydoc_fail(d, ydoc_map_get(d, it, "id"), e,
					       "key 'id': duplicate measure id '%s'", c->measures[i].id);
				goto out;
			}
	}
out:
	ydoc_free(&d);
	return rc;
}

/* ---- calendar/ ---- */

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* load_calendar - every DIR/calendar/NAME.yaml, in name order */
static int load_calendar(jrp_catalog *c, const char *dir, jrp_error *e)
{
	char *cdir = xasprintf("%s/calendar", dir), *path;
	char **names = NULL;
	size_t n = 0, cap = 0, i, len;
	struct dirent *de;
	DIR *dh;
	int rc = 0;

	dh = opendir(cdir);
	if (!dh) {
		jrp_fail(e, JRP_ERR_CONFIG, cdir, "cannot open the calendar directory: %s", strerror(errno));
		free(cdir);
		return JRP_EIO;
	}
	while ((de = readdir(dh))) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".yaml") != 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 8;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(de->d_name);
	}
	closedir(dh);
	if (n)
		qsort(names, n, sizeof *names, name_cmp);
	for (i = 0; i < n && rc == 0; i++) {
		path = xasprintf("%s/%s", cdir, names[i]);
		rc = calendar_load_file(c->cal, path, e);
		free(path);
	}
	strv_free(names, n);
	free(cdir);
	return rc;
}

int catalog_load(const char *dir, const jrp_parties *parties, jrp_catalog **out, jrp_error *e)
{
	jrp_catalog *c = xcalloc(1, sizeof *c);
	char *path;
	int rc;

	c->dir = xstrdup(dir);
	c->cal = calendar_new();
	path = xasprintf("%s/catalog.yaml", dir);
	rc = load_catalog_file(c, path, e);
	free(path);
	if (rc)
		goto fail;
	path = xasprintf("%s/standards.yaml", dir);
	rc = load_standards(c, path, e);
	free(path);
	if (rc)
		goto fail;
	path = xasprintf("%s/measures.yaml", dir);
	rc = load_measures(c, parties, path, e);
	free(path);
	if (rc)
		goto fail;
	if ((rc = load_calendar(c, dir, e)))
		goto fail;
	*out = c;
	return 0;
fail:
	catalog_free(&c);
	return rc;
}

void catalog_calendar_warnings(const jrp_catalog *c, int64_t now_ms, mw *out)
{
	int y, m, dd;
	date_to_ymd(date_of_ms(now_ms), &y, &m, &dd);
	for (int yr = y; yr <= y + 1; yr++) {
		const char *st = calendar_year_status(c->cal, yr);
		if (strcmp(st, "official") != 0) {
			char w[200];
			snprintf(w, sizeof w, "calendar %d is %s: %s; working-day deadlines in %d may be off until the office loads the State Council schedule",
				 yr, st, strcmp(st, "missing") == 0 ? "weekends only" : "statutory holidays only, no make-up working days", yr);
			mw_str(out, w);
		}
	}
}
