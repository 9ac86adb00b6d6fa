/*
 * ydoc.h - a loaded YAML document with strict typed access and positions
 *
 * Thin layer over libyaml's document API (yaml_parser_load) used by every
 * loader (catalogue, calendar, parties, config). Each accessor either returns
 * the value or fills a jrp_error with code "config", field "FILE:LINE:COL" of
 * the offending node (1-based) and a message naming the key and what is wrong.
 * Unknown keys are caught with ydoc_map_check_keys.
 */
#ifndef JRP_YDOC_H
#define JRP_YDOC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yaml.h>
#include "err.h"

typedef struct ydoc {
	yaml_document_t doc;
	char *path;
} ydoc;

typedef yaml_node_t ynode;

/* ydoc_load - read and parse a file; NULL root (empty file) is an error */
int ydoc_load(const char *path, ydoc **out, jrp_error *e);
/* ydoc_load_list - a file whose root is {key: [item, ...]}, nothing else, at least one item:
 * the document (ydoc_free it, whatever the result) and the sequence */
int ydoc_load_list(const char *path, const char *key, ydoc **out, ynode **seq, jrp_error *e);
void ydoc_free(ydoc **d);
ynode *ydoc_root(ydoc *d);

/* ydoc_fail - error at node n: "config", "path:line:col", message */
int ydoc_fail(ydoc *d, const ynode *n, jrp_error *e, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

bool ydoc_is_map(const ynode *n);
bool ydoc_is_seq(const ynode *n);
bool ydoc_is_scalar(const ynode *n);

/* ydoc_map_get - value node for key, or NULL */
ynode *ydoc_map_get(ydoc *d, ynode *map, const char *key);
/* ydoc_seq_at_key - the value of a required key that must be a sequence (non-empty if asked) */
int ydoc_seq_at_key(ydoc *d, ynode *map, const char *key, bool nonempty, ynode **out, jrp_error *e);
/* ydoc_map_check_keys - every key of map is in the NULL-terminated list, and is a scalar, no duplicates */
int ydoc_map_check_keys(ydoc *d, ynode *map, const char *const *allowed, jrp_error *e);
size_t ydoc_seq_len(const ynode *seq);
ynode *ydoc_seq_at(ydoc *d, ynode *seq, size_t i);
size_t ydoc_map_len(const ynode *map);
/* ydoc_map_at - i-th pair */
void ydoc_map_at(ydoc *d, ynode *map, size_t i, ynode **key, ynode **val);

/* typed getters on a map key; required=false and key absent -> returns 0, leaves *out;
 * strings are xstrdup'ed (caller frees) */
int ydoc_str(ydoc *d, ynode *map, const char *key, bool required, char **out, jrp_error *e);
int ydoc_int(ydoc *d, ynode *map, const char *key, bool required, int64_t min, int64_t max, int64_t *out, jrp_error *e);
int ydoc_bool(ydoc *d, ynode *map, const char *key, bool required, bool *out, jrp_error *e);
/* ydoc_strlist - a sequence of scalars -> array + count, each string xstrdup'ed (caller frees) */
int ydoc_strlist(ydoc *d, ynode *map, const char *key, bool required, char ***out, size_t *n, jrp_error *e);
/* ydoc_scalar - the text of a scalar node (NUL-terminated, owned by the doc), or NULL */
const char *ydoc_scalar(const ynode *n);
/* ydoc_pos - "path:line:col" of node into buf */
void ydoc_pos(ydoc *d, const ynode *n, char *buf, size_t len);

#endif
