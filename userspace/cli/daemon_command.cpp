#include "cli/daemon_command.h"

#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>

#include "alert/alert_daemon.h"
#include "alert/hooks/hook_dispatcher.h"
#include "collect/collector.h"
#include "collect/live_feed.h"
#include "common/error.h"
#include "common/log.h"
#include "config/config.h"
#include "serve/http_server.h"
#include "serve/metrics_routes.h"
#include "serve/model_board.h"

namespace pw {
namespace {

std::string host_name() {
  char buf[256] = {};
  if (::gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

std::atomic<bool> g_reload{false};
extern "C" void on_sighup(int) { g_reload.store(true); }

// SIGHUP reloads the config at the next interval (the default action
// would kill the daemon).
void install_reload_signal() {
  struct sigaction sa = {};
  sa.sa_handler = on_sighup;
  sigemptyset(&sa.sa_mask);
  ::sigaction(SIGHUP, &sa, nullptr);
}

std::uint64_t clock_ns(clockid_t id) {
  timespec ts{};
  ::clock_gettime(id, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ull +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

CLI::App* add_daemon_command(CLI::App& app, DaemonCommandOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "daemon", "Collect in the background and serve Prometheus metrics over HTTP (/metrics)");
  cmd->add_option("--listen", o.listen,
                  "ADDRESS:PORT to serve on (an address or a host name, resolved at start); "
                  ":PORT or 0.0.0.0:PORT for every interface, "
                  "[::1]:PORT for IPv6")
      ->capture_default_str();
  cmd->add_option("-d,--interval", o.interval_s, "Seconds between collections")
      ->capture_default_str();
  cmd->add_flag("--bpf-stats", o.bpf_stats,
                "Keep BPF run-time statistics on (they cost a little per event; by default "
                "they are on one interval in ten, for the CPU budget)");
  cmd->add_option("--config", o.config_path,
                  "procwatch.toml with the alert rules, detectors and hooks (SIGHUP reloads it); "
                  "without it the built-in rules apply");
  add_probe_options(*cmd, o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant);
  add_budget_options(*cmd, o.budget);
  return cmd;
}

int run_daemon_command(const DaemonCommandOptions& o) {
  if (!(o.interval_s >= 0.05 && o.interval_s <= 3600))
    throw FatalError("--interval must be between 0.05 and 3600 seconds", 2);
  // A bad config stops the daemon before anything starts: exit 2, as for
  // any other usage error, with every error line.
  Config config;
  if (!o.config_path.empty()) {
    ConfigResult r = load_config_file(o.config_path);
    if (!r.config) {
      std::string all;
      for (const auto& e : r.errors) all += (all.empty() ? "" : "\n") + e;
      throw FatalError("bad config:\n" + all, 2);
    }
    config = std::move(*r.config);
  }
  // Hooks are checked like the rest of the config: a bad one is exit 2.
  if (!config.hooks.empty()) {
    try {
      set_notification_sink(make_hook_dispatcher(config.hooks));
    } catch (const std::invalid_argument& e) {
      throw FatalError(std::string("bad config:\n") + e.what(), 2);
    }
  }
  const ParsedListenAddress listen = parse_listen_address(o.listen);
  if (!listen.address) throw FatalError("--listen " + listen.error, 2);
  const CollectorOptions copts =
      live_collector_options(o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant, false);
  // A daemon's log is its journal: say when it serves and when it stops.
  if (log_level() < LogLevel::Info) set_log_level(LogLevel::Info);
  install_stop_signals();
  install_reload_signal();

  // Bind first: a taken port fails before any BPF program is loaded.
  // Until the first sample /metrics answers 503.
  ModelBoard board;
  HttpServer server(*listen.address);
  add_metrics_routes(server, board, {PROCWATCH_VERSION, host_name(), [] {
                       const auto d = current_hook_dispatcher();
                       return d ? render_hook_metrics(d->status()) : std::string();
                     }});
  server.start();

  Collector collector(copts);
  LiveFeed feed(collector);
  apply_budget_options(feed, o.budget);
  if (o.bpf_stats) feed.watch_self(true);
  char every[32];
  std::snprintf(every, sizeof every, "%g", o.interval_s);
  log_info("serving http://" + server.address().text() + "/metrics, collecting every " + every +
           " s");

  // Counters in a Sample are cumulative, so even the first Model (no
  // rates yet) is complete for /metrics.
  AlertDaemon alerts(std::move(config), host_name());
  log_info(std::string("alerting with ") +
           (o.config_path.empty() ? "the built-in rules" : o.config_path) + ": " +
           std::to_string(alerts.config().rules.empty() ? default_rules().size()
                                                        : alerts.config().rules.size()) +
           " rules");
  auto next_model = [&] {
    Model m = feed.next();
    alerts.step(m, clock_ns(CLOCK_MONOTONIC), clock_ns(CLOCK_REALTIME));
    return std::make_shared<const Model>(std::move(m));
  };
  board.publish(next_model());
  while (!stop_requested()) {
    wait_interval(feed, o.interval_s);
    if (stop_requested()) break;
    if (g_reload.exchange(false)) {
      if (o.config_path.empty())
        log_warn("SIGHUP: no --config to reload; keeping the built-in rules");
      else if (alerts.reload())
        reload_hook_dispatcher(alerts.config().hooks);
    }
    board.publish(next_model());
  }
  log_info("stopping on a signal");
  return 0;
}

}  // namespace pw
