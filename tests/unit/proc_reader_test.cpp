// ProcReader on the fake procfs tree in tests/fixtures/proc and on small
// trees written per test. The expected numbers are the ones written into
// the fixture files, converted by hand.
#include "proc/proc_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>

namespace pw {
namespace {

namespace fs = std::filesystem;

const fs::path kFixtures = PROCWATCH_FIXTURES_DIR;
const fs::path kProc = kFixtures / "proc";
const fs::path kPasswd = kFixtures / "passwd";

// utime/stime and /proc/stat are in USER_HZ ticks; 100 on every Linux ABI,
// but the reader asks sysconf, so the test does too.
std::uint64_t ns_per_tick() {
  return 1'000'000'000ULL / static_cast<std::uint64_t>(::sysconf(_SC_CLK_TCK));
}

// A scratch procfs tree that is removed when the test ends.
class ScratchTree {
 public:
  ScratchTree() {
    static std::atomic<int> counter{0};
    root_ = fs::temp_directory_path() /
            ("procwatch_proc_test_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~ScratchTree() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  ScratchTree(const ScratchTree&) = delete;
  ScratchTree& operator=(const ScratchTree&) = delete;

  void write(const fs::path& rel, const std::string& bytes) const {
    const fs::path p = root_ / rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary | std::ios::trunc) << bytes;
  }
  const fs::path& root() const { return root_; }

 private:
  fs::path root_;
};

// A complete, well-formed stat line of pid 42 with comm "ok": state S,
// ppid 1, minflt 11, majflt 2, utime 30, stime 40, 5 threads, starttime 777.
const std::string kGoodStat =
    "42 (ok) S 1 42 42 0 -1 4194304 11 0 2 0 30 40 0 0 20 0 5 0 777 171638784 3290 "
    "18446744073709551615 1 1 0 0 0 0 0 4096 1260 1 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";

TEST(ProcReaderTest, ListPidsReturnsNumericDirectoriesSorted) {
  ProcReader r(kProc, kPasswd);
  // "sys" and the files stat/loadavg/meminfo are not pids; 1800 has no
  // stat (the process is gone) but its directory is still a pid.
  EXPECT_EQ(r.list_pids(),
            (std::vector<std::int32_t>{1, 2, 1200, 1300, 1400, 1500, 1600, 1700, 1800, 1900}));
}

TEST(ProcReaderTest, ListPidsOfMissingRootIsEmpty) {
  ProcReader r(kFixtures / "no-such-dir", kPasswd);
  EXPECT_TRUE(r.list_pids().empty());
}

TEST(ProcReaderTest, ListPidsIgnoresNumericFilesAndMixedNames) {
  ScratchTree t;
  t.write("7/stat", kGoodStat);
  t.write("8", "a file, not a process\n");
  t.write("9x/stat", kGoodStat);
  t.write("0/stat", kGoodStat);
  ProcReader r(t.root(), kPasswd);
  EXPECT_EQ(r.list_pids(), (std::vector<std::int32_t>{7}));
}

TEST(ProcReaderTest, ReadsInitFully) {
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(1);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->pid, 1);
  EXPECT_EQ(p->ppid, 0);
  EXPECT_EQ(p->uid, 0u);
  EXPECT_EQ(p->comm, "systemd");
  EXPECT_EQ(p->state, 'S');
  EXPECT_EQ(p->num_threads, 1u);
  EXPECT_EQ(p->start_ticks, 12u);
  EXPECT_FALSE(p->kernel_thread);  // flags 0x400100
  EXPECT_EQ(p->counters.get(Counter::MinFlt), 52000u);
  EXPECT_EQ(p->counters.get(Counter::MajFlt), 110u);
  EXPECT_EQ(p->counters.get(Counter::UtimeNs), 350 * ns_per_tick());
  EXPECT_EQ(p->counters.get(Counter::StimeNs), 720 * ns_per_tick());
  EXPECT_EQ(p->counters.get(Counter::VolCtxSw), 25000u);
  EXPECT_EQ(p->counters.get(Counter::InvolCtxSw), 1800u);
  EXPECT_EQ(p->counters.get(Counter::RuntimeNs), 10'700'000'000u);
  EXPECT_EQ(p->counters.get(Counter::ReadBytes), 1'310'720'000u);
  EXPECT_EQ(p->counters.get(Counter::WriteBytes), 524'288'000u);
  // schedstat's second field: the kernel's run_delay.
  EXPECT_EQ(p->counters.get(Counter::RunqWaitNs), 250'000'000u);
  // Nothing in /proc gives these; they come from BPF.
  EXPECT_FALSE(p->counters.has(Counter::RunqWaits));
  EXPECT_FALSE(p->counters.has(Counter::OffCpuNs));
}

TEST(ProcReaderTest, TicksBecomeNanosecondsAtUserHz) {
  if (::sysconf(_SC_CLK_TCK) != 100) GTEST_SKIP() << "USER_HZ is not 100 here";
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(1200);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->counters.get(Counter::UtimeNs), 1'500'000'000u);  // 150 ticks
  EXPECT_EQ(p->counters.get(Counter::StimeNs), 500'000'000u);    // 50 ticks
}

TEST(ProcReaderTest, KernelThreadIsFlagged) {
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(2);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->kernel_thread);  // flags 0x208040 has PF_KTHREAD 0x200000
  EXPECT_EQ(p->comm, "kthreadd");
  EXPECT_EQ(p->counters.get(Counter::StimeNs), 3 * ns_per_tick());
  EXPECT_EQ(p->counters.get(Counter::RuntimeNs), 31'000'000u);
  // io was readable and says zero: present and zero, not absent.
  EXPECT_EQ(p->counters.get(Counter::ReadBytes), 0u);
  EXPECT_EQ(p->counters.get(Counter::WriteBytes), 0u);
  EXPECT_EQ(r.read_cmdline(2), "");
  EXPECT_EQ(r.read_cgroup(2), "/");
}

TEST(ProcReaderTest, UidIsTheRealUidNotTheEffectiveOne) {
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(1200);  // "Uid: 1000 0 0 0": setuid root
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->uid, 1000u);
  EXPECT_EQ(p->ppid, 1);
  EXPECT_EQ(p->num_threads, 3u);
  EXPECT_EQ(p->start_ticks, 123456u);
  // read_bytes, not cancelled_write_bytes (12288) nor rchar.
  EXPECT_EQ(p->counters.get(Counter::ReadBytes), 8192u);
  EXPECT_EQ(p->counters.get(Counter::WriteBytes), 4'096'000u);
}

TEST(ProcReaderTest, ZombieWithoutIoFile) {
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(1300);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->state, 'Z');
  EXPECT_EQ(p->ppid, 1200);
  EXPECT_FALSE(p->kernel_thread);
  EXPECT_EQ(p->counters.get(Counter::RuntimeNs), 4'000'000u);
  EXPECT_FALSE(p->counters.has(Counter::ReadBytes));
  EXPECT_FALSE(p->counters.has(Counter::WriteBytes));
  EXPECT_EQ(r.read_cmdline(1300), "");
}

TEST(ProcReaderTest, HostileCommIsKeptWholeAndFieldsAfterItStillParse) {
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(1400);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->comm, "x) (S 1 \x1b[2J");
  EXPECT_EQ(p->state, 'R');  // not the 'S' planted inside comm
  EXPECT_EQ(p->ppid, 1200);
  EXPECT_EQ(p->counters.get(Counter::MinFlt), 77u);
  EXPECT_EQ(p->counters.get(Counter::MajFlt), 1u);
  EXPECT_EQ(p->counters.get(Counter::UtimeNs), 1000 * ns_per_tick());
  EXPECT_EQ(p->counters.get(Counter::StimeNs), 20 * ns_per_tick());
  EXPECT_EQ(p->start_ticks, 140000u);
  EXPECT_EQ(p->uid, 1001u);
  EXPECT_EQ(p->counters.get(Counter::VolCtxSw), 0u);
  EXPECT_EQ(p->counters.get(Counter::InvolCtxSw), 9u);
  EXPECT_FALSE(p->counters.has(Counter::ReadBytes));
  // Raw bytes, escape included: escaping is the view's job.
  EXPECT_EQ(r.read_cmdline(1400), "evil \x1b[2J --flag");
}

