// build_table(): filter, visibility, sort, tree and limit on hand-built Models.
#include <gtest/gtest.h>

#include <vector>

#include "view/table.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::ProcSpec;
using view_test::TwoSamples;

std::vector<std::int32_t> pids(const Table& t) {
  std::vector<std::int32_t> out;
  for (const TableRow& r : t.rows) out.push_back(r.row->sample->key.pid);
  return out;
}

std::vector<int> depths(const Table& t) {
  std::vector<int> out;
  for (const TableRow& r : t.rows) out.push_back(r.depth);
  return out;
}

// init(1) -> nginx(100) -> worker(101), init -> sshd(300); kthreadd(2) ->
// kworker(3); orphan(500) whose parent 999 is not in the sample.
TwoSamples small_system() {
  TwoSamples s;
  s.add({.pid = 1, .ppid = 0, .comm = "systemd", .cmdline = "/sbin/init", .cpu_ns = kSec / 100});
  s.add({.pid = 100,
         .comm = "nginx",
         .cmdline = "nginx: master process",
         .user = "www-data",
         .uid = 33,
         .cpu_ns = kSec / 2});
  s.add({.pid = 101,
         .ppid = 100,
         .comm = "nginx",
         .cmdline = "nginx: worker process",
         .user = "www-data",
         .uid = 33,
         .cpu_ns = kSec / 4});
  s.add({.pid = 300, .comm = "sshd", .cmdline = "sshd: /usr/sbin/sshd -D", .cpu_ns = kSec / 10});
  s.add({.pid = 2, .ppid = 0, .comm = "kthreadd", .kernel_thread = true, .cpu_ns = 0});
  s.add({.pid = 3, .ppid = 2, .comm = "kworker/0:1", .kernel_thread = true, .cpu_ns = kSec / 10});
  s.add({.pid = 500,
         .ppid = 999,
         .comm = "orphan",
         .cmdline = "./orphan",
         .user = "",
         .uid = 1000,
         .cpu_ns = kSec / 5});
  return s;
}

TEST(ViewTableTest, SortsByCpuDescendingWithPidBreakingTies) {
  const Model m = small_system().derive();
  ViewOptions o;  // cpu_pct, descending
  // sshd (300) and kworker (3) both use 10%: the lower pid comes first.
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{100, 101, 500, 3, 300, 1, 2}));
  o.sort_descending = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{2, 1, 3, 300, 500, 101, 100}));
}

TEST(ViewTableTest, SortsByTextAndInteger) {
  const Model m = small_system().derive();
  ViewOptions o;
  o.sort_by = FieldId::Comm;
  o.sort_descending = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{2, 3, 100, 101, 500, 300, 1}));
  o.sort_by = FieldId::Pid;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{1, 2, 3, 100, 101, 300, 500}));
}

TEST(ViewTableTest, MissingValuesSortLastInBothDirections) {
  TwoSamples s;
  s.add({.pid = 10, .comm = "a", .offcpu_ns = kSec / 2});
  s.add({.pid = 11, .comm = "b"});  // off-CPU time not measured
  s.add({.pid = 12, .comm = "c", .offcpu_ns = kSec / 4});
  const Model m = s.derive();
  ViewOptions o;
  o.sort_by = FieldId::OffCpuPct;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{10, 12, 11}));
  o.sort_descending = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{12, 10, 11}));
}

TEST(ViewTableTest, FirstFrameWithoutRatesSortsByPid) {
  const Model m = small_system().first_frame();
  EXPECT_EQ(pids(build_table(m, ViewOptions{})),
            (std::vector<std::int32_t>{1, 2, 3, 100, 101, 300, 500}));
}

TEST(ViewTableTest, SubstringFilterIgnoresCaseAndLooksAtCommCmdlineUser) {
  const Model m = small_system().derive();
  ViewOptions o;
  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  o.filter = "NGINX";
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{100, 101}));
  o.filter = "worker";  // cmdline of 101, comm of 3
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{3, 101}));
  o.filter = "www-";  // user
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{100, 101}));
  o.filter = "  /usr/sbin  ";  // trimmed
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{300}));
  o.filter = "no such thing";
  const Table t = build_table(m, o);
  EXPECT_TRUE(t.rows.empty());
  EXPECT_EQ(t.matched, 0u);
  EXPECT_TRUE(t.filter_error.empty());
}

