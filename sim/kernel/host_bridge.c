/*
 * Binding a real Linux eventfd to a simulated one (include/irqsim/eventfd.h,
 * docs/eventfd.md "Binding real eventfds"). Not a kernel API: the glue
 * that lets a VMM's own threads drive the simulator.
 *
 * Each binding has a poller: a task of the simulation (a pthread on the
 * threads backend) blocked in poll(2) on a private "kick" eventfd and,
 * towards the simulation, on the host eventfd.
 *
 * To the simulation: the poller reads the host eventfd (RWF_NOWAIT, so a
 * racing reader cannot block it) and adds the count to the simulated
 * eventfd as sim_fd_write would, waking its waiters (an irqfd injects).
 *
 * To the host: a wait-queue entry on the simulated eventfd sees every
 * EPOLLIN wakeup. Its wake function runs under the wait-queue lock with
 * (simulated) irqs off, inside whatever task signalled, so it only takes
 * the count (as irqfd_wakeup does), adds it to an atomic counter and, on
 * the counter's 0 -> n transition, kicks the poller with one non-blocking
 * eventfd write (a syscall that never sleeps). The poller writes the
 * counter's contents to the host eventfd with write(2).
 *
 * Counts the poller itself writes into a simulated eventfd are not
 * forwarded back by a TO_HOST binding of the same eventfd (a per-thread
 * flag the wake function reads): they stay for the simulated consumers,
 * as a count in one eventfd would.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <sys/uio.h>
#include "internal.h"
#include <kshim/eventfd.h>
#include <irqsim/eventfd.h>

/* eventfd(2) of <sys/eventfd.h>, whose EFD_* macros clash with kshim's (same values) */
int eventfd(unsigned int count, int flags);
struct file *ksim_fget_raw(struct sim *sim, int fd);

struct host_binding {
	struct list_head node;		/* on bindings; bindings_lock */
	struct sim *sim;		/* immutable */
	int simfd, hostfd;		/* the numbers given to bind (unbind's key); immutable */
	enum irqsim_bind_dir dir;	/* immutable */
	int host;			/* our duplicate of hostfd; the poller's, closed by unbind */
	int kick;			/* eventfd that wakes the poller; immutable until unbind */
	struct eventfd_ctx *ctx;	/* the simulated eventfd; a reference; immutable */
	wait_queue_entry_t wait;	/* TO_HOST: on ctx->wqh; ctx->wqh.lock */
	u64 pending;			/* TO_HOST: taken from ctx, not yet written; atomic */
	u64 forwarded;			/* total count delivered; atomic */
	int stop;			/* unbind asks the poller to exit; atomic */
	int error;			/* the error that stopped the poller; atomic */
	struct task_struct *task;	/* the poller; joined by unbind */
};

/* Every binding of the process (one simulation at a time). */
static LIST_HEAD(bindings);
static pthread_mutex_t bindings_lock = PTHREAD_MUTEX_INITIALIZER;

/* Set while this thread (a poller) writes into a simulated eventfd. */
static __thread bool bridge_writing;

static void kick(struct host_binding *b)
{
	u64 one = 1;

	/* never blocks: the kick eventfd is non-blocking and drained by the poller */
	if (write(b->kick, &one, sizeof(one)) < 0)
		__atomic_store_n(&b->error, -errno, __ATOMIC_RELAXED);
}

static void drain_kick(struct host_binding *b)
{
	u64 v;

	if (read(b->kick, &v, sizeof(v)) < 0 && errno != EAGAIN)
		__atomic_store_n(&b->error, -errno, __ATOMIC_RELAXED);
}

/*
 * Take the whole count (a semaphore eventfd hands it out one at a time).
 * Caller holds ctx->wqh.lock.
 */
static u64 take_count(struct eventfd_ctx *ctx)
{
	u64 total = 0, c;

	while (ctx->count) {
		eventfd_ctx_do_read(ctx, &c);
		total += c;
	}
	return total;
}

static void add_pending(struct host_binding *b, u64 n)
{
	if (n && __atomic_fetch_add(&b->pending, n, __ATOMIC_ACQ_REL) == 0)
		kick(b);
}

