/*
 * err.c - error codes and the jrp_error record (see err.h)
 */
#include "err.h"
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *jrp_strerror(int rc)
{
	switch (rc) {
	case JRP_OK: return "ok";
	case JRP_EINVAL: return "invalid input";
	case JRP_ENOTFOUND: return "not found";
	case JRP_EIO: return "input/output error";
	case JRP_EFULL: return "storage full";
	case JRP_ESTORE: return "storage error";
	case JRP_EFORBIDDEN: return "forbidden";
	case JRP_ECONFLICT: return "conflict";
	case JRP_EBUSY: return "busy";
	case JRP_ETIMEOUT: return "timed out";
	case JRP_EUNKNOWN: return "unknown kind or format";
	}
	return "unknown error";
}

int jrp_fail(jrp_error *e, const char *code, const char *field, const char *fmt, ...)
{
	va_list ap;
	if (!e)
		return JRP_EINVAL;
	snprintf(e->code, sizeof e->code, "%s", code);
	snprintf(e->field, sizeof e->field, "%s", field ? field : "");
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof e->message, fmt, ap);
	va_end(ap);
	return JRP_EINVAL;
}

void jrp_error_clear(jrp_error *e)
{
	if (e)
		e->code[0] = e->field[0] = e->message[0] = 0;
}
