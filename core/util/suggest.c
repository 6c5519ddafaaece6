/* core/util/suggest.c -- see suggest.h. */
#include "util/suggest.h"

#include <string.h>

#define MAXLEN 64

/* Damerau-Levenshtein (optimal string alignment): a swap of two letters,
 * the commonest typo ("tabel"), costs 1. */
static unsigned distance(const char *a, const char *b)
{
	size_t n = strlen(a), m = strlen(b);
	unsigned d[MAXLEN + 1][MAXLEN + 1];

	if (n > MAXLEN || m > MAXLEN)
		return ~0u;
	for (size_t i = 0; i <= n; i++)
		d[i][0] = (unsigned)i;
	for (size_t j = 0; j <= m; j++)
		d[0][j] = (unsigned)j;
	for (size_t i = 1; i <= n; i++)
		for (size_t j = 1; j <= m; j++) {
			unsigned c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < c)
				c = d[i - 2][j - 2] + 1;
			d[i][j] = c;
		}
	return d[n][m];
}

void suggest_init(struct suggest *s, const char *word)
{
	s->word = word;
	s->best = NULL;
	s->dist = ~0u;
}

void suggest_try(struct suggest *s, const char *candidate)
{
	unsigned d = distance(s->word, candidate);

	if (d < s->dist) {
		s->dist = d;
		s->best = candidate;
	}
}

const char *suggest_result(const struct suggest *s)
{
	unsigned len = (unsigned)strlen(s->word), limit = len <= 3 ? 1 : len / 3 < 2 ? 2 : len / 3;

	return s->best && s->dist <= limit ? s->best : NULL;
}
