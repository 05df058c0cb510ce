// The CPU budget acting on the real probes: a budget no real system can
// meet must lengthen the interval and detach the costliest optional probe.
// (Recovery order is covered by the unit tests of the controller.)
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "bpf_test_support.h"
#include "collect/live_feed.h"

namespace pw::testing {
namespace {

TEST(CpuBudgetLive, DegradesUnderAnImpossibleBudget) {
  PW_REQUIRE_BPF();
  Collector collector(CollectorOptions{});
  LiveFeed feed(collector);
  BudgetConfig impossible;
  impossible.userspace_pct = 0.0001;
  impossible.kernel_pct = 0.0001;
  impossible.over_intervals = 2;
  impossible.under_intervals = 2;
  feed.enable_budget(impossible, /*kernel_sample_every=*/1);

  // Context switches so the scheduler program has a measurable cost.
  Workload sleeper({testprog("sleeper"), "100000", "1"});
  for (int i = 0; i < 8; ++i) {
    feed.next();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_GT(feed.interval_scale(), 1.0);
  bool noticed = false;
  for (const auto& n : feed.notices())
    if (n.find("CPU budget exceeded") != std::string::npos) noticed = true;
  EXPECT_TRUE(noticed);
  // At least one optional probe object was detached: its counters are now
  // absent from samples rather than zero.
  const bool any_detached =
      !collector.probes().is_attached("sched") || !collector.probes().is_attached("net") ||
      !collector.probes().is_attached("io") || !collector.probes().is_attached("mem");
  EXPECT_TRUE(any_detached);
}

}  // namespace
}  // namespace pw::testing
