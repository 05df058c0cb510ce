// `procwatch daemon`: collects every interval, like `top -b` without the
// output, and serves the latest Model over HTTP (Prometheus /metrics).
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "cli/live_session.h"

namespace pw {

// Loopback only unless told otherwise: /metrics says what this host runs.
// 10464: outside Prometheus's exporter range 9100-9999, which is fully
// allocated, and not 9464, the OpenTelemetry SDKs' Prometheus exporter
// default that instrumented applications on the same host may hold.
inline constexpr const char* kDefaultListen = "127.0.0.1:10464";

struct DaemonCommandOptions {
  std::string listen = kDefaultListen;
  double interval_s = 1.0;
  bool bpf_stats = false;  // keep BPF run-time statistics on all the time
  std::size_t ringbuf_kib = 1024;
  bool no_scheduler = false;
  std::string lifecycle_variant = "auto";
  BudgetOptions budget;
  std::string config_path;  // procwatch.toml; empty: built-in alert rules
};

CLI::App* add_daemon_command(CLI::App& app, DaemonCommandOptions& options);
int run_daemon_command(const DaemonCommandOptions& options);

}  // namespace pw
