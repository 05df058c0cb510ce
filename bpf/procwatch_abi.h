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
	PW_EVENT_OOM_KILL = 4,
	PW_EVENT_KIND_MAX = 5,
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
	__u64 read_bytes;        /* ioac.read_bytes: bytes fetched from storage,
				  * this process's own (no reaped children) */
	__u64 write_bytes;       /* ioac.write_bytes: bytes sent to storage, ditto */
	__u64 utime_ns;          /* user CPU time, ns (tick based) */
	__u64 stime_ns;          /* system CPU time, ns (tick based) */
};

/*
 * Scheduler waits: run_delay and off-CPU time come from the kernel's own
 * sched_info accounting (read by the task iterator); procwatch adds only
 * the distribution of the waits (runq_hist).
 */
struct pw_sched_counters {
	__u64 runq_wait_ns;      /* sched_info.run_delay: runnable, waiting for a CPU */
	__u64 runq_waits;        /* waits recorded in the histogram */
	__u64 offcpu_ns;         /* lifetime - on-CPU - run-queue wait: blocked */
};

/*
 * Counters of work a thread does in its own context (send/recv, bio
 * submission, mmap/brk). Each thread counts its own in its task storage,
 * without atomics and without sharing a cache line with its siblings; at
 * its exit they are folded into the leader's dead_proc, and a process's
 * total is the sum over its live threads plus dead_proc.
 * Under sampling (sampling.bpf.h) the socket, block and mmap/brk counters
 * are unbiased estimates; tcp_active_opens is always exact.
 */
struct pw_proc_counters {
	__u64 net_tx_bytes;      /* payload bytes sent (sock_send_length > 0) */
	__u64 net_rx_bytes;      /* payload bytes received */
	__u64 net_tx_calls;      /* successful sends */
	__u64 net_rx_calls;      /* successful receives */
	__u64 tcp_active_opens;  /* connect(): CLOSE -> SYN_SENT */
	__u64 block_read_ops;    /* read bios submitted */
	__u64 block_write_ops;   /* write bios submitted */
	__u64 block_read_bytes;
	__u64 block_write_bytes;
	__u64 mmap_bytes;        /* length asked of mmap() */
	__u64 munmap_bytes;      /* length given to munmap() */
	__u64 brk_grow_bytes;    /* heap growth through brk() */
};

/* Memory levels of a process at the time of reading, bytes. */
struct pw_mem_gauges {
	__u64 rss_anon_bytes;
	__u64 rss_file_bytes;
	__u64 rss_shmem_bytes;
	__u64 swap_bytes;
	__u64 rss_peak_bytes;    /* max(hiwater_rss, current rss): VmHWM */
	__u64 vm_size_bytes;     /* total_vm: VmSize */
};

/* TCP events charged to the socket's owner, wherever they happen
 * (softirq, timers): value of the tcp_events hash keyed by owner tgid. */
struct pw_tcp_events {
	__u64 passive_opens;     /* SYN_RECV -> ESTABLISHED */
	__u64 closes;            /* -> CLOSE */
	__u64 retransmits;       /* tcp_retransmit_skb */
	__u64 resets;            /* RST sent or received */
};

/* Key and value of the io_stats hash: block IO per process per device. */
struct pw_io_key {
	__u32 tgid;              /* submitter; 0 when unknown */
	__u32 dev;               /* dev_t, kernel encoding: major << 20 | minor */
};

/* Per-process run-queue latency histogram (see PW_HIST_BUCKETS). */
struct pw_hist {
	__u32 buckets[PW_HIST_BUCKETS];
};

struct pw_io_stats {
	__u64 read_bytes;        /* bytes in bios the process submitted */
	__u64 write_bytes;
	__u64 read_ops;          /* bios submitted */
	__u64 write_ops;
	struct pw_hist latency;  /* requests it made: issue -> complete, ns */
};

/* Block IO a thread submitted to one device (see pw_task_stats.io). */
struct pw_io_slot {
	__u32 dev;               /* dev_t, kernel encoding: major << 20 | minor */
	__u32 pad0;
	__u64 read_bytes;        /* bytes in bios submitted */
	__u64 write_bytes;
	__u64 read_ops;          /* bios submitted */
	__u64 write_ops;
};

