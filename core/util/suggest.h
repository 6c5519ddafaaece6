/* core/util/suggest.h -- "did you mean ...?": the known word nearest to a
 * mistyped one (edit distance), fed one candidate at a time. */
#ifndef AS_SUGGEST_H
#define AS_SUGGEST_H

struct suggest {
	const char *word;
	const char *best;
	unsigned dist;
};

void suggest_init(struct suggest *s, const char *word);
void suggest_try(struct suggest *s, const char *candidate);
/* The nearest candidate, or NULL when none is close enough to be a typo
 * (more than a third of the word's letters would change, at least 2; 1 for
 * words of up to 3 letters). */
const char *suggest_result(const struct suggest *s);

#endif
