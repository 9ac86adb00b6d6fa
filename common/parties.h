/*
 * parties.h - the parties registry (deploy/parties.yaml): who may talk to jrp
 *
 * A party is a department (identifies list subjects in its domains), an agency
 * (executes measures, reads its own task stream, checks subjects), the office
 * (joint-conference office: catalogue, statistics), or a peer daemon. One
 * party may hold several roles (a tax bureau both identifies and executes).
 */
#ifndef JRP_PARTIES_H
#define JRP_PARTIES_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

enum {
	ROLE_DEPARTMENT = 1 << 0,
	ROLE_AGENCY = 1 << 1,
	ROLE_OFFICE = 1 << 2,
	ROLE_DAEMON = 1 << 3,
	ROLE_GATEWAY = 1 << 4,   /* jrp-gateway: its CURVE key may speak for any party but a daemon (request.c) */
	ROLE_EXCHANGE = 1 << 5,  /* jrp-exchange, this region's door to the others: submits foreign entries
	                          * (record kind foreign) and accepted initiations to ingest, asks feedback
	                          * for the foreign report (README "Between regions") */
	ROLE_PEER = 1 << 6,      /* another region's jrp-exchange: pulls the stream this region keeps for it
	                          * (exchange.fetch); the party's id is the region's id */
};

typedef struct jrp_party {
	char *id;          /* [a-z0-9_]{1,32}, unique */
	char *name;        /* Chinese name, for people */
	unsigned roles;    /* ROLE_* bitmask, at least one */
	char **domains;    /* departments: domain ids (checked against the catalogue by the caller) */
	size_t ndomains;
	char *pubkey;      /* optional Z85 CURVE public key (40 chars), NULL if absent */
	char **tokens;     /* HTTP bearer tokens of jrp-gateway, hashed: "sha256:<64 lowercase hex>" (at most 4,
	                    * so that a token can be rotated: the new one added, the old one removed later) */
	size_t ntokens;
	char **certs;      /* TLS client certificates jrp-gateway accepts for the party: "sha256:<hex>" of the DER
	                    * (openssl x509 -noout -fingerprint -sha256, lowercased, colons removed), at most 4 */
	size_t ncerts;
} jrp_party;

typedef struct jrp_parties {
	jrp_party *v;
	size_t n;
	char *path;
} jrp_parties;

/* parties_load - parse and validate the whole file; on error *out untouched,
 * e->code "config", e->field "FILE:LINE:COL", e->message what is wrong */
int parties_load(const char *path, jrp_parties **out, jrp_error *e);
void parties_free(jrp_parties **p);
const jrp_party *parties_find(const jrp_parties *p, const char *id);
bool party_has_domain(const jrp_party *p, const char *domain);
/* parties_by_token - the party one of whose tokens is "sha256:<hex>" (compared in constant time), or NULL */
const jrp_party *parties_by_token(const jrp_parties *p, const char *hashed);
/* parties_by_cert - the party one of whose certs is "sha256:<hex>" (a client certificate's fingerprint), or NULL */
const jrp_party *parties_by_cert(const jrp_parties *p, const char *hashed);

#endif