TEST(ProcReaderTest, NewlineInComm) {
  ProcReader r(kProc, kPasswd);
  const auto p = r.read_process(1900);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->comm, "two\nlines");
  EXPECT_EQ(p->state, 'S');
  EXPECT_EQ(p->num_threads, 2u);
  EXPECT_EQ(p->start_ticks, 190000u);
}

TEST(ProcReaderTest, TruncatedGarbageOrMissingStatIsNullopt) {
  ProcReader r(kProc, kPasswd);
  EXPECT_FALSE(r.read_process(1600).has_value());   // ends before starttime
  EXPECT_FALSE(r.read_process(1700).has_value());   // no parens at all
  EXPECT_FALSE(r.read_process(1800).has_value());   // no stat file
  EXPECT_FALSE(r.read_process(99999).has_value());  // no directory
  EXPECT_EQ(r.read_cmdline(1800), "");
  EXPECT_EQ(r.read_cgroup(1800), "");
  EXPECT_EQ(r.read_cmdline(99999), "");
  EXPECT_EQ(r.read_cgroup(99999), "");
}

TEST(ProcReaderTest, EveryTruncationOfAStatLineIsSafe) {
  ScratchTree t;
  ProcReader r(t.root(), kPasswd);
  // Offset where field 22 (starttime "777") starts: a prefix that ends
  // before it lacks a field the reader needs.
  const std::size_t start_field = kGoodStat.find(" 777 ") + 1;
  for (std::size_t len = 0; len <= kGoodStat.size(); ++len) {
    t.write("42/stat", kGoodStat.substr(0, len));
    const auto p = r.read_process(42);
    if (len < start_field + 1) {
      EXPECT_FALSE(p.has_value()) << "prefix of " << len << " bytes";
    } else if (len >= start_field + 3) {
      ASSERT_TRUE(p.has_value()) << "prefix of " << len << " bytes";
      EXPECT_EQ(p->start_ticks, 777u);
      EXPECT_EQ(p->num_threads, 5u);
    }
  }
}

