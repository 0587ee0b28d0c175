/*
 * The .scn interpreter: executes a parsed program (scn_ast.h) on one
 * simulation through the public libirqsim API only (irqsim/kvm.h, the same
 * ioctl entry points a VMM uses, and the host eventfd API), so a scenario
 * exercises exactly what an embedder would.
 *
 * Split by concern:
 *   interp.c         one run: statement loop, settle, origin, teardown
 *   interp_host.c    host statements (vm, eventfds, routing, irq_line, msi,
 *                    irqfd, ioeventfd)
 *   interp_guest.c   guest statements (vcpu lapic/ack/eoi/write, ioapic pin)
 *   interp_expect.c  expectations
 *   interp_thread.c  `thread ... end` and `run`
 *   interp_result.c  `=> RESULT` matching and the expected/got messages
 *   interp_fd.c      the host eventfd API (kshim/eventfd.h) behind one seam
 *   interp_api.c     irqsim_run_scenario(): file, parse, schedules, result
 *
 *   interp_observe.c results to the observer (irqsim diff), not-checkable
 *                    notes, polling on the kvm backend
 *   exec_sim.c       the operations table on the simulator
 *   exec_kvm.c       the operations table on the real kernel (sim/kvmreal)
 *
 * Every effect on the VM goes through in->ops (interp_ops.h), so the same
 * statement code drives the simulator and the real kernel.
 *
 * Statement functions return an interp_rc: CONTINUE, or the status the
 * current flow (the main task, or one thread) stops with.
 */
#ifndef IRQSIM_INTERP_H
#define IRQSIM_INTERP_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <irqsim/kvm.h>
#include <irqsim/scenario.h>
#include "scn_ast.h"
#include "scn_parse.h"
#include "interp_fd.h"
#include "interp_ops.h"

enum interp_rc {
	INTERP_CONTINUE = 0,
	INTERP_FAIL = 1,	/* a result or expectation differed: exit status 1 */
	INTERP_SCRIPT = 2,	/* the script cannot be executed: exit status 2 */
};

/* Per-line origin strings "FILE:LINE" (sim_set_origin needs them to outlive the sim). */
struct interp_origins {
	const char **line;	/* line[n] for every line holding a statement; immutable */
	unsigned int max_line;
	char *buf;
};

int interp_origins_build(struct interp_origins *o, const struct scn_program *prog);
void interp_origins_free(struct interp_origins *o);

/* One run of a program on one simulation. */
struct interp {
	/* immutable during the run */
	const struct scn_program *prog;
	const struct irqsim_scenario_opts *opts;
	const struct interp_origins *origins;
	FILE *err;
	struct sim *sim;
	bool trace_stmts;		/* emit a span per statement */
	const struct interp_ops *ops;	/* the backend that executes */

	/* written by the main task before any thread runs, then read-only */
	struct kvm *kvm;		/* exec_sim: the simulated VM */
	void *be;			/* exec_kvm: the backend's own state */

	/* fd per eventfd index; -1 before `eventfd` and after `close` (atomic) */
	int *efd;

	/* main task only */
	bool settle_on;
	const struct scn_stmt **pending;	/* threads declared since the last run */
	uint32_t n_pending;

	/* shared between tasks: atomics */
	uint64_t executed;		/* statements executed */
	int status;			/* worst interp_rc so far */
	unsigned int not_checkable;	/* statements the backend could not check */
	/*
	 * Set (atomically, once) when the backend could not do a statement
	 * whose effect later results depend on: from then on results are
	 * reported as not checkable instead of compared. NULL while all is well.
	 */
	const char *taint;
	unsigned int taint_line;

	/* messages: lock serialises printing and recording */
	pthread_mutex_t lock;
	struct irqsim_scenario_result *res;
};

/* ---- interp.c ---- */
/* ops: the backend (interp_sim_ops or interp_kvm_ops). */
int interp_init(struct interp *in, const struct scn_program *prog,
		const struct irqsim_scenario_opts *opts,
		const struct interp_origins *origins, struct sim *sim,
		struct irqsim_scenario_result *res);
void interp_set_ops(struct interp *in, const struct interp_ops *ops);
/* Execute the top-level statements; returns the worst interp_rc. */
int interp_run_main(struct interp *in);
/* Execute one statement in the calling task (main or a thread). */
int interp_exec(struct interp *in, const struct scn_stmt *s, bool main_task);
/* Record stats, destroy the VM, close what the host still holds. */
void interp_teardown(struct interp *in);
void interp_destroy(struct interp *in);

/*
 * The whole of one run: a fresh simulation from cfg (its tracer set to
 * o's traces), the statement loop, the teardown, then the reports
 * sim_destroy finds, which fail the run. Adds the counts to res. Returns
 * the run's interp_rc; -ENODEV when the simulation cannot be created,
 * -ENOMEM when the interpreter cannot start.
 */
int interp_run_sim(const struct scn_program *prog, const struct interp_origins *origins,
		   const struct irqsim_scenario_opts *o, struct sim_config *cfg,
		   struct irqsim_scenario_result *res);

/* Print and record "FILE:LINE: MESSAGE" (status 1). */
__attribute__((format(printf, 3, 4)))
int interp_fail(struct interp *in, unsigned int line, const char *fmt, ...);
/* Print and record "FILE:LINE:COL: error: MESSAGE" (status 2). */
__attribute__((format(printf, 3, 4)))
int interp_script_error(struct interp *in, const struct scn_stmt *s, const char *fmt, ...);
/* Record an already formatted message (printed by the caller or not). */
void interp_record(struct interp *in, unsigned int line, int status, const char *text, bool print);
void interp_set_status(struct interp *in, int status);

