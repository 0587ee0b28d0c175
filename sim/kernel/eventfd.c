/* eventfd, after fs/eventfd.c (6.8+: eventfd_signal takes no count). */
#include "internal.h"
#include <kshim/eventfd.h>

int ksim_fd_install(struct sim *sim, const struct file_operations *fops, void *private_data);
struct file *ksim_fget_raw(struct sim *sim, int fd);

static int eventfd_release(struct inode *inode, struct file *file);
static __poll_t eventfd_poll(struct file *file, struct poll_table_struct *wait);

static const struct file_operations eventfd_fops = {
	.name = "eventfd",
	.release = eventfd_release,
	.poll = eventfd_poll,
};

static int eventfd_ids;

static void eventfd_free_ctx(struct kref *kref)
{
	struct eventfd_ctx *ctx = container_of(kref, struct eventfd_ctx, kref);

	ksim_kfree(ctx, "eventfd_free_ctx", __FILE__, __LINE__);
}

void eventfd_ctx_put(struct eventfd_ctx *ctx)
{
	kref_put(&ctx->kref, eventfd_free_ctx);
}

/* The last file reference: wake waiters with EPOLLHUP, then drop the file's ctx reference. */
static int eventfd_release(struct inode *inode, struct file *file)
{
	struct eventfd_ctx *ctx = file->private_data;

	(void)inode;
	wake_up_poll(&ctx->wqh, EPOLLHUP);
	eventfd_ctx_put(ctx);
	return 0;
}

static __poll_t eventfd_poll(struct file *file, struct poll_table_struct *wait)
{
	struct eventfd_ctx *ctx = file->private_data;
	__poll_t events = 0;
	u64 count;

	poll_wait(file, &ctx->wqh, wait);
	/* lockless: pairs with the wait-queue lock taken by poll_wait's add */
	count = READ_ONCE(ctx->count);
	if (count > 0)
		events |= EPOLLIN;
	if (count == ~0ULL)
		events |= EPOLLERR;
	if (~0ULL - 1 > count)
		events |= EPOLLOUT;
	return events;
}

bool eventfd_signal_allowed(void)
{
	return !current->in_eventfd;
}

void eventfd_signal_mask(struct eventfd_ctx *ctx, __poll_t mask)
{
	unsigned long flags;

	/* eventfd_signal re-entered from a wake function would deadlock on wqh.lock */
	if (WARN_ON_ONCE(current->in_eventfd))
		return;
	spin_lock_irqsave(&ctx->wqh.lock, flags);
	current->in_eventfd = 1;
	/* eventfd_poll reads count without the lock: every writer uses WRITE_ONCE */
	if (ctx->count < ~0ULL)
		WRITE_ONCE(ctx->count, ctx->count + 1);
	if (waitqueue_active(&ctx->wqh))
		wake_up_locked_poll(&ctx->wqh, EPOLLIN | mask);
	current->in_eventfd = 0;
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
}

void eventfd_ctx_do_read(struct eventfd_ctx *ctx, __u64 *cnt)
{
	lockdep_assert_held(&ctx->wqh.lock);
	*cnt = (ctx->flags & EFD_SEMAPHORE) ? 1 : ctx->count;
	WRITE_ONCE(ctx->count, ctx->count - *cnt);
}

int eventfd_ctx_remove_wait_queue(struct eventfd_ctx *ctx, wait_queue_entry_t *wait, __u64 *cnt)
{
	unsigned long flags;

	spin_lock_irqsave(&ctx->wqh.lock, flags);
	eventfd_ctx_do_read(ctx, cnt);
	__remove_wait_queue(&ctx->wqh, wait);
	if (*cnt != 0 && waitqueue_active(&ctx->wqh))
		wake_up_locked_poll(&ctx->wqh, EPOLLOUT);
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
	return *cnt != 0 ? 0 : -EAGAIN;
}

struct eventfd_ctx *eventfd_ctx_fileget(struct file *file)
{
	struct eventfd_ctx *ctx;

	if (file->f_op != &eventfd_fops)
		return ERR_PTR(-EINVAL);
	ctx = file->private_data;
	kref_get(&ctx->kref);
	return ctx;
}

