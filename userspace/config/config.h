// procwatch.toml, parsed and checked: the daemon's settings, the threshold
// rules, the detectors and the hooks. Every error names file:line:column and
// the key, so a typo is found without reading the parser.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace pw {

enum class RuleScope : std::uint8_t { Process, System };

struct RuleMatch {
  std::string comm, user, cgroup;  // exact; empty = any
  std::string cmdline_regex;       // ECMAScript; empty = any
};

struct RuleConfig {
  std::string name;
  std::string field;  // a name from `procwatch fields` (or a system field)
  RuleScope scope = RuleScope::Process;
  RuleMatch match;
  std::optional<double> warning, critical;
  bool above = true;  // false: fires when the value falls below
  double for_s = 0;   // how long the condition must hold before firing
  double hysteresis = 0;
  std::string where;  // file:line:col of the [[rule]], for later messages
};

struct DetectorsConfig {
  bool leak = true;
  bool anomaly = true;
  double leak_min_confidence = 0.99;
  double anomaly_z = 6.0;
};

// Kept raw for the hooks (alert/hooks/): type checked, the table passed on.
struct HookConfig {
  std::string name, type;
  std::map<std::string, std::string> settings;  // scalar keys as text
  std::string where;
};

struct DaemonConfig {
  double interval_s = 1.0;
  std::string listen;
  std::string record_path;
  double retention_s = 0;  // 0 = keep all
};

struct Config {
  std::string path;
  DaemonConfig daemon;
  std::vector<RuleConfig> rules;
  DetectorsConfig detectors;
  std::vector<HookConfig> hooks;
};

struct ConfigResult {
  std::optional<Config> config;
  std::vector<std::string> errors;  // "FILE:LINE:COL: key 'x': why"
};

ConfigResult parse_config_text(const std::string& text, const std::string& path);
ConfigResult load_config_file(const std::string& path);

// "30s", "5m", "1h", "250ms", or a bare number of seconds; nullopt if bad.
std::optional<double> parse_duration_s(const std::string& text);

// The fields a scope = "system" rule can watch.
const std::vector<std::string>& system_field_names();

}  // namespace pw
