// Grouped rows (cgroup, container, unit, user) and subtree rows: what adds
// up, what merges, what only shows when shared; and the 'g' key.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "view/batch.h"
#include "view/grouping.h"
#include "view/json_frame.h"
#include "view/table.h"
#include "view/top_screen.h"
#include "view/top_state.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::ProcSpec;
using view_test::TwoSamples;

constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kMiB = 1 << 20;
const std::string kDockerId(64, 'a');
const std::string kDockerCgroup = "/system.slice/docker-" + kDockerId + ".scope";
const std::string kNginxCgroup = "/system.slice/nginx.service";

Connection tcp(std::string local) {
  Connection c;
  c.local = std::move(local);
  c.remote = "10.0.0.9:40000";
  c.state = "ESTABLISHED";
  return c;
}

TwoSamples services() {
  TwoSamples s;
  s.add({.pid = 10,
         .comm = "nginx",
         .cmdline = "nginx: master",
         .user = "www-data",
         .threads = 1,
         .cpu_ns = 100 * kMs,
         .deltas = {{Counter::ReadBytes, 1000}, {Counter::TcpRetransmits, 2}},
         .gauges = {{Counter::RssAnonBytes, 1 * kMiB},
                    {Counter::RssFileBytes, 2 * kMiB},
                    {Counter::RssShmemBytes, 0},
                    {Counter::RssPeakBytes, 5 * kMiB}},
         .io_buckets = {{20, 1}},
         .cgroup = kNginxCgroup,
         .connections = {tcp("0.0.0.0:80"), tcp("10.0.0.1:80")}});
  s.add({.pid = 11,
         .ppid = 10,
         .comm = "nginx",
         .cmdline = "nginx: worker",
         .user = "www-data",
         .threads = 4,
         .cpu_ns = 200 * kMs,
         .deltas = {{Counter::ReadBytes, 3000}, {Counter::TcpRetransmits, 1}},
         .gauges = {{Counter::RssAnonBytes, 3 * kMiB},
                    {Counter::RssFileBytes, 0},
                    {Counter::RssShmemBytes, 1 * kMiB},
                    {Counter::RssPeakBytes, 4 * kMiB}},
         .io_buckets = {{10, 99}},
         .cgroup = kNginxCgroup,
         .connections = {tcp("10.0.0.1:80")}});
  s.add({.pid = 20,
         .comm = "redis",
         .cmdline = "redis-server",
         .cpu_ns = 50 * kMs,
         .cgroup = kDockerCgroup});
  s.add({.pid = 21,
         .ppid = 20,
         .comm = "sh",
         .cmdline = "sh -c backup",
         .user = "nobody",
         .uid = 65534,
         .cpu_ns = 10 * kMs,
         .cgroup = kDockerCgroup});
  s.add({.pid = 30, .comm = "a", .cpu_ns = 0});
  s.add({.pid = 31, .comm = "b", .cpu_ns = 0});
  return s;
}

FieldValue value(const TableRow& r, FieldId id, const Model& m) {
  return row_value(r, field(id), m.interval_s());
}

const TableRow* group_with(const Table& t, const Model& m, FieldId key, const FieldValue& v) {
  for (const TableRow& r : t.rows)
    if (value(r, key, m) == v) return &r;
  return nullptr;
}

TEST(ViewGroupingTest, EveryFieldIsClassifiedSensibly) {
  for (const FieldDef& f : all_fields()) {
    switch (aggregation(f.id)) {
      case Aggregation::Sum:
        EXPECT_NE(f.kind, FieldKind::Text) << f.name;
        break;
      case Aggregation::Histogram:
        EXPECT_EQ(f.format, FieldFormat::Micros) << f.name;
        break;
      case Aggregation::Attribute:
        break;
    }
    if (f.kind == FieldKind::Text) {
      EXPECT_EQ(aggregation(f.id), Aggregation::Attribute) << f.name;
    }
  }
  for (const GroupBy by :
       {GroupBy::None, GroupBy::Cgroup, GroupBy::Container, GroupBy::Unit, GroupBy::User})
    EXPECT_EQ(parse_group_by(group_by_name(by)), by);
  EXPECT_FALSE(parse_group_by("pid").has_value());
}