/* ---- interp_result.c ---- */
enum interp_vocab {
	IV_CALL,	/* success prints "ok" (or the number when a number is expected) */
	IV_VALUE,	/* success prints the value (read, irq_line, msi) */
	IV_ACK,		/* a vector "0x41" or "none" */
	IV_ACCESS,	/* "kernel" or "exit" */
};

struct interp_outcome {
	enum interp_vocab vocab;
	int err;		/* positive errno; 0 = the call succeeded */
	bool has_val;
	int64_t val;		/* return value, status, vector (-1 none), access */
	bool minus1_is_eperm;	/* KVM_SIGNAL_MSI: -1 is both the value and EPERM */
};

static inline struct interp_outcome interp_outcome_ret(enum interp_vocab v, long r)
{
	struct interp_outcome o = { .vocab = v };

	if (r < 0) {
		o.err = (int)-r;
	} else {
		o.has_val = true;
		o.val = r;
	}
	return o;
}

/*
 * Compare with the statement's `=>` (line names the place); INTERP_CONTINUE
 * or INTERP_FAIL (INTERP_CONTINUE with keep_going). The result goes to the
 * observer; -EOPNOTSUPP makes the statement not checkable.
 */
int interp_check(struct interp *in, const struct scn_stmt *s, unsigned int line,
		 const struct interp_outcome *o);
/* The outcome in the statement's vocabulary ("ok", "EBUSY", "0x41", "exit"...). */
void interp_format_outcome(char *buf, size_t size, const struct scn_stmt *s,
			   const struct interp_outcome *o);
bool interp_outcome_matches(const struct scn_stmt *s, const struct interp_outcome *o);
/* "0x41 0x42" or "none" */
void interp_format_vectors(char *buf, size_t size, const uint32_t bits[8]);
const char *interp_errno_name(int err, char *buf, size_t size);

/* ---- interp_observe.c ---- */
/* Give the observer (irqsim diff) this statement's result. */
void interp_observe(struct interp *in, const struct scn_stmt *s, unsigned int line,
		    const char *got, bool held);
/* A note "FILE:LINE: note: not checkable on the kvm backend: WHY"; counted and observed. */
int interp_not_checkable(struct interp *in, const struct scn_stmt *s, unsigned int line,
			 const char *why);
/*
 * The backend could not perform s, and the state it leaves behind no
 * longer follows the script: a not-checkable note for s, and every later
 * result is not checkable either (interp_tainted).
 */
int interp_taint(struct interp *in, const struct scn_stmt *s, const char *why);
/* After interp_taint: note this result as not checkable and return true. */
bool interp_tainted(struct interp *in, const struct scn_stmt *s, unsigned int line);
/*
 * An expectation read `got` (held: it matched the script). On a backend
 * that polls, true means "wait a little and read again": neither the
 * script's nor the observer's wanted result was seen and time is left.
 * *t0 starts at 0.
 */
bool interp_poll_again(struct interp *in, unsigned int line, const char *got, bool held,
		       double *t0);
/* A statement's rc ends the flow? (with keep_going a failure does not) */
bool interp_stops(const struct interp *in, int rc);

/* ---- interp_host.c ---- */
int interp_vm(struct interp *in, const struct scn_stmt *s);
int interp_eventfd(struct interp *in, const struct scn_stmt *s);
int interp_write(struct interp *in, const struct scn_stmt *s);
int interp_read(struct interp *in, const struct scn_stmt *s);
int interp_close(struct interp *in, const struct scn_stmt *s);
int interp_routing(struct interp *in, const struct scn_stmt *s);
int interp_irq_line(struct interp *in, const struct scn_stmt *s);
int interp_msi(struct interp *in, const struct scn_stmt *s);
int interp_irqfd(struct interp *in, const struct scn_stmt *s);
int interp_ioeventfd(struct interp *in, const struct scn_stmt *s);
/* INTERP_CONTINUE when the VM exists, else a script error (`vm` failed). */
int interp_need_vm(struct interp *in, const struct scn_stmt *s);

/* ---- interp_guest.c ---- */
int interp_lapic(struct interp *in, const struct scn_stmt *s);
int interp_ack(struct interp *in, const struct scn_stmt *s);
int interp_eoi(struct interp *in, const struct scn_stmt *s);
int interp_guest_write(struct interp *in, const struct scn_stmt *s);
int interp_ioapic_pin(struct interp *in, const struct scn_stmt *s);
/* The LAPIC state the contract promises after `vm` (exec_sim): 0 or -errno. */
int interp_lapic_reset(struct kvm_vcpu *vcpu, int idx);
/* INTERP_CONTINUE when vCPU idx exists, else a script error. */
int interp_need_vcpu(struct interp *in, const struct scn_stmt *s, uint32_t idx);

/* ---- interp_expect.c ---- */
int interp_expect_lapic(struct interp *in, const struct scn_stmt *s);
int interp_expect_ioapic(struct interp *in, const struct scn_stmt *s);
int interp_expect_eventfd(struct interp *in, const struct scn_stmt *s);
int interp_expect_exits(struct interp *in, const struct scn_stmt *s);
int interp_expect_stat(struct interp *in, const struct scn_stmt *s);

/* ---- interp_thread.c ---- */
int interp_thread_decl(struct interp *in, const struct scn_stmt *s);
int interp_run(struct interp *in, const struct scn_stmt *s);

static inline int interp_efd_get(struct interp *in, uint32_t idx)
{
	return __atomic_load_n(&in->efd[idx], __ATOMIC_ACQUIRE);
}

static inline void interp_efd_set(struct interp *in, uint32_t idx, int fd)
{
	__atomic_store_n(&in->efd[idx], fd, __ATOMIC_RELEASE);
}

#endif
