/*
 * The host eventfd API behind the interpreter's seam. A name whose eventfd
 * was closed (or never created) is passed as fd -1, which every call
 * rejects with -EBADF, exactly as a closed descriptor number would be.
 */
#include <errno.h>
#include <irqsim/eventfd.h>
#include "interp_fd.h"

/*
 * eventfd(2) takes an unsigned int initial count; the language allows any
 * 64-bit count, so a larger one goes in by a write (as the kvm backend does).
 */
int interp_fd_eventfd(struct sim *sim, uint64_t count)
{
	int fd, ret;

	if (count <= 0xffffffffu)
		return sim_eventfd(sim, count);
	fd = sim_eventfd(sim, 0);
	if (fd < 0)
		return fd;
	ret = sim_fd_write(sim, fd, count);
	if (ret < 0) {
		sim_fd_close(sim, fd);
		return ret;
	}
	return fd;
}

int interp_fd_write(struct sim *sim, int fd, uint64_t value)
{
	if (fd < 0)
		return -EBADF;
	return sim_fd_write(sim, fd, value);
}

/* sim_fd_read or sim_fd_peek: the count, converted from the API's own type. */
static int fd_get(struct sim *sim, int fd, uint64_t *value,
		  int (*get)(struct sim *sim, int fd, unsigned long long *value))
{
	unsigned long long v = 0;
	int r;

	if (fd < 0)
		return -EBADF;
	r = get(sim, fd, &v);
	*value = v;
	return r;
}

int interp_fd_read(struct sim *sim, int fd, uint64_t *value)
{
	return fd_get(sim, fd, value, sim_fd_read);
}

int interp_fd_peek(struct sim *sim, int fd, uint64_t *count)
{
	return fd_get(sim, fd, count, sim_fd_peek);
}

int interp_fd_close(struct sim *sim, int fd)
{
	if (fd < 0)
		return -EBADF;
	return sim_fd_close(sim, fd);
}
