#include "cli/top_command.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <iostream>
#include <optional>

#include "analyze/analyzing_feed.h"
#include "cli/live_session.h"
#include "cli/replay_command.h"
#include "collect/collector.h"
#include "collect/live_feed.h"
#include "common/error.h"
#include "view/batch.h"
#include "view/top_ui.h"

namespace pw {

ViewOptions top_view_options(const TopCommandOptions& o) {
  ViewOptions v;
  const ViewPresetDef* preset = find_view_preset(o.view);
  if (!preset) throw FatalError("--view: unknown view '" + o.view + "' (cpu, io, net, mem)", 2);
  apply_view_preset(v, preset->id);
  if (!o.fields.empty()) {
    auto parsed = parse_field_list(o.fields);
    if (!parsed.error.empty()) throw FatalError("--fields: " + parsed.error, 2);
    v.fields = parsed.ids;
  }
  const FieldDef* sort = o.sort.empty() ? &field(preset->sort_by) : find_field(o.sort);
  if (!sort) throw FatalError("--sort: unknown field '" + o.sort + "' (see 'procwatch fields')", 2);
  v.sort_by = sort->id;
  v.sort_descending = !o.ascending;
  // -p and -u are shorthands for the filter language of the live UI.
  if (!o.pids.empty()) {
    if (o.pids.size() > 1)
      throw FatalError("-p: give one PID (use --tree -p PID for a subtree)", 2);
    v.filter = "pid=" + std::to_string(o.pids.front());
  } else if (!o.user.empty()) {
    v.filter = "user=" + o.user;
  } else {
    v.filter = o.filter;
  }
  v.tree = o.tree;
  const std::optional<GroupBy> group = parse_group_by(o.group);
  if (!group) throw FatalError("--group: unknown grouping '" + o.group + "'", 2);
  if (*group != GroupBy::None && o.tree)
    throw FatalError("--group and --tree exclude each other", 2);
  v.group = *group;
  v.show_kernel_threads = !o.hide_kernel_threads;
  if (o.limit) v.limit = o.limit;
  if (!(o.interval_s >= 0.05 && o.interval_s <= 3600))
    throw FatalError("--interval must be between 0.05 and 3600 seconds", 2);
  v.interval_s = o.interval_s;
  if (o.iterations && *o.iterations < 1)
    throw FatalError("-n must be at least 1 (without -n, batch mode runs until interrupted)", 2);
  if (o.width && *o.width < 0) throw FatalError("-w must be 0 (no limit) or more columns", 2);
  return v;
}

bool top_batch_mode(const TopCommandOptions& o) {
  return o.once || o.iterations || o.batch || o.json || o.csv;
}

BatchFormat top_batch_format(const TopCommandOptions& o) {
  return o.json ? BatchFormat::Json : o.csv ? BatchFormat::Csv : BatchFormat::Text;
}

BatchOptions top_batch_options(const TopCommandOptions& o) {
  BatchOptions b;
  b.csv_timestamp_column = true;
  if (o.width) {
    b.text_width = static_cast<std::size_t>(*o.width);
  } else if (::isatty(STDOUT_FILENO)) {
    winsize ws{};
    if (::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) b.text_width = ws.ws_col;
  }
  return b;
}

namespace {

int run_batch(ModelFeed& feed, const TopCommandOptions& o, const ViewOptions& view) {
  BatchWriter writer(std::cout, top_batch_format(o), view, top_batch_options(o));
  const int frames = o.once ? 1 : o.iterations.value_or(0);
  feed.next();  // baseline: rates need two samples
  for (int i = 0; !stop_requested() && (frames == 0 || i < frames); ++i) {
    wait_interval(feed, view.interval_s);
    if (stop_requested() && i > 0) break;
    writer.write(feed.next(), feed.notices());
    std::cout.flush();
    if (!std::cout) throw FatalError("writing the output failed (disk full or closed pipe?)");
  }
  return 0;
}

}  // namespace

CLI::App* add_top_command(CLI::App& app, TopCommandOptions& o) {
  CLI::App* top = app.add_subcommand(
      "top", "Live per-process table (like top): CPU, run-queue latency, storage, network, memory");
  top->add_option("-d,--interval,--delay", o.interval_s, "Seconds between refreshes")
      ->capture_default_str();
  top->add_option("-n,--iterations", o.iterations, "Batch mode: print N frames, then exit");
  top->add_flag("--once", o.once, "Batch mode: print one frame after one interval, then exit");
  top->add_flag("-b,--batch", o.batch, "Batch mode: plain text frames on stdout, like top -b");
  top->add_flag("--json", o.json, "Batch mode: one JSON document per frame (JSON Lines)");
  top->add_flag("--csv", o.csv, "Batch mode: CSV rows, one header")->excludes("--json");
  top->add_option("-f,--fields", o.fields, "Comma-separated columns (see 'procwatch fields')");
  top->add_option("--view", o.view, "Columns and sort key: cpu, io, net or mem")
      ->check(CLI::IsMember({"cpu", "io", "net", "mem"}))
      ->capture_default_str();
  top->add_option("--group", o.group, "One row per cgroup, container, unit or user")
      ->check(CLI::IsMember({"none", "cgroup", "container", "unit", "user"}))
      ->capture_default_str();
  top->add_option("-s,--sort", o.sort, "Field to sort by (default: the view's)");
  top->add_flag("--asc", o.ascending, "Sort ascending");
  top->add_option("--filter", o.filter,
                  "Show matching processes: text, pid=N, user=NAME or comm=NAME");
  top->add_option("-p,--pid", o.pids, "Show only this process");
  top->add_option("-u,--user", o.user, "Show only this user's processes");
  top->add_flag("-t,--tree", o.tree, "Show children under their parents");
  top->add_flag("-H,--threads", o.threads, "One row per thread (like top -H)");
  top->add_flag("--no-kernel-threads", o.hide_kernel_threads, "Hide kernel threads");
  top->add_option("--limit", o.limit, "Batch mode: at most N rows per frame");
  top->add_option("-w,--width", o.width,
                  "Batch text: cut lines to N columns (default: the terminal's width on a "
                  "terminal, else no limit; 0: no limit)");
  add_probe_options(*top, o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant);
  add_budget_options(*top, o.budget);
  top->add_option("--db", o.db, "Show a recording (procwatch record) instead of the live system");
  top->add_option("--at", o.at, "With --db: start at this time (12:03:10, +5m, ...)");
  top->add_option("--session", o.session, "With --db: the session to show (default: the latest)");
  return top;
}

int run_top_command(const TopCommandOptions& o) {
  const ViewOptions view = top_view_options(o);
  if (!o.db.empty()) return run_recorded_top(o, view);
  const bool batch = top_batch_mode(o);
  // Before any BPF work: a script without a terminal learns it at once.
  if (!batch && (!::isatty(STDOUT_FILENO) || !::isatty(STDIN_FILENO)))
    throw FatalError(
        "the live view needs a terminal; use --once, -n N, --json or --csv for scripts", 2);
  const CollectorOptions copts =
      live_collector_options(o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant, o.threads);
  Collector collector(copts);
  LiveFeed feed(collector, o.threads);
  apply_budget_options(feed, o.budget);
  // Every view reads flags and findings off the Model; the detectors cost
  // well under a microsecond per process per interval, so they always run.
  AnalyzingFeed analyzed(feed, live_analyzer_options());
  install_stop_signals();
  if (batch) return run_batch(analyzed, o, view);
  return run_top_ui(analyzed, view);
}

}  // namespace pw