TEST(ProcReaderTest, MalformedStatFieldsAreRejected) {
  ScratchTree t;
  ProcReader r(t.root(), kPasswd);
  auto with = [](std::string from, const std::string& what, const std::string& by) {
    from.replace(from.find(what), what.size(), by);
    return from;
  };
  const std::string bad[] = {
      with(kGoodStat, ") S ", ") SS "),                               // state is one letter
      with(kGoodStat, ") S 1 ", ") S one "),                          // ppid not a number
      with(kGoodStat, " 30 40 ", " 30x 40 "),                         // utime with junk
      with(kGoodStat, " 30 40 ", " -30 40 "),                         // negative tick count
      with(kGoodStat, " 5 0 777 ", " 5 0 99999999999999999999999 "),  // overflow
      with(kGoodStat, "42 (", "("),                                   // no pid before comm
      with(kGoodStat, "(ok)", ")ok("),                                // parens reversed
      with(kGoodStat, "(ok)", "(ok"),                                 // no closing paren
      "",                                                             // empty file
      std::string("42 (ok) S 1\0 42 42", 18),                         // NUL bytes
  };
  for (const auto& s : bad) {
    t.write("42/stat", s);
    EXPECT_FALSE(r.read_process(42).has_value()) << s;
  }
  t.write("42/stat", kGoodStat);
  EXPECT_TRUE(r.read_process(42).has_value());
}

// Issue 15: /proc/PID/status counts the leader thread's switches only and
// /proc/PID/io adds the IO of reaped children; a multi-threaded process is
// summed over task/*, whose files are each thread's own.
TEST(ProcReaderTest, MultiThreadedProcessIsSummedOverItsTasks) {
  ScratchTree t;
  t.write("42/stat", kGoodStat);  // 5 threads
  t.write("42/status", "Uid:\t0\nvoluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n");
  t.write("42/io", "read_bytes: 999999\nwrite_bytes: 888888\n");  // with children's
  t.write("42/schedstat", "5 6 7\n");
  t.write("42/task/42/status", "voluntary_ctxt_switches:\t1\nnonvoluntary_ctxt_switches:\t2\n");
  t.write("42/task/42/io", "read_bytes: 10\nwrite_bytes: 20\n");
  t.write("42/task/42/schedstat", "5 6 7\n");
  t.write("42/task/43/status", "voluntary_ctxt_switches:\t100\nnonvoluntary_ctxt_switches:\t200\n");
  t.write("42/task/43/io", "read_bytes: 1000\nwrite_bytes: 2000\n");
  t.write("42/task/43/schedstat", "500 600 700\n");
  ProcReader r(t.root(), kPasswd);
  auto p = r.read_process(42);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->counters.get(Counter::VolCtxSw), 101u);
  EXPECT_EQ(p->counters.get(Counter::InvolCtxSw), 202u);
  EXPECT_EQ(p->counters.get(Counter::ReadBytes), 1010u);
  EXPECT_EQ(p->counters.get(Counter::WriteBytes), 2020u);
  EXPECT_EQ(p->counters.get(Counter::RuntimeNs), 505u);
  EXPECT_EQ(p->counters.get(Counter::RunqWaitNs), 606u);
  // Without a clock, no off-CPU time.
  EXPECT_FALSE(p->counters.has(Counter::OffCpuNs));
}

