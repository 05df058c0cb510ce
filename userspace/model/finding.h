// A finding of the detectors (userspace/analyze/): a leak suspicion or an
// anomaly, with the evidence a person needs to judge it. A plain struct in
// model/ so the store, the views and the analyzer can all speak it without
// any include running back up the pipeline.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "model/sample.h"

namespace pw {

struct Finding {
  enum class Kind : std::uint8_t { Leak, Anomaly };
  Kind kind = Kind::Anomaly;
  // What raised it: "leak", "spike", "level_shift", "stalled", "fork_storm",
  // "runq_saturation", "oom_kill". Stable: JSON and the store key on it.
  std::string detector;
  std::uint64_t id = 0;  // unique within one Analyzer run
  // The process (none for a system-wide finding) and its stable identity
  // (cgroup, comm, command line), which survives restarts.
  std::optional<ProcessKey> process;
  std::string comm;
  std::string identity;
  std::string metric;   // "rss_anon_bytes", "cpu_pct", "forks_per_s", ...
  double value = 0;     // the latest value of the metric
  double baseline = 0;  // what was expected (leak: the window's first fitted level)
  double score = 0;     // anomaly: robust z-score; leak: Mann-Kendall Z
  // Leak only (0 otherwise).
  double rate_per_s = 0;                     // growth, bytes/s (Theil-Sen slope)
  double confidence = 0;                     // 1 - p of the Mann-Kendall test, 0..1
  double window_s = 0;                       // span of the series the estimate used
  std::optional<std::uint64_t> limit_bytes;  // memory limit it runs into
  std::optional<double> time_to_oom_s;       // (limit - size) / rate
  // CLOCK_REALTIME ns: first and latest interval it held in.
  std::uint64_t start_wall_ns = 0;
  std::uint64_t end_wall_ns = 0;
  bool active = true;    // still holds at the latest interval
  std::string evidence;  // one line: the numbers behind it
};

inline std::string_view finding_kind_name(Finding::Kind k) {
  return k == Finding::Kind::Leak ? "leak" : "anomaly";
}

}  // namespace pw
