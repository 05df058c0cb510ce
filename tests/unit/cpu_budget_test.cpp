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

TEST(CpuBudget, KernelOverBudgetSwitchesOffTheMostExpensiveOptionalProbe) {
  CpuBudget b(config(), {"net", "io", "sched"});
  // lifecycle is not optional: even as the most expensive it stays on.
  const auto heavy = cost(0.2, {{"lifecycle", 5.0}, {"net", 1.5}, {"io", 0.3}});
  b.update(heavy);
  b.update(heavy);
  const BudgetStep s = b.update(heavy);
  EXPECT_EQ(s.kind, Kind::DisableProbe);
  EXPECT_EQ(s.probe, "net");
  EXPECT_EQ(b.disabled_probes(), std::vector<std::string>{"net"});
  // Still over: next goes the next most expensive, never "net" twice.
  for (int i = 0; i < 2; ++i) b.update(heavy);
  const BudgetStep t = b.update(heavy);
  EXPECT_EQ(t.kind, Kind::DisableProbe);
  EXPECT_EQ(t.probe, "io");
}

TEST(CpuBudget, IntervalsWithoutKernelFiguresDoNotCountForOrAgainstTheKernelBudget) {
  CpuBudget b(config(), {"net"});
  const auto heavy = cost(0.2, {{"net", 3.0}});
  b.update(heavy);
  b.update(cost(0.2));  // BPF statistics were off: unknown, not "under"
  b.update(heavy);
  EXPECT_EQ(b.update(heavy).kind, Kind::DisableProbe);
}

TEST(CpuBudget, RecoversInReverseOrderOnceWellUnderBudget) {
  CpuBudget b(config(), {"net"});
  for (int i = 0; i < 3; ++i) b.update(cost(2.0));                  // interval x2
  for (int i = 0; i < 3; ++i) b.update(cost(0.2, {{"net", 3.0}}));  // net off
  ASSERT_EQ(b.interval_factor(), 2);
  ASSERT_EQ(b.disabled_probes().size(), 1u);

  // Under budget but not well under (more than half): no recovery.
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.update(cost(0.7)).kind, Kind::None);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(b.update(cost(0.1)).kind, Kind::None);
  const BudgetStep first = b.update(cost(0.1));
  EXPECT_EQ(first.kind, Kind::EnableProbe);  // the last step is undone first
  EXPECT_EQ(first.probe, "net");
  for (int i = 0; i < 3; ++i) b.update(cost(0.1));
  EXPECT_EQ(b.update(cost(0.1)).kind, Kind::RestoreInterval);
  EXPECT_EQ(b.interval_factor(), 1);
  EXPECT_FALSE(b.degraded());
  for (int i = 0; i < 10; ++i) EXPECT_EQ(b.update(cost(0.1)).kind, Kind::None);
}

}  // namespace
}  // namespace pw
