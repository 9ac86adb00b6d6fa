/*
 * crc32c.c - CRC-32C (Castagnoli), with the SSE4.2 instruction where the CPU
 * has it (JRP_CRC_SOFTWARE=1 forces the table, for tests)
 */
#include "crc32c.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static uint32_t crc_table[256];

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0x82F63B78u : c >> 1;
		crc_table[i] = c;
	}
}

#if defined(__x86_64__)
/* the SSE4.2 instruction computes the same CRC-32C, 8 bytes at a time */
__attribute__((target("sse4.2"))) static uint32_t crc_hw(uint32_t crc, const unsigned char *b, size_t n)
{
	uint64_t c = crc;
	while (n >= 8) {
		uint64_t v;
		memcpy(&v, b, 8);
		c = __builtin_ia32_crc32di(c, v);
		b += 8;
		n -= 8;
	}
	crc = (uint32_t)c;
	while (n--)
		crc = __builtin_ia32_crc32qi(crc, *b++);
	return crc;
}
#endif

static bool use_hw;

static void crc_setup(void)
{
	crc_init();
#if defined(__x86_64__)
	use_hw = __builtin_cpu_supports("sse4.2") && !getenv("JRP_CRC_SOFTWARE");
#endif
}

uint32_t crc32c(uint32_t crc, const void *p, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	const unsigned char *b = p;
	pthread_once(&once, crc_setup);
	crc = ~crc;
#if defined(__x86_64__)
	if (use_hw)
		return ~crc_hw(crc, b, n);
#endif
	while (n--)
		crc = crc_table[(crc ^ *b++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

