/* SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause) */
/*
 * The only contract between the BPF programs and the C++ engine.
 *
 * Rules: fixed-width types only, explicit padding, every field says its
 * unit, and every struct carries a static size check that both compilers
 * (clang -target bpf and g++) evaluate. Changing a layout means changing the
 * size below, which forces both sides to be rebuilt together.
 */
#ifndef PROCWATCH_ABI_H
#define PROCWATCH_ABI_H

#ifdef __bpf__
/* vmlinux.h provides __u32/__u64 on the BPF side. */
#else
#include <linux/types.h>
#endif

#define PW_COMM_LEN 16
#define PW_FILENAME_LEN 256
#define PW_ARGS_LEN 256
/* Log2 buckets: bucket k counts values in [2^k, 2^(k+1)) nanoseconds;
 * bucket 0 also holds 0 and the last bucket holds everything above. */
#define PW_HIST_BUCKETS 32

/* Kinds of ring-buffer events; also the index of the per-CPU drop counters. */
enum pw_event_kind {
	PW_EVENT_FORK = 1,
	PW_EVENT_EXEC = 2,
	PW_EVENT_EXIT = 3,
	PW_EVENT_KIND_MAX = 4,
};

/*
 * Cumulative per-task counters read straight from the kernel's own
 * accounting (task_struct / signal_struct), so they agree with /proc.
 * Used for live threads (iterator) and for a whole process at exit.
 */
struct pw_task_counters {
	__u64 runtime_ns;        /* se.sum_exec_runtime, ns on CPU */
	__u64 vol_ctxsw;         /* nvcsw: voluntary context switches */
	__u64 invol_ctxsw;       /* nivcsw: involuntary (preempted) switches */
	__u64 min_flt;           /* minor page faults */
	__u64 maj_flt;           /* major page faults */
	__u64 read_bytes;        /* ioac.read_bytes: bytes fetched from storage */
	__u64 write_bytes;       /* ioac.write_bytes: bytes sent to storage */
	__u64 utime_ns;          /* user CPU time, ns (tick based) */
	__u64 stime_ns;          /* system CPU time, ns (tick based) */
};

/*
 * Counters that only procwatch's scheduler programs measure. Kept in BPF
 * task local storage so they die with the task and cost no hash lookup.
 */
struct pw_sched_counters {
	__u64 runq_wait_ns;      /* sum of wakeup/preempt -> switch-in delays */
	__u64 runq_waits;        /* number of such delays */
	__u64 offcpu_ns;         /* time blocked: switch-out (sleeping) -> wakeup */
};

/* Per-process run-queue latency histogram (see PW_HIST_BUCKETS). */
struct pw_hist {
	__u32 buckets[PW_HIST_BUCKETS];
};

/* Value of the task_stats task-storage map, one per thread. */
struct pw_task_stats {
	__u64 switched_out_ns;   /* ktime when the task last left the CPU blocked */
	__u64 enqueued_ns;       /* ktime when it became runnable; 0 = not waiting */
	struct pw_sched_counters self;  /* this thread's own totals */
	/* Only meaningful in a group leader's entry: */
	struct pw_sched_counters dead;  /* totals folded in from exited threads */
	struct pw_hist runq_hist;       /* whole-process run-queue latency */
};

/* One record per live thread, written by the task iterator each interval. */
struct pw_thread_record {
	__u32 tid;
	__u32 tgid;
	__u32 ppid;              /* real_parent's tgid */
	__u32 uid;               /* real uid, init user namespace */
	__u64 start_ns;          /* task->start_time, CLOCK_MONOTONIC ns */
	__u32 state;             /* task __state bits */
	__u32 flags;             /* PW_REC_* */
	__u32 nr_threads;        /* signal->nr_threads (leader only) */
	__u32 pad0;
	char comm[PW_COMM_LEN];
	struct pw_task_counters counters; /* this thread */
	struct pw_sched_counters sched;   /* this thread */
	/* Leader only: counters of threads that already exited. */
	struct pw_task_counters dead_counters;
	struct pw_sched_counters dead_sched;
	struct pw_hist runq_hist;
};

#define PW_REC_LEADER (1u << 0)     /* tid == tgid */
#define PW_REC_KTHREAD (1u << 1)    /* PF_KTHREAD */
#define PW_REC_HAS_SCHED (1u << 2)  /* task storage existed */

struct pw_event_header {
	__u32 kind;              /* enum pw_event_kind */
	__u32 cpu;
	__u64 ts_ns;             /* bpf_ktime_get_ns() */
};

struct pw_fork_event {
	struct pw_event_header hdr;
	__u32 parent_tgid;
	__u32 child_tgid;
	__u64 child_start_ns;
	char comm[PW_COMM_LEN];
};

struct pw_exec_event {
	struct pw_event_header hdr;
	__u32 tgid;
	__u32 old_tid;           /* tid that called exec (de_thread may change it) */
	__u64 start_ns;
	__u32 args_len;          /* bytes valid in args, NUL separated */
	__u32 pad0;
	char comm[PW_COMM_LEN];
	char filename[PW_FILENAME_LEN];
	char args[PW_ARGS_LEN];
};

/* Emitted when the last thread of a process exits, with final totals. */
struct pw_exit_event {
	struct pw_event_header hdr;
	__u32 tgid;
	__u32 ppid;
	__u32 uid;
	__u32 exit_code;         /* wait status: code << 8 | signal (| 0x80 core) */
	__u64 start_ns;
	__u64 lifetime_ns;
	char comm[PW_COMM_LEN];
	struct pw_task_counters counters; /* whole process, all threads */
	struct pw_sched_counters sched;   /* whole process, all threads */
	struct pw_hist runq_hist;
};

/* Size checks: a mismatch here is a build error on both sides. */
#ifdef __cplusplus
#define PW_ABI_ASSERT(expr, msg) static_assert(expr, msg)
#else
#define PW_ABI_ASSERT(expr, msg) _Static_assert(expr, msg)
#endif
PW_ABI_ASSERT(sizeof(struct pw_task_counters) == 72, "pw_task_counters layout");
PW_ABI_ASSERT(sizeof(struct pw_sched_counters) == 24, "pw_sched_counters layout");
PW_ABI_ASSERT(sizeof(struct pw_hist) == 128, "pw_hist layout");
PW_ABI_ASSERT(sizeof(struct pw_task_stats) == 16 + 24 + 24 + 128, "pw_task_stats layout");
PW_ABI_ASSERT(sizeof(struct pw_thread_record) == 56 + 72 + 24 + 72 + 24 + 128, "pw_thread_record layout");
PW_ABI_ASSERT(sizeof(struct pw_fork_event) == 16 + 16 + 16, "pw_fork_event layout");
PW_ABI_ASSERT(sizeof(struct pw_exec_event) == 16 + 24 + 16 + 512, "pw_exec_event layout");
PW_ABI_ASSERT(sizeof(struct pw_exit_event) == 16 + 32 + 16 + 72 + 24 + 128, "pw_exit_event layout");

#endif /* PROCWATCH_ABI_H */
