/* struct file and the per-simulation fd table (fds from 3 up, lowest free first). */
#include "internal.h"
#include <kshim/file.h>

#define FIRST_FD 3

/* Put f (its reference now owned by the table) in the lowest free slot -> fd. */
static int fd_install_file(struct sim *sim, struct file *f)
{
	int fd;

	ksim_lock(sim);
	for (fd = FIRST_FD; fd < sim->nr_fds; fd++)
		if (!sim->fds[fd])
			break;
	if (fd >= sim->nr_fds) {
		int n = sim->nr_fds ? sim->nr_fds * 2 : 64;
		struct file **fds = realloc(sim->fds, (size_t)n * sizeof(*fds));

		if (!fds) {
			ksim_unlock(sim);
			return -EMFILE;
		}
		memset(fds + sim->nr_fds, 0, (size_t)(n - sim->nr_fds) * sizeof(*fds));
		sim->fds = fds;
		fd = sim->nr_fds > FIRST_FD ? sim->nr_fds : FIRST_FD;
		sim->nr_fds = n;
	}
	sim->fds[fd] = f;
	ksim_unlock(sim);
	return fd;
}

/* Install a new file (one reference, owned by the fd) -> fd. */
int ksim_fd_install(struct sim *sim, const struct file_operations *fops, void *private_data)
{
	struct file *f = calloc(1, sizeof(*f));
	int fd;

	if (!f)
		return -ENOMEM;
	atomic_long_set(&f->f_count, 1);
	f->f_op = fops;
	f->private_data = private_data;
	f->sim = sim;
	fd = fd_install_file(sim, f);
	if (fd < 0)
		free(f);
	return fd;
}

/* Look up without fault injection (host-side API); takes a reference. */
struct file *ksim_fget_raw(struct sim *sim, int fd)
{
	struct file *f = NULL;

	if (!sim || fd < 0)
		return NULL;
	ksim_lock(sim);
	if (fd < sim->nr_fds && sim->fds[fd]) {
		f = sim->fds[fd];
		atomic_long_inc(&f->f_count);
	}
	ksim_unlock(sim);
	return f;
}

struct file *fget(unsigned int fd)
{
	struct sim *sim = ksim_sim;
	bool fail = false;

	if (!sim)
		return NULL;
	ksim_lock(sim);
	if (sim->fail_nth_fdget && --sim->fail_nth_fdget == 0)
		fail = true;
	ksim_unlock(sim);
	if (fail) {
		sim_trace_instant("fd", "fget fail", "fd=%u", fd);
		return NULL;
	}
	if (fd > INT32_MAX)
		return NULL;
	return ksim_fget_raw(sim, (int)fd);
}

void fput(struct file *file)
{
	if (!file)
		return;
	if (atomic_long_dec_and_test(&file->f_count)) {
		if (file->f_op && file->f_op->release)
			file->f_op->release(NULL, file);
		free(file);
	}
}

__poll_t vfs_poll(struct file *file, struct poll_table_struct *pt)
{
	if (!file->f_op || !file->f_op->poll)
		return DEFAULT_POLLMASK;
	return file->f_op->poll(file, pt);
}

int sim_fd_close(struct sim *sim, int fd)
{
	struct file *f = NULL;

	if (!sim || fd < 0)
		return -EBADF;
	ksim_lock(sim);
	if (fd < sim->nr_fds) {
		f = sim->fds[fd];
		sim->fds[fd] = NULL;
	}
	ksim_unlock(sim);
	if (!f)
		return -EBADF;
	fput(f);
	return 0;
}

int sim_fd_dup(struct sim *sim, int fd)
{
	struct file *f = ksim_fget_raw(sim, fd);
	int nfd;

	if (!f)
		return -EBADF;
	nfd = fd_install_file(sim, f);	/* the new slot keeps fget's reference */
	if (nfd < 0)
		fput(f);
	return nfd;
}

static const struct file_operations pipe_fops = {
	.name = "pipe",
};

int sim_pipe(struct sim *sim)
{
	return ksim_fd_install(sim, &pipe_fops, NULL);
}

unsigned int sim_fd_count(const struct sim *sim)
{
	unsigned int n = 0;

	pthread_mutex_lock((pthread_mutex_t *)&sim->lock);
	for (int fd = 0; fd < sim->nr_fds; fd++)
		if (sim->fds[fd])
			n++;
	pthread_mutex_unlock((pthread_mutex_t *)&sim->lock);
	return n;
}

/* sim_destroy: close what the test or scenario left open. */
void ksim_files_exit(struct sim *sim)
{
	for (int fd = 0; fd < sim->nr_fds; fd++)
		if (sim->fds[fd])
			sim_fd_close(sim, fd);
}

void sim_fail_nth_fdget(struct sim *sim, unsigned long n)
{
	ksim_lock(sim);
	sim->fail_nth_fdget = n;
	ksim_unlock(sim);
}