/* TO_HOST wake function: ctx->wqh.lock held, irqs off. Never sleeps. */
static int bridge_wake(wait_queue_entry_t *wait, unsigned int mode, int flags, void *key)
{
	struct host_binding *b = container_of(wait, struct host_binding, wait);

	(void)mode, (void)flags;
	/* EPOLLHUP (last close) changes nothing: an ioeventfd may still signal the ctx */
	if (!(key_to_poll(key) & EPOLLIN) || bridge_writing)
		return 0;
	add_pending(b, take_count(b->ctx));
	return 0;
}

/*
 * Add up to n to the simulated eventfd and wake its waiters, as
 * sim_fd_write does; returns what fit (the count stops below ULLONG_MAX).
 */
static u64 sim_side_write(struct eventfd_ctx *ctx, u64 n)
{
	unsigned long flags;
	u64 room;

	bridge_writing = true;
	spin_lock_irqsave(&ctx->wqh.lock, flags);
	/* eventfd_signal may have left it at ULLONG_MAX */
	room = ctx->count < ~0ULL - 1 ? ~0ULL - 1 - ctx->count : 0;
	n = min(n, room);
	if (n) {
		WRITE_ONCE(ctx->count, ctx->count + n);
		if (waitqueue_active(&ctx->wqh))
			wake_up_locked_poll(&ctx->wqh, EPOLLIN);
	}
	spin_unlock_irqrestore(&ctx->wqh.lock, flags);
	bridge_writing = false;
	return n;
}

/* Read the host eventfd without blocking: 0 and *v, -EAGAIN, or -errno. */
static int host_read(int fd, u64 *v)
{
	struct iovec io = { .iov_base = v, .iov_len = sizeof(*v) };
	ssize_t r = preadv2(fd, &io, 1, -1, RWF_NOWAIT);

	/* kernels before 5.12's eventfd read_iter: POLLIN said a count was there */
	if (r < 0 && errno == EOPNOTSUPP)
		r = read(fd, v, sizeof(*v));
	if (r == sizeof(*v))
		return 0;
	return r < 0 ? -errno : -EIO;
}

static void forwarded(struct host_binding *b, u64 n)
{
	__atomic_fetch_add(&b->forwarded, n, __ATOMIC_RELAXED);
	sim_trace_instant("fd", b->dir == IRQSIM_BIND_TO_SIM ? "bridge to sim" : "bridge to host",
			  "simfd=%d hostfd=%d n=%llu", b->simfd, b->hostfd, (unsigned long long)n);
}

/* TO_SIM: move the host count in. Returns what is still to deliver (overflow). */
static u64 to_sim(struct host_binding *b, u64 carry, short revents)
{
	u64 v, n;
	int r;

	if (!carry && (revents & POLLIN)) {
		r = host_read(b->host, &v);
		if (!r)
			carry = v;
		else if (r != -EAGAIN)
			__atomic_store_n(&b->error, r, __ATOMIC_RELAXED);
	}
	if (revents & POLLNVAL)
		__atomic_store_n(&b->error, -EBADF, __ATOMIC_RELAXED);
	if (carry) {
		n = sim_side_write(b->ctx, carry);
		if (n)
			forwarded(b, n);
		carry -= n;
	}
	return carry;
}

/* TO_HOST: write what the wake function took. Returns true to wait for POLLOUT. */
static bool to_host(struct host_binding *b)
{
	u64 n = __atomic_exchange_n(&b->pending, 0, __ATOMIC_ACQ_REL);

	if (!n)
		return false;
	if (write(b->host, &n, sizeof(n)) == sizeof(n)) {
		forwarded(b, n);
		return false;
	}
	/* a non-blocking host eventfd that would overflow: keep the count, retry */
	__atomic_fetch_add(&b->pending, n, __ATOMIC_ACQ_REL);
	if (errno == EAGAIN)
		return true;
	__atomic_store_n(&b->error, -errno, __ATOMIC_RELAXED);
	return false;
}

static bool stopping(struct host_binding *b)
{
	return __atomic_load_n(&b->stop, __ATOMIC_ACQUIRE) ||
	       __atomic_load_n(&b->error, __ATOMIC_RELAXED);
}

