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

/*
 * Binding a real Linux eventfd to a simulated one (docs/eventfd.md,
 * "Binding real eventfds"), so that a VMM's own device threads drive the
 * simulator with write(2)/read(2)/poll(2) on ordinary eventfds. A poller
 * thread per binding (a task of the simulation) forwards one direction:
 *
 *   IRQSIM_BIND_TO_SIM   every count written to hostfd is read by the poller
 *                        and written to the simulated eventfd (an irqfd on it
 *                        injects). The poller must be hostfd's only reader.
 *   IRQSIM_BIND_TO_HOST  every signal of the simulated eventfd (an ioeventfd
 *                        caught a guest write) is taken from it and written
 *                        to hostfd, which the VMM polls and reads.
 *
 * One direction per host eventfd: the poller cannot tell its own writes to
 * a host eventfd from the VMM's, so a two-way binding would steal the
 * counts it forwards. Bind two host eventfds to one simulated eventfd for
 * both directions. Counts are exact: none lost or duplicated (coalesced as
 * an eventfd coalesces them). hostfd is duplicated; the caller keeps and
 * closes its own. Threads backend only.
 *
 * Returns 0, or -EOPNOTSUPP (sched backend: a real thread cannot take part
 * in a deterministic schedule), -EBADF (either fd not open), -EINVAL (not
 * an eventfd, bad direction, not the active simulation), -EEXIST (this
 * pair is bound), -EBUSY (the simulated eventfd already has a TO_HOST
 * binding), -ENOMEM, or a pthread/eventfd(2) error.
 */
enum irqsim_bind_dir {
	IRQSIM_BIND_TO_SIM = 1,
	IRQSIM_BIND_TO_HOST = 2,
};
int irqsim_eventfd_bind_host(struct sim *sim, int simfd, int hostfd, enum irqsim_bind_dir dir);
/*
 * Stop forwarding (the same two numbers as at bind) and join the poller.
 * Counts the poller already took are delivered first. Returns 0, -ENOENT
 * (no such binding), or the error that stopped the poller early (-EIO...).
 * sim_destroy unbinds whatever is still bound. Not from a wake function.
 */
int irqsim_eventfd_unbind_host(struct sim *sim, int simfd, int hostfd);
/* The total count the binding forwarded so far: 0 and *count, or -ENOENT. */
int irqsim_eventfd_host_forwarded(struct sim *sim, int simfd, int hostfd,
				  unsigned long long *count);

#endif
