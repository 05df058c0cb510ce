// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * Process lifecycle: fork, exec and exit as ring-buffer events. These are
 * rare compared with scheduler events, so each one may carry a full record;
 * exit carries the process's final totals so a process that lived between
 * two iterator passes is still accounted for. The exit program also folds
 * an exiting thread's own counters into its leader (task_stats.bpf.h).
 * Never sampled.
 *
 * Each event is written straight into its ring-buffer record, with plain
 * loads through BTF pointers (common.bpf.h): the reserve and submit are
 * most of what remains (bpf_event_cost measures them alone).
 */
#include "events.bpf.h"
#include "task_stats.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* comm is 16 bytes: two loads instead of a string-copy helper call. The
 * kernel keeps it NUL-terminated within its 16 bytes. */
static __always_inline void copy_comm(char *dst, const char *src)
{
	__builtin_memcpy(dst, src, PW_COMM_LEN);
}

/* tp_btf: typed arguments. raw_tp (fallback chosen by userspace): the
 * arguments are plain numbers, so the child is read with BPF_CORE_READ. */
SEC("tp_btf/sched_process_fork")
int BPF_PROG(on_process_fork, struct task_struct *parent, struct task_struct *child)
{
	/* New threads are not processes; they show up in the iterator. */
	if (child->pid != child->tgid)
		return 0;
	struct pw_fork_event *e = reserve_event(PW_EVENT_FORK, sizeof(*e));
	if (!e)
		return 0;
	e->parent_tgid = parent->tgid;
	e->child_tgid = child->tgid;
	e->child_start_ns = child->start_time;
	copy_comm(e->comm, child->comm);
	submit_event(e);
	return 0;
}

SEC("raw_tp/sched_process_fork")
int BPF_PROG(on_process_fork_raw, struct task_struct *parent, struct task_struct *child)
{
	if (BPF_CORE_READ(child, pid) != BPF_CORE_READ(child, tgid))
		return 0;
	struct pw_fork_event *e = reserve_event(PW_EVENT_FORK, sizeof(*e));
	if (!e)
		return 0;
	/* The parent is the current task; the child's comm is a copy of its. */
	struct task_struct *cur = bpf_get_current_task_btf();
	e->parent_tgid = cur->tgid;
	e->child_tgid = BPF_CORE_READ(child, tgid);
	e->child_start_ns = BPF_CORE_READ(child, start_time);
	copy_comm(e->comm, cur->comm);
	submit_event(e);
	return 0;
}

/* The exec'ing task is current in both variants; only the file name comes
 * from an argument. */