TEST(ViewGroupingTest, CgroupRowsSumTheirProcesses) {
  const Model m = services().derive();
  ViewOptions o;
  o.group = GroupBy::Cgroup;
  // Group rows compute what is shown (and sorted by); everything checked below.
  for (const FieldDef& f : all_fields()) o.fields.push_back(f.id);
  const Table t = build_table(m, o);
  ASSERT_EQ(t.rows.size(), 3u);
  EXPECT_EQ(t.matched, 3u);
  for (const TableRow& r : t.rows) EXPECT_TRUE(is_group_row(r));

  // Sorted by summed CPU: nginx (30%), docker (6%), no cgroup (0%).
  const TableRow& nginx = t.rows[0];
  EXPECT_EQ(value(nginx, FieldId::Cgroup, m), FieldValue{kNginxCgroup});
  EXPECT_EQ(value(nginx, FieldId::Processes, m), FieldValue{std::int64_t{2}});
  EXPECT_EQ(value(nginx, FieldId::Threads, m), FieldValue{std::int64_t{5}});
  EXPECT_EQ(value(nginx, FieldId::CpuPct, m), FieldValue{30.0});
  EXPECT_EQ(value(nginx, FieldId::ReadBytesPerSec, m), FieldValue{4000.0});
  EXPECT_EQ(value(nginx, FieldId::RssBytes, m), FieldValue{std::int64_t{7 * kMiB}});
  EXPECT_EQ(value(nginx, FieldId::Connections, m), FieldValue{std::int64_t{3}});
  EXPECT_EQ(value(nginx, FieldId::TcpRetransmits, m), FieldValue{std::int64_t{3}});
  EXPECT_EQ(value(nginx, FieldId::User, m), FieldValue{std::string("www-data")});
  EXPECT_EQ(value(nginx, FieldId::Unit, m), FieldValue{std::string("nginx.service")});
  // Per-process attributes and peaks do not add up: missing.
  EXPECT_EQ(value(nginx, FieldId::Pid, m), FieldValue{});
  EXPECT_EQ(value(nginx, FieldId::Cmdline, m), FieldValue{});
  EXPECT_EQ(value(nginx, FieldId::RssPeakBytes, m), FieldValue{});
  // Percentiles of the merged histogram: 99 fast requests and one slow one.
  Log2Histogram merged;
  merged.add(20, 1);
  merged.add(10, 99);
  EXPECT_EQ(value(nginx, FieldId::IoP99Us, m), FieldValue{*merged.quantile_ns(0.99) / 1000.0});
  EXPECT_EQ(value(nginx, FieldId::IoP50Us, m), FieldValue{*merged.quantile_ns(0.50) / 1000.0});

  const TableRow& docker = t.rows[1];
  EXPECT_EQ(value(docker, FieldId::Processes, m), FieldValue{std::int64_t{2}});
  EXPECT_EQ(value(docker, FieldId::CpuPct, m), FieldValue{6.0});
  EXPECT_EQ(value(docker, FieldId::User, m), FieldValue{}) << "root and nobody: not shared";
  EXPECT_EQ(value(docker, FieldId::ContainerId, m), FieldValue{kDockerId.substr(0, 12)});

  // Processes without a cgroup are one group with a missing key.
  const TableRow& none = t.rows[2];
  EXPECT_EQ(value(none, FieldId::Cgroup, m), FieldValue{});
  EXPECT_EQ(value(none, FieldId::Processes, m), FieldValue{std::int64_t{2}});
  EXPECT_EQ(value(none, FieldId::IoP99Us, m), FieldValue{}) << "no IO: no percentile";
}

