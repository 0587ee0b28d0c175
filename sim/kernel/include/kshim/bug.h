/*
 * WARN/BUG and printk. A WARN files a SIM_REPORT_WARN report (kernel text:
 * "WARNING: CPU: 0 PID: 3 at model/eventfd.c:120 irqfd_shutdown") and
 * returns the condition. BUG_ON files a "kernel BUG at" report and carries
 * on (a simulator keeps running so the run can be inspected); BUG() cannot
 * continue and aborts after the report.
 */
#ifndef KSHIM_BUG_H
#define KSHIM_BUG_H

#include <kshim/compiler.h>

void ksim_warn(const char *file, int line, const char *func, bool once,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void ksim_bug(const char *file, int line, const char *func, const char *cond);
__attribute__((noreturn)) void ksim_bug_fatal(const char *file, int line, const char *func);

#define WARN(cond, fmt, ...) ({						\
	bool __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn))					\
		ksim_warn(__FILE__, __LINE__, __func__, false, fmt, ##__VA_ARGS__); \
	unlikely(__ret_warn); })
#define WARN_ONCE(cond, fmt, ...) ({					\
	bool __ret_warn = !!(cond);					\
	if (unlikely(__ret_warn))					\
		ksim_warn(__FILE__, __LINE__, __func__, true, fmt, ##__VA_ARGS__); \
	unlikely(__ret_warn); })
#define WARN_ON(cond)		WARN(cond, "WARN_ON(%s)", #cond)
#define WARN_ON_ONCE(cond)	WARN_ONCE(cond, "WARN_ON_ONCE(%s)", #cond)
#define BUG_ON(cond) do {						\
	if (unlikely(cond))						\
		ksim_bug(__FILE__, __LINE__, __func__, #cond);		\
} while (0)
#define BUG()	ksim_bug_fatal(__FILE__, __LINE__, __func__)

/* ---- printk: to a trace instant (cat "printk"), and stderr when verbose ---- */
#define KERN_SOH	"\001"
#define KERN_EMERG	KERN_SOH "0"
#define KERN_ALERT	KERN_SOH "1"
#define KERN_CRIT	KERN_SOH "2"
#define KERN_ERR	KERN_SOH "3"
#define KERN_WARNING	KERN_SOH "4"
#define KERN_NOTICE	KERN_SOH "5"
#define KERN_INFO	KERN_SOH "6"
#define KERN_DEBUG	KERN_SOH "7"
#define KERN_CONT	KERN_SOH "c"

int ksim_printk(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#define printk(fmt, ...)	ksim_printk(fmt, ##__VA_ARGS__)
#ifndef pr_fmt
#define pr_fmt(fmt) fmt
#endif
#define pr_emerg(fmt, ...)	printk(KERN_EMERG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_err(fmt, ...)	printk(KERN_ERR pr_fmt(fmt), ##__VA_ARGS__)
#define pr_warn(fmt, ...)	printk(KERN_WARNING pr_fmt(fmt), ##__VA_ARGS__)
#define pr_notice(fmt, ...)	printk(KERN_NOTICE pr_fmt(fmt), ##__VA_ARGS__)
#define pr_info(fmt, ...)	printk(KERN_INFO pr_fmt(fmt), ##__VA_ARGS__)
#define pr_debug(fmt, ...)	printk(KERN_DEBUG pr_fmt(fmt), ##__VA_ARGS__)
#define pr_cont(fmt, ...)	printk(KERN_CONT fmt, ##__VA_ARGS__)
#define pr_warn_once		pr_warn
#define pr_err_once		pr_err
#define pr_info_once		pr_info
#define pr_warn_ratelimited	pr_warn
#define pr_err_ratelimited	pr_err

#endif
