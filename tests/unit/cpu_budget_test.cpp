// The budget controller on synthetic costs: it degrades in the documented
// order and recovers in reverse when load falls.
#include "collect/cpu_budget.h"

#include <gtest/gtest.h>

namespace pw {
namespace {

using Kind = BudgetStep::Kind;

SelfRow cost(double user_pct, std::vector<std::pair<std::string, double>> programs = {}) {
  SelfRow r;
  r.cpu_pct = user_pct;
  if (!programs.empty()) {
    double total = 0;
    for (auto& [object, pct] : programs) {
      r.programs.push_back({object, "prog_" + object, 1000.0, 100.0, pct});
      total += pct;
    }
    r.kernel_cpu_pct = total;
  }
  return r;
}

BudgetConfig config() {
  BudgetConfig c;
  c.userspace_pct = 1.0;
  c.kernel_pct = 2.0;
  c.over_intervals = 3;
  c.under_intervals = 4;
  c.max_interval_factor = 4;
  return c;
}

TEST(CpuBudget, StaysQuietWithinBudgetAndIgnoresASingleSpike) {
  CpuBudget b(config(), {"net", "io"});
  EXPECT_EQ(b.update(cost(0.5)).kind, Kind::None);
  EXPECT_EQ(b.update(cost(5.0)).kind, Kind::None);  // one interval over
  EXPECT_EQ(b.update(cost(0.9)).kind, Kind::None);
  EXPECT_EQ(b.update(cost(5.0)).kind, Kind::None);
  EXPECT_EQ(b.update(cost(5.0)).kind, Kind::None);  // only two in a row
  EXPECT_FALSE(b.degraded());
  EXPECT_EQ(b.describe(), "");
}

TEST(CpuBudget, UserspaceOverBudgetLengthensTheIntervalUpToTheLimit) {
  CpuBudget b(config(), {"net"});
  for (int i = 0; i < 2; ++i) EXPECT_EQ(b.update(cost(2.0)).kind, Kind::None);
  const BudgetStep s = b.update(cost(2.0));
  EXPECT_EQ(s.kind, Kind::LengthenInterval);
  EXPECT_NE(s.reason.find("x2"), std::string::npos);
  EXPECT_EQ(b.interval_factor(), 2);
  for (int i = 0; i < 2; ++i) b.update(cost(2.0));
  EXPECT_EQ(b.update(cost(2.0)).kind, Kind::LengthenInterval);
  EXPECT_EQ(b.interval_factor(), 4);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.update(cost(2.0)).kind, Kind::None);  // at the limit
  EXPECT_EQ(b.interval_factor(), 4);
  EXPECT_NE(b.describe().find("x4"), std::string::npos);
}

// Three intervals over the kernel budget in a row: one step down.
BudgetStep step_down(CpuBudget& b, const SelfRow& heavy) {
  b.update(heavy);
  b.update(heavy);
  return b.update(heavy);
}

TEST(CpuBudget, KernelOverBudgetSamplesTheMostExpensiveOptionalProbeThenSwitchesItOff) {
  CpuBudget b(config(), {"net", "io", "sched"});
  // lifecycle is not optional: even as the most expensive it stays on.
  const auto heavy = cost(0.2, {{"lifecycle", 5.0}, {"net", 1.5}, {"io", 0.3}});
  BudgetStep s = step_down(b, heavy);
  EXPECT_EQ(s.kind, Kind::SampleProbe);
  EXPECT_EQ(s.probe, "net");
  EXPECT_EQ(s.shift, 2u);
  EXPECT_NE(s.reason.find("1 in 4"), std::string::npos);
  EXPECT_EQ(b.sample_shift("net"), 2u);
  EXPECT_NE(b.describe().find("'net' sampled 1 in 4"), std::string::npos);

  s = step_down(b, heavy);
  EXPECT_EQ(s.kind, Kind::SampleProbe);
  EXPECT_EQ(s.shift, 4u);
  EXPECT_EQ(b.sample_shift("net"), 4u);

  s = step_down(b, heavy);
  EXPECT_EQ(s.kind, Kind::DisableProbe);
  EXPECT_EQ(s.probe, "net");
  EXPECT_EQ(b.disabled_probes(), std::vector<std::string>{"net"});
  EXPECT_NE(b.describe().find("'net' probes off"), std::string::npos);

  // Still over: the next most expensive goes, never "net" twice.
  s = step_down(b, heavy);
  EXPECT_EQ(s.kind, Kind::SampleProbe);
  EXPECT_EQ(s.probe, "io");
  EXPECT_EQ(b.sample_shift("io"), 2u);
}

TEST(CpuBudget, SamplingStepsCanBeSwitchedOff) {
  BudgetConfig c = config();
  c.sample_shift_step = 0;  // straight to switching off
  CpuBudget b(c, {"net"});
  const BudgetStep s = step_down(b, cost(0.2, {{"net", 3.0}}));
  EXPECT_EQ(s.kind, Kind::DisableProbe);
}

TEST(CpuBudget, IntervalsWithoutKernelFiguresDoNotCountForOrAgainstTheKernelBudget) {
  CpuBudget b(config(), {"net"});
  const auto heavy = cost(0.2, {{"net", 3.0}});
  b.update(heavy);
  b.update(cost(0.2));  // BPF statistics were off: unknown, not "under"
  b.update(heavy);
  EXPECT_EQ(b.update(heavy).kind, Kind::SampleProbe);
}

TEST(CpuBudget, RecoversInReverseOrderOnceWellUnderBudget) {
  BudgetConfig c = config();
  c.max_sample_shift = 2;  // one sampling step, then off
  CpuBudget b(c, {"net"});
  for (int i = 0; i < 3; ++i) b.update(cost(2.0));  // interval x2
  const auto heavy = cost(0.2, {{"net", 3.0}});
  ASSERT_EQ(step_down(b, heavy).kind, Kind::SampleProbe);
  ASSERT_EQ(step_down(b, heavy).kind, Kind::DisableProbe);
  ASSERT_EQ(b.interval_factor(), 2);
  ASSERT_EQ(b.disabled_probes().size(), 1u);

  // Under budget but not well under (more than half): no recovery.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.update(cost(0.7)).kind, Kind::None);
  auto recover = [&] {
    for (int i = 0; i < 3; ++i) EXPECT_EQ(b.update(cost(0.1)).kind, Kind::None);
    return b.update(cost(0.1));
  };
  const BudgetStep first = recover();
  EXPECT_EQ(first.kind, Kind::EnableProbe);  // the last step is undone first
  EXPECT_EQ(first.probe, "net");
  EXPECT_EQ(b.sample_shift("net"), 2u);  // back on, still sampled
  const BudgetStep second = recover();
  EXPECT_EQ(second.kind, Kind::SampleProbe);
  EXPECT_EQ(second.probe, "net");
  EXPECT_EQ(second.shift, 0u);  // every event again
  EXPECT_EQ(b.sample_shift("net"), 0u);
  EXPECT_EQ(recover().kind, Kind::RestoreInterval);
  EXPECT_EQ(b.interval_factor(), 1);
  EXPECT_FALSE(b.degraded());
  EXPECT_EQ(b.describe(), "");
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.update(cost(0.1)).kind, Kind::None);
}

}  // namespace
}  // namespace pw
