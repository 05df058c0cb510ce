#include "cli/tree_command.h"

#include <unistd.h>

#include <iostream>

#include "cli/live_session.h"
#include "cli/replay_command.h"
#include "collect/collector.h"
#include "collect/live_feed.h"
#include "common/error.h"
#include "view/grouping.h"
#include "replay/replay_feed.h"
#include "view/top_ui.h"
#include "view/tree_render.h"

namespace pw {
namespace {

TreeOptions tree_options_from(const TreeCommandOptions& o) {
  TreeOptions t;
  if (!o.fields.empty()) {
    const FieldListResult parsed = parse_field_list(o.fields);
    if (!parsed.error.empty()) throw FatalError("--fields: " + parsed.error, 2);
    for (const FieldId id : parsed.ids)
      if (aggregation(id) == Aggregation::Attribute)
        throw FatalError("--fields: '" + std::string(field(id).name) +
                             "' does not add up over a subtree; give rates, counts or sizes",
                         2);
    t.fields = parsed.ids;
  }
  t.pids.assign(o.pids.begin(), o.pids.end());
  t.show_kernel_threads = !o.hide_kernel_threads;
  t.ascii = o.ascii;
  t.utc = o.utc;
  if (!(o.interval_s >= 0.05 && o.interval_s <= 3600))
    throw FatalError("--interval must be between 0.05 and 3600 seconds", 2);
  return t;
}

}  // namespace

CLI::App* add_tree_command(CLI::App& app, TreeCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "tree", "Process tree with each process's and each subtree's CPU, IO and network");
  cmd->add_option("-d,--interval,--delay", o.interval_s,
                  "Seconds between the two samples (rates need two), or between refreshes")
      ->capture_default_str();
  cmd->add_flag("--json", o.json, "One JSON document with nested children arrays");
  cmd->add_flag("--ascii", o.ascii, "ASCII box lines and text instead of Unicode");
  cmd->add_flag("--live", o.live, "Refresh every interval in the interactive top view")
      ->excludes("--json");
  cmd->add_flag("--utc", o.utc, "Title time in UTC");
  cmd->add_option("-p,--pid", o.pids, "Show only the subtree of this process (repeatable)");
  cmd->add_option("-f,--fields", o.fields,
                  "Comma-separated fields shown own and summed (default: "
                  "cpu_pct,read_bytes_per_sec,write_bytes_per_sec,net_rx_bytes_per_sec,"
                  "net_tx_bytes_per_sec)");
  cmd->add_flag("--no-kernel-threads", o.hide_kernel_threads, "Hide kernel threads");
  cmd->add_option("--db", o.db, "Show a recording (procwatch record) instead of the live system");
  cmd->add_option("--at", o.at, "With --db: the tree at this time (12:03:10, +5m, ...)");
  cmd->add_option("--session", o.session, "With --db: the session (default: the latest)");
  add_probe_options(*cmd, o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant);
  add_budget_options(*cmd, o.budget);
  return cmd;
}

namespace {

// Prints the tree of one Model; exit code 1 when a -p process is absent.
int print_tree(const Model& model, const TreeOptions& tree, bool json) {
  const ProcessTreeView view = build_process_tree(model, tree);
  if (json)
    write_tree_json(std::cout, model, view, tree);
  else
    write_tree_text(std::cout, model, view, tree);
  std::cout.flush();
  if (!std::cout) throw FatalError("writing the output failed (disk full or closed pipe?)");
  if (!view.missing_pids.empty()) {
    std::cerr << "procwatch: no process with pid " << view.missing_pids.front() << "\n";
    return 1;
  }
  return 0;
}

// tree --db: the same tree over a recorded sample (rates from it and the
// sample before, as live), or --live: the replay view in tree mode.
int run_recorded_tree(const TreeCommandOptions& o, const TreeOptions& tree) {
  OpenSession s = open_recorded_session(o.db, o.session, o.at);
  SessionReader& reader = *s.reader;
  // Without --at: the latest sample, as a tree printed now shows now.
  const std::size_t index = sample_index_at(reader, o.at, reader.size() - 1);
  if (o.live) {
    ReplayFeed feed(reader, index, reader.info().notices);
    return run_top_ui(
        feed, tree_view_options(tree, static_cast<double>(reader.info().interval_ns) / 1e9));
  }
  return print_tree(reader.model_at(index), tree, o.json);
}

}  // namespace

int run_tree_command(const TreeCommandOptions& o) {
  const TreeOptions tree = tree_options_from(o);
  if (o.live) {
    if (!tree.pids.empty())
      throw FatalError("-p is for the printed tree; in --live, filter with / or o", 2);
    if (!::isatty(STDOUT_FILENO) || !::isatty(STDIN_FILENO))
      throw FatalError("--live needs a terminal; without it the tree is printed once", 2);
  }
  if (o.db.empty() && (!o.at.empty() || o.session))
    throw FatalError("--at and --session read a recording: give --db FILE", 2);
  if (!o.db.empty()) return run_recorded_tree(o, tree);
  Collector collector(
      live_collector_options(o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant, false));
  LiveFeed feed(collector);
  apply_budget_options(feed, o.budget);
  install_stop_signals();
  if (o.live) return run_top_ui(feed, tree_view_options(tree, o.interval_s));

  feed.next();                        // baseline: rates need two samples
  wait_interval(feed, o.interval_s);  // Ctrl-C cuts it short: still print
  return print_tree(feed.next(), tree, o.json);
}

}  // namespace pw
