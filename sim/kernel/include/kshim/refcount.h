#ifndef KSHIM_REFCOUNT_H
#define KSHIM_REFCOUNT_H
#include <kshim/kref.h>
#endif
