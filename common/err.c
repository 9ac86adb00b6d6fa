/*
 * err.c - error codes and the jrp_error record (see err.h): one table
 */
#include "err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	int rc;
	const char *wire, *what;
} errors[] = {
#define ERR_ROW(name, rc, wire, what) { rc, wire, what },
	ERRORS(ERR_ROW)
#undef ERR_ROW
};

const char *jrp_strerror(int rc)
{
	if (rc == JRP_OK)
		return "ok";
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		if (errors[i].rc == rc)
			return errors[i].what;
	return "unknown error";
}

int jrp_rc_of(const char *code)
{
	/* storage is JRP_EFULL, JRP_ESTORE and JRP_ENOSPACE; a refusal named storage is JRP_ESTORE */
	if (strcmp(code, JRP_ERR_STORAGE) == 0)
		return JRP_ESTORE;
	for (size_t i = 0; i < sizeof errors / sizeof errors[0]; i++)
		if (errors[i].wire && strcmp(errors[i].wire, code) == 0)
			return errors[i].rc;
	return JRP_EINVAL;
}

int jrp_fail(jrp_error *e, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (e) {
		snprintf(e->code, sizeof e->code, "%s", code);
		snprintf(e->field, sizeof e->field, "%s", field ? field : "");
		va_start(ap, fmt);
		vsnprintf(e->message, sizeof e->message, fmt, ap);
		va_end(ap);
	}
	return jrp_rc_of(code);
}

void jrp_error_clear(jrp_error *e)
{
	if (e)
		e->code[0] = e->field[0] = e->message[0] = 0;
}
