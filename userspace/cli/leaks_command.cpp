#include "cli/leaks_command.h"

#include <signal.h>

#include <cerrno>
#include <chrono>
#include <iostream>
#include <nlohmann/json.hpp>

#include "analyze/analyzing_feed.h"
#include "analyze/finding_format.h"
#include "common/error.h"
#include "common/time_text.h"

namespace pw {
namespace {

std::uint64_t duration_arg(const std::string& text, const char* name) {
  const auto d = parse_duration_ns(text);
  if (!d.value) throw FatalError(std::string(name) + ": " + d.error, 2);
  return *d.value;
}

bool process_exists(int pid) { return ::kill(pid, 0) == 0 || errno == EPERM; }

}  // namespace

CLI::App* add_leaks_command(CLI::App& app, LeaksCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "leaks",
      "Tier-1 leak detection: trend tests on anonymous RSS of every process (or -p PID), "
      "suspicions printed as raised");
  cmd->add_option("-p,--pid", o.pid, "Watch only this process");
  cmd->add_option("--duration", o.duration, "Stop after this long (default: until Ctrl-C)");
  cmd->add_option("-d,--interval", o.interval, "Sampling interval")->capture_default_str();
  cmd->add_flag("--json", o.json, "One JSON document at the end instead of text");
  cmd->add_option("--min-rate", o.min_rate, "Slower growth is not reported (bytes/s)")
      ->capture_default_str();
  cmd->add_option("--min-duration", o.min_duration, "Growth must last this long")
      ->capture_default_str();
  cmd->add_option("--window", o.window, "Sliding window of the trend test")->capture_default_str();
  add_probe_options(*cmd, o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant);
  return cmd;
}

int run_leaks_command(const LeaksCommandOptions& o) {
  const double interval_s = static_cast<double>(duration_arg(o.interval, "--interval")) / 1e9;
  if (interval_s < 0.1) throw FatalError("--interval must be at least 100ms", 2);
  std::optional<double> duration_s;
  if (!o.duration.empty())
    duration_s = static_cast<double>(duration_arg(o.duration, "--duration")) / 1e9;
  AnalyzerOptions aopts = live_analyzer_options();
  aopts.anomalies = false;  // `leaks` is about memory; top and analyze run both
  const auto rate = parse_size_bytes(o.min_rate);
  if (!rate.value) throw FatalError("--min-rate: " + rate.error, 2);
  aopts.leak.min_rate_bytes_per_s = static_cast<double>(*rate.value);
  aopts.leak.min_duration_s =
      static_cast<double>(duration_arg(o.min_duration, "--min-duration")) / 1e9;
  aopts.leak.window_s = static_cast<double>(duration_arg(o.window, "--window")) / 1e9;
  if (aopts.leak.window_s < aopts.leak.min_duration_s)
    throw FatalError("--window must be at least --min-duration", 2);
  if (o.pid < 0) throw FatalError("-p: not a process id: " + std::to_string(o.pid), 2);
  if (o.pid > 0) {
    if (!process_exists(o.pid)) throw FatalError("no process with pid " + std::to_string(o.pid), 2);
    aopts.only_pid = o.pid;
  }

  Collector collector(
      live_collector_options(o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant, false));
  LiveFeed live(collector);
  AnalyzingFeed feed(live, aopts);
  install_stop_signals();
  if (!o.json) {
    std::cout << "procwatch leaks: tier 1 (anonymous RSS trend), "
              << (o.pid ? "pid " + std::to_string(o.pid) : std::string("all processes"))
              << ", a verdict needs " << o.min_duration << " of samples; Ctrl-C to stop\n"
              << std::flush;
  }
  const auto start = std::chrono::steady_clock::now();
  std::string end_reason = "interrupted";
  std::size_t intervals = 0;
  feed.next();  // first frame: series start
  while (true) {
    wait_interval(feed, interval_s);
    if (stop_requested()) break;
    const Model m = feed.next();
    ++intervals;
    if (!o.json)
      for (const Finding& f : feed.raised()) std::cout << finding_line(f) << "\n" << std::flush;
    if (o.pid) {
      bool alive = false;
      for (const ProcessRow& r : m.processes)
        if (r.sample->key.pid == o.pid && !r.sample->exit_status) alive = true;
      if (!alive) {
        end_reason = "pid " + std::to_string(o.pid) + " exited";
        if (!o.json) std::cout << "pid " << o.pid << " exited\n";
        break;
      }
    }
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (duration_s && elapsed + interval_s / 2 >= *duration_s) {
      end_reason = "duration";
      break;
    }
  }
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const std::vector<Finding> all = feed.analyzer().all();
  if (o.json) {
    nlohmann::json j = {{"tier", 1},
                        {"pid", o.pid ? nlohmann::json(o.pid) : nlohmann::json(nullptr)},
                        {"elapsed_s", elapsed},
                        {"intervals", intervals},
                        {"end_reason", end_reason},
                        {"findings", nlohmann::json::array()}};
    for (const Finding& f : all) j["findings"].push_back(finding_json(f));
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "summary: " << all.size() << " leak suspicion(s) over "
              << static_cast<long>(elapsed) << " s (" << end_reason << ")\n";
    for (const Finding& f : all) std::cout << "  " << finding_line(f) << "\n";
  }
  std::cout << std::flush;
  return all.empty() ? 0 : kExitFindings;
}

}  // namespace pw
