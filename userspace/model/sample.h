// What one collection pass read: raw cumulative counters, never rates.
// Live `top`, recording and replay all produce or consume this one type;
// rates exist only in the Model derived from two Samples.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
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
};

struct ProcessSample {
  ProcessKey key;
  std::int32_t ppid = 0;
  std::uint32_t uid = 0;
  std::string comm;     // kernel's 15-byte name; untrusted bytes
  std::string cmdline;  // argv joined with spaces; untrusted bytes; may be empty
  std::string user;     // resolved name; empty when unknown
  std::string cgroup;   // cgroup v2 path (or first v1 path); empty when unknown
  char state = '?';     // R S D Z T I ... as in /proc/PID/stat; 'X' = exited
  std::uint32_t num_threads = 0;
  bool kernel_thread = false;
  // Set for a process whose exit was seen in this interval: its counters
  // are the final totals carried by the exit event.
  std::optional<std::uint32_t> exit_status;  // wait(2) status word
  std::optional<std::uint64_t> exit_ns;      // CLOCK_MONOTONIC ns
  CounterSet counters;                       // whole process, all threads
  Log2Histogram runq_hist;                   // run-queue latency, ns
  std::vector<ThreadSample> threads;         // live threads (may be empty)
};

// Process lifecycle events seen during the interval, kept for recording
// and for "what started / exited" views.
struct LifecycleEvent {
  enum class Kind : std::uint8_t { Fork, Exec, Exit };
  Kind kind = Kind::Fork;
  std::uint64_t ts_ns = 0;  // CLOCK_MONOTONIC
  ProcessKey key;
  std::int32_t ppid = 0;
  std::string comm;
  std::string filename;  // exec: the executed file
  std::string argv;      // exec: arguments joined by spaces (first 256 bytes)
  std::optional<std::uint32_t> exit_status;
};

struct CpuTimes {  // jiffies-derived totals from /proc/stat, in ns
  std::uint64_t user_ns = 0, nice_ns = 0, system_ns = 0, idle_ns = 0, iowait_ns = 0,
                irq_ns = 0, softirq_ns = 0, steal_ns = 0;
  std::uint64_t busy_ns() const { return user_ns + nice_ns + system_ns + irq_ns + softirq_ns + steal_ns; }
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
  std::uint64_t events_total = 0;   // lifecycle events received, cumulative
  std::uint64_t events_dropped = 0; // ring buffer drops, cumulative, all CPUs
};

struct Sample {
  SystemSample system;
  std::vector<ProcessSample> processes;
  std::vector<LifecycleEvent> events;
};

}  // namespace pw
