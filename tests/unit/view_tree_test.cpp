// The process tree: parent links (orphans, PID reuse, cycles), subtree sums,
// -p subtrees, and `procwatch tree`'s text and JSON output.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "view/process_tree.h"
#include "view/table.h"
#include "view/tree_render.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::ProcSpec;
using view_test::TwoSamples;

constexpr std::uint64_t kMs = 1'000'000;

std::vector<const ProcessRow*> all_rows(const Model& m) {
  std::vector<const ProcessRow*> out;
  for (const ProcessRow& r : m.processes) out.push_back(&r);
  return out;
}

std::int32_t pid_at(const std::vector<const ProcessRow*>& rows, std::size_t i) {
  return rows[i]->sample->key.pid;
}

// The parent's pid (0 for a root) of the row with `comm`.
std::int32_t parent_pid(const Model& m, const ProcessForest& f, const std::string& comm) {
  const auto rows = all_rows(m);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i]->sample->comm != comm) continue;
    return f.parent[i] == ProcessForest::kNone ? 0 : pid_at(rows, f.parent[i]);
  }
  ADD_FAILURE() << "no " << comm;
  return -1;
}

// init(1): sshd(300) -> bash(310) -> cp(320); nginx(100) -> worker(101);
// orphan(500) whose parent 999 is gone; kthreadd(2) -> kworker(3).
TwoSamples io_system() {
  TwoSamples s;
  s.add({.pid = 1, .ppid = 0, .comm = "systemd", .cmdline = "/sbin/init", .cpu_ns = 10 * kMs});
  s.add({.pid = 300,
         .comm = "sshd",
         .cmdline = "sshd: /usr/sbin/sshd -D",
         .cpu_ns = 100 * kMs,
         .deltas = {{Counter::NetRxBytes, 2048}, {Counter::NetTxBytes, 4096}}});
  s.add(
      {.pid = 310, .ppid = 300, .comm = "bash", .cmdline = "-bash", .user = "alice", .cpu_ns = 0});
  s.add({.pid = 320,
         .ppid = 310,
         .comm = "cp",
         .cmdline = "cp big /mnt/usb/",
         .user = "alice",
         .cpu_ns = 500 * kMs,
         .deltas = {{Counter::ReadBytes, 8 << 20}, {Counter::WriteBytes, 4 << 20}}});
  s.add({.pid = 100,
         .comm = "nginx",
         .cmdline = "nginx: master process",
         .user = "www-data",
         .cpu_ns = 20 * kMs,
         .deltas = {{Counter::NetTxBytes, 1000}}});
  s.add({.pid = 101,
         .ppid = 100,
         .comm = "nginx",
         .cmdline = "nginx: worker process",
         .user = "www-data",
         .cpu_ns = 250 * kMs,
         .deltas = {{Counter::NetRxBytes, 3 << 10},
                    {Counter::NetTxBytes, 1 << 20},
                    {Counter::ReadBytes, 4096}}});
  s.add({.pid = 500, .ppid = 999, .comm = "orphan", .cmdline = "./orphan", .cpu_ns = 0});
  s.add({.pid = 2, .ppid = 0, .comm = "kthreadd", .kernel_thread = true, .cpu_ns = 0});
  s.add({.pid = 3, .ppid = 2, .comm = "kworker/0:1", .kernel_thread = true, .cpu_ns = 30 * kMs});
  return s;
}

const TreeEntry* entry(const ProcessTreeView& v, std::int32_t pid) {
  for (const TreeEntry& e : v.entries)
    if (e.row->sample->key.pid == pid) return &e;
  return nullptr;
}

double subtree_value(const Model& m, const TreeEntry& e, FieldId id) {
  const TableRow r{e.row, e.depth, e.subtree};
  const FieldValue v = row_value(r, field(id), m.interval_s());
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(&v)) return static_cast<double>(*i);
  ADD_FAILURE() << "missing " << field(id).name;
  return -1;
}

