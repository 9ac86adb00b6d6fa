/*
 * conv.h - text <-> msgpack for people and scripts
 *
 * conv_text_to_msgpack parses one JSON or YAML document (JSON is read through
 * libyaml: a JSON text is a YAML flow document) into one msgpack object:
 * mappings -> maps with string keys, sequences -> arrays, quoted scalars ->
 * strings, plain scalars -> nil (null, ~), bool (true/false), integer
 * (decimal, optional sign, fits int64) or float (JSON number syntax), else
 * string. Anchors/aliases and non-scalar keys are refused.
 *
 * conv_msgpack_to_json writes one msgpack object as JSON (compact, or indented
 * with indent > 0); binary as base64 string, invalid UTF-8 escaped as \uFFFD.
 */
#ifndef JRP_CONV_H
#define JRP_CONV_H
#include <stddef.h>
#include <stdio.h>
#include <msgpack.h>
#include "err.h"

/* on error: JRP_EBADMSG (JRP_ETOOLARGE), e->field = "line L column C", e->message = what */
int conv_text_to_msgpack(const char *text, size_t len, msgpack_sbuffer *out, jrp_error *e);

/* conv_text_each_line - for JSON-lines files: calls cb for every non-empty
 * line converted to msgpack; stops at the first error (e->field gets "line N: ...") */
int conv_json_lines(const char *text, size_t len,
		    int (*cb)(void *arg, const char *mp, size_t mplen, size_t lineno),
		    void *arg, jrp_error *e);

void conv_msgpack_to_json(const msgpack_object *o, int indent, FILE *out);
/* conv_msgpack_to_json_mem - the same into a malloc'd, NUL-terminated buffer, a newline at its end
 * (*len counts it): no stdio on the way (jrp-gateway's answers) */
char *conv_msgpack_to_json_mem(const msgpack_object *o, int indent, size_t *len);

#endif