TEST(ViewTableTest, KeyedFiltersMatchExactly) {
  const Model m = small_system().derive();
  ViewOptions o;
  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  o.filter = "pid=101";
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{101}));
  o.filter = "user=www-data";
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{100, 101}));
  o.filter = "user=www";
  EXPECT_TRUE(build_table(m, o).rows.empty());
  o.filter = "user=1000";  // no name: the uid is the user
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{500}));
  o.filter = "comm=nginx";
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{100, 101}));
  o.filter = "comm=ngin";
  EXPECT_TRUE(build_table(m, o).rows.empty());
}

TEST(ViewTableTest, InvalidFilterShowsNothingAndSaysWhy) {
  const Model m = small_system().derive();
  for (const char* bad : {"pid=abc", "pid=", "pid=12x", "pid=-3", "user=", "comm= "}) {
    ViewOptions o;
    o.filter = bad;
    const Table t = build_table(m, o);
    EXPECT_TRUE(t.rows.empty()) << bad;
    EXPECT_FALSE(t.filter_error.empty()) << bad;
  }
  EXPECT_EQ(parse_filter("pid=abc").kind, Filter::Kind::Invalid);
  EXPECT_EQ(parse_filter("").kind, Filter::Kind::All);
  EXPECT_EQ(parse_filter("pid=7").pid, 7);
}

TEST(ViewTableTest, HidesKernelThreadsAndExitedWhenAsked) {
  TwoSamples s = small_system();
  s.add({.pid = 600, .comm = "gone", .cpu_ns = kSec / 100, .exited = true});
  const Model m = s.derive();
  ViewOptions o;
  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{1, 2, 3, 100, 101, 300, 500, 600}));
  o.show_kernel_threads = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{1, 100, 101, 300, 500, 600}));
  o.show_exited = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{1, 100, 101, 300, 500}));
}

TEST(ViewTableTest, LimitKeepsTheFirstRows) {
  const Model m = small_system().derive();
  ViewOptions o;
  o.limit = 2;
  const Table t = build_table(m, o);
  EXPECT_EQ(pids(t), (std::vector<std::int32_t>{100, 101}));
  EXPECT_EQ(t.matched, 7u);
  o.limit = 0;
  EXPECT_TRUE(build_table(m, o).rows.empty());
  o.limit = 100;
  EXPECT_EQ(build_table(m, o).rows.size(), 7u);
}

TEST(ViewTableTest, TreePutsChildrenUnderParentsSortedAmongSiblings) {
  const Model m = small_system().derive();
  ViewOptions o;
  o.tree = true;  // by cpu_pct, descending
  const Table t = build_table(m, o);
  // Roots: orphan 500 (20%), kthreadd 2 (0%)... by CPU: 500, 1 (1%), 2 (0%).
  // Under init: nginx 100 (50%) before sshd 300 (10%).
  EXPECT_EQ(pids(t), (std::vector<std::int32_t>{500, 1, 100, 101, 300, 2, 3}));
  EXPECT_EQ(depths(t), (std::vector<int>{0, 0, 1, 2, 1, 0, 1}));

  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  const Table by_pid = build_table(m, o);
  EXPECT_EQ(pids(by_pid), (std::vector<std::int32_t>{1, 100, 101, 300, 2, 3, 500}));
  EXPECT_EQ(depths(by_pid), (std::vector<int>{0, 1, 2, 1, 0, 1, 0}));
}

TEST(ViewTableTest, TreeWithFilterTurnsUnmatchedParentsIntoGaps) {
  const Model m = small_system().derive();
  ViewOptions o;
  o.tree = true;
  o.filter = "nginx: worker";  // only 101; its parent 100 is filtered out
  const Table t = build_table(m, o);
  EXPECT_EQ(pids(t), (std::vector<std::int32_t>{101}));
  EXPECT_EQ(depths(t), (std::vector<int>{0}));
  o.filter = "";
  o.show_kernel_threads = false;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{500, 1, 100, 101, 300}));
}