/* Devices a thread counts in its own storage; bios to further devices go
 * to the io_stats hash (a thread rarely writes to more than a few). */
#define PW_IO_SLOTS 4

/* pw_task_stats.flags */
#define PW_TS_FOLDED (1u << 0)     /* proc, runq_hist and ioac are in the leader's dead_* */
#define PW_TS_IO_FOLDED (1u << 1)  /* io slots are in the io_stats hash */

/*
 * Value of the task_stats task-storage map, one per thread. The fields a
 * thread updates on its own hot paths come first: the first 56 bytes share
 * a cache line with the storage's header, which every lookup reads
 * (queued_ns is among them: its reader, the switch-in, reads that line).
 */
struct pw_task_stats {
	__u64 brk_before;        /* mm->brk at sys_enter_brk, for the growth */
	__u32 brk_shift;         /* sample shift of that brk call (sampling.bpf.h) */
	__u32 flags;             /* PW_TS_* */
	__u32 io_slots;          /* io[] entries in use */
	__u32 pad0;
	/* bpf_ktime_get_ns() when the thread was last woken or preempted (the
	 * start of its current run-queue wait); 0 = not stamped. */
	__u64 queued_ns;
	struct pw_proc_counters proc;   /* this thread's own, until PW_TS_FOLDED */
	struct pw_hist runq_hist;       /* this thread's run-queue latencies */
	struct pw_io_slot io[PW_IO_SLOTS]; /* this thread's bios, until PW_TS_IO_FOLDED */
	/* Only meaningful in a group leader's entry, updated with atomics: */
	struct pw_sched_counters dead;  /* totals folded in from exited threads */
	struct pw_hist dead_runq_hist;  /* their latencies */
	struct pw_proc_counters dead_proc; /* their (and an exited leader's) proc */
	/* Their ioac (storage bytes) at exit. signal_struct's ioac is not used:
	 * wait_task_zombie() adds every reaped child's IO to it as well. */
	__u64 dead_read_bytes;
	__u64 dead_write_bytes;
};

/* One live thread's block IO to one device, from the io object's task
 * iterator (ProbeSet::read_io_stats adds the io_stats hash to these). */
struct pw_io_record {
	__u32 tgid;
	__u32 dev;
	__u64 read_bytes;
	__u64 write_bytes;
	__u64 read_ops;
	__u64 write_ops;
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
	__u64 cgroup_id;         /* cgroup v2 (default hierarchy) id */
	char comm[PW_COMM_LEN];
	struct pw_task_counters counters; /* this thread */
	struct pw_sched_counters sched;   /* this thread */
	struct pw_hist runq_hist;         /* this thread */
	struct pw_proc_counters proc;     /* this thread */
	/* Leader only: counters of threads that already exited. */
	struct pw_task_counters dead_counters;
	struct pw_sched_counters dead_sched;
	struct pw_hist dead_runq_hist;
	struct pw_proc_counters dead_proc;
	struct pw_mem_gauges mem;
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
	struct pw_proc_counters proc;
	struct pw_mem_gauges mem;         /* at exit: peak and size only */
};

/* The OOM killer chose a victim; written in the triggering task's context. */
struct pw_oom_event {
	struct pw_event_header hdr;
	__u32 victim_tgid;
	__u32 trigger_tgid;
	__u64 victim_start_ns;
	__u64 victim_rss_bytes;  /* anon + file + shmem at the kill */
	char victim_comm[PW_COMM_LEN];
	char trigger_comm[PW_COMM_LEN];
};

/* One socket with procwatch storage, written by the socket iterator. */
struct pw_socket_record {
	__u32 owner_tgid;
	__u16 family;            /* AF_INET / AF_INET6 */
	__u8 protocol;           /* IPPROTO_TCP / IPPROTO_UDP */
	__u8 state;              /* TCP state (include/net/tcp_states.h) */
	__u16 local_port;        /* host order */
	__u16 remote_port;       /* host order */
	__u32 srtt_us;           /* TCP smoothed RTT, us; 0 = none */
	__u8 local_addr[16];     /* IPv4 in the first 4 bytes */
	__u8 remote_addr[16];
	__u64 tx_bytes;
	__u64 rx_bytes;
	__u64 retransmits;
};

