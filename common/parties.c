/*
 * parties.c - the parties registry: deploy/parties.yaml (see parties.h)
 *
 *   parties:
 *     - id: tax_bureau
 *       name: 国家税务总局示范市税务局
 *       roles: [department, agency]
 *       domains: [tax]                 # departments only, and required for them
 *       pubkey: "<40 Z85 characters>"  # optional CURVE public key
 *       tokens: ["sha256:<64 hex>"]    # optional HTTP bearer tokens of jrp-gateway, hashed (1..4)
 *       certs: ["sha256:<64 hex>"]     # optional TLS client certificates of jrp-gateway, by fingerprint (1..4)
 *
 * Loaded by every daemon at start (ZAP maps a public key to a party) and by
 * the catalogue loader (measure agencies must be agencies here).
 */
#include "parties.h"
#include "util/xalloc.h"
#include "ydoc.h"
#include <stdlib.h>
#include <string.h>

static const char z85_chars[] =
	"0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

static const struct {
	const char *name;
	unsigned role;
} role_names[] = {
	{ "department", ROLE_DEPARTMENT },
	{ "agency", ROLE_AGENCY },
	{ "office", ROLE_OFFICE },
	{ "daemon", ROLE_DAEMON },
	{ "gateway", ROLE_GATEWAY },
	{ "exchange", ROLE_EXCHANGE },
	{ "peer", ROLE_PEER },
};

/* parties_id_ok - [a-z0-9_]{1,32} */
static bool parties_id_ok(const char *s)
{
	size_t n = strlen(s);

	if (n < 1 || n > 32)
		return false;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

static void party_clear(jrp_party *p)
{
	size_t i;

	free(p->id);
	free(p->name);
	for (i = 0; i < p->ndomains; i++)
		free(p->domains[i]);
	free(p->domains);
	free(p->pubkey);
	for (i = 0; i < p->ntokens; i++)
		free(p->tokens[i]);
	free(p->tokens);
	for (i = 0; i < p->ncerts; i++)
		free(p->certs[i]);
	free(p->certs);
	memset(p, 0, sizeof *p);
}

void parties_free(jrp_parties **pp)
{
	jrp_parties *p = *pp;
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->n; i++)
		party_clear(&p->v[i]);
	free(p->v);
	free(p->path);
	free(p);
	*pp = NULL;
}

/* item_at - the node of the i-th item of the sequence under key (for positions) */
static ynode *item_at(ydoc *d, ynode *map, const char *key, size_t i)
{
	return ydoc_seq_at(d, ydoc_map_get(d, map, key), i);
}

/* hash_list - tokens or certs: 1..4 "sha256:<64 lowercase hex>", never the secret itself */
static int hash_list(ydoc *d, ynode *m, const char *key, const char *id, const char *how, char ***list, size_t *n,
		     jrp_error *e)
{
	int rc;
	char hint[160];
	if ((rc = ydoc_strlist(d, m, key, false, list, n, e)))
		return rc;
	if (*n > 4)
		return ydoc_fail(d, item_at(d, m, key, 4), e, "key '%s': at most 4 a party (add the new one, then remove the "
				 "old one)", key);
	snprintf(hint, sizeof hint, how, id);
	for (size_t i = 0; i < *n; i++) {
		const char *t = (*list)[i];
		if (strncmp(t, "sha256:", 7) != 0 || strlen(t) != 7 + 64 || strspn(t + 7, "0123456789abcdef") != 64)
			return ydoc_fail(d, item_at(d, m, key, i), e, "key '%s': must be \"sha256:\" and 64 lowercase hex "
					 "digits, the hash of the %s (%s), never the %s itself", key,
					 key[0] == 't' ? "token" : "certificate", hint, key[0] == 't' ? "token" : "certificate");
	}
	return 0;
}