TEST(ViewTableTest, TreeSurvivesPpidCycles) {
  TwoSamples s;
  // 10 and 11 claim each other as parent; 12 is its own parent; 13 hangs
  // off the cycle; 20 is a normal root.
  s.add({.pid = 10, .ppid = 11, .comm = "a", .cpu_ns = kSec / 10});
  s.add({.pid = 11, .ppid = 10, .comm = "b", .cpu_ns = kSec / 5});
  s.add({.pid = 12, .ppid = 12, .comm = "self", .cpu_ns = 0});
  s.add({.pid = 13, .ppid = 11, .comm = "c", .cpu_ns = 0});
  s.add({.pid = 20, .ppid = 0, .comm = "root", .cpu_ns = kSec / 100});
  const Model m = s.derive();
  ViewOptions o;
  o.tree = true;
  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  const Table t = build_table(m, o);
  // Every process exactly once; the cycle is entered at its first member.
  EXPECT_EQ(pids(t), (std::vector<std::int32_t>{12, 20, 10, 11, 13}));
  EXPECT_EQ(depths(t), (std::vector<int>{0, 0, 0, 1, 2}));
}

TEST(ViewTableTest, TreeHandlesVeryDeepChains) {
  TwoSamples s;
  constexpr int kDepth = 20000;
  for (int i = 1; i <= kDepth; ++i) s.add({.pid = i, .ppid = i - 1, .comm = "chain"});
  const Model m = s.derive();
  ViewOptions o;
  o.tree = true;
  const Table t = build_table(m, o);
  ASSERT_EQ(t.rows.size(), static_cast<std::size_t>(kDepth));
  EXPECT_EQ(t.rows.back().depth, kDepth - 1);
  EXPECT_EQ(t.rows.back().row->sample->key.pid, kDepth);
}

TEST(ViewTableTest, ReusedPidParentsChildrenByStartTime) {
  // pid 50 exited and was reused in the interval. 51 was born before the
  // new 50 existed, so only the old 50 can be its parent; 52 was born with
  // the new one (same start time counts: fork stamps the child later).
  TwoSamples s;
  s.add({.pid = 50, .ppid = 0, .comm = "old", .cpu_ns = kSec / 2, .exited = true});
  s.add({.pid = 50, .ppid = 0, .comm = "new", .runtime_total_ns = 0, .cpu_ns = 0, .started = true});
  s.add({.pid = 51, .ppid = 50, .comm = "child", .cpu_ns = 0});
  s.add({.pid = 52,
         .ppid = 50,
         .comm = "child2",
         .runtime_total_ns = 0,
         .cpu_ns = 0,
         .started = true});
  const Model m = s.derive();
  ViewOptions o;
  o.tree = true;
  const Table t = build_table(m, o);
  ASSERT_EQ(t.rows.size(), 4u);
  EXPECT_EQ(t.rows[0].row->sample->comm, "old");
  EXPECT_EQ(t.rows[1].row->sample->comm, "child");
  EXPECT_EQ(t.rows[2].row->sample->comm, "new");
  EXPECT_EQ(t.rows[3].row->sample->comm, "child2");
  EXPECT_EQ(depths(t), (std::vector<int>{0, 1, 0, 1}));
}

TEST(ViewTableTest, TreeHelpers) {
  EXPECT_EQ(tree_column({FieldId::Pid, FieldId::Comm, FieldId::Cmdline}), 2);
  EXPECT_EQ(tree_column({FieldId::Pid, FieldId::Comm}), 1);
  EXPECT_EQ(tree_column({FieldId::Pid}), -1);
  EXPECT_EQ(tree_prefix(0), "");
  EXPECT_EQ(tree_prefix(1), "`- ");
  EXPECT_EQ(tree_prefix(2), "  `- ");
  EXPECT_LT(tree_prefix(100000).size(), 100u);
}

}  // namespace
}  // namespace pw
