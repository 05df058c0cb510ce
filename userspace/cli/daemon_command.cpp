#include "cli/daemon_command.h"

#include <unistd.h>

#include <cstdio>
#include <memory>

#include "collect/collector.h"
#include "collect/live_feed.h"
#include "common/error.h"
#include "common/log.h"
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
  add_probe_options(*cmd, o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant);
  add_budget_options(*cmd, o.budget);
  return cmd;
}

int run_daemon_command(const DaemonCommandOptions& o) {
  if (!(o.interval_s >= 0.05 && o.interval_s <= 3600))
    throw FatalError("--interval must be between 0.05 and 3600 seconds", 2);
  const ParsedListenAddress listen = parse_listen_address(o.listen);
  if (!listen.address) throw FatalError("--listen " + listen.error, 2);
  const CollectorOptions copts =
      live_collector_options(o.ringbuf_kib, o.no_scheduler, o.lifecycle_variant, false);
  // A daemon's log is its journal: say when it serves and when it stops.
  if (log_level() < LogLevel::Info) set_log_level(LogLevel::Info);
  install_stop_signals();

  // Bind first: a taken port fails before any BPF program is loaded.
  // Until the first sample /metrics answers 503.
  ModelBoard board;
  HttpServer server(*listen.address);
  add_metrics_routes(server, board, {PROCWATCH_VERSION, host_name()});
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
  board.publish(std::make_shared<const Model>(feed.next()));
  while (!stop_requested()) {
    wait_interval(feed, o.interval_s);
    if (stop_requested()) break;
    board.publish(std::make_shared<const Model>(feed.next()));
  }
  log_info("stopping on a signal");
  return 0;
}

}  // namespace pw
