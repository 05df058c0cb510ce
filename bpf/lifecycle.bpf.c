// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process lifecycle: fork, exec and exit as ring-buffer events. These are
 * rare compared with scheduler events, so each one may carry a full record;
 * exit carries the process's final totals so a process that lived between
 * two iterator passes is still accounted for.
 */
#include "events.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * The bodies below read through BPF_CORE_READ and take the current task
 * from bpf_get_current_task_btf(), so the same code serves both attach
 * variants: tp_btf (preferred) and raw_tp (fallback chosen by userspace).
 */
static __always_inline int handle_fork(struct task_struct *child)
{
	/* New threads are not processes; they show up in the iterator. */
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	struct pw_fork_event *e = reserve_event(PW_EVENT_FORK, sizeof(*e));
	if (!e)
		return 0;
	e->parent_tgid = bpf_get_current_pid_tgid() >> 32;
	e->child_tgid = BPF_CORE_READ(child, tgid);
	e->child_start_ns = BPF_CORE_READ(child, start_time);
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &child->comm);
	submit_event(e);
	return 0;
}

static __always_inline int handle_exec(pid_t old_pid, struct linux_binprm *bprm)
{
	struct task_struct *p = bpf_get_current_task_btf();
	struct pw_exec_event *e = reserve_event(PW_EVENT_EXEC, sizeof(*e));
	if (!e)
		return 0;
	e->tgid = BPF_CORE_READ(p, tgid);
	e->old_tid = old_pid;
	e->start_ns = BPF_CORE_READ(p, start_time);
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &p->comm);
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), BPF_CORE_READ(bprm, filename));

	/* The new image's argv was just copied by the kernel, so it is resident. */
	unsigned long arg_start = BPF_CORE_READ(p, mm, arg_start);
	unsigned long arg_end = BPF_CORE_READ(p, mm, arg_end);
	__u64 len = arg_end > arg_start ? arg_end - arg_start : 0;
	/* argv is followed by envp on the stack, so a fixed-size read stays in
	 * the mapping; only the first args_len bytes are argv. */
	if (len > 0 && bpf_probe_read_user(e->args, sizeof(e->args), (void *)arg_start) == 0) {
		e->args_len = len < sizeof(e->args) ? len : sizeof(e->args);
	} else if (len > 0 && len < sizeof(e->args)) {
		/* Short argv at the very top of the stack: read exactly it. */
		__u32 n = len & (PW_ARGS_LEN - 1);
		if (bpf_probe_read_user(e->args, n, (void *)arg_start) == 0)
			e->args_len = n;
	}
	submit_event(e);
	return 0;
}

static __always_inline int handle_exit(void)
{
	struct task_struct *p = bpf_get_current_task_btf();
	struct task_struct *leader = p->group_leader;
	struct pw_task_stats *own = bpf_task_storage_get(&task_stats, p, 0, 0);
	struct pw_task_stats *ls = bpf_task_storage_get(&task_stats, leader, 0,
							BPF_LOCAL_STORAGE_GET_F_CREATE);

	/* Fold this thread's scheduler figures into its process, so process
	 * totals never go backwards when a thread ends. */
	if (ls) {
		struct pw_sched_counters mine = {};
		pw_read_sched(p, &mine, bpf_ktime_get_ns());
		__sync_fetch_and_add(&ls->dead.runq_wait_ns, mine.runq_wait_ns);
		__sync_fetch_and_add(&ls->dead.offcpu_ns, mine.offcpu_ns);
		if (own)
			pw_add_hist(&ls->dead_runq_hist, &own->runq_hist);
	}

	/* do_exit() decremented signal->live before this tracepoint: zero
	 * means this is the last thread, whatever the tracepoint's arity. */
	if (BPF_CORE_READ(p, signal, live.counter) != 0)
		return 0;

	struct pw_exit_event *e = reserve_event(PW_EVENT_EXIT, sizeof(*e));
	if (!e)
		return 0;
	e->tgid = BPF_CORE_READ(p, tgid);
	e->ppid = BPF_CORE_READ(p, real_parent, tgid);
	e->uid = BPF_CORE_READ(p, real_cred, uid.val);
	e->exit_code = BPF_CORE_READ(p, exit_code);
	e->start_ns = BPF_CORE_READ(leader, start_time);
	e->lifetime_ns = e->hdr.ts_ns - e->start_ns;
	bpf_probe_read_kernel_str(e->comm, sizeof(e->comm), &p->comm);

	/* Reaped threads are in signal_struct; this last one is still live. */
	struct pw_task_counters self = {};
	pw_read_signal_counters(p, &e->counters);
	pw_read_thread_counters(p, &self);
	pw_add_counters(&e->counters, &self);
	if (leader != p) {
		/* A zombie leader is reaped only after its last thread. */
		struct pw_task_counters lead = {};
		pw_read_thread_counters(leader, &lead);
		pw_add_counters(&e->counters, &lead);
	}
	if (ls) {
		/* This last thread was folded in just above. */
		e->sched = ls->dead;
		e->runq_hist = ls->dead_runq_hist;
		e->proc = ls->proc;
	}
	/* exit_mm() already ran: only the peak survives, in signal_struct
	 * (pages, set from hiwater_rss just before). */
	e->mem.rss_peak_bytes = (__u64)BPF_CORE_READ(p, signal, maxrss) << PW_PAGE_SHIFT;
	submit_event(e);
	return 0;
}

SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_process_fork, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(child);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(old_pid, bprm);
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *p)
{
	return handle_exit();
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_process_fork_raw, struct task_struct *parent, struct task_struct *child)
{
	return handle_fork(child);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(on_process_exec_raw, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(old_pid, bprm);
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_process_exit_raw, struct task_struct *p)
{
	return handle_exit();
}