TEST(ViewTreeTest, OrphansAndReusedPidsFindTheRightParent) {
  TwoSamples s;
  s.add({.pid = 10, .ppid = 1, .comm = "a", .start_ns = 5 * kSec});
  // Born before the current pid 10 existed: its parent was an earlier
  // holder of pid 10, now gone, so it is an orphan.
  s.add({.pid = 20, .ppid = 10, .comm = "older-than-parent", .start_ns = 3 * kSec});
  s.add({.pid = 21, .ppid = 10, .comm = "child-of-a", .start_ns = 6 * kSec});
  // pid 30 exited and was reused within the interval.
  s.add({.pid = 30, .ppid = 1, .comm = "old30", .exited = true, .start_ns = 1 * kSec});
  s.add({.pid = 30, .ppid = 1, .comm = "new30", .start_ns = 8 * kSec});
  s.add({.pid = 31, .ppid = 30, .comm = "child-of-old", .start_ns = 2 * kSec});
  s.add({.pid = 32, .ppid = 30, .comm = "child-of-new", .start_ns = 9 * kSec});
  // Unknown start times never rule a parent out.
  s.add({.pid = 40, .ppid = 10, .comm = "unknown-start", .start_ns = 0});
  s.add({.pid = 50, .ppid = 50, .comm = "own-parent", .start_ns = 1 * kSec});
  const Model m = s.derive();
  const auto rows = all_rows(m);
  const ProcessForest f = link_processes(rows);
  EXPECT_EQ(parent_pid(m, f, "a"), 0);  // pid 1 is not in the sample
  EXPECT_EQ(parent_pid(m, f, "older-than-parent"), 0);
  EXPECT_EQ(parent_pid(m, f, "child-of-a"), 10);
  EXPECT_EQ(parent_pid(m, f, "child-of-old"), 30);
  EXPECT_EQ(parent_pid(m, f, "child-of-new"), 30);
  EXPECT_EQ(parent_pid(m, f, "unknown-start"), 10);
  EXPECT_EQ(parent_pid(m, f, "own-parent"), 0);
  // The two pid-30 children hang under different processes.
  std::size_t old30 = 0, new30 = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (rows[i]->sample->comm == "old30") old30 = i;
    if (rows[i]->sample->comm == "new30") new30 = i;
  }
  ASSERT_EQ(f.children[old30].size(), 1u);
  EXPECT_EQ(rows[f.children[old30][0]]->sample->comm, "child-of-old");
  ASSERT_EQ(f.children[new30].size(), 1u);
  EXPECT_EQ(rows[f.children[new30][0]]->sample->comm, "child-of-new");
}

TEST(ViewTreeTest, CyclesAreCutSoEveryProcessShowsOnce) {
  TwoSamples s;
  s.add({.pid = 10, .ppid = 11, .comm = "a"});
  s.add({.pid = 11, .ppid = 10, .comm = "b"});
  s.add({.pid = 20, .ppid = 22, .comm = "c"});
  s.add({.pid = 21, .ppid = 20, .comm = "d"});
  s.add({.pid = 22, .ppid = 21, .comm = "e"});
  s.add({.pid = 23, .ppid = 22, .comm = "f"});
  s.add({.pid = 30, .ppid = 0, .comm = "root"});
  const Model m = s.derive();
  const auto rows = all_rows(m);
  const ProcessForest f = link_processes(rows);
  // Natural roots first, then each cycle at its first member in input order.
  ASSERT_EQ(f.roots.size(), 3u);
  EXPECT_EQ(pid_at(rows, f.roots[0]), 30);
  EXPECT_EQ(pid_at(rows, f.roots[1]), 10);
  EXPECT_EQ(pid_at(rows, f.roots[2]), 20);
  const std::vector<TreeVisit> order = tree_preorder(f);
  std::vector<std::int32_t> pids;
  for (const TreeVisit& v : order) pids.push_back(pid_at(rows, v.index));
  EXPECT_EQ(pids, (std::vector<std::int32_t>{30, 10, 11, 20, 21, 22, 23}));

  // Subtree sums count every process once.
  TreeOptions o;
  const ProcessTreeView v = build_process_tree(m, o);
  ASSERT_EQ(v.entries.size(), 7u);
  EXPECT_EQ(subtree_value(m, *entry(v, 20), FieldId::Processes), 4);
  EXPECT_EQ(subtree_value(m, *entry(v, 10), FieldId::Processes), 2);
}

