/*
 * config.h - one deployment's configuration (deploy/local.yaml), loaded into a
 * validated struct before anything starts. Relative paths are relative to the
 * directory of the config file. `{run}` in an endpoint is replaced with run_dir.
 *
 *   data_dir: var/data            # each daemon opens DATA_DIR/<daemon>/ (LMDB)
 *   run_dir: var/run              # ipc sockets, pid files; created 0700
 *   rules: ../rules
 *   parties: parties.yaml
 *   keys_dir: keys                # CURVE key files: <name>.key (0600), <name>.pub
 *   test_clock: false             # allow clock.set (tests and the demo only)
 *   map_size_mb: 1024             # initial LMDB map; grows by doubling up to map_max_mb
 *   map_max_mb: 65536
 *   log_level: info
 *   log_retention_days: 30        # then records every consumer has passed go to the archives
 *   endpoints:
 *     ingest: ipc://{run}/ingest.sock
 *     adjudicate: ipc://{run}/adjudicate.sock
 *     dispatch: ipc://{run}/dispatch.sock
 *     feedback: ipc://{run}/feedback.sock
 *   gateway:                      # jrp-gateway, the HTTP door (README "The HTTP gateway")
 *     listen: 127.0.0.1:8480      # host:port (IPv4 or [IPv6]); 0 as port: any free port (tests)
 *     party: gateway              # its party; its CURVE key KEYS_DIR/<party>.key for tcp:// daemons
 *     tls_cert: /etc/jrp/tls/gateway.crt   # both or neither: HTTPS through GnuTLS
 *     tls_key: /etc/jrp/tls/gateway.key
 *     client_ca: /etc/jrp/tls/ca.crt       # optional: clients may authenticate by certificate
 *   exchange:                     # jrp-exchange, this region's door to the others (README "Between regions")
 *     region: sh                  # this region's id ([a-z0-9_]{1,32}); required
 *     endpoint: tcp://10.1.0.1:7410   # where peers and this region's office reach it (ipc://{run}/exchange.sock)
 *     peers:                      # the regions it pulls from (each a party with role peer in parties.yaml)
 *       - {region: zj, endpoint: tcp://10.2.0.1:7410}
 */
#ifndef JRP_CONFIG_H
#define JRP_CONFIG_H
#include <stdbool.h>
#include <stddef.h>
#include "err.h"

/* the four daemons of every engine (SVC__N), then jrp-exchange, which runs only where the configuration
 * has an exchange: section (README "Between regions") */
enum { SVC_INGEST, SVC_ADJUDICATE, SVC_DISPATCH, SVC_FEEDBACK, SVC__N, SVC_EXCHANGE = SVC__N, SVC__ALL };
extern const char *const svc_names[SVC__ALL];   /* "ingest" ... "exchange" */

#define CONFIG_PEERS_MAX 64      /* regions one engine exchanges with */

typedef struct jrp_config {
	char *path;            /* the config file */
	char *data_dir;        /* absolute */
	char *run_dir;         /* absolute */
	char *rules_dir;       /* absolute */
	char *parties_path;    /* absolute */
	char *keys_dir;        /* absolute */
	bool test_clock;
	size_t map_size;       /* bytes */
	size_t map_max;        /* bytes */
	int log_level;         /* LOG_* */
	int retention_days;    /* log_retention_days: a log record stays in LMDB at least this long (retain.h) */
	char *endpoint[SVC__ALL];  /* endpoint[SVC_EXCHANGE]: NULL without an exchange: section */
	struct {
		bool enabled;      /* the configuration has a gateway: section (jrpctl up starts it then) */
		char *host;        /* "127.0.0.1", "::1", "0.0.0.0" */
		int port;          /* 0: any free port (the gateway writes the one it got to RUN_DIR/gateway.port) */
		char *party;       /* "gateway" */
		char *tls_cert, *tls_key, *client_ca;   /* absolute, or NULL (plain HTTP) */
	} gw;
	struct {
		bool enabled;      /* the configuration has an exchange: section (jrpctl up starts jrp-exchange) */
		char *region;      /* this region's id: the party id its peers know it by */
		struct jrp_peer_cfg {
			char *region;      /* the peer region's id: a party with role peer in parties.yaml, whose key
			                    * is the peer's jrp-exchange key */
			char *endpoint;    /* the peer's jrp-exchange (tcp:// between hosts; ipc:// on one host) */
		} *peers;
		size_t npeers;
	} xc;
} jrp_config;

/* JRP_CONFIG_DEFAULT - the installed configuration: meson writes it from sysconfdir into jrp_paths.h
 * (/etc/jrp/jrp.yaml for --prefix=/usr); a build without meson (tests/fuzz/run.sh) takes the FHS one.
 * JRP_VERSION - meson's project version, printed by --version ("jrpctl (jrp) 0.1.0") */
#if __has_include("jrp_paths.h")
#include "jrp_paths.h"
#else
#define JRP_CONFIG_DEFAULT "/etc/jrp/jrp.yaml"
#define JRP_VERSION "unknown (built without meson)"
#endif

/* config_default_path - the configuration a binary reads when no -c is given: $JRP_CONFIG, else the
 * installed one, SYSCONFDIR/jrp/jrp.yaml (meson's sysconfdir: /etc/jrp/jrp.yaml for --prefix=/usr) */
const char *config_default_path(void);

/* config_load - all keys optional except none; unknown keys are errors (file:line:col) */
int config_load(const char *path, jrp_config **out, jrp_error *e);
void config_free(jrp_config **c);
/* config_is_tcp - the endpoint is tcp:// (and so needs CURVE keys) */
bool config_is_tcp(const char *endpoint);

/*
 * CURVE key files in keys_dir (DESIGN.md Security). A key pair, NAME.key
 * (mode 0600, owner only):
 *   public: <40 Z85 characters>
 *   secret: <40 Z85 characters>
 * Its public half, NAME.pub (what peers need; the same line as above):
 *   public: <40 Z85 characters>
 * Blank lines and lines starting with '#' are ignored.
 */
#define CONFIG_KEY_Z85 41      /* a Z85 key with its NUL */

/* config_key_read - read a key file; want_secret: it must hold the secret
 * (checked against the public key) and be the owner's only (no group or
 * world bits); sec may be NULL otherwise. Errors: code "config", field = path */
int config_key_read(const char *path, bool want_secret, char pub[CONFIG_KEY_Z85], char sec[CONFIG_KEY_Z85],
		    jrp_error *e);
/* config_key_write - DIR/NAME.key (0600; an existing one is never overwritten)
 * and DIR/NAME.pub; DIR is created 0700 if missing; NAME is [a-z0-9_]{1,32} */
int config_key_write(const char *dir, const char *name, const char *pub, const char *sec, jrp_error *e);
/* config_key_path - KEYS_DIR/<name><ext> (caller frees) */
char *config_key_path(const jrp_config *c, const char *name, const char *ext);
/* config_peer_key - the public key of `name`: KEYS_DIR/<name>.pub, else the
 * public line of KEYS_DIR/<name>.key */
int config_peer_key(const jrp_config *c, const char *name, char pub[CONFIG_KEY_Z85], jrp_error *e);

#endif
