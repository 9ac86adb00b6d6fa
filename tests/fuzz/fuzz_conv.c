/*
 * fuzz_conv.c - libFuzzer target for common/conv.c
 *
 * Feeds the input to conv_text_to_msgpack and, when it converts, unpacks the
 * result (it must be exactly one msgpack object) and writes it as JSON,
 * compact and indented, to /dev/null; then feeds the same input to
 * conv_json_lines. Seeds: tests/fuzz/corpus/conv/.
 *
 *   clang -fsanitize=fuzzer,address,undefined -Icommon tests/fuzz/fuzz_conv.c \
 *       common/conv.c common/err.c common/util/xalloc.c common/util/log.c \
 *       -lyaml -lmsgpackc -lm -o fuzz_conv
 *   ./fuzz_conv -max_total_time=60 tests/fuzz/corpus/conv
 */
#include "conv.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static FILE *devnull;

/* check_one - mp must hold exactly one object; write it as JSON */
static void check_one(const char *mp, size_t len)
{
	msgpack_unpacked u;
	size_t off = 0;

	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, mp, len, &off) != MSGPACK_UNPACK_SUCCESS || off != len)
		abort(); /* conv produced bad msgpack */
	conv_msgpack_to_json(&u.data, 0, devnull);
	conv_msgpack_to_json(&u.data, 2, devnull);
	msgpack_unpacked_destroy(&u);
}

static int on_line(void *arg, const char *mp, size_t mplen, size_t lineno)
{
	check_one(mp, mplen);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msgpack_sbuffer sb;
	jrp_error e;

	if (!devnull && !(devnull = fopen("/dev/null", "w")))
		abort();
	msgpack_sbuffer_init(&sb);
	if (conv_text_to_msgpack((const char *)data, size, &sb, &e) == 0)
		check_one(sb.data, sb.size);
	else if (e.field[0] == 0 || e.message[0] == 0)
		abort(); /* every refusal says where and why */
	msgpack_sbuffer_destroy(&sb);
	conv_json_lines((const char *)data, size, on_line, NULL, &e);
	return 0;
}
