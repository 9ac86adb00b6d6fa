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
	char exit_reason[32];     /* expired | repaired | revoked | escalated | removed_by_dishonesty |
	                           * reward_abuse | standard_changed | fewer_domains | organisation_exited */
	/* notice and objection (DOMAIN.md Life 1, 6) */
	bool notice_required;
	jrp_date notice_date;     /* 0 until the department reports the notice */
	char objection[12];       /* "" | "pending" */
	char objection_by[33];
	bool suspended;           /* black entry's punishments suspended while the objection is verified */
	/* repair (Life 7) */
	char repair[12];          /* "" | "applied" | "approved" | "rejected" */
	jrp_date repair_decide_by;
	/* rectification and interviews (Life 5) */
	jrp_date rectify_by;      /* 0 = no deadline */
	bool rectified;
	char interview[12];       /* "" | "due" | "held" | "refused" */
	/* links and derivations */
	uint64_t linked_to;       /* a person's entry linked to an organisation's entry (落实到人) */
	char link_role[16];       /* legal_rep | responsible */
	uint64_t derived_from;    /* focus entry after a black-list exit: the black entry */
	char derived[16];         /* "" | "after_black" | "warning" */
	bool published;           /* went to the publication log */
	int nhist;
	entry_hist hist[ENTRY_HIST_MAX];
} entry;

enum { DUE_EFFECTIVE = 1, DUE_EXPIRE = 2, DUE_RECTIFY = 3 };

void entry_encode(const entry *en, mw *w);
int entry_decode(const void *buf, size_t len, entry *en);
void entry_history(entry *en, int64_t at, const char *event, const char *by, uint64_t record_seq, const char *note);
bool entry_active(const entry *en);

#endif
