// One collection pass = one Sample: the task iterator's exact counters,
// the lifecycle events since the last pass (processes that already exited
// included, with their final totals), system totals and /proc enrichment.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "collect/device_names.h"
#include "collect/heap_trim.h"
#include "collect/task_records.h"
#include "model/sample.h"
#include "probe/probe_set.h"
#include "proc/proc_reader.h"

namespace pw {

struct CollectorOptions {
  ProbeOptions probes;
  std::filesystem::path proc_root = "/proc";
  bool keep_threads = false;
  bool bpf_stats = false;  // start with BPF run-time statistics on
};

class Collector {
 public:
  explicit Collector(const CollectorOptions& options);

  // Takes one Sample now.
  Sample collect();
  // Moves pending ring-buffer events into the next Sample. Cheap; call
  // often so the buffer never fills between samples.
  void drain_events();

  std::vector<std::string> notices() const { return probes_.notices(); }

  // Kernel BPF run-time statistics cost a little on every event: they are
  // on only while someone looks at the self-overhead figures.
  void set_bpf_stats(bool on);

  // Switches an optional probe object off or back on (CPU budget); its
  // counters are then absent from Samples, not zero.
  void set_probe_enabled(const std::string& object, bool enabled);
  // Counts one high-rate event in 2^shift of an optional probe object, as
  // scaled estimates (CPU budget); 0 counts every event again.
  void set_probe_sample_shift(const std::string& object, unsigned shift);
  bool bpf_stats() const { return bpf_stats_ != nullptr; }
  ProbeSet& probes() { return probes_; }

 private:
  struct KeyHash {
    std::size_t operator()(const ProcessKey& k) const {
      return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.pid) << 40) ^ k.start_ns);
    }
  };
  struct Enrichment {
    std::string cmdline;
    std::string cgroup;
    std::uint64_t cgroup_id = 0;  // re-read the path when this changes
    bool read_from_proc = false;  // false: read /proc on next sight
    bool seen = false;            // touched in the current pass (for eviction)
  };

  std::vector<ProcessSample> read_processes(std::uint64_t now_ns);
  std::vector<ProcessSample> read_processes_from_proc();
  void add_processes_the_iterator_missed(std::vector<ProcessSample>& processes);
  ProcessSample sample_from_proc(const ProcProcess& p, std::uint64_t suspended_ns) const;
  void enrich(ProcessSample& p);
  // Adds what per-process BPF maps hold (devices, TCP events, sockets)
  // and forgets the entries of processes that are gone.
  void merge_kernel_maps(std::vector<ProcessSample>& processes);
  void handle_event(const void* data, std::size_t size);
  SelfSample read_self() const;

  CollectorOptions options_;
  ProbeSet probes_;
  ProcReader proc_;
  DecodeOptions decode_;
  std::size_t last_process_count_ = 0;  // capacity hint for the next pass
  std::vector<char> socket_buffer_;
  // Counters whose programs the kernel refused or the user disabled.
  std::vector<Counter> unmeasured_;
  DeviceNames device_names_;
  std::vector<LifecycleEvent> pending_events_;
  std::vector<ProcessSample> pending_exits_;
  std::uint64_t events_total_ = 0;
  std::unordered_map<ProcessKey, Enrichment, KeyHash> enrichment_;
  std::string hostname_;
  std::unique_ptr<BpfStatsScope> bpf_stats_;
  std::uint64_t bpf_stats_ns_ = 0;        // time statistics were on before the current stretch
  std::uint64_t bpf_stats_since_ns_ = 0;  // CLOCK_MONOTONIC when they were last turned on
  HeapTrimPolicy heap_trim_;
};

}  // namespace pw