// Off-CPU per thread: lifetime (from each task's own start) - on-CPU -
// run-queue wait, as the BPF iterator computes it.
TEST(ProcReaderTest, OffCpuIsDerivedPerThreadFromItsOwnStart) {
  if (::sysconf(_SC_CLK_TCK) != 100) GTEST_SKIP() << "USER_HZ is not 100 here";
  ScratchTree t;
  t.write("42/stat", kGoodStat);  // 5 threads, starttime 777 ticks
  std::string later = kGoodStat;
  later.replace(later.find(" 777 "), 5, " 877 ");  // started 1 s after the leader
  t.write("42/task/42/stat", kGoodStat);
  t.write("42/task/42/schedstat", "2000000000 1000000000 7\n");  // 2 s on CPU, 1 s queued
  t.write("42/task/43/stat", later);
  t.write("42/task/43/schedstat", "500000000 500000000 7\n");
  ProcReader r(t.root(), kPasswd);
  // Now: 10 s after the leader started (7.77 s after boot).
  const auto p = r.read_process(42, 17'770'000'000ULL);
  ASSERT_TRUE(p.has_value());
  // Leader: 10 - 2 - 1 = 7 s; thread 43: 9 - 0.5 - 0.5 = 8 s.
  EXPECT_EQ(p->counters.get(Counter::OffCpuNs), 15'000'000'000u);
}

// A single-threaded process: its own task's io, not /proc/PID/io.
TEST(ProcReaderTest, SingleThreadedIoIsItsTasksNotTheReapedChildrens) {
  ScratchTree t;
  std::string stat = kGoodStat;
  stat.replace(stat.find(" 5 0 777 "), 9, " 1 0 777 ");  // one thread
  t.write("42/stat", stat);
  t.write("42/io", "read_bytes: 999999\nwrite_bytes: 888888\n");
  t.write("42/task/42/io", "read_bytes: 10\nwrite_bytes: 20\n");
  ProcReader r(t.root(), kPasswd);
  auto p = r.read_process(42);
  ASSERT_TRUE(p.has_value());
  ASSERT_EQ(p->num_threads, 1u);
  EXPECT_EQ(p->counters.get(Counter::ReadBytes), 10u);
  EXPECT_EQ(p->counters.get(Counter::WriteBytes), 20u);
}

TEST(ProcReaderTest, GarbageSideFilesLeaveCountersAbsent) {
  ScratchTree t;
  t.write("42/stat", kGoodStat);
  t.write("42/status", "Uid:\tnobody\nvoluntary_ctxt_switches:\nnonvoluntary_ctxt_switches: x\n");
  t.write("42/schedstat", "not-a-number 1 2\n");
  t.write("42/io", "read_bytes:\nwrite_bytes: -5\ncancelled_write_bytes: 7\n");
  ProcReader r(t.root(), kPasswd);
  const auto p = r.read_process(42);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->uid, 0u);
  EXPECT_FALSE(p->counters.has(Counter::VolCtxSw));
  EXPECT_FALSE(p->counters.has(Counter::InvolCtxSw));
  EXPECT_FALSE(p->counters.has(Counter::RuntimeNs));
  EXPECT_FALSE(p->counters.has(Counter::ReadBytes));
  EXPECT_FALSE(p->counters.has(Counter::WriteBytes));
  // stat itself was fine.
  EXPECT_EQ(p->counters.get(Counter::MinFlt), 11u);
  EXPECT_EQ(p->counters.get(Counter::MajFlt), 2u);
}

TEST(ProcReaderTest, StatThatIsADirectoryIsNullopt) {
  ScratchTree t;
  t.write("42/stat/inner", "x");
  ProcReader r(t.root(), kPasswd);
  EXPECT_FALSE(r.read_process(42).has_value());
}

TEST(ProcReaderTest, CmdlineJoinsArgvWithSpaces) {
  ProcReader r(kProc, kPasswd);
  EXPECT_EQ(r.read_cmdline(1), "/sbin/init splash");
  EXPECT_EQ(r.read_cmdline(1200), "/usr/bin/python3 -c print(1)");
  EXPECT_EQ(r.read_cmdline(1900), "./two\nlines");
}

TEST(ProcReaderTest, CmdlineEdgeCases) {
  ScratchTree t;
  using namespace std::string_literals;
  t.write("10/cmdline", "a\0\0b\0\0\0"s);   // empty argument in the middle
  t.write("11/cmdline", "no-nul-at-end"s);  // setproctitle() style
  t.write("12/cmdline", "\0\0"s);
  t.write("13/cmdline", std::string(10000, 'a'));
  t.write("14/cmdline", "caf\xc3\xa9\0\xff\xfe\0"s);
  ProcReader r(t.root(), kPasswd);
  EXPECT_EQ(r.read_cmdline(10), "a  b");
  EXPECT_EQ(r.read_cmdline(11), "no-nul-at-end");
  EXPECT_EQ(r.read_cmdline(12), "");
  EXPECT_EQ(r.read_cmdline(13), std::string(4096, 'a'));
  EXPECT_EQ(r.read_cmdline(14), "caf\xc3\xa9 \xff\xfe");
}

TEST(ProcReaderTest, CgroupV2Path) {
  ProcReader r(kProc, kPasswd);
  EXPECT_EQ(r.read_cgroup(1), "/init.scope");
  EXPECT_EQ(r.read_cgroup(1200), "/user.slice/user-1000.slice/session-2.scope");
}

TEST(ProcReaderTest, CgroupV1PrefersNameSystemd) {
  ProcReader r(kProc, kPasswd);
  EXPECT_EQ(r.read_cgroup(1500), "/system.slice/cron.service");
}

TEST(ProcReaderTest, CgroupFallbacks) {
  ScratchTree t;
  // v1 without name=systemd: the first line.
  t.write("10/cgroup", "5:memory:/first\n3:cpu,cpuacct:/second\n");
  // Hybrid: the v2 line wins even when it comes last.
  t.write("11/cgroup", "1:name=systemd:/v1/path\n0::/v2/path\n");
  // name=systemd inside a longer controller list; garbage lines skipped.
  t.write("12/cgroup", "garbage\n4:cpu:/a\n1:cpu,name=systemd:/b\n");
  // A path with ':' in it, no trailing newline.
  t.write("13/cgroup", "0::/weird:name");
  // "name=systemdx" is not "name=systemd".
  t.write("14/cgroup", "2:blkio:/x\n1:name=systemdx:/y\n");
  t.write("15/cgroup", "");
  ProcReader r(t.root(), kPasswd);
  EXPECT_EQ(r.read_cgroup(10), "/first");
  EXPECT_EQ(r.read_cgroup(11), "/v2/path");
  EXPECT_EQ(r.read_cgroup(12), "/b");
  EXPECT_EQ(r.read_cgroup(13), "/weird:name");
  EXPECT_EQ(r.read_cgroup(14), "/x");
  EXPECT_EQ(r.read_cgroup(15), "");
}

TEST(ProcReaderTest, ReadSystem) {
  ProcReader r(kProc, kPasswd);
  SystemSample s;
  s.hostname = "kept";
  s.events_total = 17;
  ASSERT_TRUE(r.read_system(s));
  const std::uint64_t t = ns_per_tick();
  // cpu  10000 500 3000 80000 400 100 200 50 0 0
  EXPECT_EQ(s.cpu.user_ns, 10000 * t);
  EXPECT_EQ(s.cpu.nice_ns, 500 * t);
  EXPECT_EQ(s.cpu.system_ns, 3000 * t);
  EXPECT_EQ(s.cpu.idle_ns, 80000 * t);
  EXPECT_EQ(s.cpu.iowait_ns, 400 * t);
  EXPECT_EQ(s.cpu.irq_ns, 100 * t);
  EXPECT_EQ(s.cpu.softirq_ns, 200 * t);
  EXPECT_EQ(s.cpu.steal_ns, 50 * t);
  EXPECT_EQ(s.num_cpus, 4u);
  EXPECT_EQ(s.procs_running, 3u);
  EXPECT_DOUBLE_EQ(s.load1, 0.52);
  EXPECT_DOUBLE_EQ(s.load5, 1.25);
  EXPECT_DOUBLE_EQ(s.load15, 2.00);
  EXPECT_EQ(s.mem_total_bytes, 16318616ull * 1024);      // 16710262784
  EXPECT_EQ(s.mem_available_bytes, 10215352ull * 1024);  // 10460520448
  // Fields that are not from these files are left alone.
  EXPECT_EQ(s.hostname, "kept");
  EXPECT_EQ(s.events_total, 17u);
}

TEST(ProcReaderTest, ReadSystemAtUserHz) {
  if (::sysconf(_SC_CLK_TCK) != 100) GTEST_SKIP() << "USER_HZ is not 100 here";
  ProcReader r(kProc, kPasswd);
  SystemSample s;
  ASSERT_TRUE(r.read_system(s));
  EXPECT_EQ(s.cpu.user_ns, 100'000'000'000u);  // 10000 ticks = 100 s
  // busy = user nice system irq softirq steal = 13850 ticks = 138.5 s
  EXPECT_EQ(s.cpu.busy_ns(), 138'500'000'000u);
  EXPECT_EQ(s.cpu.total_ns(), 942'500'000'000u);  // + idle 80000 + iowait 400
}

TEST(ProcReaderTest, ReadSystemWithoutStatFails) {
  ProcReader r(kFixtures / "no-such-dir", kPasswd);
  SystemSample s;
  EXPECT_FALSE(r.read_system(s));
}

TEST(ProcReaderTest, ReadSystemRejectsStatWithoutCpuLine) {
  ScratchTree t;
  t.write("stat", "intr 1 2 3\nprocs_running 2\n");
  ProcReader r(t.root(), kPasswd);
  SystemSample s;
  EXPECT_FALSE(r.read_system(s));
}

TEST(ProcReaderTest, ReadSystemToleratesShortAndGarbageFiles) {
  ScratchTree t;
  // An old kernel's four columns; no cpuN lines; broken loadavg/meminfo.
  t.write("stat", "cpu  1 2 3 4\nprocs_running x\n");
  t.write("loadavg", "0.5 garbage\n");
  t.write("meminfo", "MemTotal:\nMemAvailable: lots kB\n");
  ProcReader r(t.root(), kPasswd);
  SystemSample s;
  s.load1 = 9;
  ASSERT_TRUE(r.read_system(s));
  const std::uint64_t tk = ns_per_tick();
  EXPECT_EQ(s.cpu, (CpuTimes{1 * tk, 2 * tk, 3 * tk, 4 * tk, 0, 0, 0, 0}));
  EXPECT_EQ(s.num_cpus, 0u);
  EXPECT_EQ(s.procs_running, 0u);
  EXPECT_DOUBLE_EQ(s.load1, 9);  // untouched: loadavg had only two fields
  EXPECT_EQ(s.mem_total_bytes, 0u);
  EXPECT_EQ(s.mem_available_bytes, 0u);
}

TEST(ProcReaderTest, UserNamesFromPasswdFile) {
  ProcReader r(kProc, kPasswd);
  EXPECT_EQ(r.user_name(0), "root");
  EXPECT_EQ(r.user_name(1001), "bob");
  EXPECT_EQ(r.user_name(65534), "nobody");
  // Two entries for 1000: the first one wins, as with getpwuid().
  EXPECT_EQ(r.user_name(1000), "alice");
  // The same reference: cached, not looked up again.
  EXPECT_EQ(&r.user_name(1001), &r.user_name(1001));
}

TEST(ProcReaderTest, UnknownUidIsEmptyAndCached) {
  ProcReader r(kProc, kPasswd);
  // Neither in the fixture nor (one hopes) in any real user database.
  const std::uint32_t uid = 3'999'999'999u;
  EXPECT_EQ(r.user_name(uid), "");
  EXPECT_EQ(&r.user_name(uid), &r.user_name(uid));
  // "+nisuser" (uid 3999999998 in the fixture) is a NIS compat marker.
  EXPECT_EQ(r.user_name(3'999'999'998u), "");
}

TEST(ProcReaderTest, FallsBackToSystemUserDatabase) {
  // No passwd file: uid 0 is "root" on every Linux system's NSS.
  ProcReader r(kProc, kFixtures / "no-such-passwd");
  EXPECT_EQ(r.user_name(0), "root");
}

TEST(ProcReaderTest, PasswdIsReadOnce) {
  ScratchTree t;
  t.write("passwd", "carol:x:2000:2000::/home/carol:/bin/sh\n");
  ProcReader r(kProc, t.root() / "passwd");
  EXPECT_EQ(r.user_name(2000), "carol");
  t.write("passwd", "dave:x:2000:2000::/home/dave:/bin/sh\n");
  EXPECT_EQ(r.user_name(2000), "carol");
}

}  // namespace
}  // namespace pw
