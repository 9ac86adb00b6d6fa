/*
 * record.h - a department's credit record: strict validation and the event
 * encoding that ingest appends to its log (adjudicate reads it back)
 */
#ifndef JRP_INGEST_RECORD_H
#define JRP_INGEST_RECORD_H
#include <stdbool.h>
#include <stdint.h>
#include "calendar.h"
#include "catalog.h"
#include "codes.h"
#include "msg.h"
#include "parties.h"

#define RECORD_MAX_RESPONSIBLE 10

typedef struct person_ref {
	char name[201];
	char id_type[16];
	char id_no[33];
} person_ref;

typedef struct record {
	char record_id[65];
	char kind[33];
	char domain[33];
	/* subject */
	char subject_type[8];          /* org | person */
	char id_type[16];              /* uscc | citizen | hmt | foreign */
	char code[33];
	char name[201];
	char lei[21];
	person_ref legal_rep;          /* organisations: legal representative (optional here) */
	bool has_legal_rep;
	person_ref responsible[RECORD_MAX_RESPONSIBLE]; /* responsible persons (落实到人) */
	int nresponsible;
	/* what happened */
	char decision_no[101];
	jrp_date decision_date;
	char violation[65];
	char facts[4001];
	char basis[1001];
	int64_t amount;                /* yuan; -1 = not given */
	char rating[9];
	char standard[65];             /* determination: the standard applied */
	char authority[201];
	char authority_code[19];
	char outcome[9];               /* interview records: held | refused */
} record;

/* record_parse - validate r (the "record" map) against the catalogue and the
 * submitting department; fills e with field and reason on the first problem */
int record_parse(mr *r, const jrp_catalog *cat, const jrp_party *dept, jrp_date today, record *out, jrp_error *e);
/* record_encode - the normalised record as a msgpack map (one object) */
void record_encode(const record *rec, mw *w);

#endif