/* Value of the sock_stats socket-storage map. */
struct pw_sock_stats {
	__u32 owner_tgid;        /* who last sent, received, connected or listened */
	__u32 pad0;
	__u64 tx_bytes;
	__u64 rx_bytes;
	__u64 retransmits;
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
PW_ABI_ASSERT(sizeof(struct pw_proc_counters) == 96, "pw_proc_counters layout");
PW_ABI_ASSERT(sizeof(struct pw_mem_gauges) == 48, "pw_mem_gauges layout");
PW_ABI_ASSERT(sizeof(struct pw_tcp_events) == 32, "pw_tcp_events layout");
PW_ABI_ASSERT(sizeof(struct pw_io_key) == 8, "pw_io_key layout");
PW_ABI_ASSERT(sizeof(struct pw_io_stats) == 32 + 128, "pw_io_stats layout");
PW_ABI_ASSERT(sizeof(struct pw_io_slot) == 40, "pw_io_slot layout");
PW_ABI_ASSERT(sizeof(struct pw_io_record) == 40, "pw_io_record layout");
PW_ABI_ASSERT(sizeof(struct pw_task_stats) == 32 + 96 + 128 + 4 * 40 + 24 + 128 + 96 + 16,
	      "pw_task_stats layout");
PW_ABI_ASSERT(sizeof(struct pw_thread_record) == 64 + 72 + 24 + 128 + 96 + 72 + 24 + 128 + 96 + 48,
	      "pw_thread_record layout");
PW_ABI_ASSERT(sizeof(struct pw_oom_event) == 16 + 24 + 32, "pw_oom_event layout");
PW_ABI_ASSERT(sizeof(struct pw_socket_record) == 16 + 32 + 24, "pw_socket_record layout");
PW_ABI_ASSERT(sizeof(struct pw_sock_stats) == 32, "pw_sock_stats layout");
PW_ABI_ASSERT(sizeof(struct pw_fork_event) == 16 + 16 + 16, "pw_fork_event layout");
PW_ABI_ASSERT(sizeof(struct pw_exec_event) == 16 + 24 + 16 + 512, "pw_exec_event layout");
PW_ABI_ASSERT(sizeof(struct pw_exit_event) == 16 + 32 + 16 + 72 + 24 + 128 + 96 + 48,
	      "pw_exit_event layout");

/*
 * Exact allocation tracking (alloc.bpf.c, `leaks --exact`). Allocations are
 * sampled by bytes: a per-thread countdown drawn from an exponential
 * distribution (mean = the sampling period, jemalloc's prof_sample), so an
 * allocation of s bytes is sampled with probability 1 - exp(-s / period) and
 * userspace unbiases each sampled one to s / (1 - exp(-s / period)).
 */
#define PW_ALLOC_GAP_SLOTS 1024   /* exponential quantiles userspace fills */

/* Value of the outstanding-allocations map, keyed by the user address. */
struct pw_alloc_info {
	__u64 size_bytes;        /* requested size */
	__u64 alloc_ns;          /* bpf_ktime_get_ns() at the return of the call */
	__s32 stack_id;          /* in the stack-trace map; < 0: the walk failed */
	__u32 pad;
};

/* Per-CPU counters of alloc.bpf.c, summed by userspace. */
struct pw_alloc_counters {
	__u64 alloc_calls;       /* allocation calls of the target seen */
	__u64 alloc_bytes;       /* bytes requested by them */
	__u64 sampled;           /* allocations recorded in the map */
	__u64 map_full_drops;    /* sampled but the map was full: lost */
	__u64 stack_errors;      /* sampled with a failed stack walk */
	__u64 free_calls;        /* free/realloc-of-old calls of the target */
	__u64 frees_matched;     /* of which freed a recorded allocation */
	__u64 pad;
};
PW_ABI_ASSERT(sizeof(struct pw_alloc_info) == 24, "pw_alloc_info layout");
PW_ABI_ASSERT(sizeof(struct pw_alloc_counters) == 64, "pw_alloc_counters layout");

#endif /* PROCWATCH_ABI_H */
