/*
 * entry.h - a list entry (名单条目) and its life, as adjudicate stores it
 *
 * An entry is one subject on one list under one standard. It is stored as a
 * msgpack map in the "entries" db (key: 8-byte id), indexed by subject
 * ("by_subject": code NUL id) and, while a deadline is pending, by due time
 * ("due": ms, id, action). See DOMAIN.md "Life of an entry".
 */
#ifndef JRP_ADJ_ENTRY_H
#define JRP_ADJ_ENTRY_H
#include <lmdb.h>
#include <stdbool.h>
#include <stdint.h>
#include "calendar.h"
#include "catalog.h"
#include "msg.h"

#define ENTRY_HIST_MAX 32

typedef struct entry_hist {
	int64_t at;            /* ms */
	char event[24];        /* identified, effective, exited, record_attached, removed ... */
	char by[33];           /* party that caused it ("adjudicate" for deadlines) */
	uint64_t record_seq;   /* event-log seq of the record that caused it, 0 if none */
	char note[160];
} entry_hist;

typedef struct entry {
	uint64_t id;
	char state[16];        /* proposed | effective | exited */
	jrp_list list;
	char standard[65];
	char domain[33];
	char party[33];        /* identifying department */
	char subject_type[8];
	char id_type[16];
	char code[33];
	char name[201];
	uint64_t record_seq;
	char record_id[65];
	jrp_date decision_date;
	jrp_date identified_on;
	jrp_date objection_end;   /* last working day of the objection window */
	jrp_date valid_from;      /* day it became effective (0 until then) */
	jrp_date valid_until;     /* last day of validity */
	char catalog_version[33];
	char exit_reason[32];     /* expired | removed_by_black ... */
	int nhist;
	entry_hist hist[ENTRY_HIST_MAX];
} entry;

enum { DUE_EFFECTIVE = 1, DUE_EXPIRE = 2 };

void entry_encode(const entry *en, mw *w);
int entry_decode(const void *buf, size_t len, entry *en);
void entry_history(entry *en, int64_t at, const char *event, const char *by, uint64_t record_seq, const char *note);
bool entry_active(const entry *en);

#endif
