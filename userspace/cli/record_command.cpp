#include "cli/record_command.h"

#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "analyze/analyzing_feed.h"
#include "analyze/finding_transitions.h"
#include "cli/live_session.h"
#include "collect/collector.h"
#include "common/error.h"
#include "common/time_text.h"
#include "model/model.h"
#include "store/record_filter.h"
#include "store/schema.h"
#include "store/writer.h"

namespace pw {
namespace {

std::uint64_t wall_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

std::string kernel_release() {
  utsname u{};
  if (::uname(&u) != 0) return "";
  return u.release;
}

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

std::uint64_t duration_option(const std::string& text, const char* name) {
  const auto d = parse_duration_ns(text);
  if (!d.value) throw FatalError(std::string(name) + ": " + d.error, 2);
  return *d.value;
}

// "1m05s, 66 samples, 1,234 rows, 3.4 MB, 0 dropped"
std::string progress_text(std::uint64_t elapsed_ns, const WriterProgress& p) {
  return format_duration_short(elapsed_ns) + ", " + std::to_string(p.stats.samples) + " samples, " +
         std::to_string(p.stats.entries) + " rows, " + format_size_short(p.database_bytes) + ", " +
         std::to_string(p.queue_drops) + " dropped";
}

}  // namespace

CLI::App* add_record_command(CLI::App& app, RecordCommandOptions& o) {
  CLI::App* rec = app.add_subcommand(
      "record", "Record per-process samples and lifecycle events to a SQLite file");
  rec->add_option("-o,--output", o.output, "Recording file (a new session is appended)")
      ->required();
  rec->add_option("-d,--interval", o.interval, "Time between samples (e.g. 1s, 500ms)")
      ->capture_default_str();
  rec->add_option("--duration", o.duration, "Stop after this long (default: until Ctrl-C)");
  rec->add_option("-p,--pid", o.pids, "Record only this process (repeatable)");
  rec->add_option("--comm", o.comms, "Record only processes with this name (repeatable)");
  rec->add_option("--cgroup", o.cgroups,
                  "Record only processes in this cgroup v2 path or below (repeatable)");
  rec->add_option("--retain", o.retain, "Delete samples older than this (e.g. 7d), oldest first");
  rec->add_option("--max-size", o.max_size,
                  "Keep the recording under this size (e.g. 1G), deleting the oldest samples");
  rec->add_option("--queue", o.queue, "Samples the writer may fall behind before dropping")
      ->capture_default_str();
  rec->add_flag("-q,--quiet", o.quiet, "No progress line");
  add_probe_options(*rec, o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant);
  return rec;
}

int run_record_command(const RecordCommandOptions& o) {
  // Arguments first, then the file, then BPF: each fails before the next.
  const std::uint64_t interval_ns = duration_option(o.interval, "--interval");
  if (interval_ns < 50'000'000 || interval_ns > 3600'000'000'000ULL)
    throw FatalError("--interval must be between 50ms and 1h", 2);
  std::optional<std::uint64_t> duration_ns;
  if (!o.duration.empty()) duration_ns = duration_option(o.duration, "--duration");
  WriterOptions wopts;
  if (!o.retain.empty()) {
    wopts.retain_ns = duration_option(o.retain, "--retain");
    if (*wopts.retain_ns < interval_ns) throw FatalError("--retain is shorter than --interval", 2);
  }
  if (!o.max_size.empty()) {
    const auto size = parse_size_bytes(o.max_size);
    if (!size.value) throw FatalError("--max-size: " + size.error, 2);
    if (*size.value < (1u << 20)) throw FatalError("--max-size must be at least 1M", 2);
    wopts.max_bytes = size.value;
  }
  if (o.queue == 0 || o.queue > 10000) throw FatalError("--queue must be between 1 and 10000", 2);
  const CollectorOptions copts =
      live_collector_options(o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant, false);
  RecordFilter filter;
  filter.pids.assign(o.pids.begin(), o.pids.end());
  filter.comms = o.comms;
  filter.cgroups = o.cgroups;

  verify_for_append(o.output);

  Collector collector(copts);

  SessionInfo info;
  info.host = host_name();
  info.kernel = kernel_release();
  info.procwatch_version = PROCWATCH_VERSION;
  info.start_wall_ns = wall_now_ns();
  info.interval_ns = interval_ns;
  info.filters_json = filter.to_json();
  info.notices = collector.notices();
  AsyncWriter writer(open_for_append(o.output), info, wopts, o.queue);

  const bool tty = !o.quiet && ::isatty(STDERR_FILENO);
  if (tty)
    for (const std::string& n : info.notices) std::fprintf(stderr, "procwatch: %s\n", n.c_str());
  install_stop_signals();

  using clock = std::chrono::steady_clock;
  const auto start = clock::now();
  const auto interval = std::chrono::nanoseconds(interval_ns);
  std::string reason = "signal";
  // The analyzer of top, on the recorded processes: its findings go into
  // the session (raised, refreshed every 30 s while active, ended).
  Analyzer analyzer(live_analyzer_options());
  FindingTransitions transitions;
  std::shared_ptr<const Sample> previous;
  for (std::uint64_t tick = 0;; ++tick) {
    Sample sample = collector.collect();
    filter.apply(sample);
    auto current = std::make_shared<const Sample>(sample);
    analyzer.update(derive_model(current, previous.get()));
    previous = current;
    auto changes = transitions.changes(analyzer, current->system.wall_ns);
    writer.push(std::move(sample), {}, std::move(changes));

    const auto elapsed = clock::now() - start;
    if (tty) {
      std::fprintf(
          stderr, "\r\033[Krecording to %s: %s", o.output.c_str(),
          progress_text(static_cast<std::uint64_t>(std::chrono::nanoseconds(elapsed).count()),
                        writer.progress())
              .c_str());
      std::fflush(stderr);
    }
    if (writer.failed()) break;
    // The next sample on a fixed schedule; after a stall, the next slot.
    auto next = start + interval * static_cast<long>(tick + 1);
    if (next < clock::now()) {
      tick = static_cast<std::uint64_t>((clock::now() - start) / interval);
      next = start + interval * static_cast<long>(tick + 1);
    }
    if (duration_ns && next - start > std::chrono::nanoseconds(*duration_ns)) {
      reason = "duration";
      break;
    }
    while (!stop_requested() && clock::now() < next) {
      collector.drain_events();
      std::this_thread::sleep_for(
          std::min<clock::duration>(next - clock::now(), std::chrono::milliseconds(100)));
    }
    if (stop_requested()) break;
  }

  const WriterProgress p = writer.close(reason);
  const auto elapsed_ns =
      static_cast<std::uint64_t>(std::chrono::nanoseconds(clock::now() - start).count());
  if (tty) {
    std::fprintf(stderr, "\r\033[Krecorded to %s: %s\n", o.output.c_str(),
                 progress_text(elapsed_ns, p).c_str());
  }
  if (!p.error.empty())
    throw FatalError("recording stopped: " + p.error + "; the " + std::to_string(p.stats.samples) +
                     " samples written before are intact");
  return 0;
}

}  // namespace pw