TEST(ViewGroupingTest, ContainerUnitAndUserKeys) {
  const Model m = services().derive();
  ViewOptions o;
  o.fields = {FieldId::ContainerId, FieldId::Unit, FieldId::User};
  o.sort_by = FieldId::Processes;
  o.group = GroupBy::Container;
  const Table by_container = build_table(m, o);
  ASSERT_EQ(by_container.rows.size(), 2u);
  EXPECT_EQ(value(by_container.rows[0], FieldId::ContainerId, m), FieldValue{})
      << "the 4 processes outside containers";
  EXPECT_EQ(value(by_container.rows[0], FieldId::Processes, m), FieldValue{std::int64_t{4}});

  o.group = GroupBy::Unit;
  const Table by_unit = build_table(m, o);
  EXPECT_EQ(by_unit.rows.size(), 3u);
  EXPECT_NE(group_with(by_unit, m, FieldId::Unit, std::string("docker-" + kDockerId + ".scope")),
            nullptr);

  o.group = GroupBy::User;
  const Table by_user = build_table(m, o);
  ASSERT_EQ(by_user.rows.size(), 3u);  // root (3), www-data (2), nobody (1)
  const TableRow* root = group_with(by_user, m, FieldId::User, std::string("root"));
  ASSERT_NE(root, nullptr);
  EXPECT_EQ(value(*root, FieldId::Processes, m), FieldValue{std::int64_t{3}});
  EXPECT_EQ(value(by_user.rows[0], FieldId::User, m), FieldValue{std::string("root")});
}

TEST(ViewGroupingTest, FilterPicksProcessesBeforeGrouping) {
  const Model m = services().derive();
  ViewOptions o;
  o.group = GroupBy::Cgroup;
  o.filter = "nginx: worker";
  const Table t = build_table(m, o);
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(value(t.rows[0], FieldId::Processes, m), FieldValue{std::int64_t{1}});
  EXPECT_EQ(value(t.rows[0], FieldId::CpuPct, m), FieldValue{20.0});
  o.filter = "";
  o.limit = 1;
  EXPECT_EQ(build_table(m, o).rows.size(), 1u);
}

TEST(ViewGroupingTest, GroupedColumnsDropPerProcessAttributes) {
  ViewOptions o;
  o.group = GroupBy::Cgroup;
  EXPECT_EQ(
      shown_fields(o),
      (std::vector<FieldId>{FieldId::Processes, FieldId::User, FieldId::Threads, FieldId::CpuPct,
                            FieldId::RunqP50Us, FieldId::RunqP99Us, FieldId::CtxSwPerSec,
                            FieldId::OffCpuPct, FieldId::CpuTimeS, FieldId::Cgroup}));
  o.group = GroupBy::User;
  const auto by_user = shown_fields(o);
  EXPECT_EQ(by_user.front(), FieldId::Processes);
  EXPECT_EQ(by_user.back(), FieldId::User);
  EXPECT_EQ(std::count(by_user.begin(), by_user.end(), FieldId::User), 1);
}

TEST(ViewGroupingTest, JsonAndCsvCarryGroupRows) {
  const Model m = services().derive();
  ViewOptions o;
  o.group = GroupBy::Cgroup;
  o.fields = {FieldId::Pid, FieldId::CpuPct, FieldId::RssBytes, FieldId::Cmdline};
  const Json j = frame_json(m, o, {});
  ASSERT_EQ(j["processes"].size(), 3u);
  const Json& nginx = j["processes"][0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : nginx.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"processes", "cpu_pct", "rss_bytes", "cgroup"}));
  EXPECT_EQ(nginx["processes"], 2);
  EXPECT_EQ(nginx["cgroup"], kNginxCgroup);
  EXPECT_EQ(nginx["rss_bytes"], 7 * kMiB);
  EXPECT_EQ(j["processes"][2]["cgroup"], nullptr);

  std::ostringstream csv;
  write_csv_header(csv, o);
  write_csv_rows(csv, m, o);
  EXPECT_EQ(csv.str().substr(0, csv.str().find('\n')), "processes,cpu_pct,rss_bytes,cgroup");
  EXPECT_NE(csv.str().find("2,30,7340032," + kNginxCgroup + "\n"), std::string::npos) << csv.str();
}

