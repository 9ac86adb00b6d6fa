/*
 * fuzz_request.c - libFuzzer target for the request decoders
 *
 * Every byte string a socket can deliver goes through msg_parse and the
 * strict reader; then, as ingest does, through record_parse with the real
 * catalogue and parties (the most complex decoder of the wire). Nothing may
 * crash, leak or read out of bounds. Seeds: tests/fuzz/corpus/request/.
 * Build and run: tests/fuzz/run.sh [SECONDS]
 */
#include "catalog.h"
#include "msg.h"
#include "parties.h"
#include "../../services/ingest/record.h"
#include <stdint.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static jrp_catalog *cat;
static jrp_parties *parties;

static void walk(mr *r, int depth)
{
	for (uint32_t i = 0; i < r->n; i++) {
		char key[80];
		const msgpack_object *v = &r->kv[i].val;
		snprintf(key, sizeof key, "%.*s", (int)r->kv[i].key.via.str.size, r->kv[i].key.via.str.ptr);
		if (v->type == MSGPACK_OBJECT_MAP && depth < 4) {
			mr sub;
			if (mr_map(r, key, MR_OPT, &sub) > 0)
				walk(&sub, depth + 1);
		} else {
			const char *s;
			size_t n;
			uint64_t u;
			mr_str(r, key, MR_OPT, 1000, &s, &n);
			mr_u64(r, key, MR_OPT, &u);
		}
	}
	mr_end(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	msg_in in;
	jrp_error e;
	mr top, rm;
	static jrp_record rec;
	if (!cat) {
		if (parties_load(JRP_SOURCE_ROOT "/deploy/parties.yaml", &parties, &e) < 0 ||
		    catalog_load(JRP_SOURCE_ROOT "/rules", parties, &cat, &e) < 0)
			abort();
	}
	if (msg_parse(data, size, 256 * 1024, &in, &e) == 0 && mr_init(&top, in.root, "", &e) == 0) {
		mr copy = top;
		walk(&copy, 0);
		if (mr_map(&top, "record", MR_OPT, &rm) > 0)
			record_parse(&rm, cat, parties_find(parties, "tax_bureau"), 20780, &rec);
	}
	msg_in_free(&in);
	return 0;
}
