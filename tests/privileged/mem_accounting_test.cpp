// Memory levels against /proc/PID/status, and OOM kills in a limited cgroup.
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "bpf_test_support.h"
#include "collect/collector.h"

namespace pw::testing {
namespace {

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1 << 20;

TEST(MemAccounting, RssOf256MiBMatchesVmRss) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  Workload mem({testprog("touchmem"), "256"});
  ASSERT_EQ(mem.read_line(), "done");
  const Sample s = collector.collect();
  const auto vmrss_kib = read_status_field(mem.pid(), "VmRSS");
  const auto anon_kib = read_status_field(mem.pid(), "RssAnon");
  const ProcessSample* p = find_process(s, mem.pid());
  ASSERT_NE(p, nullptr);
  ASSERT_TRUE(vmrss_kib && anon_kib);
  const auto anon = p->counters.get(Counter::RssAnonBytes);
  const auto file = p->counters.get(Counter::RssFileBytes);
  const auto shmem = p->counters.get(Counter::RssShmemBytes);
  ASSERT_TRUE(anon && file && shmem);
  const double rss = static_cast<double>(*anon + *file + *shmem);
  EXPECT_NEAR(rss / static_cast<double>(*vmrss_kib * kKiB), 1.0, 0.01);
  EXPECT_NEAR(static_cast<double>(*anon) / static_cast<double>(*anon_kib * kKiB), 1.0, 0.01);
  EXPECT_GE(*anon, 256 * kMiB);
  EXPECT_GE(p->counters.get(Counter::RssPeakBytes).value_or(0), *anon);
  // The 256 MiB came from one mmap() call.
  EXPECT_GE(p->counters.get(Counter::MmapBytes).value_or(0), 256 * kMiB);
}

// A memory-limited cgroup (v1 memory controller here; v2 where it is
// enabled) makes the kernel kill the workload; the OOM event names it.
class OomCgroup {
 public:
  OomCgroup() {
    const std::string name = "procwatch-oom-" + std::to_string(::getpid());
    if (std::filesystem::exists("/sys/fs/cgroup/memory/memory.limit_in_bytes")) {
      dir_ = "/sys/fs/cgroup/memory/" + name;
      std::filesystem::create_directory(dir_);
      write("memory.limit_in_bytes", std::to_string(64 * kMiB));
      return;
    }
    for (const char* root : {"/sys/fs/cgroup", "/sys/fs/cgroup/unified"}) {
      std::ifstream controllers(std::string(root) + "/cgroup.controllers");
      std::string all((std::istreambuf_iterator<char>(controllers)), {});
      if (all.find("memory") == std::string::npos) continue;
      std::ofstream(std::string(root) + "/cgroup.subtree_control") << "+memory";
      dir_ = std::string(root) + "/" + name;
      std::filesystem::create_directory(dir_);
      write("memory.max", std::to_string(64 * kMiB));
      write("memory.swap.max", "0");
      return;
    }
  }
  ~OomCgroup() {
    if (!dir_.empty()) ::rmdir(dir_.c_str());
  }
  bool available() const { return !dir_.empty(); }
  std::string procs() const { return dir_ + "/cgroup.procs"; }

 private:
  void write(const std::string& file, const std::string& value) {
    std::ofstream(dir_ + "/" + file) << value;
  }
  std::string dir_;
};

TEST(MemAccounting, OomKillInALimitedCgroupProducesAnEventNamingTheVictim) {
  PW_REQUIRE_BPF();
  OomCgroup cgroup;
  ASSERT_TRUE(cgroup.available()) << "no memory controller mounted (v1 or v2)";
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_oom()) << collector.notices().back();
  collector.collect();

  Workload victim({"/bin/sh", "-c",
                   "echo $$ > " + cgroup.procs() + " && exec " + testprog("touchmem") + " 256"});
  const int status = victim.wait();
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) << "status " << status;

  const Sample s = collector.collect();
  const LifecycleEvent* oom = nullptr;
  for (const auto& e : s.events)
    if (e.kind == LifecycleEvent::Kind::OomKill && e.key.pid == victim.pid()) oom = &e;
  ASSERT_NE(oom, nullptr) << "no OOM event for pid " << victim.pid();
  EXPECT_EQ(oom->comm, "touchmem");
  // The victim allocated the page that hit the limit itself.
  EXPECT_EQ(oom->trigger_pid, victim.pid());
  EXPECT_GT(oom->victim_rss_bytes, 32 * kMiB);
  EXPECT_LE(oom->victim_rss_bytes, 70 * kMiB);
  const ProcessSample* gone = find_exited(s, victim.pid());
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(*gone->exit_status, static_cast<std::uint32_t>(SIGKILL));
}

// Moving a process to another cgroup shows in the next sample.
TEST(CgroupTracking, ProcessMovedToANewCgroupShowsIt) {
  PW_REQUIRE_BPF();
  std::string root;
  for (const char* r : {"/sys/fs/cgroup/unified", "/sys/fs/cgroup"})
    if (std::filesystem::exists(std::string(r) + "/cgroup.controllers")) {
      root = r;
      break;
    }
  ASSERT_FALSE(root.empty()) << "no cgroup v2 hierarchy mounted";
  const std::string name = "procwatch-move-" + std::to_string(::getpid());
  const std::string dir = root + "/" + name;
  std::filesystem::create_directory(dir);

  const CollectorOptions options;
  Collector collector(options);
  Workload sleeper({testprog("sleeper"), "1", "1"});
  ASSERT_EQ(sleeper.read_line(), "done");
  Sample s = collector.collect();
  const ProcessSample* before = find_process(s, sleeper.pid());
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(before->cgroup.find(name), std::string::npos);
  const std::uint64_t id_before = before->cgroup_id;

  std::ofstream(dir + "/cgroup.procs") << sleeper.pid();
  s = collector.collect();
  const ProcessSample* after = find_process(s, sleeper.pid());
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(after->cgroup, "/" + name);
  EXPECT_NE(after->cgroup_id, id_before);

  std::ofstream(root + "/cgroup.procs") << sleeper.pid();
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace pw::testing
