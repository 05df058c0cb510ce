// Lifecycle events from the ring buffer against what the workloads did.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <chrono>
#include <thread>

#include "bpf_test_support.h"
#include "collect/collector.h"

namespace pw::testing {
namespace {

void expect_short_lived_exit(const std::string& variant) {
  CollectorOptions options;
  options.probes.lifecycle_variant = variant;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_lifecycle());
  EXPECT_EQ(collector.probes().lifecycle_variant(), variant == "auto" ? "tp_btf" : variant);
  collector.collect();

  Workload code7({testprog("exitafter"), "10", "7"});
  Workload killed({testprog("exitafter"), "10", "kill"});
  EXPECT_EQ(code7.wait(), 7 << 8);
  EXPECT_EQ(killed.wait(), SIGKILL);

  const Sample s = collector.collect();
  const ProcessSample* p = find_exited(s, code7.pid());
  ASSERT_NE(p, nullptr) << "a 10 ms process is missing from the next sample";
  EXPECT_EQ(*p->exit_status, 7u << 8);
  EXPECT_EQ(p->comm, "exitafter");
  EXPECT_EQ(p->state, 'X');
  ASSERT_TRUE(p->counters.get(Counter::RuntimeNs).has_value());
  EXPECT_GT(*p->counters.get(Counter::RuntimeNs), 0u);
  // The exec event gave it its command line even though it never lived
  // through a collection pass.
  EXPECT_NE(p->cmdline.find("exitafter 10 7"), std::string::npos) << p->cmdline;

  const ProcessSample* k = find_exited(s, killed.pid());
  ASSERT_NE(k, nullptr);
  EXPECT_EQ(*k->exit_status, static_cast<std::uint32_t>(SIGKILL));
}

TEST(Lifecycle, TenMillisecondProcessAppearsWithExitCode) {
  PW_REQUIRE_BPF();
  expect_short_lived_exit("auto");
}

TEST(Lifecycle, RawTracepointFallbackDeliversTheSameEvents) {
  PW_REQUIRE_BPF();
  expect_short_lived_exit("raw_tp");
}

// Several thousand short-lived children: every fork, exec and exit is
// delivered, or the loss is counted exactly.
TEST(Lifecycle, ForkStormLosesNoEventsOrCountsThem) {
  PW_REQUIRE_BPF();
  constexpr int kChildren = 5000;
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_lifecycle());
  collector.collect();
  const std::uint64_t dropped_before = collector.probes().dropped_events();

  Workload storm({testprog("forkstorm"), std::to_string(kChildren)});
  std::vector<Sample> samples;
  // Drain like the UI does between refreshes, while the storm runs.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  std::string reaped;
  std::thread reader([&] { reaped = storm.read_line(); });
  int status = 0;
  while (::waitpid(storm.pid(), &status, WNOHANG) == 0 &&
         std::chrono::steady_clock::now() < deadline) {
    collector.drain_events();
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  reader.join();
  samples.push_back(collector.collect());
  ASSERT_EQ(reaped, std::to_string(kChildren));

  int forks = 0, execs = 0, exits = 0;
  // Children exec /proc/self/exe with the storm's own argv[0], so their
  // comm becomes "exe"; the path tells them from another storm's children
  // (another build directory's tests may run at the same time).
  const std::string child_argv = testprog("forkstorm") + " --child ";
  for (const auto& s : samples) {
    for (const auto& e : s.events) {
      if (e.kind == LifecycleEvent::Kind::Fork && e.ppid == storm.pid()) ++forks;
      if (e.kind == LifecycleEvent::Kind::Exec && e.argv.rfind(child_argv, 0) == 0) ++execs;
      if (e.kind == LifecycleEvent::Kind::Exit && e.ppid == storm.pid()) {
        ++exits;
        // Each child exits with its index % 100.
        EXPECT_LT(*e.exit_status >> 8, 100u);
      }
    }
  }
  const std::uint64_t dropped = collector.probes().dropped_events() - dropped_before;
  EXPECT_LE(forks, kChildren);
  EXPECT_LE(exits, kChildren);
  EXPECT_GE(static_cast<std::uint64_t>(forks + execs + exits) + dropped, 3u * kChildren);
  if (dropped == 0) {
    EXPECT_EQ(forks, kChildren);
    EXPECT_EQ(execs, kChildren);
    EXPECT_EQ(exits, kChildren);
  }
  RecordProperty("dropped", static_cast<int>(dropped));
}

}  // namespace
}  // namespace pw::testing
