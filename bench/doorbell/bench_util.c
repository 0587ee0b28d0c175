/*
 * The raw host baselines and the simulated VM of bench_util.h, in a file
 * of their own: the system's <sys/eventfd.h> and the simulator's
 * <kshim/eventfd.h> define the same EFD_* names and cannot share a
 * translation unit (the public <irqsim/kvm.h> can).
 */
#include <pthread.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <irqsim/kvm.h>
#include "bench_util.h"

struct sim *bench_sim_create(void)
{
	struct sim_config cfg;

	sim_config_init(&cfg);
	cfg.backend = SIM_BACKEND_THREADS;
	cfg.checkers = false;
	return sim_create(&cfg);
}

int bench_vm_create(struct sim *sim, bool irqchip, struct kvm **kvm)
{
	if (irqsim_create_vm(sim, 0, kvm) ||
	    (irqchip && irqsim_vm_ioctl(*kvm, KVM_CREATE_IRQCHIP, 0)) ||
	    irqsim_vm_ioctl(*kvm, KVM_CREATE_VCPU, 0) < 0)
		return -1;
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

double bench_median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Nanoseconds per write(2) of 1 to a real, non-blocking eventfd. */
double bench_raw_eventfd_write_ns(uint64_t n)
{
	uint64_t one = 1, v;
	double t0, t1;
	int fd = eventfd(0, EFD_NONBLOCK);
	uint64_t i;

	if (fd < 0)
		return -1;
	t0 = bench_now();
	for (i = 0; i < n; i++)
		if (write(fd, &one, sizeof(one)) != sizeof(one))
			break;
	t1 = bench_now();
	if (read(fd, &v, sizeof(v)) != sizeof(v))
		v = 0;
	close(fd);
	return (t1 - t0) * 1e9 / n;
}

/* A real thread round trip: mutex + condvar ping-pong between two pthreads. */
struct bench_pingpong {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	uint64_t turn;		/* odd: the partner's turn */
	uint64_t n;
};

void *bench_pong(void *arg)
{
	struct bench_pingpong *p = arg;
	uint64_t i;

	pthread_mutex_lock(&p->lock);
	for (i = 0; i < p->n; i++) {
		while (!(p->turn & 1))
			pthread_cond_wait(&p->cond, &p->lock);
		p->turn++;
		pthread_cond_signal(&p->cond);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* Nanoseconds per round trip (hand off to another thread and back). */
double bench_raw_handoff_ns(uint64_t n)
{
	struct bench_pingpong p = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, n };
	pthread_t t;
	double t0, t1;
	uint64_t i;

	if (pthread_create(&t, NULL, bench_pong, &p))
		return -1;
	t0 = bench_now();
	pthread_mutex_lock(&p.lock);
	for (i = 0; i < n; i++) {
		p.turn++;
		pthread_cond_signal(&p.cond);
		while (p.turn & 1)
			pthread_cond_wait(&p.cond, &p.lock);
	}
	pthread_mutex_unlock(&p.lock);
	t1 = bench_now();
	pthread_join(t, NULL);
	return (t1 - t0) * 1e9 / n;
}

