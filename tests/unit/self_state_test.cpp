// The probe and CPU-budget state every stage reads from the Sample: what
// CpuBudget::state() puts there, and how `status` and the `O` view show it.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "collect/cpu_budget.h"
#include "model/thread_rows.h"
#include "view/self_view.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::TwoSamples;

SelfRow over(double user_pct, double sched_pct) {
  SelfRow r;
  r.cpu_pct = user_pct;
  r.programs.push_back({"sched", "on_sched_switch", 1000.0, 100.0, sched_pct});
  r.kernel_cpu_pct = sched_pct;
  return r;
}

TEST(SelfState, BudgetStateListsTheStepsInForce) {
  BudgetConfig config;
  config.userspace_pct = 1.0;
  config.kernel_pct = 2.0;
  config.over_intervals = 1;
  CpuBudget b(config, {"sched"});
  BudgetState s = b.state();
  EXPECT_TRUE(s.enabled);
  EXPECT_FALSE(s.degraded);
  EXPECT_EQ(s.interval_factor, 1);
  EXPECT_TRUE(s.steps.empty());
  EXPECT_EQ(s.userspace_pct, 1.0);
  EXPECT_EQ(s.kernel_pct, 2.0);

  const BudgetStep sampled = b.update(over(0.1, 5.0));
  ASSERT_EQ(sampled.kind, BudgetStep::Kind::SampleProbe);
  const BudgetStep longer = b.update(over(5.0, 0.1));
  ASSERT_EQ(longer.kind, BudgetStep::Kind::LengthenInterval);
  s = b.state();
  EXPECT_TRUE(s.degraded);
  EXPECT_EQ(s.interval_factor, 2);
  ASSERT_EQ(s.steps.size(), 2u);
  EXPECT_EQ(s.steps[0], sampled.reason) << "oldest first";
  EXPECT_EQ(s.steps[1], longer.reason);
  EXPECT_EQ(s.description, b.describe());
}

TwoSamples with_state() {
  TwoSamples t;
  t.add({.pid = 1, .comm = "init"});
  t.self_before = {.cpu_ns = kSec, .rss_bytes = 20 << 20};
  t.self_after = {.cpu_ns = kSec + kSec / 100, .rss_bytes = 20 << 20};
  t.self_after.probes = {
      {.object = "sched", .loaded = true, .attached = true, .optional = true, .sample_shift = 2},
      {.object = "net", .loaded = true, .attached = false, .optional = true},
      {.object = "io", .loaded = false, .optional = true},
      {.object = "lifecycle", .loaded = true, .attached = true},
  };
  t.self_after.budget = {
      .enabled = true,
      .userspace_pct = 1.0,
      .kernel_pct = 3.0,
      .interval_factor = 2,
      .degraded = true,
      .description = "CPU budget exceeded: refresh interval x2; 'net' probes off",
      .steps = {"one", "two"}};
  return t;
}

bool has(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

TEST(SelfState, SelfViewShowsProbesAndBudget) {
  const auto lines = self_view_lines(with_state().derive());
  EXPECT_TRUE(has(lines, "probes: sched sampled 1 in 4, net off, io not loaded, lifecycle on"));
  EXPECT_TRUE(has(lines,
                  "CPU budget: userspace 1.00%, BPF 3.00% of one core; CPU budget exceeded: "
                  "refresh interval x2; 'net' probes off"));
  TwoSamples off = with_state();
  off.self_after.budget = {};
  EXPECT_TRUE(has(self_view_lines(off.derive()), "CPU budget: off"));
  TwoSamples none;  // a recording, or a Sample that does not say
  none.self_after = {.cpu_ns = 2 * kSec, .rss_bytes = 1 << 20};
  for (const auto& l : self_view_lines(none.derive())) {
    EXPECT_FALSE(l.starts_with("probes:")) << l;
    EXPECT_FALSE(l.starts_with("CPU budget:")) << l;
  }
}

TEST(SelfState, SelfJsonCarriesProbesAndBudget) {
  const auto j = self_json(with_state().derive(), {});
  ASSERT_EQ(j["probes"].size(), 4u);
  EXPECT_EQ(j["probes"][0]["object"], "sched");
  EXPECT_EQ(j["probes"][0]["sample_shift"], 2);
  EXPECT_EQ(j["probes"][1]["attached"], false);
  EXPECT_EQ(j["budget"]["enabled"], true);
  EXPECT_EQ(j["budget"]["degraded"], true);
  EXPECT_EQ(j["budget"]["interval_factor"], 2);
  EXPECT_EQ(j["budget"]["kernel_pct"], 3.0);
  EXPECT_EQ(j["budget"]["steps"].size(), 2u);
}

TEST(SelfState, ThreadRowsKeepProcwatchsOwnFigures) {
  Sample s;
  s.self.cpu_ns = 42;
  s.self.probes = {{.object = "sched", .loaded = true}};
  const Sample rows = threads_as_rows(s);
  EXPECT_EQ(rows.self.cpu_ns, 42u) << "top -H's O view";
  EXPECT_EQ(rows.self.probes, s.self.probes);
}

}  // namespace
}  // namespace pw
