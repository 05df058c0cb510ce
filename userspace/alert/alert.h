// An alert as the alert engine hands it to hooks, the store, the CLI and the
// HTTP API: one rule firing (or resolved) for one subject. Plain data, so the
// hooks (alert/hooks/) and the engine (alert/) can be built and tested apart.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/sample.h"

namespace pw {

enum class AlertSeverity : std::uint8_t { Warning, Critical };
enum class AlertState : std::uint8_t { Firing, Resolved };

inline std::string_view alert_severity_name(AlertSeverity s) {
  return s == AlertSeverity::Critical ? "critical" : "warning";
}
inline std::string_view alert_state_name(AlertState s) {
  return s == AlertState::Resolved ? "resolved" : "firing";
}

// The figures of the process (or host) when the alert was raised, for the
// mail body and the webhook payload: "cpu_pct" -> 97.5, "rss_bytes" -> ...
using AlertValues = std::map<std::string, double>;

struct Alert {
  std::string fingerprint;  // stable: hash of rule + subject identity; dedupe key
  std::string rule;         // rule name from the config, or a built-in's name
  std::string source;       // "threshold", "leak", "anomaly", "oom", ...
  AlertSeverity severity = AlertSeverity::Warning;
  AlertState state = AlertState::Firing;
  std::string host;
  // Subject: a process (pid, start time, comm, identity) or the host (none).
  std::optional<ProcessKey> process;
  std::string comm;
  std::string identity;  // cgroup + exe + command line; survives restarts
  std::string cmdline;
  std::string metric;  // field name from `procwatch fields`, or the detector's metric
  double value = 0;
  double threshold = 0;
  std::string summary;      // one line a person reads first
  std::string description;  // the evidence
  std::map<std::string, std::string> labels;  // extra labels (Alertmanager, templates)
  AlertValues values;
  std::uint64_t starts_wall_ns = 0;  // CLOCK_REALTIME ns
  std::uint64_t ends_wall_ns = 0;    // 0 while firing
};

// One delivery: either a single alert or an aggregate of alerts of one rule
// gathered in an aggregation window ("12 processes leaking: ...").
struct Notification {
  std::string rule;
  AlertSeverity severity = AlertSeverity::Warning;
  AlertState state = AlertState::Firing;
  std::vector<Alert> alerts;  // at least one
  std::uint64_t wall_ns = 0;
};

}  // namespace pw
