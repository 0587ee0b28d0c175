/* fuzz-repro dispatch: see fuzz_repro.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "fuzz_repro.h"
#include "fuzz_api_prog.h"

const char *const fuzz_repro_targets[] = {
	"fuzz_api", "fuzz_routing", "fuzz_iobus", "fuzz_msi", NULL,
};

/* "fuzz_api" or "api" -> "api" */
static const char *short_name(const char *target)
{
	return strncmp(target, "fuzz_", 5) ? target : target + 5;
}

int fuzz_repro(const char *target, const uint8_t *data, size_t size, unsigned int flags,
	       char **text, size_t *len)
{
	const char *t = short_name(target);
	char *s;

	if (!strcmp(t, "api"))
		s = fuzz_api_to_scn(data, size, len);
	else if (!strcmp(t, "routing"))
		s = fuzz_routing_to_scn(data, size, len);
	else if (!strcmp(t, "iobus"))
		s = fuzz_iobus_to_scn(data, size, flags, len);
	else if (!strcmp(t, "msi"))
		s = fuzz_msi_to_scn(data, size, len);
	else
		return -ENOENT;
	if (!s)
		return -ENOMEM;
	*text = s;
	return 0;
}

bool fuzz_repro_schedule(const char *target, const uint8_t *data, size_t size,
			 uint64_t *seed, const uint8_t **bytes, size_t *nbytes)
{
	struct fa_prog *p;
	bool has;

	if (strcmp(short_name(target), "api"))
		return false;
	p = malloc(sizeof(*p));
	if (!p)
		return false;
	fa_decode(data, size, p);
	has = p->schedule_len > 0;
	*seed = p->seed;
	*bytes = p->schedule;
	*nbytes = p->schedule_len;
	free(p);
	return has;
}
