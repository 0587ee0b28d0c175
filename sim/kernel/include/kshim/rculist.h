/*
 * RCU-protected lists. The iterators take the kernel's optional lockdep
 * condition: list_for_each_entry_rcu(pos, head, member, cond) is fine
 * inside rcu_read_lock() or when cond holds; the _srcu variants require
 * cond (typically srcu_read_lock_held(ssp) || lockdep_is_held(lock)).
 */
#ifndef KSHIM_RCULIST_H
#define KSHIM_RCULIST_H

#include <kshim/list.h>
#include <kshim/rcupdate.h>

#define list_next_rcu(list)	(*((struct list_head **)(&(list)->next)))
#define hlist_first_rcu(head)	(*((struct hlist_node **)(&(head)->first)))
#define hlist_next_rcu(node)	(*((struct hlist_node **)(&(node)->next)))

static inline void INIT_LIST_HEAD_RCU(struct list_head *list)
{
	WRITE_ONCE(list->next, list);
	WRITE_ONCE(list->prev, list);
}

static inline void __list_add_rcu(struct list_head *new, struct list_head *prev,
				  struct list_head *next)
{
	new->next = next;
	new->prev = prev;
	rcu_assign_pointer(list_next_rcu(prev), new);
	next->prev = new;
}

static inline void list_add_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head, head->next);
}

static inline void list_add_tail_rcu(struct list_head *new, struct list_head *head)
{
	__list_add_rcu(new, head->prev, head);
}

/* The entry keeps its next pointer so a concurrent reader can walk on. */
static inline void list_del_rcu(struct list_head *entry)
{
	__list_del_entry(entry);
	entry->prev = LIST_POISON2;
}

static inline void list_replace_rcu(struct list_head *old, struct list_head *new)
{
	new->next = old->next;
	new->prev = old->prev;
	rcu_assign_pointer(list_next_rcu(new->prev), new);
	new->next->prev = new;
	old->prev = LIST_POISON2;
}

#define list_entry_rcu(ptr, type, member) \
	container_of(rcu_dereference_raw(ptr), type, member)
#define list_first_or_null_rcu(ptr, type, member) ({			\
	struct list_head *__lfr_head = (ptr);				\
	struct list_head *__lfr_next = rcu_dereference_raw(list_next_rcu(__lfr_head)); \
	__lfr_next != __lfr_head ? list_entry_rcu(__lfr_next, type, member) : NULL; })

void ksim_rcu_list_check(bool srcu, bool cond, const char *file, int line);
/* The optional-condition trick: with no cond, cond is 0. */
#define __ksim_list_cond(dummy, cond, ...)	(cond)
#define __ksim_list_check_rcu(cond)					\
	(unlikely(KSIM_FLAG(ksim_checkers_on)) ?					\
	 ksim_rcu_list_check(false, (cond), __FILE__, __LINE__) : (void)0)
#define __ksim_list_check_srcu(cond)					\
	(unlikely(KSIM_FLAG(ksim_checkers_on)) ?					\
	 ksim_rcu_list_check(true, (cond), __FILE__, __LINE__) : (void)0)

#define list_for_each_entry_rcu(pos, head, member, cond...)		\
	for (__ksim_list_check_rcu(__ksim_list_cond(dummy, ## cond, 0)), \
	     pos = list_entry_rcu(list_next_rcu(head), typeof(*pos), member); \
	     &pos->member != (head);					\
	     pos = list_entry_rcu(list_next_rcu(&pos->member), typeof(*pos), member))
#define list_for_each_entry_srcu(pos, head, member, cond)		\
	for (__ksim_list_check_srcu(cond),				\
	     pos = list_entry_rcu(list_next_rcu(head), typeof(*pos), member); \
	     &pos->member != (head);					\
	     pos = list_entry_rcu(list_next_rcu(&pos->member), typeof(*pos), member))

/* ---- hlist ---- */
static inline void hlist_add_head_rcu(struct hlist_node *n, struct hlist_head *h)
{
	struct hlist_node *first = h->first;

	n->next = first;
	WRITE_ONCE(n->pprev, &h->first);
	rcu_assign_pointer(hlist_first_rcu(h), n);
	if (first)
		WRITE_ONCE(first->pprev, &n->next);
}

static inline void hlist_del_rcu(struct hlist_node *n)
{
	__hlist_del(n);
	WRITE_ONCE(n->pprev, LIST_POISON2);
}

static inline void hlist_del_init_rcu(struct hlist_node *n)
{
	if (!hlist_unhashed(n)) {
		__hlist_del(n);
		WRITE_ONCE(n->pprev, NULL);
	}
}

#define __ksim_hlist_entry_rcu(ptr, type, member) ({			\
	struct hlist_node *__her_p = rcu_dereference_raw(ptr);		\
	__her_p ? hlist_entry(__her_p, type, member) : NULL; })
#define hlist_for_each_entry_rcu(pos, head, member, cond...)		\
	for (__ksim_list_check_rcu(__ksim_list_cond(dummy, ## cond, 0)), \
	     pos = __ksim_hlist_entry_rcu(hlist_first_rcu(head), typeof(*(pos)), member); \
	     pos;							\
	     pos = __ksim_hlist_entry_rcu(hlist_next_rcu(&(pos)->member), typeof(*(pos)), member))
#define hlist_for_each_entry_srcu(pos, head, member, cond)		\
	for (__ksim_list_check_srcu(cond),				\
	     pos = __ksim_hlist_entry_rcu(hlist_first_rcu(head), typeof(*(pos)), member); \
	     pos;							\
	     pos = __ksim_hlist_entry_rcu(hlist_next_rcu(&(pos)->member), typeof(*(pos)), member))

#endif
