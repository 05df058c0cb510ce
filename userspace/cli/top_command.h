// `procwatch top`: the live table, interactive or in batch mode.
#pragma once

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace pw {

struct TopCommandOptions {
  double interval_s = 1.0;
  int iterations = 0;  // batch: frames to print; 0 = until interrupted
  bool once = false;   // batch: one frame (after one interval)
  bool batch = false;
  bool json = false;
  bool csv = false;
  std::string fields;
  std::string sort = "cpu_pct";
  bool ascending = false;
  std::string filter;
  std::vector<int> pids;
  std::string user;
  bool tree = false;
  bool threads = false;
  bool hide_kernel_threads = false;
  std::size_t limit = 0;
  // Probe configuration.
  std::size_t ringbuf_kib = 1024;
  bool no_scheduler = false;
  std::string lifecycle_variant = "auto";
};

CLI::App* add_top_command(CLI::App& app, TopCommandOptions& options);
int run_top_command(const TopCommandOptions& options);

}  // namespace pw
