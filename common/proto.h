/*
 * proto.h - the jrp wire protocol: version, limits, and every message type
 *
 * Every message is one ZeroMQ frame holding one msgpack map with string keys
 * (after the routing frames a ROUTER adds, and an optional empty delimiter
 * frame from REQ clients). Requests: {"v":1, "type":T, "id":ID, "party":P, ...};
 * replies: {"v":1, "type":T, "id":ID, "ok":true, ...} or
 * {"v":1, "type":T, "id":ID, "ok":false, "error":{"code","field","message"}}.
 * The README documents each type field by field. Bump JRP_PROTO_VERSION on
 * any incompatible change.
 */
#ifndef JRP_PROTO_H
#define JRP_PROTO_H

#define JRP_PROTO_VERSION 1
#define JRP_MAX_MESSAGE   (256 * 1024)  /* bytes of one request body */
#define JRP_MAX_FETCH     1024          /* records per log.fetch / tasks.fetch */
#define JRP_MAX_WAIT_MS   30000         /* longest long-poll */
#define JRP_MAX_BATCH     512           /* requests committed together (group commit) */

/* every daemon */
#define T_PING            "ping"
#define T_STATUS          "status"
#define T_METRICS         "metrics"         /* requests answered, by type and result; latencies */
#define T_CLOCK_SET       "clock.set"       /* test mode only */
#define T_LOG_FETCH       "log.fetch"       /* peer daemons: outbound log after a cursor */
#define T_LOG_SEEK        "log.seek"        /* the office: where in the outbound log a time begins */
#define T_CATALOG_RELOAD  "catalog.reload"  /* the office: put the rules directory's catalogue in force */
#define T_PARTIES_RELOAD  "parties.reload"  /* the office: put the parties registry file in force */
#define T_REJECTED_LIST   "rejected.list"   /* consumers: the records they could not apply */
#define T_REJECTED_RETRY  "rejected.retry"  /* the office: apply one again after a fix */
#define T_CATALOG_DIFF    "catalog.diff"    /* the office: what a candidate catalogue would change (adjudicate,
                                             * dispatch) */
/* ingest */
#define T_RECORD_SUBMIT   "record.submit"
#define T_RECORD_CHECK    "record.check"
#define T_RECORDS_GET     "records.get"
#define T_COMMITMENT_LIST "commitment.list" /* credit commitments by state: the office's all, a department's own */
/* adjudicate */
#define T_ENTRIES_GET     "entries.get"
#define T_ENTRY_NOTICE    "entry.notice"
#define T_ENTRY_HISTORY   "entry.history"   /* an entry's whole history, page by page */
#define T_OBJECTION_FILE  "objection.file"
#define T_OBJECTION_DECIDE "objection.decide"
#define T_REPAIR_APPLY    "repair.apply"
#define T_REPAIR_DECIDE   "repair.decide"
#define T_REWARD_ABUSE    "reward.abuse"
#define T_PUBLICATION_FETCH "publication.fetch"
/* dispatch */
#define T_TASKS_FETCH     "tasks.fetch"
#define T_TASKS_ACK       "tasks.ack"
#define T_CHECK           "check"
/* feedback */
#define T_FEEDBACK_SUBMIT "feedback.submit"
#define T_OVERDUE_LIST    "overdue.list"    /* feedback: what is past its deadline, whose, how late */
#define T_STATS_GET       "stats.get"
#define T_STATS_DAILY     "stats.daily"     /* feedback: the office's figures day by day, for trends */
#define T_TASKS_GET       "tasks.get"
#define T_FOREIGN_REPORT  "foreign.report"  /* feedback: what became of a region's entries here (federation) */
/* jrp-exchange (README "Between regions") */
#define T_EXCHANGE_FETCH  "exchange.fetch"  /* a peer region: its stream after its cursor (log.fetch's shape) */
#define T_EXCHANGE_STATUS "exchange.status" /* the office: peers, cursors, what waits for ingest */
#define T_EXCHANGE_LIST   "exchange.list"   /* the office: the records sent to or received from peers */
#define T_EXCHANGE_INITIATE "exchange.initiate"   /* the office: ask a peer region to act on a subject */
#define T_EXCHANGE_DECIDE "exchange.decide" /* the office: accept or refuse a peer's initiation */
#define T_EXCHANGE_INITIATIONS "exchange.initiations" /* the office: initiations sent or received, decided or not */
#define T_EXCHANGE_REPORTS "exchange.reports"   /* the office: what peers' agencies did about this region's entries */
#define T_EXCHANGE_REJECTED "exchange.rejected" /* the office: a peer's records this region could not apply */
#define T_EXCHANGE_RETRY  "exchange.retry"  /* the office: apply one of them again after a fix */

#endif
