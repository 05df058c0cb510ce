// The rule engine driven by a fake clock: one evaluation per "second", the
// watched value (a process's thread count) set by hand each step.
#include <gtest/gtest.h>

#include <memory>

#include "alert/rule_engine.h"

namespace pw {
namespace {

constexpr std::uint64_t kSec = 1'000'000'000ull;

class FakeHost {
 public:
  FakeHost() {
    sample_.key = {4242, 777};
    sample_.comm = "busy";
    sample_.cmdline = "/usr/bin/busy --spin";
    sample_.user = "alice";
  }
  Model model(std::uint32_t threads, bool with_process = true) {
    sample_.num_threads = threads;
    Model m;
    m.system.interval_s = 1;
    m.system.cpu_busy_pct = cpu_;
    if (with_process) {
      ProcessRow row;
      row.sample = &sample_;
      m.processes.push_back(row);
    }
    return m;
  }
  ProcessSample sample_;
  double cpu_ = 0;
};

RuleConfig threads_rule(double for_s, double hysteresis) {
  RuleConfig r;
  r.name = "many_threads";
  r.field = "threads";
  r.warning = 100;
  r.critical = 200;
  r.for_s = for_s;
  r.hysteresis = hysteresis;
  return r;
}

struct Driver {
  RuleEngine engine;
  FakeHost host;
  std::uint64_t now = 1000 * kSec;
  std::vector<Alert> tick(std::uint32_t threads, bool present = true) {
    now += kSec;
    return engine.evaluate(host.model(threads, present), now, now);
  }
};

TEST(AlertRuleEngine, FiresOnlyAfterTheForDuration) {
  Driver r{RuleEngine({threads_rule(3, 0)}, {}, "h1")};
  EXPECT_TRUE(r.tick(150).empty());  // pending since t0
  EXPECT_TRUE(r.tick(150).empty());  // 1 s
  EXPECT_TRUE(r.tick(150).empty());  // 2 s
  auto out = r.tick(150);            // 3 s: fires
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].state, AlertState::Firing);
  EXPECT_EQ(out[0].severity, AlertSeverity::Warning);
  EXPECT_EQ(out[0].rule, "many_threads");
  EXPECT_EQ(out[0].host, "h1");
  ASSERT_TRUE(out[0].process);
  EXPECT_EQ(out[0].process->pid, 4242);
  EXPECT_DOUBLE_EQ(out[0].value, 150);
  EXPECT_DOUBLE_EQ(out[0].threshold, 100);
}

TEST(AlertRuleEngine, ADipBeforeForResetsThePending) {
  Driver r{RuleEngine({threads_rule(2, 0)}, {}, "h")};
  EXPECT_TRUE(r.tick(150).empty());
  EXPECT_TRUE(r.tick(150).empty());
  EXPECT_TRUE(r.tick(50).empty());   // back under: pending forgotten
  EXPECT_TRUE(r.tick(150).empty());  // pending anew
  EXPECT_TRUE(r.tick(150).empty());
  EXPECT_EQ(r.tick(150).size(), 1u);
}

TEST(AlertRuleEngine, HysteresisKeepsItFiringWithoutFlapping) {
  Driver r{RuleEngine({threads_rule(0, 10)}, {}, "h")};
  ASSERT_EQ(r.tick(101).size(), 1u);
  // Oscillating around the threshold, within the hysteresis: no changes.
  for (std::uint32_t v : {99u, 101u, 95u, 100u, 91u, 105u}) EXPECT_TRUE(r.tick(v).empty()) << v;
  EXPECT_EQ(r.engine.active().size(), 1u);
  auto out = r.tick(89);  // below 100 - 10: resolves
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].state, AlertState::Resolved);
  EXPECT_NE(out[0].ends_wall_ns, 0u);
  EXPECT_TRUE(r.engine.active().empty());
}

TEST(AlertRuleEngine, DedupesOneAlertPerRuleAndProcess) {
  Driver r{RuleEngine({threads_rule(0, 0)}, {}, "h")};
  auto first = r.tick(150);
  ASSERT_EQ(first.size(), 1u);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(r.tick(160).empty());
  ASSERT_EQ(r.engine.active().size(), 1u);
  EXPECT_EQ(r.engine.active()[0].fingerprint, first[0].fingerprint);
  // Another process is another subject with its own fingerprint.
  r.host.sample_.key = {4243, 999};
  auto second = r.tick(150);
  // Old pid gone (resolved) and new pid fires, in one evaluation.
  ASSERT_EQ(second.size(), 2u);
  EXPECT_NE(second[0].fingerprint, second[1].fingerprint);
}

