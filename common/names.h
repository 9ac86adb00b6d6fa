/*
 * names.h - the wire names of an enum, in one table
 *
 * Every enum that travels (a change's action, a list, a task's class ...) has
 * exactly one jrp_names table: the encoder writes its names, the strict reader
 * accepts only them, jrpctl prints them and the statistics count by them. The
 * README's "Names" table lists the same names; tests/unit/test_records.c
 * compares the two, so the documentation cannot drift.
 *
 * An enum whose value 0 means "none" (absent on the wire) has NULL at index 0.
 * Tables are declared with X-macros beside their enum (records.h), so that the
 * enum and its names are written once.
 */
#ifndef JRP_NAMES_H
#define JRP_NAMES_H
#include <stdbool.h>
#include <stddef.h>
#include "msg.h"

typedef struct jrp_names {
	const char *what;              /* the README's name of the table: "change action" */
	const char *const *name;       /* name[i] for value i; NULL for a "none" value */
	int n;
} jrp_names;

/* names_get - the name of v, "" for a none value or one out of range */
const char *names_get(const jrp_names *t, int v);
/* names_find - the value named s (len bytes), or -1 */
int names_find(const jrp_names *t, const char *s, size_t len);
/* names_list - "a, b, c" into buf: for error messages */
const char *names_list(const jrp_names *t, char *buf, size_t n);

/* mr_enum - a string field naming a value of t: 1 (found), 0 (absent, MR_OPT: *out untouched),
 * or JRP_EWRONGTYPE, or JRP_EINVAL (bad_value, naming the allowed names) */
int mr_enum(mr *r, const char *key, int opt, const jrp_names *t, int *out);
/* mw_kenum - key and the name of v */
void mw_kenum(mw *w, const char *key, const jrp_names *t, int v);

/* X-macro helpers: X(ENUM_VALUE, "wire name") */
#define NAMES_ENUM(e, s) e,
#define NAMES_STR(e, s) s,
#define NAMES_TABLE(var, what_, LIST) \
	static const char *const var##_v[] = { LIST(NAMES_STR) }; \
	const jrp_names var = { what_, var##_v, (int)(sizeof var##_v / sizeof var##_v[0]) }

#endif
