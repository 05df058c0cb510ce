// Rates derived from two Samples. derive_model() is the only place where a
// counter delta becomes a rate, so live top, replay and every exporter agree.
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <vector>

#include "model/finding.h"
#include "model/sample.h"

namespace pw {

struct ProcessRow {
  const ProcessSample* sample = nullptr;  // owned by Model::sample
  // Counter deltas over the interval; a counter is absent when it is not
  // measured or there is no earlier value to subtract (first frame).
  CounterSet delta;
  Log2Histogram runq_hist_delta;  // run-queue latencies of this interval
  Log2Histogram io_hist_delta;    // block IO latencies of this interval
  bool started_in_interval = false;
  bool exited_in_interval = false;
  // Lifetime so far (live) or in total (exited), ns.
  std::uint64_t age_ns = 0;
  // Active findings of the analyzer (analyze/analyzer.h): "L" leak
  // suspicion, "A" anomaly, "LA" both; empty when none or not analyzed.
  std::string flags;

  std::optional<double> rate_per_s(Counter c, double interval_s) const;
  // A gauge's level (RSS...), or nullopt when not measured.
  std::optional<std::uint64_t> level(Counter c) const { return sample->counters.get(c); }
};

struct SystemRow {
  double interval_s = 0;               // 0 on the first frame
  std::optional<double> cpu_busy_pct;  // of all CPUs: 100 = every core busy
  std::optional<double> cpu_user_pct, cpu_system_pct, cpu_iowait_pct, cpu_steal_pct;
  std::uint32_t num_processes = 0;
  std::uint32_t num_threads = 0;
  std::uint32_t num_running = 0;
  std::optional<double> events_per_s;
  std::uint64_t events_dropped = 0;  // cumulative since start
  std::optional<std::uint64_t> dropped_in_interval;
};

struct ProgramRow {
  std::string object, name;
  std::optional<double> events_per_s;
  std::optional<double> ns_per_event;  // average over the interval
  std::optional<double> cpu_pct;       // of one core
};

// procwatch's own cost over the interval (the self-overhead view).
struct SelfRow {
  std::optional<double> cpu_pct;  // userspace, of one core
  std::uint64_t rss_bytes = 0;
  std::optional<double> kernel_cpu_pct;  // all BPF programs, of one core
  std::vector<ProgramRow> programs;      // empty unless BPF stats were on
  std::vector<MapUsage> maps;            // at the end of the interval, when counted
};

struct Model {
  std::shared_ptr<const Sample> sample;
  SystemRow system;
  SelfRow self;
  std::vector<ProcessRow> processes;
  std::vector<Finding> findings;  // active at this interval (when analyzed)
  double interval_s() const { return system.interval_s; }
};

// prev may be null (first frame): rates are then absent, not zero.
Model derive_model(std::shared_ptr<const Sample> current, const Sample* previous);

}  // namespace pw
