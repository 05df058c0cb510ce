// What one collection pass read: raw cumulative counters, never rates.
// Live `top`, recording and replay all produce or consume this one type;
// rates exist only in the Model derived from two Samples.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/counters.h"
#include "model/histogram.h"

namespace pw {

// A process is identified by pid AND start time: PIDs are reused.
struct ProcessKey {
  std::int32_t pid = 0;
  std::uint64_t start_ns = 0;  // CLOCK_MONOTONIC ns at creation
  bool operator==(const ProcessKey&) const = default;
};

struct ThreadSample {
  std::int32_t tid = 0;
  std::uint64_t start_ns = 0;  // CLOCK_MONOTONIC ns at creation
  std::string comm;
  char state = '?';
  CounterSet counters;
  Log2Histogram runq_hist;  // this thread's run-queue latency, ns (cumulative)
};

// Block IO of one process on one device (cumulative).
struct DeviceIo {
  std::uint32_t dev = 0;  // kernel dev_t: major << 20 | minor
  std::string name;       // "vda", "nvme0n1"; empty if unknown
  std::uint64_t read_bytes = 0, write_bytes = 0, read_ops = 0, write_ops = 0;
  bool operator==(const DeviceIo&) const = default;
};

// One socket connection of a process, as of the sample.
struct Connection {
  std::uint8_t protocol = 6;  // IPPROTO_TCP / IPPROTO_UDP
  std::uint8_t family = 4;    // 4 or 6
  std::string local;          // "127.0.0.1:5201", "[::1]:443"
  std::string remote;
  std::string state;                         // "ESTABLISHED", "LISTEN", ... ("" for UDP)
  std::optional<std::uint32_t> srtt_us;      // TCP smoothed RTT
  std::uint64_t tx_bytes = 0, rx_bytes = 0;  // cumulative on this socket
  std::uint64_t retransmits = 0;
  bool operator==(const Connection&) const = default;
};

struct ProcessSample {
  ProcessKey key;
  std::int32_t ppid = 0;
  // A thread row (top -H, threads_as_rows()): the process it belongs to;
  // 0 for a process row.
  std::int32_t tgid = 0;
  std::uint32_t uid = 0;
  std::string comm;             // kernel's 15-byte name; untrusted bytes
  std::string cmdline;          // argv joined with spaces; untrusted bytes; may be empty
  std::string user;             // resolved name; empty when unknown
  std::string cgroup;           // cgroup v2 path (or first v1 path); empty when unknown
  std::uint64_t cgroup_id = 0;  // v2 cgroup id (kernfs inode); 0 = unknown
  char state = '?';             // R S D Z T I ... as in /proc/PID/stat; 'X' = exited
  std::uint32_t num_threads = 0;
  bool kernel_thread = false;
  // Set for a process whose exit was seen in this interval: its counters
  // are the final totals carried by the exit event.
  std::optional<std::uint32_t> exit_status;  // wait(2) status word
  std::optional<std::uint64_t> exit_ns;      // CLOCK_MONOTONIC ns
  CounterSet counters;                       // whole process, all threads
  Log2Histogram runq_hist;                   // run-queue latency, ns
  Log2Histogram io_hist;                     // block IO latency (issue -> complete), ns
  std::vector<DeviceIo> devices;             // block IO per device (may be empty)
  std::vector<Connection> connections;       // open sockets (may be empty)
  std::vector<ThreadSample> threads;         // live threads (may be empty)
};

// Process lifecycle events seen during the interval, kept for recording
// and for "what started / exited" views.
struct LifecycleEvent {
  enum class Kind : std::uint8_t { Fork, Exec, Exit, OomKill };
  Kind kind = Kind::Fork;
  std::uint64_t ts_ns = 0;  // CLOCK_MONOTONIC
  ProcessKey key;
  std::int32_t ppid = 0;
  std::string comm;
  std::string filename;  // exec: the executed file
  std::string argv;      // exec: arguments joined by spaces (first 256 bytes)
  std::optional<std::uint32_t> exit_status;
  // OomKill: key/comm are the victim; these name the trigger and the size.
  std::int32_t trigger_pid = 0;
  std::string trigger_comm;
  std::uint64_t victim_rss_bytes = 0;
};

// "fork", "exec", "exit", "oom_kill": the stable name in JSON and exports.
std::string_view event_kind_name(LifecycleEvent::Kind kind);

struct CpuTimes {  // jiffies-derived totals from /proc/stat, in ns
  std::uint64_t user_ns = 0, nice_ns = 0, system_ns = 0, idle_ns = 0, iowait_ns = 0, irq_ns = 0,
                softirq_ns = 0, steal_ns = 0;
  std::uint64_t busy_ns() const {
    return user_ns + nice_ns + system_ns + irq_ns + softirq_ns + steal_ns;
  }
  std::uint64_t total_ns() const { return busy_ns() + idle_ns + iowait_ns; }
  bool operator==(const CpuTimes&) const = default;
};

struct SystemSample {
  std::uint64_t wall_ns = 0;       // CLOCK_REALTIME at collection
  std::uint64_t monotonic_ns = 0;  // CLOCK_MONOTONIC at collection
  std::string hostname;
  std::uint32_t num_cpus = 0;
  CpuTimes cpu;
  double load1 = 0, load5 = 0, load15 = 0;
  std::uint32_t procs_running = 0;
  std::uint64_t mem_total_bytes = 0, mem_available_bytes = 0;
  std::uint64_t events_total = 0;    // lifecycle events received, cumulative
  std::uint64_t events_dropped = 0;  // ring buffer drops, cumulative, all CPUs
};

// procwatch's own cost, cumulative like everything else in a Sample.
struct ProgramCounters {
  std::string object;             // "sched", "net", ...
  std::string name;               // program name in the .bpf.c
  std::uint64_t run_count = 0;    // times the program ran
  std::uint64_t run_time_ns = 0;  // total time inside it
  bool operator==(const ProgramCounters&) const = default;
};

// How full one of procwatch's BPF maps was (see ProbeSet::map_occupancy).
struct MapUsage {
  std::string name, object;
  std::uint32_t max_entries = 0;
  std::optional<std::uint64_t> entries;  // none: cannot be counted
  bool operator==(const MapUsage&) const = default;
};

// One BPF program of a probe object and how it fared.
struct ProgramState {
  std::string program;  // name in the .bpf.c
  std::string section;  // "tp_btf/sched_switch"
  std::string status;   // "attached", "detached", "refused at load", "refused at attach",
                        // "disabled", "unused"
  std::string reason;   // for a refusal: errno, the kernel's words, what replaces it
  bool up = false;      // runs now (attached)
  bool operator==(const ProgramState&) const = default;
};

// One of procwatch's probe objects as the sample found it.
struct ProbeState {
  std::string object;         // "sched", "net", "io", "mem", "lifecycle", "tasks", "oom"
  bool loaded = false;        // loaded at start (the notices say why not)
  bool attached = false;      // its programs run now (the CPU budget may detach optional ones)
  bool optional = false;      // the CPU budget may sample or detach it
  unsigned sample_shift = 0;  // counts one high-rate event in 2^shift (0: every event)
  std::vector<ProgramState> programs;  // empty when the object did not load
  bool operator==(const ProbeState&) const = default;
};

// The CPU budget (collect/cpu_budget.h) in force during the interval that
// ended at this sample.
struct BudgetState {
  bool enabled = false;
  double userspace_pct = 0;  // limit for procwatch's userspace, % of one core
  double kernel_pct = 0;     // limit for all BPF programs together, % of one core
  int interval_factor = 1;   // the refresh interval is multiplied by this
  bool degraded = false;
  std::string description;         // "" or one line: what is degraded now
  std::vector<std::string> steps;  // the steps down in force, oldest first, one sentence each
  bool operator==(const BudgetState&) const = default;
};

struct SelfSample {
  std::uint64_t cpu_ns = 0;               // procwatch's user + system CPU time, all threads
  std::uint64_t rss_bytes = 0;            // procwatch's resident memory now
  bool bpf_stats = false;                 // kernel run-time statistics on at this sample
  std::vector<ProgramCounters> programs;  // advance only while bpf_stats
  std::vector<MapUsage> maps;             // counted only while bpf_stats (a key walk)
  // Live state for the self view, `status` and /metrics. Recordings keep
  // none of SelfSample (store/codec.cpp writes no self figures), so
  // neither needs a place in the store.
  std::uint64_t bpf_stats_ns = 0;  // cumulative time procwatch held BPF statistics on
  std::vector<ProbeState> probes;  // filled by the Collector
  BudgetState budget;              // filled by LiveFeed; disabled elsewhere
};

struct Sample {
  SystemSample system;
  SelfSample self;
  std::vector<ProcessSample> processes;
  std::vector<LifecycleEvent> events;
};

}  // namespace pw
