/*
 * fuzz_yaml.c - libFuzzer target for the YAML loaders: config, parties, a
 * calendar year file, and the catalogue's standards.yaml (the input replaces
 * it in a copy of rules/). A file that fails validation must give an error
 * with a position; nothing may crash or leak. Seeds: tests/fuzz/corpus/yaml/.
 * Build and run: tests/fuzz/run.sh [SECONDS]
 */
#include "calendar.h"
#include "catalog.h"
#include "config.h"
#include "parties.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];

static void put(const char *path, const uint8_t *data, size_t size)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		abort();
	fwrite(data, 1, size, f);
	fclose(f);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[128], cmd[256];
	jrp_error e;
	jrp_config *cfg = NULL;
	jrp_parties *p = NULL;
	jrp_catalog *cat = NULL;
	jrp_calendar *cal;
	if (!dir[0]) {
		snprintf(dir, sizeof dir, "/tmp/jrp-fuzz-yaml-XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(cmd, sizeof cmd, "cp -r '%s/rules' '%s/rules'", JRP_SOURCE_ROOT, dir);
		if (system(cmd) != 0)
			abort();
	}
	snprintf(path, sizeof path, "%s/in.yaml", dir);
	put(path, data, size);
	jrp_error_clear(&e);
	if (config_load(path, &cfg, &e) == 0)
		config_free(&cfg);
	else if (!e.field[0])
		abort();
	if (parties_load(path, &p, &e) == 0)
		parties_free(&p);
	cal = calendar_new();
	calendar_load_file(cal, path, &e);
	calendar_free(&cal);
	snprintf(path, sizeof path, "%s/rules/standards.yaml", dir);
	put(path, data, size);
	snprintf(path, sizeof path, "%s/rules", dir);
	if (catalog_load(path, NULL, &cat, &e) == 0)
		catalog_free(&cat);
	return 0;
}
