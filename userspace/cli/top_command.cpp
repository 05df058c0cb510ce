#include "cli/top_command.h"

#include <unistd.h>

#include <chrono>
#include <csignal>
#include <iostream>
#include <thread>

#include "collect/collector.h"
#include "collect/live_feed.h"
#include "common/error.h"
#include "view/batch.h"
#include "view/top_ui.h"

namespace pw {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

ViewOptions view_options_from(const TopCommandOptions& o) {
  ViewOptions v;
  v.fields = default_top_fields();
  if (!o.fields.empty()) {
    auto parsed = parse_field_list(o.fields);
    if (!parsed.error.empty()) throw FatalError("--fields: " + parsed.error, 2);
    v.fields = parsed.ids;
  }
  const FieldDef* sort = find_field(o.sort);
  if (!sort) throw FatalError("--sort: unknown field '" + o.sort + "' (see 'procwatch fields')", 2);
  v.sort_by = sort->id;
  v.sort_descending = !o.ascending;
  // -p and -u are shorthands for the filter language of the live UI.
  if (!o.pids.empty()) {
    if (o.pids.size() > 1) throw FatalError("-p: give one PID (use --tree -p PID for a subtree)", 2);
    v.filter = "pid=" + std::to_string(o.pids.front());
  } else if (!o.user.empty()) {
    v.filter = "user=" + o.user;
  } else {
    v.filter = o.filter;
  }
  v.tree = o.tree;
  v.show_kernel_threads = !o.hide_kernel_threads;
  if (o.limit) v.limit = o.limit;
  if (!(o.interval_s >= 0.05 && o.interval_s <= 3600))
    throw FatalError("--interval must be between 0.05 and 3600 seconds", 2);
  v.interval_s = o.interval_s;
  return v;
}

// Sleeps one interval while draining events, so the ring buffer never
// fills between frames.
void wait_interval(ModelFeed& feed, double seconds) {
  using clock = std::chrono::steady_clock;
  const auto end =
      clock::now() + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(seconds));
  while (!g_stop && clock::now() < end) {
    feed.tick();
    const auto left = end - clock::now();
    std::this_thread::sleep_for(
        std::min<clock::duration>(left, std::chrono::milliseconds(100)));
  }
}

int run_batch(ModelFeed& feed, const TopCommandOptions& o, const ViewOptions& view) {
  const BatchFormat format = o.json ? BatchFormat::Json : o.csv ? BatchFormat::Csv : BatchFormat::Text;
  BatchWriter writer(std::cout, format, view);
  const int frames = o.once ? 1 : o.iterations;
  feed.next();  // baseline: rates need two samples
  for (int i = 0; !g_stop && (frames == 0 || i < frames); ++i) {
    wait_interval(feed, view.interval_s);
    if (g_stop && i > 0) break;
    writer.write(feed.next(), feed.notices());
    std::cout.flush();
    if (!std::cout) throw FatalError("writing the output failed (disk full or closed pipe?)");
  }
  return 0;
}

}  // namespace

CLI::App* add_top_command(CLI::App& app, TopCommandOptions& o) {
  CLI::App* top = app.add_subcommand("top", "Live per-process CPU and scheduler table (like top)");
  top->add_option("-d,--interval,--delay", o.interval_s, "Seconds between refreshes")
      ->capture_default_str();
  top->add_option("-n,--iterations", o.iterations, "Batch mode: print N frames, then exit");
  top->add_flag("--once", o.once, "Batch mode: print one frame after one interval, then exit");
  top->add_flag("-b,--batch", o.batch, "Batch mode: plain text frames on stdout, like top -b");
  top->add_flag("--json", o.json, "Batch mode: one JSON document per frame (JSON Lines)");
  top->add_flag("--csv", o.csv, "Batch mode: CSV rows, one header")->excludes("--json");
  top->add_option("-f,--fields", o.fields, "Comma-separated columns (see 'procwatch fields')");
  top->add_option("-s,--sort", o.sort, "Field to sort by")->capture_default_str();
  top->add_flag("--asc", o.ascending, "Sort ascending");
  top->add_option("--filter", o.filter,
                  "Show matching processes: text, pid=N, user=NAME or comm=NAME");
  top->add_option("-p,--pid", o.pids, "Show only this process");
  top->add_option("-u,--user", o.user, "Show only this user's processes");
  top->add_flag("-t,--tree", o.tree, "Show children under their parents");
  top->add_flag("-H,--threads", o.threads, "One row per thread (like top -H)");
  top->add_flag("--no-kernel-threads", o.hide_kernel_threads, "Hide kernel threads");
  top->add_option("--limit", o.limit, "Batch mode: at most N rows per frame");
  top->add_option("--ringbuf-kib", o.ringbuf_kib, "Lifecycle event ring buffer size in KiB")
      ->capture_default_str();
  top->add_flag("--no-sched", o.no_scheduler,
                "Do not load the scheduler programs (no run-queue latency / off-CPU)");
  top->add_option("--lifecycle-variant", o.lifecycle_variant,
                  "Attach variant for fork/exec/exit: auto, tp_btf or raw_tp")
      ->check(CLI::IsMember({"auto", "tp_btf", "raw_tp"}));
  return top;
}

int run_top_command(const TopCommandOptions& o) {
  const ViewOptions view = view_options_from(o);
  const std::size_t ring = o.ringbuf_kib * 1024;
  if (ring < 4096 || (ring & (ring - 1)) != 0)
    throw FatalError("--ringbuf-kib must be a power of two of at least 4", 2);

  CollectorOptions copts;
  copts.probes.ringbuf_bytes = ring;
  copts.probes.scheduler = !o.no_scheduler;
  copts.probes.lifecycle_variant = o.lifecycle_variant;
  copts.keep_threads = o.threads;
  Collector collector(copts);
  LiveFeed feed(collector, o.threads);

  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::signal(SIGPIPE, SIG_IGN);
  const bool batch = o.once || o.iterations > 0 || o.batch || o.json || o.csv;
  if (batch) return run_batch(feed, o, view);
  if (!::isatty(STDOUT_FILENO) || !::isatty(STDIN_FILENO))
    throw FatalError("the live view needs a terminal; use --once, -n N, --json or --csv for scripts", 2);
  return run_top_ui(feed, view);
}

}  // namespace pw