/* party_load - one party map into *p (p is zeroed; caller clears on error) */
static int party_load(ydoc *d, ynode *m, jrp_party *p, jrp_error *e)
{
	static const char *const keys[] = { "id", "name", "roles", "domains", "pubkey", "tokens", "certs", NULL };
	char **roles = NULL;
	size_t nroles = 0, i, j;
	int rc;

	if ((rc = ydoc_map_check_keys(d, m, keys, e)))
		return rc;
	if ((rc = ydoc_str(d, m, "id", true, &p->id, e)))
		goto out;
	if (!parties_id_ok(p->id)) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "id"), e,
			       "key 'id': '%s' must match [a-z0-9_]{1,32}", p->id);
		goto out;
	}
	if ((rc = ydoc_str(d, m, "name", true, &p->name, e)))
		goto out;
	if ((rc = ydoc_strlist(d, m, "roles", true, &roles, &nroles, e)))
		goto out;
	if (nroles == 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "roles"), e,
			       "key 'roles': party '%s' needs at least one role "
			       "(department, agency, office, daemon, gateway, exchange, peer)", p->id);
		goto out;
	}
	for (i = 0; i < nroles; i++) {
		for (j = 0; j < sizeof role_names / sizeof role_names[0]; j++)
			if (strcmp(roles[i], role_names[j].name) == 0)
				break;
		if (j == sizeof role_names / sizeof role_names[0]) {
			rc = ydoc_fail(d, item_at(d, m, "roles", i), e,
				       "key 'roles': unknown role '%s' (allowed: department, agency, office, daemon, gateway, exchange, peer)",
				       roles[i]);
			goto out;
		}
		if (p->roles & role_names[j].role) {
			rc = ydoc_fail(d, item_at(d, m, "roles", i), e,
				       "key 'roles': role '%s' is listed twice", roles[i]);
			goto out;
		}
		p->roles |= role_names[j].role;
	}
	if ((rc = ydoc_strlist(d, m, "domains", false, &p->domains, &p->ndomains, e)))
		goto out;
	if ((p->roles & ROLE_DEPARTMENT) && p->ndomains == 0) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "domains") ? ydoc_map_get(d, m, "domains") : m, e,
			       "key 'domains': department '%s' needs at least one domain", p->id);
		goto out;
	}
	if (!(p->roles & ROLE_DEPARTMENT) && ydoc_map_get(d, m, "domains")) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "domains"), e,
			       "key 'domains': only departments have domains ('%s' is not a department)", p->id);
		goto out;
	}
	for (i = 0; i < p->ndomains; i++) {
		if (!parties_id_ok(p->domains[i])) {
			rc = ydoc_fail(d, item_at(d, m, "domains", i), e,
				       "key 'domains': '%s' must match [a-z0-9_]{1,32}", p->domains[i]);
			goto out;
		}
		for (j = 0; j < i; j++)
			if (strcmp(p->domains[i], p->domains[j]) == 0) {
				rc = ydoc_fail(d, item_at(d, m, "domains", i), e,
					       "key 'domains': domain '%s' is listed twice", p->domains[i]);
				goto out;
			}
	}
	if ((rc = ydoc_str(d, m, "pubkey", false, &p->pubkey, e)))
		goto out;
	if (p->pubkey && (strlen(p->pubkey) != 40 || strspn(p->pubkey, z85_chars) != 40)) {
		rc = ydoc_fail(d, ydoc_map_get(d, m, "pubkey"), e,
			       "key 'pubkey': must be a 40-character Z85 CURVE public key");
		goto out;
	}
	if ((rc = hash_list(d, m, "tokens", p->id, "jrpctl tokens new %s makes one", &p->tokens, &p->ntokens, e)) ||
	    (rc = hash_list(d, m, "certs", p->id, "openssl x509 -noout -fingerprint -sha256 gives it for %s's certificate",
			    &p->certs, &p->ncerts, e)))
		goto out;
out:
	for (i = 0; i < nroles; i++)
		free(roles[i]);
	free(roles);
	return rc;
}

