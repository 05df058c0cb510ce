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

static __always_inline void pw_add_sched(struct pw_sched_counters *dst,
					 const struct pw_sched_counters *src)
{
	dst->runq_wait_ns += src->runq_wait_ns;
	dst->runq_waits += src->runq_waits;
	dst->offcpu_ns += src->offcpu_ns;
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