/* The poller exits: deliver what it holds, or report what cannot be. */
static void poller_finish(struct host_binding *b, u64 carry)
{
	if (b->dir == IRQSIM_BIND_TO_HOST) {
		to_host(b);	/* what is left goes back to the simulated eventfd (binding_stop) */
		return;
	}
	if (carry)
		carry -= sim_side_write(b->ctx, carry);
	if (carry)
		sim_report(SIM_REPORT_WARN, "host eventfd binding lost counts",
			   "simulated eventfd (fd %d) full: %llu counts read from host fd %d were dropped at unbind",
			   b->simfd, (unsigned long long)carry, b->hostfd);
}

static int bridge_poller(void *arg)
{
	struct host_binding *b = arg;
	bool want_out = false;
	u64 carry = 0;

	while (!stopping(b)) {
		struct pollfd pfd[2] = {
			{ .fd = b->kick, .events = POLLIN },
			{ .fd = b->host },
		};
		nfds_t n = 1;

		if (b->dir == IRQSIM_BIND_TO_SIM && !carry) {
			pfd[1].events = POLLIN;
			n = 2;
		} else if (b->dir == IRQSIM_BIND_TO_HOST && want_out) {
			pfd[1].events = POLLOUT;
			n = 2;
		}
		/* a carry waits for simulated consumers to make room: poll every ms */
		if (poll(pfd, n, carry ? 1 : -1) < 0) {
			if (errno == EINTR)
				continue;
			__atomic_store_n(&b->error, -errno, __ATOMIC_RELAXED);
			break;
		}
		if (pfd[0].revents & POLLIN)
			drain_kick(b);
		if (stopping(b))
			break;
		if (b->dir == IRQSIM_BIND_TO_SIM)
			carry = to_sim(b, carry, n > 1 ? pfd[1].revents : 0);
		else
			want_out = to_host(b);
	}
	poller_finish(b, carry);
	return 0;
}

/* Is hostfd an open eventfd? 0, -EBADF or -EINVAL (procfs missing: assumed). */
static int check_host_eventfd(int hostfd)
{
	char path[64], link[64];
	ssize_t len;

	if (hostfd < 0 || fcntl(hostfd, F_GETFD) < 0)
		return -EBADF;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", hostfd);
	len = readlink(path, link, sizeof(link) - 1);
	if (len < 0)
		return 0;
	link[len] = '\0';
	return strcmp(link, "anon_inode:[eventfd]") ? -EINVAL : 0;
}

/* The simulated eventfd's ctx, with a reference: 0, -EBADF or -EINVAL. */
static int sim_ctx_get(struct sim *sim, int simfd, struct eventfd_ctx **out)
{
	struct file *f = ksim_fget_raw(sim, simfd);
	struct eventfd_ctx *ctx;

	if (!f)
		return -EBADF;
	ctx = eventfd_ctx_fileget(f);
	fput(f);
	if (IS_ERR(ctx))
		return (int)PTR_ERR(ctx);
	*out = ctx;
	return 0;
}

/* Caller holds bindings_lock. */
static struct host_binding *find(struct sim *sim, int simfd, int hostfd)
{
	struct host_binding *b;

	list_for_each_entry(b, &bindings, node)
		if (b->sim == sim && b->simfd == simfd && b->hostfd == hostfd)
			return b;
	return NULL;
}

/* Caller holds bindings_lock. -EEXIST / -EBUSY / 0 */
static int check_conflicts(struct host_binding *nb)
{
	struct host_binding *b;

	if (find(nb->sim, nb->simfd, nb->hostfd))
		return -EEXIST;
	list_for_each_entry(b, &bindings, node)
		if (b->ctx == nb->ctx && b->dir == IRQSIM_BIND_TO_HOST &&
		    nb->dir == IRQSIM_BIND_TO_HOST)
			return -EBUSY;	/* two wake functions would race for each count */
	return 0;
}

static void binding_free(struct host_binding *b)
{
	if (b->host >= 0)
		close(b->host);
	if (b->kick >= 0)
		close(b->kick);
	if (b->ctx)
		eventfd_ctx_put(b->ctx);
	kfree(b);
}

/* Hook the wake function; what the eventfd already holds goes to the host. */
static void hook_sim_side(struct host_binding *b)
{
	unsigned long flags;

	init_waitqueue_func_entry(&b->wait, bridge_wake);
	spin_lock_irqsave(&b->ctx->wqh.lock, flags);
	__add_wait_queue(&b->ctx->wqh, &b->wait);
	add_pending(b, take_count(b->ctx));
	spin_unlock_irqrestore(&b->ctx->wqh.lock, flags);
}

