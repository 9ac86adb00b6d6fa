/*
 * csvrec.h - a department's CSV export as credit records: the CSV reader, the
 * mapping file, and the conversion of each row to the `record` map of
 * record.submit
 *
 * A clerk exports a spreadsheet from the department's own system (the 双公示
 * layout of 行政处罚 / 行政许可 信息公示, DOMAIN.md "Commitments and 双公示"
 * [001 §(一)4]); a mapping file (rules/csv/NAME.yaml, README "The rules format",
 * "CSV mapping files") says which Chinese column feeds which record field.
 *
 *   csvrec_map_load   the mapping file, validated strictly (unknown keys and
 *                     fields refused with file:line:column)
 *   csvrec_read       the CSV: RFC 4180 (quoted fields, doubled quotes, CRLF or
 *                     LF, newlines inside quotes), UTF-8 with or without BOM,
 *                     else GB18030 (glibc iconv); every cell is text
 *   csvrec_bind       the header against a mapping: a required column missing
 *                     refuses the file, unknown columns become one warning
 *   csvrec_convert    row i -> one msgpack record, or a refusal kept in the
 *                     file with its Chinese reason (原因), code and field
 *   csvrec_refuse     a refusal that came later (ingest's reply)
 *   csvrec_refused_csv  the refused rows as a CSV: the input's columns, then
 *                     行号 (the header is row 1) and 原因, in the input's encoding
 *
 * Callers: jrpctl submit --csv (services/ctl/csv.c); meant for an HTTP gateway's
 * bulk upload too, so nothing here prints or exits (out of memory aborts, as
 * everywhere in jrp: util/xalloc.h).
 */
#ifndef JRP_CSVREC_H
#define JRP_CSVREC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <msgpack.h>
#include "calendar.h"
#include "err.h"

typedef struct csvrec_map csvrec_map;
typedef struct csvrec_file csvrec_file;

typedef enum { CSVREC_UTF8, CSVREC_UTF8_BOM, CSVREC_GB18030 } csvrec_encoding;

/* csvrec_map_load - read and validate a mapping file; errors: code "config", field "FILE:LINE:COL" */
int csvrec_map_load(const char *path, csvrec_map **out, jrp_error *e);
void csvrec_map_free(csvrec_map **m);
/* the record kind the mapping makes, its fixed domain (NULL if none), its title (NULL if none),
 * the file it came from */
const char *csvrec_map_kind(const csvrec_map *m);
const char *csvrec_map_domain(const csvrec_map *m);
const char *csvrec_map_title(const csvrec_map *m);
const char *csvrec_map_path(const csvrec_map *m);

/* csvrec_read - decode and parse a whole CSV (buf need not outlive the file). Errors (bad_value,
 * field "csv" or "csv row N"): UTF-16, a workbook, NUL bytes, text that is neither UTF-8 nor
 * GB18030, a quoted field not closed or followed by text, no header row */
int csvrec_read(const char *buf, size_t len, csvrec_file **out, jrp_error *e);
void csvrec_free(csvrec_file **f);
csvrec_encoding csvrec_encoding_of(const csvrec_file *f);
/* csvrec_encoding_name - "UTF-8", "UTF-8 with BOM", "GB18030" */
const char *csvrec_encoding_name(csvrec_encoding enc);
/* the header (normalised: trimmed, full-width brackets folded), its number of columns */
size_t csvrec_ncols(const csvrec_file *f);
const char *csvrec_header(const csvrec_file *f, size_t col);
/* data rows: the rows with any non-empty cell (an empty row is skipped, but counted in 行号) */
size_t csvrec_nrows(const csvrec_file *f);
/* csvrec_row_no - 行号 of data row i: its place in the input, the header being row 1 (a quoted
 * cell with newlines is one row, as a spreadsheet shows it) */
size_t csvrec_row_no(const csvrec_file *f, size_t i);
/* csvrec_cell - the text of data row i, column col ("" past the row's end) */
const char *csvrec_cell(const csvrec_file *f, size_t i, size_t col);

