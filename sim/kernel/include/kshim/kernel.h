/* Umbrella header, as <linux/kernel.h> is for kernel code. */
#ifndef KSHIM_KERNEL_H
#define KSHIM_KERNEL_H

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <kshim/types.h>
#include <kshim/compiler.h>
#include <kshim/atomic.h>
#include <kshim/bitops.h>
#include <kshim/bug.h>
#include <kshim/err.h>
#include <kshim/nospec.h>
#include <kshim/irqflags.h>
#include <kshim/preempt.h>
#include <kshim/sched.h>
#include <kshim/lockdep.h>
#include <kshim/spinlock.h>
#include <kshim/mutex.h>
#include <kshim/list.h>
#include <kshim/slab.h>
#include <kshim/jiffies.h>
#include <kshim/kref.h>

#define U8_MAX		((u8)~0U)
#define U16_MAX		((u16)~0U)
#define U32_MAX		((u32)~0U)
#define U64_MAX		((u64)~0ULL)
#define S32_MAX		((s32)(U32_MAX >> 1))
#define round_up(x, y)	((((x) - 1) | ((__typeof__(x))((y) - 1))) + 1)
#define round_down(x, y) ((x) & ~((__typeof__(x))((y) - 1)))
#define ALIGN(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a) - 1)) == 0)
#define upper_32_bits(n) ((u32)(((n) >> 16) >> 16))
#define lower_32_bits(n) ((u32)((n) & 0xffffffff))

#endif