TEST(ViewGroupingTest, KeyGCyclesGroupingsAndEnterExplains) {
  const Model m = services().derive();
  TopState st;
  Table t = build_table(m, st.opts);
  const std::vector<GroupBy> expected = {GroupBy::Cgroup, GroupBy::Container, GroupBy::Unit,
                                         GroupBy::User, GroupBy::None};
  for (const GroupBy want : expected) {
    EXPECT_EQ(handle_key(st, 'g', t, 10), KeyEffect::Rebuild);
    EXPECT_EQ(st.opts.group, want);
    EXPECT_FALSE(st.message.empty());
    t = build_table(m, st.opts);
  }
  handle_key(st, 'g', t, 10);
  t = build_table(m, st.opts);
  ASSERT_TRUE(is_group_row(t.rows[0]));
  handle_key(st, kKeyEnter, t, 10);
  EXPECT_FALSE(st.detail.has_value());
  EXPECT_NE(st.message.find("group"), std::string::npos);

  // The screen says how rows are grouped and shows the group columns.
  const ScreenFrame f = render_top_screen({&m, &t, nullptr, &st}, 160, 20);
  EXPECT_NE(f.lines[0].text.find("by cgroup"), std::string::npos) << f.lines[0].text;
  bool header = false;
  for (const ScreenLine& l : f.lines)
    if (l.style == LineStyle::ColumnHeader) {
      header = true;
      EXPECT_EQ(l.text.find("PROCS"), 0u) << l.text;
      EXPECT_NE(l.text.find("CGROUP"), std::string::npos) << l.text;
    }
  EXPECT_TRUE(header);

  // Tree mode ends grouping: a group has no parent.
  handle_key(st, 't', t, 10);
  EXPECT_EQ(st.opts.group, GroupBy::None);
  EXPECT_TRUE(st.opts.tree);
}

TEST(ViewGroupingTest, SubtreeSumsKeyInTop) {
  const Model m = services().derive();
  TopState st;
  Table t = build_table(m, st.opts);
  EXPECT_EQ(handle_key(st, 'S', t, 10), KeyEffect::Rebuild);
  EXPECT_TRUE(st.opts.tree);
  EXPECT_TRUE(st.opts.subtree_sums);
  t = build_table(m, st.opts);
  // nginx master (10) carries its worker: 10% + 20%.
  for (const TableRow& r : t.rows) {
    ASSERT_TRUE(r.sums);
    EXPECT_FALSE(is_group_row(r));
    if (r.row->sample->key.pid == 10) {
      EXPECT_EQ(value(r, FieldId::CpuPct, m), FieldValue{30.0});
      EXPECT_EQ(value(r, FieldId::Pid, m), FieldValue{std::int64_t{10}});
      EXPECT_EQ(value(r, FieldId::Cmdline, m), FieldValue{std::string("nginx: master")});
    }
  }
  const ScreenFrame f = render_top_screen({&m, &t, nullptr, &st}, 160, 20);
  EXPECT_NE(f.lines[0].text.find("tree+sums"), std::string::npos) << f.lines[0].text;
  bool marked = false;
  for (const ScreenLine& l : f.lines)
    if (l.style == LineStyle::ColumnHeader) marked = l.text.find("\u03a3CPU%") != std::string::npos;
  EXPECT_TRUE(marked);
  handle_key(st, 'S', t, 10);
  EXPECT_FALSE(st.opts.subtree_sums);
  EXPECT_TRUE(st.opts.tree);
}

}  // namespace
}  // namespace pw
