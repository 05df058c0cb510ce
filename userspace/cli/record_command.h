// `procwatch record`: collect Samples at an interval and store them (raw
// cumulative counters, lifecycle events) in a SQLite recording.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>
#include <vector>

namespace pw {

struct RecordCommandOptions {
  std::string output;
  std::string interval = "1s";
  std::string duration;  // empty: until SIGINT/SIGTERM
  std::vector<int> pids;
  std::vector<std::string> comms;
  std::vector<std::string> cgroups;
  std::string retain;    // e.g. "7d"
  std::string max_size;  // e.g. "1G"
  std::size_t queue = 8;
  bool quiet = false;
  // Probe configuration, as for top.
  std::size_t ringbuf_kib = 1024;
  bool no_scheduler = false;
  std::string lifecycle_variant = "auto";
};

CLI::App* add_record_command(CLI::App& app, RecordCommandOptions& options);
int run_record_command(const RecordCommandOptions& options);

}  // namespace pw
