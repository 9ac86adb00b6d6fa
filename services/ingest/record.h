/*
 * record.h - a department's credit record at the front door: the structure is
 * records.h's (record_read); here, what only ingest can judge
 */
#ifndef JRP_INGEST_RECORD_H
#define JRP_INGEST_RECORD_H
#include "calendar.h"
#include "catalog.h"
#include "parties.h"
#include "records.h"

/* record_parse - read r (the "record" map) strictly (record_read) and check it against the
 * catalogue in force and the submitting department; the first problem fills r's error with
 * field and reason */
int record_parse(mr *r, const jrp_catalog *cat, const jrp_party *dept, jrp_date today, jrp_record *out);

#endif
