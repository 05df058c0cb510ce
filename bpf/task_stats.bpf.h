/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The per-thread scheduler state, in task local storage: no hash lookup on
 * the hot path, and the kernel frees an entry together with its task, so
 * the map cannot grow under PID churn. Every object that includes this
 * defines the map; userspace makes them one with bpf_map__reuse_fd().
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
	__u64 delay = BPF_CORE_READ(t, sched_info.run_delay);
	__u64 oncpu = BPF_CORE_READ(t, se.sum_exec_runtime);
	__u64 age = now - BPF_CORE_READ(t, start_time);
	c->runq_wait_ns = delay;
	c->offcpu_ns = age > oncpu + delay ? age - oncpu - delay : 0;
}

static __always_inline void pw_add_hist(struct pw_hist *dst, const struct pw_hist *src)
{
	for (int i = 0; i < PW_HIST_BUCKETS; i++)
		if (src->buckets[i])
			__sync_fetch_and_add(&dst->buckets[i], src->buckets[i]);
}

/* The whole-process counters of the current task's process, or NULL. */
static __always_inline struct pw_proc_counters *pw_current_proc(void)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pw_task_stats *s = bpf_task_storage_get(&task_stats, t->group_leader, 0,
						       BPF_LOCAL_STORAGE_GET_F_CREATE);
	return s ? &s->proc : 0;
}

#endif /* PROCWATCH_TASK_STATS_BPF_H */
