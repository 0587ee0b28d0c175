/*
 * The host's eventfd calls as the interpreter makes them (the simulated
 * write(2)/read(2)/close(2) of kshim/eventfd.h), errors as -errno. A
 * separate seam so the interpreter's other files need no kernel shim
 * header beside <linux/kvm.h>.
 */
#ifndef IRQSIM_INTERP_FD_H
#define IRQSIM_INTERP_FD_H

#include <stdint.h>

struct sim;

int interp_fd_eventfd(struct sim *sim, uint64_t count);		/* fd or -errno */
int interp_fd_write(struct sim *sim, int fd, uint64_t value);
int interp_fd_read(struct sim *sim, int fd, uint64_t *value);	/* -EAGAIN at 0 */
int interp_fd_peek(struct sim *sim, int fd, uint64_t *count);
int interp_fd_close(struct sim *sim, int fd);

#endif
