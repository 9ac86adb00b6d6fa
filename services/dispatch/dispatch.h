/*
 * dispatch.h - list changes to per-agency task streams, and the check service
 */
#ifndef JRP_DISPATCH_H
#define JRP_DISPATCH_H
#include "daemon.h"

enum { DB_OUT = 1, DB_ASTREAM, DB_ACKS, DB_ACTIVE, DB_ETASKS, DB__N };

int tasks_apply_change(jrp_daemon *d, MDB_txn *txn, uint64_t seq, const msgpack_object *ch, jrp_error *e);
int tasks_h_fetch(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int tasks_h_ack(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);
int check_h_check(jrp_daemon *d, jrp_req *r, MDB_txn *txn, mw *out, jrp_error *e);

/* copy_with_seq - re-encode a log record map with our own seq and its upstream seq kept */
void copy_with_seq(mw *w, const msgpack_object *rec, uint64_t seq, const char *upstream_key);

#endif
