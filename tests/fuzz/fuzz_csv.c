/*
 * fuzz_csv.c - libFuzzer target for common/csvrec.c (jrpctl submit --csv)
 *
 * Any bytes a clerk's export can hold: read as a CSV (UTF-8, else GB18030 through
 * iconv), bound to the shipped 双公示 penalty mapping, every row converted (each
 * record must unpack as one msgpack map) or refused, and the refused rows written
 * as a CSV that must read back with as many rows; then the same bytes as one
 * cell through the date, amount and code readers. Nothing may crash, leak or read
 * out of bounds. Seeds: tests/fuzz/corpus/csv/. Build and run: tests/fuzz/run.sh
 */
#include "csvrec.h"
#include "msg.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static csvrec_map *map;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	csvrec_file *f = NULL, *g = NULL;
	csvrec_opts o = { .domain = "tax" };
	jrp_error e;
	msgpack_sbuffer sb;
	char *out, why[512], *cell;
	size_t len;
	if (!map && csvrec_map_load(JRP_SOURCE_ROOT "/rules/csv/penalty.yaml", &map, &e) != 0)
		abort();
	if (csvrec_read((const char *)data, size, &f, &e) == 0) {
		msgpack_sbuffer_init(&sb);
		if (csvrec_bind(f, map, &o, &e) == 0) {
			const char *const *warn;
			for (size_t i = 0; i < csvrec_nrows(f); i++) {
				msg_in in;
				msgpack_sbuffer_clear(&sb);
				if (csvrec_convert(f, i, &sb) == 0) {
					if (msg_parse(sb.data, sb.size, 1 << 20, &in, &e) != 0)
						abort();   /* a record that is not one msgpack map */
					msg_in_free(&in);
				} else if (!csvrec_refusal_of(f, i)) {
					abort();   /* refused without a reason */
				}
			}
			if (csvrec_nrows(f))
				csvrec_refuse(f, 0, "conflict", "record.record_id", "fuzz");
			csvrec_warnings(f, &warn);
			csvrec_refused_csv(f, &out, &len);
			if (out) {
				if (csvrec_read(out, len, &g, &e) != 0 || csvrec_nrows(g) > csvrec_nrefused(f))
					abort();   /* the refused file does not read back */
				csvrec_free(&g);
				free(out);
			}
		}
		msgpack_sbuffer_destroy(&sb);
		csvrec_free(&f);
	}
	/* the same bytes as one cell */
	cell = malloc(size + 1);
	memcpy(cell, data, size);
	cell[size] = 0;
	if (strlen(cell) == size) {
		jrp_date d;
		int64_t v;
		const char *s;
		size_t n;
		csvrec_parse_date(cell, "日期", &d, why, sizeof why);
		csvrec_parse_yuan(cell, 10000, "金额", &v, why, sizeof why);
		csvrec_parse_yuan(cell, 1, "金额", &v, why, sizeof why);
		csvrec_parse_code(cell, "代码", &s, &n, why, sizeof why);
	}
	free(cell);
	return 0;
}
