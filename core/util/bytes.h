/* core/util/bytes.h -- eight bytes at a time (SWAR): the scanning helpers the
 * hot paths share (JSON escaping, field splitting, uid= search).  Each was
 * justified by a profile in bench/RESULTS.md. */
#ifndef AS_BYTES_H
#define AS_BYTES_H

#include <stdint.h>
#include <string.h>

#define BYTES_ONES 0x0101010101010101ull
#define BYTES_HIGHS 0x8080808080808080ull

/* The 8 bytes at s, in memory order (unaligned). */
static inline uint64_t bytes_load(const void *s)
{
	uint64_t w;

	memcpy(&w, s, 8);
	return w;
}

/* Bytes of v that are zero, flagged by their high bit.  Bytes above the
 * first zero may be flagged wrongly; the lowest flag is always right, and
 * "any flag" is exact as a yes/no. */
static inline uint64_t bytes_zero(uint64_t v)
{
	return (v - BYTES_ONES) & ~v & BYTES_HIGHS;
}

/* Bytes of v equal to c, flagged as by bytes_zero. */
static inline uint64_t bytes_eq(uint64_t v, unsigned char c)
{
	return bytes_zero(v ^ (c * BYTES_ONES));
}

#endif
