/*
 * archive.h - archive files: log records moved out of LMDB, compressed and checksummed
 *
 * DESIGN.md "Operations": logs are trimmed below every consumer's cursor after a retention period
 * into compressed archives that audit and history still read. retain.c decides what goes and keeps
 * the index (LMDB); this module only writes and reads the files, and knows nothing of LMDB.
 *
 * A file is DIR/<log>.<seq>.zst (<seq>: 20 decimal digits, the first seq it holds) and is a
 * sequence of blocks, nothing else. A block is two zstd frames:
 *
 *   1. a skippable frame (ignored by `zstd -d`): u32 0x184D2A5A, u32 56, then 56 bytes
 *        "JRPA" | u16 version (1) | u16 flags (0) | u64 first_seq | u64 last_seq | u32 count |
 *        u32 zlen | i64 min_at | i64 max_at | u32 crc | u32 raw_len
 *      every integer little-endian (as zstd's own); count = last_seq - first_seq + 1 records;
 *      zlen the length of frame 2, crc its CRC-32C (Castagnoli), raw_len its content's length;
 *      min_at and max_at the least and greatest `at` (ms) of the records;
 *   2. a zstd frame (content size in its header, content checksum on) whose content is the
 *      records first_seq..last_seq in order, each a u32 little-endian length and the record's
 *      bytes exactly as LMDB held them (a msgpack map with its own "seq" and "at").
 *
 * So `zstd -dc FILE` prints the records (length-prefixed) of a whole file, and a reader without
 * jrp can walk the headers to find a seq or a time. A block is written whole and synced before
 * the index that names it commits: a file may end in a torn or uncommitted block after a crash,
 * which retain.c cuts off at start (it knows the committed size).
 */
#ifndef JRP_ARCHIVE_H
#define JRP_ARCHIVE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "err.h"

#define ARCHIVE_HEADER 64                /* the skippable frame: 8 + 56 bytes */
#define ARCHIVE_MAGIC 0x184D2A5Au        /* zstd's skippable frame magic, variant A */
#define ARCHIVE_VERSION 1
#define ARCHIVE_BLOCK_RAW_MAX (2u << 20) /* the records of one block, uncompressed, at most */
#define ARCHIVE_NAME_MAX 32              /* a log's name in a file name */

/* a growing byte buffer (owned) */
typedef struct abuf {
	unsigned char *p;
	size_t n, cap;
} abuf;
void abuf_free(abuf *b);

/* what a block's header says, and where it is */
typedef struct archive_block {
	uint64_t file;           /* the file: its first seq */
	uint64_t offset;         /* of the block's header in the file */
	uint64_t first_seq, last_seq;
	uint32_t count, zlen, crc, raw_len;
	int64_t min_at, max_at;
} archive_block;

/* archive_path - DIR/<log>.<file as 20 digits>.zst */
void archive_path(char *buf, size_t n, const char *dir, const char *log, uint64_t file);

/* building one block: records added in seq order, then made into header + frame */
typedef struct archive_builder {
	abuf raw;
	uint64_t first_seq, last_seq;
	uint32_t count;
	int64_t min_at, max_at;
} archive_builder;
void archive_builder_reset(archive_builder *b);
/* archive_builder_add - the record at seq (the next one: first, or last + 1), `at` its time */
void archive_builder_add(archive_builder *b, uint64_t seq, int64_t at, const void *rec, size_t n);
/* archive_builder_finish - compress into out (header + frame); meta gets the header's fields
 * (file and offset are the caller's). 0 or JRP_EIO (e says why) */
int archive_builder_finish(archive_builder *b, int level, abuf *out, archive_block *meta, jrp_error *e);
void archive_builder_free(archive_builder *b);

/* archive_write - the block's bytes at offset off of DIR/<log>.<file>.zst: the file is cut at off
 * first (off 0: created, or emptied), written, fdatasync'ed, and when created the directory is
 * synced too. 0, or JRP_EIO with e (a full disk says so) */
int archive_write(const char *dir, const char *log, uint64_t file, uint64_t off, const void *p, size_t n,
		  jrp_error *e);

/* archive_read - the block at offset off of the file: header read and checked (magic, version,
 * counts), the frame's CRC-32C checked, decompressed (zstd checks its own checksum) into raw.
 * expect (if not NULL) is what the index says the block is; any difference is damage.
 * 0; JRP_ENOTFOUND (the file is missing or shorter than the block: moved away?), JRP_EIO
 * (damaged or unreadable); e says which file and what */
int archive_read(const char *dir, const char *log, uint64_t file, uint64_t off, const archive_block *expect,
		 archive_block *meta, abuf *raw, jrp_error *e);

/* archive_next - the next record of a block's content: 1 with *rec and *n, 0 at the end, -1 if a
 * length runs past the end (damage) */
int archive_next(const abuf *raw, size_t *pos, const unsigned char **rec, size_t *n);

/* archive_walk - every block header of a file, in order, with fn (fn returns nonzero to stop);
 * *end gets the offset after the last whole header+frame seen (where a torn tail begins).
 * Headers only: frames are not read. 0, or JRP_ENOTFOUND / JRP_EIO */
int archive_walk(const char *path, int (*fn)(void *arg, const archive_block *b), void *arg, uint64_t *end);

/* archive_files - the file numbers of log in dir, ascending, into *out (malloc'ed, caller frees) */
int archive_files(const char *dir, const char *log, uint64_t **out, size_t *n);

/* archive_size - bytes in the file (0 and false if missing) */
bool archive_size(const char *dir, const char *log, uint64_t file, uint64_t *size);
/* archive_cut - cut the file at size (a torn tail); archive_remove - delete it (never committed) */
int archive_cut(const char *dir, const char *log, uint64_t file, uint64_t size);
int archive_remove(const char *dir, const char *log, uint64_t file);

#endif
