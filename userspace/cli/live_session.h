// What the subcommands that watch the live system share: the probe
// options, the Collector's configuration, stopping on SIGINT/SIGTERM and
// waiting one interval while draining events.
#pragma once

#include <CLI/CLI.hpp>
#include <cstddef>
#include <string>

#include "collect/collector.h"
#include "collect/live_feed.h"
#include "feed/model_feed.h"

namespace pw {

// --ringbuf-kib, --no-sched and --lifecycle-variant.
void add_probe_options(CLI::App& cmd, std::size_t& ringbuf_kib, bool& no_scheduler,
                       std::string& lifecycle_variant);

// The Collector's options for those; throws FatalError (exit 2) for a ring
// size that is not a power of two of at least 4 KiB.
CollectorOptions live_collector_options(std::size_t ringbuf_kib, bool no_scheduler,
                                        const std::string& lifecycle_variant, bool keep_threads);

// The CPU budget of a live session (see collect/cpu_budget.h).
struct BudgetOptions {
  double userspace_pct = 1.0;
  double kernel_pct = 3.0;
  bool disabled = false;
};
// --cpu-budget, --bpf-budget, --no-budget.
void add_budget_options(CLI::App& cmd, BudgetOptions& options);
void apply_budget_options(LiveFeed& feed, const BudgetOptions& options);

// SIGINT and SIGTERM set a flag that stop_requested() reads (the interval
// wait returns early); SIGPIPE is ignored so a closed pipe is a write error.
void install_stop_signals();
bool stop_requested();

// Sleeps `seconds` (times the feed's interval_scale()) while draining
// events, so the ring buffer never fills between samples; returns early
// when a stop was requested.
void wait_interval(ModelFeed& feed, double seconds);

}  // namespace pw
