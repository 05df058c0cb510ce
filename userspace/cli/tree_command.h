// `procwatch tree`: the process tree with each process's own IO, network
// and CPU figures and its subtree's, once (text or JSON) or live.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cli/live_session.h"

namespace pw {

struct TreeCommandOptions {
  double interval_s = 1.0;
  bool json = false;
  bool ascii = false;
  bool live = false;
  bool utc = false;
  std::vector<int> pids;
  std::string fields;  // summable fields; empty: CPU, storage and network rates
  bool hide_kernel_threads = false;
  // A recording instead of the live system (as top --db).
  std::string db;
  std::string at;
  std::int64_t session = 0;
  // Probe configuration (cli/live_session.h).
  std::size_t ringbuf_kib = 1024;
  bool no_scheduler = false;
  std::string lifecycle_variant = "auto";
  BudgetOptions budget;
};

CLI::App* add_tree_command(CLI::App& app, TreeCommandOptions& options);
int run_tree_command(const TreeCommandOptions& options);

}  // namespace pw
