/* The simulation API is public (libirqsim): it lives in <irqsim/sim.h>. */
#ifndef KSIM_SIM_SHIM_H
#define KSIM_SIM_SHIM_H
#include <irqsim/sim.h>
#endif
