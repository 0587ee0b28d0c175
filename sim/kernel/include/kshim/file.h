/*
 * struct file and the per-simulation fd table. fget takes a reference
 * (NULL for a bad fd, or when sim_fail_nth_fdget says so); fput drops it
 * and calls the release hook at the last reference.
 */
#ifndef KSHIM_FILE_H
#define KSHIM_FILE_H

#include <kshim/compiler.h>
#include <kshim/atomic.h>
#include <kshim/poll.h>

struct inode;
struct file;

struct file_operations {
	const char *name;		/* "eventfd", "pipe" */
	int (*release)(struct inode *inode, struct file *file);
	__poll_t (*poll)(struct file *file, struct poll_table_struct *pt);
};

struct file {
	atomic_long_t f_count;			/* references (fd table slots + fget) */
	const struct file_operations *f_op;	/* immutable */
	void *private_data;			/* immutable */
	struct sim *sim;			/* owning simulation; immutable */
};

struct file *fget(unsigned int fd);
void fput(struct file *file);
static inline struct file *get_file(struct file *f)
{
	atomic_long_inc(&f->f_count);
	return f;
}
__poll_t vfs_poll(struct file *file, struct poll_table_struct *pt);

/* fdget/fdput, and the 6.12+ CLASS(fd) helpers' accessors. */
struct fd {
	struct file *file;
};
static inline struct fd fdget(unsigned int fd) { return (struct fd){ fget(fd) }; }
static inline void fdput(struct fd f) { if (f.file) fput(f.file); }
#define fd_file(f)	((f).file)
#define fd_empty(f)	(!(f).file)

#endif
