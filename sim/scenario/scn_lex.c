/* Lexical helpers: names and numbers as the language defines them. */
#include <errno.h>
#include "scn_internal.h"

static bool name_first(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* [A-Za-z_][A-Za-z0-9_.-]* */
bool scn_is_name(const char *s, size_t len)
{
	if (!len || !name_first(s[0]))
		return false;
	for (size_t i = 1; i < len; i++) {
		unsigned char c = s[i];

		if (!name_first(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-')
			return false;
	}
	return true;
}

int scn_hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * Decimal or 0x hex, optional leading '-'. A negative number's magnitude may
 * be at most 2^63 and *val is its two's complement.
 */
int scn_parse_number(const char *s, size_t len, uint64_t *val, bool *neg)
{
	uint64_t v = 0;
	size_t i = 0;
	bool hex = false;

	*neg = false;
	if (len && s[0] == '-') {
		*neg = true;
		i = 1;
	}
	if (len - i > 2 && s[i] == '0' && (s[i + 1] == 'x' || s[i + 1] == 'X')) {
		hex = true;
		i += 2;
	}
	if (i >= len)
		return -EINVAL;
	for (; i < len; i++) {
		int d = hex ? scn_hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? s[i] - '0' : -1);
		unsigned int base = hex ? 16 : 10;

		if (d < 0)
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)d) / base) {
			/* keep scanning so that "12x" is a bad number, not an overflow */
			for (i++; i < len; i++)
				if ((hex ? scn_hexval(s[i]) : (s[i] >= '0' && s[i] <= '9' ? 0 : -1)) < 0)
					return -EINVAL;
			return -ERANGE;
		}
		v = v * base + (uint64_t)d;
	}
	if (*neg) {
		if (v > (uint64_t)1 << 63)
			return -ERANGE;
		v = -v;
	}
	*val = v;
	return 0;
}
