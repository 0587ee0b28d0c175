/* jiffies at HZ=1000 from the simulated clock (sim_clock_ns). */
#ifndef KSHIM_JIFFIES_H
#define KSHIM_JIFFIES_H

#include <kshim/compiler.h>

#define HZ		1000
#define NSEC_PER_SEC	1000000000ULL
#define NSEC_PER_MSEC	1000000ULL
#define NSEC_PER_USEC	1000ULL
#define USEC_PER_SEC	1000000UL
#define MSEC_PER_SEC	1000UL
#define MAX_JIFFY_OFFSET ((long)(~0UL >> 1) - 1)

unsigned long ksim_jiffies(void);
#define jiffies		ksim_jiffies()
#define jiffies_64	((u64)ksim_jiffies())

static inline unsigned long msecs_to_jiffies(unsigned int m) { return m; }
static inline unsigned int jiffies_to_msecs(unsigned long j) { return (unsigned int)j; }
static inline unsigned long usecs_to_jiffies(unsigned int u) { return (u + 999) / 1000; }
static inline u64 jiffies_to_nsecs(unsigned long j) { return (u64)j * NSEC_PER_MSEC; }
static inline unsigned long nsecs_to_jiffies(u64 n) { return (unsigned long)(n / NSEC_PER_MSEC); }

#define time_after(a, b)	((long)((b) - (a)) < 0)
#define time_before(a, b)	time_after(b, a)
#define time_after_eq(a, b)	((long)((a) - (b)) >= 0)
#define time_before_eq(a, b)	time_after_eq(b, a)

#endif
