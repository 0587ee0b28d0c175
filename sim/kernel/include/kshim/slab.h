/*
 * kmalloc and friends. Every allocation records its site (__func__,
 * file, line) so leaks at sim_destroy and double frees name it, and can
 * be failed on purpose (sim_fail_nth_alloc, sim_fail_alloc_site).
 * GFP_KERNEL allocations may sleep (checked).
 */
#ifndef KSHIM_SLAB_H
#define KSHIM_SLAB_H

#include <string.h>
#include <kshim/compiler.h>

#define ___GFP_DIRECT_RECLAIM	0x400u
#define ___GFP_KSWAPD_RECLAIM	0x800u
#define __GFP_HIGH		0x20u
#define __GFP_IO		0x40u
#define __GFP_FS		0x80u
#define __GFP_ZERO		0x100u
#define __GFP_NOWARN		0x2000u
#define __GFP_NOFAIL		0x8000u
#define __GFP_ACCOUNT		0x400000u
#define __GFP_DIRECT_RECLAIM	((gfp_t)___GFP_DIRECT_RECLAIM)
#define __GFP_RECLAIM		((gfp_t)(___GFP_DIRECT_RECLAIM | ___GFP_KSWAPD_RECLAIM))
#define GFP_ATOMIC		((gfp_t)(__GFP_HIGH | ___GFP_KSWAPD_RECLAIM))
#define GFP_NOWAIT		((gfp_t)___GFP_KSWAPD_RECLAIM)
#define GFP_KERNEL		((gfp_t)(__GFP_RECLAIM | __GFP_IO | __GFP_FS))
#define GFP_KERNEL_ACCOUNT	((gfp_t)(GFP_KERNEL | __GFP_ACCOUNT))
#define GFP_NOIO		((gfp_t)__GFP_RECLAIM)
#define GFP_NOFS		((gfp_t)(__GFP_RECLAIM | __GFP_IO))

static inline bool gfpflags_allow_blocking(gfp_t gfp)
{
	return gfp & __GFP_DIRECT_RECLAIM;
}

void *ksim_kmalloc(size_t size, gfp_t gfp, const char *func, const char *file, int line)
	__attribute__((malloc, alloc_size(1)));
void ksim_kfree(const void *p, const char *func, const char *file, int line);
void *ksim_kmemdup(const void *src, size_t len, gfp_t gfp, const char *func,
		   const char *file, int line);

#define kmalloc(size, gfp)	ksim_kmalloc((size), (gfp), __func__, __FILE__, __LINE__)
#define kzalloc(size, gfp)	kmalloc((size), (gfp) | __GFP_ZERO)
#define kmalloc_array(n, size, gfp) ({					\
	size_t __ka_bytes;						\
	__builtin_mul_overflow((size_t)(n), (size_t)(size), &__ka_bytes) ? \
		NULL : kmalloc(__ka_bytes, (gfp)); })
#define kcalloc(n, size, gfp)	kmalloc_array((n), (size), (gfp) | __GFP_ZERO)
#define kmemdup(src, len, gfp)	ksim_kmemdup((src), (len), (gfp), __func__, __FILE__, __LINE__)
#define kvmalloc(size, gfp)	kmalloc((size), (gfp))
#define kvzalloc(size, gfp)	kzalloc((size), (gfp))
#define kvmalloc_array(n, size, gfp) kmalloc_array((n), (size), (gfp))
#define kvcalloc(n, size, gfp)	kcalloc((n), (size), (gfp))
#define kfree(p)		ksim_kfree((p), __func__, __FILE__, __LINE__)
#define kvfree(p)		ksim_kfree((p), __func__, __FILE__, __LINE__)
#define kfree_sensitive(p)	kfree(p)
#define ZERO_OR_NULL_PTR(p)	((unsigned long)(p) <= 16UL)
#define struct_size(p, member, count) \
	(sizeof(*(p)) + sizeof(*(p)->member) * (size_t)(count))
#define array_size(a, b)	((size_t)(a) * (size_t)(b))

/* Plain functions, for taking the address (e.g. as a destructor). */
void (kfree)(const void *p);
void (kvfree)(const void *p);

#endif
