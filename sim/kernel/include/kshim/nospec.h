/* Speculation barriers: in a simulator only the clamping semantics remain. */
#ifndef KSHIM_NOSPEC_H
#define KSHIM_NOSPEC_H

#include <kshim/compiler.h>

/* index if index < size, else 0 (the kernel's contract for in-bounds use). */
#define array_index_nospec(index, size) ({				\
	typeof(index) __ian_i = (index);				\
	typeof(size) __ian_s = (size);					\
	(typeof(index))(__ian_i < __ian_s ? __ian_i : 0); })

#endif
