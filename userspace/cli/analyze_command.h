// `procwatch analyze FILE`: tier-1 leak detection and the anomaly
// detectors over a recording, listing what they find.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

namespace pw {

struct AnalyzeCommandOptions {
  std::string file;
  std::int64_t session = 0;
  std::string from, to;
  bool json = false;
  bool no_leaks = false;
  bool no_anomalies = false;
  bool utc = false;
};

CLI::App* add_analyze_command(CLI::App& app, AnalyzeCommandOptions& options);
// Exit code 0: nothing found; kExitFindings (3): findings listed.
int run_analyze_command(const AnalyzeCommandOptions& options);

}  // namespace pw
