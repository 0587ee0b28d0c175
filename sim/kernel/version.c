#include <irqsim/version.h>

const char *irqsim_version(void)
{
	return IRQSIM_VERSION;
}