int parties_load(const char *path, jrp_parties **out, jrp_error *e)
{
	jrp_parties *p = NULL;
	ydoc *d = NULL;
	ynode *seq, *it;
	size_t i, j, n;
	int rc;

	if ((rc = ydoc_load_list(path, "parties", &d, &seq, e)))
		goto out;
	n = ydoc_seq_len(seq);
	p = xcalloc(1, sizeof *p);
	p->path = xstrdup(path);
	p->v = xcalloc(n, sizeof *p->v);
	for (i = 0; i < n; i++) {
		it = ydoc_seq_at(d, seq, i);
		p->n = i + 1;
		if ((rc = party_load(d, it, &p->v[i], e)))
			goto out;
		for (j = 0; j < i; j++) {
			if (strcmp(p->v[i].id, p->v[j].id) == 0) {
				rc = ydoc_fail(d, ydoc_map_get(d, it, "id"), e,
					       "key 'id': duplicate party id '%s'", p->v[i].id);
				goto out;
			}
			for (size_t a = 0; a < p->v[i].ntokens; a++)
				for (size_t b = 0; b < p->v[j].ntokens; b++)
					if (strcmp(p->v[i].tokens[a], p->v[j].tokens[b]) == 0) {
						rc = ydoc_fail(d, item_at(d, it, "tokens", a), e,
							       "key 'tokens': party '%s' has the same token as '%s'",
							       p->v[i].id, p->v[j].id);
						goto out;
					}
			for (size_t a = 0; a < p->v[i].ncerts; a++)
				for (size_t b = 0; b < p->v[j].ncerts; b++)
					if (strcmp(p->v[i].certs[a], p->v[j].certs[b]) == 0) {
						rc = ydoc_fail(d, item_at(d, it, "certs", a), e,
							       "key 'certs': party '%s' has the same certificate as '%s'",
							       p->v[i].id, p->v[j].id);
						goto out;
					}
			if (p->v[i].pubkey && p->v[j].pubkey && strcmp(p->v[i].pubkey, p->v[j].pubkey) == 0) {
				rc = ydoc_fail(d, ydoc_map_get(d, it, "pubkey"), e,
					       "key 'pubkey': party '%s' has the same key as '%s'",
					       p->v[i].id, p->v[j].id);
				goto out;
			}
		}
	}
	*out = p;
	p = NULL;
	rc = 0;
out:
	parties_free(&p);
	ydoc_free(&d);
	return rc;
}

const jrp_party *parties_find(const jrp_parties *p, const char *id)
{
	size_t i;

	if (!p || !id)
		return NULL;
	for (i = 0; i < p->n; i++)
		if (strcmp(p->v[i].id, id) == 0)
			return &p->v[i];
	return NULL;
}

bool party_has_domain(const jrp_party *p, const char *domain)
{
	size_t i;

	if (!p || !domain)
		return false;
	for (i = 0; i < p->ndomains; i++)
		if (strcmp(p->domains[i], domain) == 0)
			return true;
	return false;
}

/* find_hash - the party whose list (tokens or certs) holds hashed; every entry is compared whole, whatever
 * matched before: the time says nothing about which */
static const jrp_party *find_hash(const jrp_parties *p, const char *hashed, bool certs)
{
	const jrp_party *found = NULL;
	size_t n = strlen(hashed);

	for (size_t i = 0; i < p->n; i++) {
		char **list = certs ? p->v[i].certs : p->v[i].tokens;
		size_t cnt = certs ? p->v[i].ncerts : p->v[i].ntokens;
		for (size_t t = 0; t < cnt; t++) {
			const char *a = list[t];
			unsigned diff = strlen(a) != n;
			for (size_t k = 0; k < n && a[k]; k++)
				diff |= (unsigned char)(a[k] ^ hashed[k]);
			if (!diff)
				found = &p->v[i];
		}
	}
	return found;
}

const jrp_party *parties_by_token(const jrp_parties *p, const char *hashed) { return find_hash(p, hashed, false); }
const jrp_party *parties_by_cert(const jrp_parties *p, const char *hashed) { return find_hash(p, hashed, true); }
