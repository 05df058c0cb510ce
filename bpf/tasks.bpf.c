// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Task iterator: one pass over every thread writes its exact cumulative
 * counters. Userspace runs it once per interval; between passes nothing
 * here costs anything.
 */
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* The pass's instant (CLOCK_MONOTONIC ns), set by userspace before each
 * pass and used as the sample's time: every task's off-CPU time is then
 * measured to the same instant, so an idle task's grows by exactly the
 * interval (0 = take the clock per task). */
__u64 pass_time_ns = 0;

/* Records are too big for the 512-byte BPF stack. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pw_thread_record);
} record_scratch SEC(".maps");

SEC("iter/task")
int dump_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;
	__u32 zero = 0;

	if (!t)
		return 0;
	struct pw_thread_record *r = bpf_map_lookup_elem(&record_scratch, &zero);
	if (!r)
		return 0;
	__builtin_memset(r, 0, sizeof(*r));

	r->tid = t->pid;
	r->tgid = t->tgid;
	r->ppid = t->real_parent->tgid;
	r->uid = t->real_cred->uid.val;
	r->start_ns = t->start_time;
	r->cgroup_id = t->cgroups->dfl_cgrp->kn->id;
	/* A zombie's __state says nothing; exit_state holds EXIT_ZOMBIE. */
	r->state = pw_task_state(t) | t->exit_state;
	__builtin_memcpy(r->comm, t->comm, PW_COMM_LEN);
	if (t->flags & PF_KTHREAD)
		r->flags |= PW_REC_KTHREAD;
	pw_read_thread_counters(t, &r->counters);

	/* An exiting thread's waits were folded into its leader's "dead"
	 * totals by the exit program: counting them here too would double them. */
	bool exiting = t->flags & PF_EXITING;
	if (!exiting)
		pw_read_sched(t, &r->sched, pass_time_ns ? pass_time_ns : bpf_ktime_get_ns());
	struct pw_task_stats *s = bpf_task_storage_get(&task_stats, t, 0, 0);
	if (s) {
		r->flags |= PW_REC_HAS_SCHED;
		if (!exiting)
			r->runq_hist = s->runq_hist;
		/* Once folded, the thread's own counters are in dead_proc, and
		 * its storage IO in dead_*_bytes (it is still listed until it
		 * is reaped). */
		if (!(s->flags & PW_TS_FOLDED)) {
			r->proc = s->proc;
		} else {
			r->counters.read_bytes = 0;
			r->counters.write_bytes = 0;
		}
	}

	if (t->pid != t->tgid) {
		/* Threads other than the leader send only the common prefix. */
		bpf_seq_write(seq, r, offsetof(struct pw_thread_record, dead_counters));
		return 0;
	}
	r->flags |= PW_REC_LEADER;
	r->nr_threads = t->signal->nr_threads;
	pw_read_signal_counters(t, &r->dead_counters);
	/* signal_struct's ioac also holds the IO of every child this process
	 * reaped (wait_task_zombie(), kernel/exit.c); the exit program keeps
	 * the dead threads' own IO apart. Its faults, switches and CPU times
	 * have separate c* fields for children, so those are the threads'. */
	r->dead_counters.read_bytes = 0;
	r->dead_counters.write_bytes = 0;
	if (s) {
		r->dead_sched = s->dead;
		r->dead_runq_hist = s->dead_runq_hist;
		r->dead_proc = s->dead_proc;
		r->dead_counters.read_bytes = s->dead_read_bytes;
		r->dead_counters.write_bytes = s->dead_write_bytes;
	}
	pw_read_mem(t->mm, &r->mem);
	bpf_seq_write(seq, r, sizeof(*r));
	return 0;
}