struct eventfd_ctx *eventfd_ctx_fdget(int fd)
{
	struct eventfd_ctx *ctx;
	struct file *f;

	if (fd < 0)
		return ERR_PTR(-EBADF);
	f = fget((unsigned int)fd);
	if (!f)
		return ERR_PTR(-EBADF);
	ctx = eventfd_ctx_fileget(f);
	fput(f);
	return ctx;
}

/* ---- host side ---- */

int sim_eventfd_flags(struct sim *sim, __u64 count, int flags)
{
	struct eventfd_ctx *ctx;
	int fd;

	if (!sim || count > 0xffffffffULL || (flags & ~(EFD_SEMAPHORE | EFD_CLOEXEC | EFD_NONBLOCK)))
		return -EINVAL;
	ctx = ksim_kmalloc(sizeof(*ctx), GFP_KERNEL | __GFP_ZERO, "eventfd_create", __FILE__, __LINE__);
	if (!ctx)
		return -ENOMEM;
	kref_init(&ctx->kref);
	init_waitqueue_head(&ctx->wqh);
	ctx->count = count;
	ctx->flags = (unsigned int)flags;
	ctx->id = __atomic_fetch_add(&eventfd_ids, 1, __ATOMIC_RELAXED);
	fd = ksim_fd_install(sim, &eventfd_fops, ctx);
	if (fd < 0)
		eventfd_ctx_put(ctx);
	return fd;
}

int sim_eventfd(struct sim *sim, __u64 count)
{
	return sim_eventfd_flags(sim, count, 0);
}

/* The file's eventfd, with a file reference held; or an -errno. */
static int host_ctx(struct sim *sim, int fd, struct file **fp, struct eventfd_ctx **ctxp)
{
	struct file *f = ksim_fget_raw(sim, fd);

	if (!f)
		return -EBADF;
	if (f->f_op != &eventfd_fops) {
		fput(f);
		return -EINVAL;
	}
	*fp = f;
	*ctxp = f->private_data;
	return 0;
}

/*
 * The host side's one shape: find the fd's eventfd (-EBADF, -EINVAL), run
 * op on it under the wait-queue lock, as eventfd_read/eventfd_write do.
 */
static int host_locked(struct sim *sim, int fd, __u64 *value,
		       int (*op)(struct eventfd_ctx *ctx, __u64 *value))
{
	struct eventfd_ctx *ctx;
	struct file *f;
	unsigned long flags;
	int ret;

	ret = host_ctx(sim, fd, &f, &ctx);
	if (ret)
		return ret;
	spin_lock_irqsave(&ctx->wqh.lock, flags);
	ret = op(ctx, value);
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
	fput(f);
	return ret;
}

static int locked_write(struct eventfd_ctx *ctx, __u64 *value)
{
	if (*value == ~0ULL)
		return -EINVAL;
	if (~0ULL - ctx->count <= *value)
		return -EAGAIN;
	WRITE_ONCE(ctx->count, ctx->count + *value);
	if (waitqueue_active(&ctx->wqh))
		wake_up_locked_poll(&ctx->wqh, EPOLLIN);
	return 0;
}

static int locked_read(struct eventfd_ctx *ctx, __u64 *value)
{
	if (!ctx->count)
		return -EAGAIN;
	eventfd_ctx_do_read(ctx, value);
	if (waitqueue_active(&ctx->wqh))
		wake_up_locked_poll(&ctx->wqh, EPOLLOUT);
	return 0;
}

static int locked_peek(struct eventfd_ctx *ctx, __u64 *value)
{
	*value = ctx->count;
	return 0;
}

/* eventfd_write, non-blocking: -EAGAIN when the count would overflow. */
int sim_fd_write(struct sim *sim, int fd, __u64 value)
{
	return host_locked(sim, fd, &value, locked_write);
}

int sim_fd_read(struct sim *sim, int fd, __u64 *value)
{
	return host_locked(sim, fd, value, locked_read);
}

int sim_fd_peek(struct sim *sim, int fd, __u64 *value)
{
	return host_locked(sim, fd, value, locked_peek);
}
