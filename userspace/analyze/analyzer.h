// The analysis stage: takes one Model per interval, runs tier-1 leak
// detection and the anomaly detectors per process and system-wide, and
// keeps the findings (active and ended). Plain data in, plain data out: the
// same Analyzer runs live (top, leaks, record) and over a recording
// (analyze), and is unit-tested on hand-built Models.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "analyze/anomaly_detector.h"
#include "analyze/leak_detector.h"
#include "model/finding.h"
#include "model/model.h"

namespace pw {

// Per-process metrics with a baseline (the order is the index).
enum class ProcessMetric : std::uint8_t {
  CpuPct,
  RunqWaitPct,
  IoBytesPerSec,
  NetBytesPerSec,
  RetransmitsPerSec,
  MajorFaultsPerSec,
  Threads,
  ForksPerSec,
  kCount,
};
inline constexpr std::size_t kProcessMetricCount = static_cast<std::size_t>(ProcessMetric::kCount);

struct MetricInfo {
  std::string_view name;  // the Finding's metric
  MetricFloor floor;
};
const std::array<MetricInfo, kProcessMetricCount>& process_metrics();

struct AnalyzerOptions {
  bool leaks = true;
  bool anomalies = true;
  LeakOptions leak;
  AnomalyOptions anomaly;
  // Memory limit of a cgroup (v2 path, as in ProcessSample::cgroup), for
  // the time-to-OOM projection; unset or nullopt: the machine's MemTotal.
  std::function<std::optional<std::uint64_t>(const std::string&)> memory_limit;
  // Only this process (procwatch leaks -p); system detectors still run.
  std::optional<std::int32_t> only_pid;
  // Intervals a leak verdict may fail before its finding ends (noise near
  // a threshold should not split one leak into many findings).
  int leak_grace_intervals = 3;
  // System-wide thresholds.
  double fork_storm_floor_per_s = 100;  // forks/s above the baseline's scale floor
  double runq_saturation = 1.0;         // run-queue wait per CPU (1 = a waiter on every CPU)
  std::uint32_t runq_saturation_intervals = 3;
  double stalled_min_cpu_pct = 5;       // a "steady worker" uses at least this
  double stalled_share = 0.1;           // ...and then below this share of it
  std::uint32_t stalled_intervals = 3;  // ...this many intervals in a row
  std::size_t max_ended = 10'000;       // ended findings kept (oldest go first)
};

class Analyzer {
 public:
  explicit Analyzer(AnalyzerOptions options = {});

  // Analyzes one interval; returns the findings raised in it (new ones).
  // A Model without an interval (the first frame) only starts series.
  std::vector<Finding> update(const Model& model);

  // Findings holding at the latest interval.
  std::vector<Finding> active() const;
  // Every finding so far, ended and active, by start time.
  std::vector<Finding> all() const;
  // Sets ProcessRow::flags ("L" leak, "A" anomaly) and Model::findings.
  void annotate(Model& model) const;

  const AnalyzerOptions& options() const { return options_; }
  std::size_t tracked_processes() const { return processes_.size(); }

 private:
  struct KeyHash {
    std::size_t operator()(const ProcessKey& k) const {
      return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.pid) << 40) ^ k.start_ns);
    }
  };
  // What survives a restart: the baselines of the last process of the
  // identity, and how often it was flagged.
  struct IdentityHistory {
    std::array<MetricBaseline, kProcessMetricCount> baselines;
    bool has_baselines = false;
    std::uint32_t runs = 0;
    std::uint32_t leak_runs = 0;
  };
  struct ProcessState {
    std::string identity;
    std::string comm;
    LeakDetector leak;
    std::array<MetricBaseline, kProcessMetricCount> baselines;
    std::array<std::uint64_t, kProcessMetricCount> open{};  // finding id, 0: none
    std::uint64_t leak_finding = 0;
    int leak_misses = 0;
    std::uint64_t stalled_finding = 0;
    std::uint32_t stalled_run = 0;
    std::uint64_t epoch = 0;
  };

  void update_process(const ProcessRow& row, ProcessState& st, double interval_s,
                      std::uint32_t forks, std::vector<Finding>& raised);
  void update_leak(const ProcessRow& row, ProcessState& st, std::vector<Finding>& raised);
  void update_stalled(const ProcessRow& row, ProcessState& st, double cpu_pct,
                      std::vector<Finding>& raised);
  void update_system(const Model& model, double forks_per_s, double runq_per_cpu,
                     std::vector<Finding>& raised);
  void retire(ProcessState& st);
  Finding& open_finding(Finding f, std::vector<Finding>& raised);
  void end_finding(std::uint64_t& id);
  std::optional<std::uint64_t> limit_for(const std::string& cgroup);

  AnalyzerOptions options_;
  std::unordered_map<ProcessKey, ProcessState, KeyHash> processes_;
  std::unordered_map<std::string, IdentityHistory> identities_;
  std::unordered_map<std::string, std::optional<std::uint64_t>> limits_;
  std::unordered_map<std::int32_t, std::uint32_t> forks_;  // scratch: forks per parent
  std::unordered_map<std::uint64_t, Finding> active_;
  std::deque<Finding> ended_;
  MetricBaseline fork_rate_;
  std::uint64_t fork_storm_ = 0, runq_saturation_ = 0;
  std::uint32_t runq_run_ = 0;
  std::uint64_t next_id_ = 1;
  std::uint64_t epoch_ = 0;
  std::uint64_t now_wall_ns_ = 0;
  double now_t_s_ = 0;  // CLOCK_MONOTONIC of the sample, s
  std::uint64_t mem_total_bytes_ = 0;
};

// The stable identity of a process: cgroup, comm and command line.
std::string process_identity(const ProcessSample& p);

}  // namespace pw
