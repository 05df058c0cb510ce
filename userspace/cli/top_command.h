// `procwatch top`: the live table, interactive or in batch mode.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/live_session.h"
#include "view/batch.h"
#include "view/view_options.h"

namespace pw {

struct TopCommandOptions {
  double interval_s = 1.0;
  std::optional<int> iterations;  // batch: frames to print (at least 1); none = until interrupted
  bool once = false;              // batch: one frame (after one interval)
  bool batch = false;
  bool json = false;
  bool csv = false;
  std::string fields;
  std::string view = "cpu";    // columns and default sort (view/view_presets.h)
  std::string group = "none";  // none, cgroup, container, unit, user
  std::string sort;            // empty: the view's sort key
  bool ascending = false;
  std::string filter;
  std::vector<int> pids;
  std::string user;
  bool tree = false;
  bool threads = false;
  bool hide_kernel_threads = false;
  std::size_t limit = 0;
  std::optional<int> width;  // batch text: cut lines to N columns (0 = no limit)
  // Probe configuration.
  std::size_t ringbuf_kib = 1024;
  bool no_scheduler = false;
  std::string lifecycle_variant = "auto";
  BudgetOptions budget;
  // A recording instead of the live system (cli/replay_command.cpp).
  std::string db;
  std::string at;            // the first frame's time; default: the start
  std::int64_t session = 0;  // 0: the one that spans --at, else the latest
};

CLI::App* add_top_command(CLI::App& app, TopCommandOptions& options);
int run_top_command(const TopCommandOptions& options);
// The ViewOptions the top options describe; throws FatalError (exit 2).
ViewOptions top_view_options(const TopCommandOptions& options);

// Batch mode (--once, -n N, -b, --json, --csv) rather than the live view.
bool top_batch_mode(const TopCommandOptions& options);
BatchFormat top_batch_format(const TopCommandOptions& options);
// The batch writer's options: CSV rows start with timestamp_ns (frames
// differ in time); text lines are cut to -w N, else to the terminal's width
// when stdout is one, else not at all.
BatchOptions top_batch_options(const TopCommandOptions& options);

}  // namespace pw