TEST(ViewTreeTest, SubtreeSumsAreExact) {
  const Model m = io_system().derive();
  const ProcessTreeView v = build_process_tree(m, TreeOptions{});
  ASSERT_EQ(v.entries.size(), 9u);
  EXPECT_TRUE(v.missing_pids.empty());
  // init's subtree: init, sshd, bash, cp, nginx, worker (not the orphan).
  const TreeEntry& init = *entry(v, 1);
  EXPECT_EQ(subtree_value(m, init, FieldId::Processes), 6);
  EXPECT_DOUBLE_EQ(subtree_value(m, init, FieldId::CpuPct), 1.0 + 10.0 + 50.0 + 2.0 + 25.0);
  EXPECT_DOUBLE_EQ(subtree_value(m, init, FieldId::ReadBytesPerSec), (8 << 20) + 4096);
  EXPECT_DOUBLE_EQ(subtree_value(m, init, FieldId::WriteBytesPerSec), 4 << 20);
  EXPECT_DOUBLE_EQ(subtree_value(m, init, FieldId::NetRxBytesPerSec), 2048 + (3 << 10));
  EXPECT_DOUBLE_EQ(subtree_value(m, init, FieldId::NetTxBytesPerSec), 4096 + 1000 + (1 << 20));
  const TreeEntry& sshd = *entry(v, 300);
  EXPECT_EQ(subtree_value(m, sshd, FieldId::Processes), 3);
  EXPECT_DOUBLE_EQ(subtree_value(m, sshd, FieldId::CpuPct), 60.0);
  EXPECT_DOUBLE_EQ(subtree_value(m, sshd, FieldId::ReadBytesPerSec), 8 << 20);
  // A leaf's subtree is itself.
  const TreeEntry& cp = *entry(v, 320);
  EXPECT_EQ(subtree_value(m, cp, FieldId::Processes), 1);
  EXPECT_DOUBLE_EQ(subtree_value(m, cp, FieldId::CpuPct), 50.0);
  EXPECT_EQ(cp.depth, 3);
  // Siblings by pid: nginx (100) before sshd (300); roots 1, 2, 500.
  std::vector<std::int32_t> pids;
  for (const TreeEntry& e : v.entries) pids.push_back(e.row->sample->key.pid);
  EXPECT_EQ(pids, (std::vector<std::int32_t>{1, 100, 101, 300, 310, 320, 2, 3, 500}));

  TreeOptions no_kthreads;
  no_kthreads.show_kernel_threads = false;
  EXPECT_EQ(build_process_tree(m, no_kthreads).entries.size(), 7u);
}

TEST(ViewTreeTest, PidOptionShowsOneSubtreeWithTheSameSums) {
  const Model m = io_system().derive();
  TreeOptions o;
  o.pids = {300};
  const ProcessTreeView v = build_process_tree(m, o);
  std::vector<std::int32_t> pids;
  std::vector<int> depths;
  for (const TreeEntry& e : v.entries) {
    pids.push_back(e.row->sample->key.pid);
    depths.push_back(e.depth);
  }
  EXPECT_EQ(pids, (std::vector<std::int32_t>{300, 310, 320}));
  EXPECT_EQ(depths, (std::vector<int>{0, 1, 2}));
  EXPECT_DOUBLE_EQ(subtree_value(m, v.entries[0], FieldId::CpuPct), 60.0);

  // A pid inside another chosen subtree is not shown twice; a missing one
  // is reported.
  o.pids = {320, 1, 4242};
  const ProcessTreeView w = build_process_tree(m, o);
  EXPECT_EQ(w.entries.size(), 6u);
  EXPECT_EQ(w.entries[0].row->sample->key.pid, 1);
  EXPECT_EQ(w.missing_pids, (std::vector<std::int32_t>{4242}));
}

TEST(ViewTreeTest, DeepChainsNeedNoRecursion) {
  TwoSamples s;
  constexpr int kDepth = 20000;
  for (int i = 1; i <= kDepth; ++i)
    s.add({.pid = i, .ppid = i - 1, .comm = "chain", .cpu_ns = kMs});
  const Model m = s.derive();
  const ProcessTreeView v = build_process_tree(m, TreeOptions{});
  ASSERT_EQ(v.entries.size(), static_cast<std::size_t>(kDepth));
  EXPECT_EQ(subtree_value(m, v.entries[0], FieldId::Processes), kDepth);
  EXPECT_NEAR(subtree_value(m, v.entries[0], FieldId::CpuPct), kDepth * 0.1, 1e-6);
  EXPECT_EQ(v.entries.back().depth, kDepth - 1);

  std::stringstream text;
  write_tree_text(text, m, TreeOptions{});
  std::string last;
  for (std::string line; std::getline(text, line);) last = line;
  EXPECT_LT(last.size(), 400u) << "indentation is capped";
  EXPECT_NE(last.find("+19951 "), std::string::npos) << last;

  std::ostringstream json;
  write_tree_json(json, m, TreeOptions{});
  const std::string out = json.str();
  EXPECT_EQ(std::count(out.begin(), out.end(), '['), std::count(out.begin(), out.end(), ']'));
}

