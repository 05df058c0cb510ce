// `procwatch leaks`: tier-1 leak detection on the live system (or one
// process), printing suspicions as they are raised and a summary at the end.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "cli/live_session.h"

namespace pw {

// Exit code of the commands that list findings when they found some (0:
// none; 1 runtime error; 2 bad arguments).
inline constexpr int kExitFindings = 3;

struct LeaksCommandOptions {
  int pid = 0;           // 0: every process
  std::string duration;  // empty: until Ctrl-C
  std::string interval = "1s";
  bool json = false;
  std::string min_rate = "16k";  // bytes/s
  std::string min_duration = "20s";
  std::string window = "5m";
  std::size_t ringbuf_kib = 1024;
  bool no_scheduler = false;
  std::string lifecycle_variant = "auto";
};

CLI::App* add_leaks_command(CLI::App& app, LeaksCommandOptions& options);
int run_leaks_command(const LeaksCommandOptions& options);

}  // namespace pw
