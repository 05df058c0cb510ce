#include "cli/live_session.h"

#include <chrono>
#include <csignal>
#include <thread>

#include "common/error.h"

namespace pw {
namespace {

volatile std::sig_atomic_t g_stop = 0;

void request_stop(int) { g_stop = 1; }

}  // namespace

void add_probe_options(CLI::App& cmd, std::size_t& ringbuf_kib, bool& no_scheduler,
                       std::string& lifecycle_variant) {
  cmd.add_option("--ringbuf-kib", ringbuf_kib, "Lifecycle event ring buffer size in KiB")
      ->capture_default_str();
  cmd.add_flag("--no-sched", no_scheduler,
               "Do not load the scheduler programs (no run-queue latency / off-CPU)");
  cmd.add_option("--lifecycle-variant", lifecycle_variant,
                 "Attach variant for fork/exec/exit: auto, tp_btf or raw_tp")
      ->check(CLI::IsMember({"auto", "tp_btf", "raw_tp"}));
}

CollectorOptions live_collector_options(std::size_t ringbuf_kib, bool no_scheduler,
                                        const std::string& lifecycle_variant, bool keep_threads) {
  const std::size_t ring = ringbuf_kib * 1024;
  if (ring < 4096 || (ring & (ring - 1)) != 0)
    throw FatalError("--ringbuf-kib must be a power of two of at least 4", 2);
  CollectorOptions copts;
  copts.probes.ringbuf_bytes = ring;
  copts.probes.scheduler = !no_scheduler;
  copts.probes.lifecycle_variant = lifecycle_variant;
  copts.keep_threads = keep_threads;
  return copts;
}

void install_stop_signals() {
  std::signal(SIGINT, request_stop);
  std::signal(SIGTERM, request_stop);
  std::signal(SIGPIPE, SIG_IGN);
}

bool stop_requested() { return g_stop != 0; }

void add_budget_options(CLI::App& cmd, BudgetOptions& o) {
  cmd.add_option("--cpu-budget", o.userspace_pct,
                 "procwatch's own CPU budget, % of one core; over it the interval grows")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 100.0));
  cmd.add_option("--bpf-budget", o.kernel_pct,
                 "CPU budget of all BPF programs, % of one core; over it the costliest "
                 "optional probe is sampled (1 in 4, then 1 in 16), then switched off")
      ->capture_default_str()
      ->check(CLI::Range(0.01, 400.0));
  cmd.add_flag("--no-budget", o.disabled, "Never degrade, whatever procwatch costs");
}

void apply_budget_options(LiveFeed& feed, const BudgetOptions& o) {
  if (o.disabled) return;
  BudgetConfig config;
  config.userspace_pct = o.userspace_pct;
  config.kernel_pct = o.kernel_pct;
  feed.enable_budget(config);
}

void wait_interval(ModelFeed& feed, double seconds) {
  using clock = std::chrono::steady_clock;
  // The feed may stretch the interval to stay within its CPU budget.
  seconds *= feed.interval_scale();
  const auto end = clock::now() + std::chrono::duration_cast<clock::duration>(
                                      std::chrono::duration<double>(seconds));
  while (!g_stop && clock::now() < end) {
    feed.tick();
    const auto left = end - clock::now();
    std::this_thread::sleep_for(std::min<clock::duration>(left, std::chrono::milliseconds(100)));
  }
}

}  // namespace pw