// Not measured stays "-" (the test processes have no storage counters
// unless given); a subtree sum adds what its members measured.
constexpr const char* kGoldenUnicode =
    "procwatch tree 2024-05-01 12:00:00 UTC, host testhost, interval 1.00s\n"
    "\n"
    "                  own                                    process + descendants\n"
    "    PID USER        CPU%  READ/s WRITE/s NETRX/s NETTX/s \u03a3PROCS  \u03a3CPU% \u03a3READ/s "
    "\u03a3WRITE/s \u03a3NETRX/s \u03a3NETTX/s COMMAND\n"
    "      1 root         1.0       -       -       -       -      6   88.0    8.0M     4.0M "
    "    5.0K     1.0M /sbin/init\n"
    "    100 www-data     2.0       -       -       -    1000      2   27.0    4.0K        - "
    "    3.0K     1.0M \u251c\u2500 nginx: master process\n"
    "    101 www-data    25.0    4.0K       -    3.0K    1.0M      1   25.0    4.0K        - "
    "    3.0K     1.0M \u2502  \u2514\u2500 nginx: worker process\n"
    "    300 root        10.0       -       -    2.0K    4.0K      3   60.0    8.0M     4.0M "
    "    2.0K     4.0K \u2514\u2500 sshd: /usr/sbin/sshd -D\n"
    "    310 alice        0.0       -       -       -       -      2   50.0    8.0M     4.0M "
    "       -        -    \u2514\u2500 -bash\n"
    "    320 alice       50.0    8.0M    4.0M       -       -      1   50.0    8.0M     4.0M "
    "       -        -       \u2514\u2500 cp big /mnt/usb/\n"
    "    500 root         0.0       -       -       -       -      1    0.0       -        - "
    "       -        - ./orphan\n";

TEST(ViewTreeTest, GoldenTextUnicode) {
  const Model m = io_system().derive();
  TreeOptions o;
  o.utc = true;
  o.show_kernel_threads = false;
  std::ostringstream out;
  write_tree_text(out, m, o);
  EXPECT_EQ(out.str(), kGoldenUnicode);
}

TEST(ViewTreeTest, GoldenTextAscii) {
  const Model m = io_system().derive();
  TreeOptions o;
  o.utc = true;
  o.ascii = true;
  o.show_kernel_threads = false;
  o.pids = {1};
  o.fields = {FieldId::CpuPct};
  std::ostringstream out;
  write_tree_text(out, m, o);
  EXPECT_EQ(out.str(),
            "procwatch tree 2024-05-01 12:00:00 UTC, host testhost, interval 1.00s\n"
            "\n"
            "                  own    process + descendants\n"
            "    PID USER        CPU% +PROCS  +CPU% COMMAND\n"
            "      1 root         1.0      6   88.0 /sbin/init\n"
            "    100 www-data     2.0      2   27.0 |- nginx: master process\n"
            "    101 www-data    25.0      1   25.0 |  `- nginx: worker process\n"
            "    300 root        10.0      3   60.0 `- sshd: /usr/sbin/sshd -D\n"
            "    310 alice        0.0      2   50.0    `- -bash\n"
            "    320 alice       50.0      1   50.0       `- cp big /mnt/usb/\n");
}

TEST(ViewTreeTest, TextIsSanitized) {
  TwoSamples s;
  s.add({.pid = 1, .ppid = 0, .comm = "x", .cmdline = "\x1b[2J\x1b]0;pwned\x07 \xff"});
  s.add({.pid = 2,
         .ppid = 1,
         .comm = "y",
         .cmdline = "\xe6\x97\xa5\xe6\x9c\xac",
         .user = "\x1b[31m"});
  const Model m = s.derive();
  TreeOptions o;
  std::ostringstream out;
  write_tree_text(out, m, o);
  EXPECT_EQ(out.str().find('\x1b'), std::string::npos);
  EXPECT_EQ(out.str().find('\x07'), std::string::npos);
  EXPECT_NE(out.str().find("\\x1b[2J"), std::string::npos);
  o.ascii = true;
  std::ostringstream ascii;
  write_tree_text(ascii, m, o);
  for (const char c : ascii.str()) EXPECT_LT(static_cast<unsigned char>(c), 0x80);
}

