/*
 * config.h - one deployment's configuration (deploy/local.yaml), loaded into a
 * validated struct before anything starts. Relative paths are relative to the
 * directory of the config file. `{run}` in an endpoint is replaced with run_dir.
 *
 *   data_dir: var/data            # each daemon opens DATA_DIR/<daemon>/ (LMDB)
 *   run_dir: var/run              # ipc sockets, pid files; created 0700
 *   rules: ../rules
 *   parties: parties.yaml
 *   test_clock: false             # allow clock.set (tests and the demo only)
 *   map_size_mb: 1024             # initial LMDB map; grows by doubling up to map_max_mb
 *   map_max_mb: 65536
 *   log_level: info
 *   endpoints:
 *     ingest: ipc://{run}/ingest.sock
 *     adjudicate: ipc://{run}/adjudicate.sock
 *     dispatch: ipc://{run}/dispatch.sock
 *     feedback: ipc://{run}/feedback.sock
 */
#ifndef JRP_CONFIG_H
#define JRP_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

enum { SVC_INGEST, SVC_ADJUDICATE, SVC_DISPATCH, SVC_FEEDBACK, SVC__N };
extern const char *const svc_names[SVC__N];   /* "ingest" ... */

typedef struct jrp_config {
	char *path;            /* the config file */
	char *data_dir;        /* absolute */
	char *run_dir;         /* absolute */
	char *rules_dir;       /* absolute */
	char *parties_path;    /* absolute */
	bool test_clock;
	size_t map_size;       /* bytes */
	size_t map_max;        /* bytes */
	int log_level;         /* LOG_* */
	char *endpoint[SVC__N];
} jrp_config;

/* config_load - all keys optional except none; unknown keys are errors (file:line:col) */
int config_load(const char *path, jrp_config **out, jrp_error *e);
void config_free(jrp_config **c);

#endif