static __always_inline int handle_exec(pid_t old_pid, const char *filename)
{
	struct task_struct *p = bpf_get_current_task_btf();
	struct pw_exec_event *e = reserve_event(PW_EVENT_EXEC, sizeof(*e));
	if (!e)
		return 0;
	e->tgid = p->tgid;
	e->old_tid = old_pid;
	e->start_ns = p->start_time;
	e->args_len = 0;
	e->pad0 = 0;
	copy_comm(e->comm, p->comm);
	if (bpf_probe_read_kernel_str(e->filename, sizeof(e->filename), filename) < 0)
		e->filename[0] = 0;

	/* The new image's argv was just copied by the kernel, so it is
	 * resident; read exactly the part that fits (its length is known). */
	struct mm_struct *mm = p->mm;
	unsigned long arg_start = mm->arg_start;
	unsigned long arg_end = mm->arg_end;
	__u64 len = arg_end > arg_start ? arg_end - arg_start : 0;
	if (len > PW_ARGS_LEN)
		len = PW_ARGS_LEN;
	/* Keeps clang 14 from losing the bound the verifier needs. */
	asm volatile("%[len] &= 0x1ff" : [len] "+r"(len));
	if (len > 0 && len <= PW_ARGS_LEN &&
	    bpf_probe_read_user(e->args, len, (void *)arg_start) == 0)
		e->args_len = len;
	submit_event(e);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(on_process_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(old_pid, bprm->filename);
}

SEC("raw_tp/sched_process_exec")
int BPF_PROG(on_process_exec_raw, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	return handle_exec(old_pid, BPF_CORE_READ(bprm, filename));
}

static __always_inline void add_proc(struct pw_proc_counters *dst,
				     const struct pw_proc_counters *src)
{
	dst->net_tx_bytes += src->net_tx_bytes;
	dst->net_rx_bytes += src->net_rx_bytes;
	dst->net_tx_calls += src->net_tx_calls;
	dst->net_rx_calls += src->net_rx_calls;
	dst->tcp_active_opens += src->tcp_active_opens;
	dst->block_read_ops += src->block_read_ops;
	dst->block_write_ops += src->block_write_ops;
	dst->block_read_bytes += src->block_read_bytes;
	dst->block_write_bytes += src->block_write_bytes;
	dst->mmap_bytes += src->mmap_bytes;
	dst->munmap_bytes += src->munmap_bytes;
	dst->brk_grow_bytes += src->brk_grow_bytes;
}

/* The same into a leader's totals, which other exiting threads may be
 * adding to at the same time. */
static __always_inline void add_proc_atomic(struct pw_proc_counters *dst,
					    const struct pw_proc_counters *src)
{
	__sync_fetch_and_add(&dst->net_tx_bytes, src->net_tx_bytes);
	__sync_fetch_and_add(&dst->net_rx_bytes, src->net_rx_bytes);
	__sync_fetch_and_add(&dst->net_tx_calls, src->net_tx_calls);
	__sync_fetch_and_add(&dst->net_rx_calls, src->net_rx_calls);
	__sync_fetch_and_add(&dst->tcp_active_opens, src->tcp_active_opens);
	__sync_fetch_and_add(&dst->block_read_ops, src->block_read_ops);
	__sync_fetch_and_add(&dst->block_write_ops, src->block_write_ops);
	__sync_fetch_and_add(&dst->block_read_bytes, src->block_read_bytes);
	__sync_fetch_and_add(&dst->block_write_bytes, src->block_write_bytes);
	__sync_fetch_and_add(&dst->mmap_bytes, src->mmap_bytes);
	__sync_fetch_and_add(&dst->munmap_bytes, src->munmap_bytes);
	__sync_fetch_and_add(&dst->brk_grow_bytes, src->brk_grow_bytes);
}

/* A thread that is not the last: its figures join its leader's dead_*
 * totals, so process totals never go backwards when a thread ends. */
static __always_inline void fold_into_leader(struct task_struct *p, struct pw_task_stats *own,
					     __u64 now)
{
	struct pw_task_stats *ls = bpf_task_storage_get(&task_stats, p->group_leader, 0,
							BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!ls)
		return;
	struct pw_sched_counters mine = {};
	pw_read_sched(p, &mine, now);
	__sync_fetch_and_add(&ls->dead.runq_wait_ns, mine.runq_wait_ns);
	__sync_fetch_and_add(&ls->dead.offcpu_ns, mine.offcpu_ns);
	/* The flag below also tells the iterator that this thread's storage
	 * IO moved to the leader, so the thread needs an entry of its own. */
	if (!own)
		own = bpf_task_storage_get(&task_stats, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!own || (own->flags & PW_TS_FOLDED))
		return;
	pw_add_hist(&ls->dead_runq_hist, &own->runq_hist);
	add_proc_atomic(&ls->dead_proc, &own->proc);
	/* Storage IO of dead threads is kept here rather than read from
	 * signal_struct, whose ioac also receives every reaped child's IO
	 * (wait_task_zombie(), kernel/exit.c): reading it charged a child's
	 * writes again to its parent, and to each ancestor in turn. What the
	 * thread reads or dirties after this tracepoint is not counted: rare,
	 * as write_bytes is charged when write() dirties pages, not at close. */
	if (bpf_core_field_exists(p->ioac)) {
		__sync_fetch_and_add(&ls->dead_read_bytes, p->ioac.read_bytes);
		__sync_fetch_and_add(&ls->dead_write_bytes, p->ioac.write_bytes);
	}
	own->flags |= PW_TS_FOLDED;
}

/* The last thread: the process is gone, its event carries everything. */
static __always_inline void emit_exit(struct task_struct *p, struct pw_task_stats *own)
{
	struct task_struct *leader = p->group_leader;
	struct pw_exit_event *e = reserve_event(PW_EVENT_EXIT, sizeof(*e));
	if (!e)
		return;
	struct signal_struct *sig = p->signal;
	e->tgid = p->tgid;
	e->ppid = p->real_parent->tgid;
	e->uid = p->real_cred->uid.val;
	e->exit_code = p->exit_code;
	e->start_ns = leader->start_time;
	e->lifetime_ns = e->hdr.ts_ns - e->start_ns;
	copy_comm(e->comm, p->comm);

	/* Reaped threads are in signal_struct; this last one is still live. */
	struct pw_task_counters self = {};
	e->counters = (struct pw_task_counters){};
	pw_read_signal_counters(p, &e->counters);
	pw_read_thread_counters(p, &self);
	pw_add_counters(&e->counters, &self);
	if (leader != p) {
		/* A zombie leader is reaped only after its last thread. */
		struct pw_task_counters lead = {};
		pw_read_thread_counters(leader, &lead);
		pw_add_counters(&e->counters, &lead);
	}

	/* Threads that exited before (and the leader, if it did) are in the
	 * leader's dead_*; this thread's own figures are added here. */
	struct pw_task_stats *ls =
		leader == p ? own : bpf_task_storage_get(&task_stats, leader, 0, 0);
	/* Storage IO: this thread's plus what the exited ones (the leader
	 * among them, if it went first) left in dead_*, never signal's ioac,
	 * which holds the reaped children's too (fold_into_leader). */
	e->counters.read_bytes = self.read_bytes;
	e->counters.write_bytes = self.write_bytes;
	if (ls) {
		e->counters.read_bytes += ls->dead_read_bytes;
		e->counters.write_bytes += ls->dead_write_bytes;
	}
	e->sched = (struct pw_sched_counters){};
	pw_read_sched(p, &e->sched, e->hdr.ts_ns);
	if (ls) {
		e->sched.runq_wait_ns += ls->dead.runq_wait_ns;
		e->sched.offcpu_ns += ls->dead.offcpu_ns;
		e->runq_hist = ls->dead_runq_hist;
		e->proc = ls->dead_proc;
	} else {
		e->runq_hist = (struct pw_hist){};
		e->proc = (struct pw_proc_counters){};
	}
	if (own && !(own->flags & PW_TS_FOLDED)) {
		for (int i = 0; i < PW_HIST_BUCKETS; i++)
			e->runq_hist.buckets[i] += own->runq_hist.buckets[i];
		add_proc(&e->proc, &own->proc);
	}
	/* exit_mm() already ran: only the peak survives, in signal_struct
	 * (pages, set from hiwater_rss just before). */
	e->mem = (struct pw_mem_gauges){};
	e->mem.rss_peak_bytes = (__u64)sig->maxrss << PW_PAGE_SHIFT;
	submit_event(e);
}

static __always_inline int handle_exit(void)
{
	struct task_struct *p = bpf_get_current_task_btf();
	struct pw_task_stats *own = bpf_task_storage_get(&task_stats, p, 0, 0);
	/* do_exit() decremented signal->live before this tracepoint: zero
	 * means this is the last thread, whatever the tracepoint's arity. */
	if (p->signal->live.counter != 0)
		fold_into_leader(p, own, bpf_ktime_get_ns());
	else
		emit_exit(p, own);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(on_process_exit, struct task_struct *p)
{
	return handle_exit();
}

SEC("raw_tp/sched_process_exit")
int BPF_PROG(on_process_exit_raw, struct task_struct *p)
{
	return handle_exit();
}