TEST(ViewTreeTest, JsonNestsChildrenWithOwnAndSubtreeFigures) {
  const Model m = io_system().derive();
  TreeOptions o;
  o.show_kernel_threads = false;
  std::ostringstream out;
  write_tree_json(out, m, o);
  const std::string text = out.str();
  ASSERT_FALSE(text.empty());
  EXPECT_EQ(text.back(), '\n');
  const auto j = nlohmann::json::parse(text);
  EXPECT_EQ(j["host"], "testhost");
  EXPECT_DOUBLE_EQ(j["interval_s"].get<double>(), 1.0);
  EXPECT_EQ(j["fields"], nlohmann::json({"cpu_pct", "read_bytes_per_sec", "write_bytes_per_sec",
                                         "net_rx_bytes_per_sec", "net_tx_bytes_per_sec"}));
  EXPECT_TRUE(j["missing_pids"].empty());
  const auto& roots = j["processes"];
  ASSERT_EQ(roots.size(), 2u);  // init and the orphan
  const auto& init = roots[0];
  EXPECT_EQ(init["pid"], 1);
  EXPECT_EQ(init["ppid"], 0);
  EXPECT_EQ(init["cmdline"], "/sbin/init");
  EXPECT_DOUBLE_EQ(init["own"]["cpu_pct"].get<double>(), 1.0);
  EXPECT_EQ(init["subtree"]["processes"], 6);
  EXPECT_DOUBLE_EQ(init["subtree"]["cpu_pct"].get<double>(), 88.0);
  ASSERT_EQ(init["children"].size(), 2u);
  EXPECT_EQ(init["children"][0]["pid"], 100);
  EXPECT_EQ(init["children"][1]["pid"], 300);
  const auto& cp = init["children"][1]["children"][0]["children"][0];
  EXPECT_EQ(cp["pid"], 320);
  EXPECT_TRUE(cp["children"].empty());
  EXPECT_EQ(cp["own"]["net_rx_bytes_per_sec"], nullptr) << "not measured is null, not 0";
  EXPECT_EQ(roots[1]["pid"], 500);

  o.pids = {4242};
  std::ostringstream none;
  write_tree_json(none, m, o);
  const auto k = nlohmann::json::parse(none.str());
  EXPECT_TRUE(k["processes"].empty());
  EXPECT_EQ(k["missing_pids"], nlohmann::json({4242}));
}

TEST(ViewTreeTest, TopShowsTheSameSubtreeSums) {
  const Model m = io_system().derive();
  TreeOptions t;
  t.show_kernel_threads = false;
  const ViewOptions o = tree_view_options(t, 2.0);
  EXPECT_TRUE(o.tree);
  EXPECT_TRUE(o.subtree_sums);
  EXPECT_DOUBLE_EQ(o.interval_s, 2.0);
  EXPECT_EQ(o.fields.front(), FieldId::Pid);
  EXPECT_EQ(o.fields.back(), FieldId::Cmdline);
  const Table table = build_table(m, o);
  ASSERT_EQ(table.rows.size(), 7u);
  // Roots by subtree CPU: init (88%) before the orphan.
  EXPECT_EQ(table.rows[0].row->sample->key.pid, 1);
  const double dt = m.interval_s();
  EXPECT_EQ(row_value(table.rows[0], field(FieldId::CpuPct), dt), FieldValue{88.0});
  EXPECT_EQ(row_value(table.rows[0], field(FieldId::Processes), dt), FieldValue{std::int64_t{6}});
  // Attributes stay the process's own.
  EXPECT_EQ(row_value(table.rows[0], field(FieldId::Pid), dt), FieldValue{std::int64_t{1}});
  // Siblings by subtree CPU: sshd (60%) before nginx (27%).
  EXPECT_EQ(table.rows[1].row->sample->key.pid, 300);
}

}  // namespace
}  // namespace pw
