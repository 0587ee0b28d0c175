#ifndef IRQSIM_VERSION_H
#define IRQSIM_VERSION_H

#define IRQSIM_VERSION "0.1.0"

const char *irqsim_version(void);

#endif
