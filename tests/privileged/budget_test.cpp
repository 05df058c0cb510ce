// The CPU budget acting on the real probes: a budget no real system can
// meet must lengthen the interval, sample the costliest optional probe,
// then detach it.
// (Recovery order is covered by the unit tests of the controller.)
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "bpf_test_support.h"
#include "collect/live_feed.h"

namespace pw::testing {
namespace {

TEST(CpuBudgetLive, DegradesUnderAnImpossibleBudget) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  LiveFeed feed(collector);
  BudgetConfig impossible;
  impossible.userspace_pct = 0.0001;
  impossible.kernel_pct = 0.0001;
  impossible.over_intervals = 2;
  impossible.under_intervals = 2;
  feed.enable_budget(impossible, /*kernel_sample_every=*/1);

  // Context switches so the scheduler program has a measurable cost.
  Workload sleeper({testprog("sleeper"), "100000", "1"});
  ProbeSet& probes = collector.probes();
  const std::vector<std::string> optional = {"sched", "net", "io", "mem"};
  auto any = [&](auto&& pred) { return std::any_of(optional.begin(), optional.end(), pred); };
  bool sampled_while_attached = false;
  for (int i = 0; i < 30; ++i) {
    feed.next();
    if (any([&](const std::string& o) {
          return probes.is_attached(o) && probes.sample_shift(o) > 0;
        }))
      sampled_while_attached = true;
    if (any([&](const std::string& o) { return !probes.is_attached(o); })) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(sampled_while_attached) << "sampling comes before switching a probe off";
  EXPECT_GT(feed.interval_scale(), 1.0);
  bool noticed = false;
  for (const auto& n : feed.notices())
    if (n.find("CPU budget exceeded") != std::string::npos) noticed = true;
  EXPECT_TRUE(noticed);
  // At least one optional probe object was detached: its counters are now
  // absent from samples rather than zero.
  EXPECT_TRUE(any([&](const std::string& o) { return !probes.is_attached(o); }));
}

}  // namespace
}  // namespace pw::testing
