/*
 * Kernel integer types. Built on the system's uapi <linux/types.h> (which
 * only has the __u32 spellings) so <linux/kvm.h> and the shim coexist.
 */
#ifndef KSHIM_TYPES_H
#define KSHIM_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>

typedef __u8 u8;
typedef __u16 u16;
typedef __u32 u32;
typedef __u64 u64;
typedef __s8 s8;
typedef __s16 s16;
typedef __s32 s32;
typedef __s64 s64;

typedef unsigned int gfp_t;
typedef u64 phys_addr_t;
typedef unsigned long irq_hw_number_t;

#endif
