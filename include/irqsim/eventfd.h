/*
 * libirqsim: the host's file descriptors, as a VMM uses them.
 *
 * The simulated process has its own fd table (one per simulation); these
 * calls stand in for eventfd(2), write(2), read(2), dup(2), close(2) and
 * pipe(2) on it. The fds go into the uapi structs passed to
 * irqsim_vm_ioctl (struct kvm_irqfd.fd, .resamplefd, struct kvm_ioeventfd.fd)
 * exactly as real ones go to ioctl(2). Errors are negative errno values.
 *
 * The implementation is the runtime's (sim/kernel, declared there as
 * <kshim/eventfd.h> with __u64); the types below are identical.
 */
#ifndef IRQSIM_EVENTFD_H
#define IRQSIM_EVENTFD_H

struct sim;

/* A new non-blocking eventfd with this initial count: fd >= 0, or -errno. */
int sim_eventfd(struct sim *sim, unsigned long long count);
/* Add value to the count (-EAGAIN if it would overflow), waking waiters. */
int sim_fd_write(struct sim *sim, int fd, unsigned long long value);
/* Read and reset the count; -EAGAIN when it is 0. */
int sim_fd_read(struct sim *sim, int fd, unsigned long long *value);
/* The count, without reading it. */
int sim_fd_peek(struct sim *sim, int fd, unsigned long long *value);
/* Close the descriptor; the last reference releases the file (EPOLLHUP). */
int sim_fd_close(struct sim *sim, int fd);
/* Another descriptor for the same open file. */
int sim_fd_dup(struct sim *sim, int fd);
/* An open file that is not an eventfd (to exercise the EINVAL checks). */
int sim_pipe(struct sim *sim);

#endif
