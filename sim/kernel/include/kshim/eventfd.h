/*
 * eventfd with the kernel's semantics (fs/eventfd.c), plus the host-side
 * fd API that tests and the scenario interpreter use in place of the
 * write(2)/read(2)/close(2) syscalls (non-kernel names, sim_ prefix).
 */
#ifndef KSHIM_EVENTFD_H
#define KSHIM_EVENTFD_H

#include <kshim/compiler.h>
#include <kshim/kref.h>
#include <kshim/wait.h>
#include <kshim/file.h>

#define EFD_SEMAPHORE	(1 << 0)
#define EFD_CLOEXEC	02000000
#define EFD_NONBLOCK	04000

struct eventfd_ctx {
	struct kref kref;		/* file + eventfd_ctx_fileget references */
	wait_queue_head_t wqh;		/* waiters; wqh.lock also protects count */
	__u64 count;			/* wqh.lock (READ_ONCE for lockless poll) */
	unsigned int flags;		/* immutable */
	int id;				/* immutable */
};

struct eventfd_ctx *eventfd_ctx_fdget(int fd);
struct eventfd_ctx *eventfd_ctx_fileget(struct file *file);
void eventfd_ctx_put(struct eventfd_ctx *ctx);
void eventfd_signal_mask(struct eventfd_ctx *ctx, __poll_t mask);
static inline void eventfd_signal(struct eventfd_ctx *ctx) { eventfd_signal_mask(ctx, 0); }
bool eventfd_signal_allowed(void);
void eventfd_ctx_do_read(struct eventfd_ctx *ctx, __u64 *cnt);
int eventfd_ctx_remove_wait_queue(struct eventfd_ctx *ctx, wait_queue_entry_t *wait, __u64 *cnt);

/* ---- host side (not kernel API) ---- */
struct sim;
int sim_eventfd(struct sim *sim, __u64 count);		/* new eventfd -> fd, or -errno */
int sim_eventfd_flags(struct sim *sim, __u64 count, int flags); /* EFD_SEMAPHORE */
int sim_fd_write(struct sim *sim, int fd, __u64 value);	/* eventfd_write, nonblocking */
int sim_fd_read(struct sim *sim, int fd, __u64 *value);	/* -EAGAIN when 0 */
int sim_fd_peek(struct sim *sim, int fd, __u64 *value);	/* count without reading */
int sim_fd_close(struct sim *sim, int fd);
int sim_fd_dup(struct sim *sim, int fd);			/* -> new fd */
int sim_pipe(struct sim *sim);				/* an open non-eventfd file */
/* Number of open fds (for leak checks in tests). */
unsigned int sim_fd_count(const struct sim *sim);

#endif
