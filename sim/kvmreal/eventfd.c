/* Real eventfd(2) objects for the scenario's `eventfd`, `write`, `read`, `close`. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include "kvmreal_internal.h"

int kvmreal_eventfd_create(uint64_t count)
{
	int fd;

	/* eventfd(2) takes an unsigned int; a larger start goes in by write. */
	fd = eventfd(count <= 0xffffffffu ? (unsigned int)count : 0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (count > 0xffffffffu) {
		int ret = kvmreal_eventfd_write(fd, count);

		if (ret < 0) {
			close(fd);
			return ret;
		}
	}
	return fd;
}

int kvmreal_eventfd_write(int fd, uint64_t n)
{
	ssize_t r = write(fd, &n, sizeof(n));

	if (r < 0)
		return -errno;
	return r == sizeof(n) ? 0 : -EIO;
}

int kvmreal_eventfd_read(int fd, uint64_t *val)
{
	uint64_t v;
	ssize_t r = read(fd, &v, sizeof(v));

	if (r < 0)
		return -errno;
	if (r != sizeof(v))
		return -EIO;
	if (val)
		*val = v;
	return 0;
}

int kvmreal_eventfd_close(int fd)
{
	return close(fd) < 0 ? -errno : 0;
}

static int peek_fdinfo(int fd, uint64_t *count)
{
	char path[64], line[128];
	unsigned long long v;
	int ret;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return 1;	/* no procfs: the caller falls back */
	ret = -EINVAL;		/* an open file that is not an eventfd */
	while (fgets(line, sizeof(line), f)) {
		/* fs/eventfd.c prints the count in hexadecimal. */
		if (sscanf(line, "eventfd-count: %llx", &v) == 1) {
			*count = v;
			ret = 0;
			break;
		}
	}
	fclose(f);
	return ret;
}

int kvmreal_eventfd_peek(int fd, uint64_t *count)
{
	uint64_t v = 0;
	int ret;

	if (!count)
		return -EINVAL;
	if (fcntl(fd, F_GETFD) < 0)
		return -errno;
	ret = peek_fdinfo(fd, count);
	if (ret <= 0)
		return ret;
	/* No procfs: read and write back (not atomic; documented). */
	ret = kvmreal_eventfd_read(fd, &v);
	if (ret == -EAGAIN) {
		*count = 0;
		return 0;
	}
	if (ret < 0)
		return ret;
	*count = v;
	return kvmreal_eventfd_write(fd, v);
}
