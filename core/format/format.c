/* core/format/format.c -- the table of output formats. */
#include "format/format.h"

#include <string.h>

const struct format *const formats[] = {
	&format_goaudit_def,	/* the default: go-audit's consumers keep working */
	&format_enriched_def,
	&format_raw_def,
};
const unsigned format_count = sizeof(formats) / sizeof(formats[0]);

_Static_assert(sizeof(formats) / sizeof(formats[0]) <= FORMAT_MAX, "raise FORMAT_MAX");

int format_find(const char *name)
{
	for (unsigned i = 0; i < format_count; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return (int)i;
	return -1;
}

const char *format_list(void)
{
	static char list[128];

	if (!list[0])
		for (unsigned i = 0; i < format_count; i++) {
			if (i)
				strcat(list, ", ");
			strcat(list, formats[i]->name);
		}
	return list;
}