int irqsim_eventfd_bind_host(struct sim *sim, int simfd, int hostfd, enum irqsim_bind_dir dir)
{
	struct host_binding *b;
	int r;

	if (!sim || sim != ksim_sim)
		return -EINVAL;
	if (sim_backend(sim) != SIM_BACKEND_THREADS)
		return -EOPNOTSUPP;
	if (dir != IRQSIM_BIND_TO_SIM && dir != IRQSIM_BIND_TO_HOST)
		return -EINVAL;
	r = check_host_eventfd(hostfd);
	if (r)
		return r;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	b->sim = sim;
	b->simfd = simfd;
	b->hostfd = hostfd;
	b->dir = dir;
	b->host = b->kick = -1;
	r = sim_ctx_get(sim, simfd, &b->ctx);
	if (r)
		goto err;
	b->host = fcntl(hostfd, F_DUPFD_CLOEXEC, 0);
	b->kick = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (b->host < 0 || b->kick < 0) {
		r = -errno;
		goto err;
	}

	pthread_mutex_lock(&bindings_lock);
	r = check_conflicts(b);
	if (!r) {
		if (dir == IRQSIM_BIND_TO_HOST)
			hook_sim_side(b);
		b->task = sim_task_start(sim, dir == IRQSIM_BIND_TO_SIM ? "bridge-in" : "bridge-out",
					 bridge_poller, b);
		if (b->task)
			list_add_tail(&b->node, &bindings);
		else
			r = -ENOMEM;
	}
	pthread_mutex_unlock(&bindings_lock);
	if (r)
		goto err_unhook;
	return 0;

err_unhook:
	if (dir == IRQSIM_BIND_TO_HOST && b->wait.func) {
		remove_wait_queue(&b->ctx->wqh, &b->wait);
		/* give back what hook_sim_side took */
		sim_side_write(b->ctx, __atomic_exchange_n(&b->pending, 0, __ATOMIC_ACQ_REL));
	}
err:
	binding_free(b);
	return r;
}

/* Unhook, stop and join the poller, free. Returns the poller's error. */
static int binding_stop(struct host_binding *b)
{
	int err;
	u64 n;

	if (b->dir == IRQSIM_BIND_TO_HOST)
		remove_wait_queue(&b->ctx->wqh, &b->wait);	/* no wake function runs after this */
	__atomic_store_n(&b->stop, 1, __ATOMIC_RELEASE);
	kick(b);
	sim_task_join(b->task);
	/* counts the host could not take (or taken after an error) are not lost */
	n = __atomic_exchange_n(&b->pending, 0, __ATOMIC_ACQ_REL);
	if (n)
		sim_side_write(b->ctx, n);
	err = __atomic_load_n(&b->error, __ATOMIC_RELAXED);
	binding_free(b);
	return err;
}

int irqsim_eventfd_unbind_host(struct sim *sim, int simfd, int hostfd)
{
	struct host_binding *b;

	pthread_mutex_lock(&bindings_lock);
	b = find(sim, simfd, hostfd);
	if (b)
		list_del(&b->node);
	pthread_mutex_unlock(&bindings_lock);
	if (!b)
		return -ENOENT;
	return binding_stop(b);
}

int irqsim_eventfd_host_forwarded(struct sim *sim, int simfd, int hostfd,
				  unsigned long long *count)
{
	struct host_binding *b;

	if (!count)
		return -EINVAL;
	pthread_mutex_lock(&bindings_lock);
	b = find(sim, simfd, hostfd);
	if (b)
		*count = __atomic_load_n(&b->forwarded, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&bindings_lock);
	return b ? 0 : -ENOENT;
}

/* sim_destroy: unbind what the program left bound (as it closes left-open fds). */
void ksim_host_bridge_exit(struct sim *sim)
{
	struct host_binding *b, *found;

	do {
		found = NULL;
		pthread_mutex_lock(&bindings_lock);
		list_for_each_entry(b, &bindings, node) {
			if (b->sim == sim) {
				found = b;
				list_del(&b->node);
				break;
			}
		}
		pthread_mutex_unlock(&bindings_lock);
		if (found)
			binding_stop(found);
	} while (found);
}