typedef struct csvrec_opts {
	/* the domain of every record when the mapping names none (neither `domain:` nor a field) */
	const char *domain;
	/* check - after the record reads as record_read reads it (records.h), further checks (jrpctl
	 * --check: ingest's own, against the catalogue and the department): 0, or a negative JRP_E*
	 * value with *e filled (code, field "record.PATH", message) */
	int (*check)(void *arg, const char *mp, size_t len, jrp_error *e);
	void *arg;
} csvrec_opts;

/* csvrec_bind - map the header to the mapping's fields. Refused (bad_value, field "csv"): a column a
 * required field reads is missing (the message names it), a column the mapping reads appears twice,
 * no domain. A file may be bound again to another mapping (its refusals are cleared) */
int csvrec_bind(csvrec_file *f, const csvrec_map *m, const csvrec_opts *o, jrp_error *e);

/* csvrec_convert - data row i as the msgpack `record` map, appended to out: 0; or the refusal's
 * negative JRP_E* value, the refusal kept (csvrec_refusal_of). Each record is read by record_read
 * (the structure, lengths and codes ingest checks first) and by o->check. A record id already
 * made by an earlier row with other content is refused (conflict); with the same content it is
 * made again (ingest answers it as a duplicate) */
int csvrec_convert(csvrec_file *f, size_t i, msgpack_sbuffer *out);
/* csvrec_refuse - row i was refused later (ingest's error reply: its code, field, message) */
void csvrec_refuse(csvrec_file *f, size_t i, const char *code, const char *field, const char *message);

typedef struct csvrec_refusal {
	size_t row;                /* 行号 */
	const char *reason;        /* 原因: Chinese, with "(code field)" after it */
	const char *code, *field;  /* the wire code, the field path ("" if none) */
} csvrec_refusal;
/* csvrec_refusal_of - data row i's refusal, or NULL if it was not refused */
const csvrec_refusal *csvrec_refusal_of(const csvrec_file *f, size_t i);
size_t csvrec_nrefused(const csvrec_file *f);

/* csvrec_warnings - what the clerk should know but did not refuse anything: columns the mapping
 * does not read (once, all named), columns without a header that hold data, values left out by a
 * field's `otherwise: omit` (each with its count). The array is the file's (valid until the next
 * call or csvrec_free) */
size_t csvrec_warnings(csvrec_file *f, const char *const **out);

/* csvrec_refused_csv - the refused rows, in input order, as a CSV in the input's encoding (with its
 * BOM if it had one; CRLF): the input's columns (less any 行号 and 原因 of a refused file submitted
 * again), then 行号 and 原因. *out is malloc'd, the caller frees it; *len 0 and *out NULL if no row
 * was refused */
void csvrec_refused_csv(const csvrec_file *f, char **out, size_t *len);

/* csvrec_reason - the Chinese reason for a refusal of a record field: code and field as the
 * protocol gives them (field "record.subject.code"), message its English sentence, label the
 * Chinese name of the field (a column's header), value the cell (for hints; may be NULL) */
void csvrec_reason(const char *code, const char *field, const char *message, const char *label,
		   const char *value, char *buf, size_t n);

/* cell readers (the mapping's types), for the gateway and the tests: 0, or JRP_EINVAL with a
 * Chinese reason in why (naming label) */
/* csvrec_parse_date - YYYY-MM-DD, YYYY/MM/DD (month and day of one or two digits), YYYY年M月D日,
 * YYYYMMDD; a time after the date (" 00:00:00") is ignored. An Excel date serial (45000) is
 * refused as such */
int csvrec_parse_date(const char *s, const char *label, jrp_date *out, char *why, size_t n);
/* csvrec_parse_yuan - decimal text times unit (1: 元, 10000: 万元), exactly (no floating point):
 * digits, thousands commas, a decimal point; the unit's name may follow. Refused: negative, not
 * a whole number of yuan, scientific notation (Excel), out of range */
int csvrec_parse_yuan(const char *s, int64_t unit, const char *label, int64_t *out, char *why, size_t n);
/* csvrec_parse_code - an identifier read as text: ="…" and a leading apostrophe (spreadsheet text
 * markers) are taken off; a number in scientific notation (9.13501E+17) is refused: Excel turned
 * the code into a number and its digits are lost. *out points into s */
int csvrec_parse_code(const char *s, const char *label, const char **out, size_t *len, char *why, size_t n);

#endif
