/*
 * crc32c.h - CRC-32C (Castagnoli, as iSCSI and ext4 use it): frames of the
 * check journal, and the fingerprint of a log record at a consumer's cursor
 */
#ifndef JRP_UTIL_CRC32C_H
#define JRP_UTIL_CRC32C_H
#include <stddef.h>
#include <stdint.h>

/* crc32c - continue crc over n bytes at p (start with 0); "123456789" gives 0xE3069283 */
uint32_t crc32c(uint32_t crc, const void *p, size_t n);

#endif
