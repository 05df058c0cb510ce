/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-thread state, in task local storage: no hash lookup on the hot
 * path, and the kernel frees an entry together with its task, so the map
 * cannot grow under PID churn. Every object that includes this defines the
 * map; userspace makes them one with bpf_map__reuse_fd().
 *
 * Each thread counts the work it does in its own context in its own entry
 * (pw_task_stats.proc, .io, .runq_hist): one thread runs on one CPU at a
 * time, so plain adds suffice and threads of one process never share a
 * cache line on their hot paths. When a thread exits, the lifecycle
 * object folds its counters into the group leader's dead_* fields (with
 * atomics: several threads may exit at once) and sets PW_TS_FOLDED.
 */
#ifndef PROCWATCH_TASK_STATS_BPF_H
#define PROCWATCH_TASK_STATS_BPF_H

#include "common.bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct pw_task_stats);
} task_stats SEC(".maps");

/* The kernel's own wait accounting of one thread (sched_info) and the
 * time it spent blocked: its lifetime minus time on a CPU and in a queue. */
static __always_inline void pw_read_sched(struct task_struct *t, struct pw_sched_counters *c,
					 __u64 now)
{
	/* Without CONFIG_SCHED_INFO there is no run_delay: report none. */
	if (!bpf_core_field_exists(t->sched_info))
		return;
	__u64 delay = t->sched_info.run_delay;
	__u64 oncpu = t->se.sum_exec_runtime;
	__u64 age = now - t->start_time;
	c->runq_wait_ns = delay;
	c->offcpu_ns = age > oncpu + delay ? age - oncpu - delay : 0;
}

static __always_inline void pw_add_hist(struct pw_hist *dst, const struct pw_hist *src)
{
	for (int i = 0; i < PW_HIST_BUCKETS; i++)
		if (src->buckets[i])
			__sync_fetch_and_add(&dst->buckets[i], src->buckets[i]);
}

/* A thread's own entry, created on first use. */
static __always_inline struct pw_task_stats *pw_thread_stats(struct task_struct *t)
{
	return bpf_task_storage_get(&task_stats, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
}

/* After its counters were folded (PW_TS_FOLDED), an exiting thread can
 * still do work in its own context (exit_files() runs after the
 * sched_process_exit tracepoint and may flush a file): that goes straight
 * to the leader's totals. Rare, so one more lookup is fine. */
static __always_inline void pw_leader_add(__u32 offset, __u64 v)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pw_task_stats *ls = bpf_task_storage_get(&task_stats, t->group_leader, 0,
							BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (ls)
		__sync_fetch_and_add((__u64 *)((char *)&ls->dead_proc + offset), v);
}

/* Adds v to a pw_proc_counters field of the current thread, whose entry
 * is s (from pw_thread_stats(current)). */
#define pw_proc_add(s, field, v)                                                        \
	do {                                                                            \
		if (!((s)->flags & PW_TS_FOLDED))                                       \
			(s)->proc.field += (v);                                         \
		else                                                                    \
			pw_leader_add(__builtin_offsetof(struct pw_proc_counters, field), \
				      (v));                                             \
	} while (0)

#endif /* PROCWATCH_TASK_STATS_BPF_H */