TEST(AlertRuleEngine, EscalatesToCriticalAndBack) {
  Driver r{RuleEngine({threads_rule(0, 10)}, {}, "h")};
  ASSERT_EQ(r.tick(150).size(), 1u);
  auto up = r.tick(250);
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].severity, AlertSeverity::Critical);
  EXPECT_DOUBLE_EQ(up[0].threshold, 200);
  EXPECT_TRUE(r.tick(195).empty());  // within hysteresis of critical
  auto down = r.tick(150);
  ASSERT_EQ(down.size(), 1u);
  EXPECT_EQ(down[0].state, AlertState::Firing);
  EXPECT_EQ(down[0].severity, AlertSeverity::Warning);
  EXPECT_EQ(down[0].fingerprint, up[0].fingerprint);
}

TEST(AlertRuleEngine, ExitedProcessResolves) {
  Driver r{RuleEngine({threads_rule(0, 0)}, {}, "h")};
  ASSERT_EQ(r.tick(150).size(), 1u);
  auto out = r.tick(0, /*present=*/false);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].state, AlertState::Resolved);
}

TEST(AlertRuleEngine, MatchFiltersProcesses) {
  RuleConfig rule = threads_rule(0, 0);
  rule.match.cmdline_regex = "--other";
  Driver r{RuleEngine({rule}, {}, "h")};
  EXPECT_TRUE(r.tick(500).empty());
  rule.match.cmdline_regex = "^/usr/bin/busy";
  rule.match.user = "alice";
  Driver r2{RuleEngine({rule}, {}, "h")};
  EXPECT_EQ(r2.tick(500).size(), 1u);
}

TEST(AlertRuleEngine, BelowRuleOnASystemField) {
  RuleConfig rule;
  rule.name = "idle_host";
  rule.field = "cpu_busy_pct";
  rule.scope = RuleScope::System;
  rule.above = false;
  rule.warning = 5;
  rule.for_s = 1;
  Driver r{RuleEngine({rule}, {}, "h")};
  r.host.cpu_ = 2;
  EXPECT_TRUE(r.tick(1).empty());
  auto out = r.tick(1);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].process);
  r.host.cpu_ = 50;
  auto res = r.tick(1);
  ASSERT_EQ(res.size(), 1u);
  EXPECT_EQ(res[0].state, AlertState::Resolved);
}

TEST(AlertRuleEngine, FindingsBecomeAlertsAndResolveWhenGone) {
  Driver r{RuleEngine({threads_rule(0, 0)}, {}, "h")};
  Model m = r.host.model(1);
  Finding leak;
  leak.kind = Finding::Kind::Leak;
  leak.detector = "leak";
  leak.process = ProcessKey{4242, 777};
  leak.comm = "busy";
  leak.metric = "rss_anon_bytes";
  leak.value = 5e8;
  leak.confidence = 0.999;
  leak.rate_per_s = 1e6;
  m.findings.push_back(leak);
  auto out = r.engine.evaluate(m, 1 * kSec, 1 * kSec);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].source, "leak");
  EXPECT_EQ(out[0].rule, "leak_suspicion");
  EXPECT_TRUE(r.engine.evaluate(m, 2 * kSec, 2 * kSec).empty());  // deduped
  auto gone = r.engine.evaluate(r.host.model(1), 3 * kSec, 3 * kSec);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].state, AlertState::Resolved);
  // With the leak detector off the same finding raises nothing.
  DetectorsConfig off;
  off.leak = false;
  RuleEngine quiet({threads_rule(0, 0)}, off, "h");
  EXPECT_TRUE(quiet.evaluate(m, kSec, kSec).empty());
}

TEST(AlertRuleEngine, DefaultRulesWhenTheConfigHasNone) {
  RuleEngine e({}, {}, "h");
  ASSERT_FALSE(e.rules().empty());
  for (const auto& rule : e.rules()) EXPECT_EQ(rule.where, "built-in");
}

}  // namespace
}  // namespace pw
