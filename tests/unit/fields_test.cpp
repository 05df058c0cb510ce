// The field vocabulary: names, lookup, --fields parsing, cell formatting,
// sort order and the getters that decode raw sample data.
#include "model/fields.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace pw {
namespace {

bool is_missing(const FieldValue& v) { return std::holds_alternative<std::monostate>(v); }

TEST(FieldsTest, EveryFieldIdHasExactlyOneDefinition) {
  const auto fields = all_fields();
  const auto count = static_cast<std::size_t>(FieldId::Flags) + 1;
  EXPECT_EQ(fields.size(), count);
  std::set<FieldId> ids;
  for (const auto& f : fields) ids.insert(f.id);
  EXPECT_EQ(ids.size(), count);
  for (std::size_t i = 0; i < count; ++i) {
    const auto id = static_cast<FieldId>(i);
    EXPECT_EQ(field(id).id, id) << i;
  }
}

TEST(FieldsTest, NamesAreUniqueSnakeCaseAndRoundTrip) {
  const std::regex snake("[a-z][a-z0-9]*(_[a-z0-9]+)*");
  std::set<std::string_view> names, headers;
  for (const auto& f : all_fields()) {
    EXPECT_TRUE(std::regex_match(std::string(f.name), snake)) << f.name;
    EXPECT_TRUE(names.insert(f.name).second) << "duplicate name " << f.name;
    EXPECT_TRUE(headers.insert(f.header).second) << "duplicate header " << f.header;
    EXPECT_FALSE(f.header.empty()) << f.name;
    EXPECT_FALSE(f.help.empty()) << f.name;
    EXPECT_GT(f.width, 0) << f.name;
    EXPECT_NE(f.get, nullptr) << f.name;
    const FieldDef* found = find_field(f.name);
    ASSERT_NE(found, nullptr) << f.name;
    EXPECT_EQ(found->id, f.id);
    EXPECT_EQ(&field(f.id), found);
  }
}

TEST(FieldsTest, FindFieldMisses) {
  EXPECT_EQ(find_field(""), nullptr);
  EXPECT_EQ(find_field("PID"), nullptr);  // names are case-sensitive
  EXPECT_EQ(find_field("cpu"), nullptr);
  EXPECT_EQ(find_field("cpu_pct "), nullptr);
  ASSERT_NE(find_field("cpu_pct"), nullptr);
  EXPECT_EQ(find_field("cpu_pct")->id, FieldId::CpuPct);
}

TEST(FieldsTest, ParseFieldListGood) {
  auto r = parse_field_list("pid,comm,cpu_pct");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.ids, (std::vector<FieldId>{FieldId::Pid, FieldId::Comm, FieldId::CpuPct}));

  r = parse_field_list(" user , read_bytes_per_sec,exit_code ");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.ids,
            (std::vector<FieldId>{FieldId::User, FieldId::ReadBytesPerSec, FieldId::ExitCode}));

  // Empty items are skipped; repeats are kept as asked.
  r = parse_field_list("pid,,pid,");
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.ids, (std::vector<FieldId>{FieldId::Pid, FieldId::Pid}));
}

TEST(FieldsTest, ParseFieldListBad) {
  auto r = parse_field_list("pid,bogus_field,comm");
  EXPECT_TRUE(r.ids.empty());
  EXPECT_NE(r.error.find("'bogus_field'"), std::string::npos) << r.error;

  r = parse_field_list("pid;comm");  // wrong separator: one unknown name
  EXPECT_TRUE(r.ids.empty());
  EXPECT_NE(r.error.find("pid;comm"), std::string::npos) << r.error;

  r = parse_field_list("CPU_PCT");
  EXPECT_NE(r.error.find("CPU_PCT"), std::string::npos) << r.error;

  for (const char* empty : {"", ",", " , ,"}) {
    r = parse_field_list(empty);
    EXPECT_TRUE(r.ids.empty()) << empty;
    EXPECT_FALSE(r.error.empty()) << "'" << empty << "'";
  }
}

TEST(FieldsTest, MissingRendersAsDashInEveryFormat) {
  for (const auto& f : all_fields()) EXPECT_EQ(format_cell(f, std::monostate{}), "-") << f.name;
}

TEST(FieldsTest, FormatPlain) {
  EXPECT_EQ(format_cell(field(FieldId::Pid), std::int64_t{4321}), "4321");
  EXPECT_EQ(format_cell(field(FieldId::Pid), std::int64_t{-1}), "-1");
  EXPECT_EQ(format_cell(field(FieldId::Comm), std::string("bash")), "bash");
  EXPECT_EQ(format_cell(field(FieldId::Comm), std::string()), "");
  EXPECT_EQ(format_cell(field(FieldId::StartNs), 0.5), "0.5");
}

TEST(FieldsTest, FormatPercentAndMicros) {
  for (FieldId id : {FieldId::CpuPct, FieldId::RunqP99Us}) {
    const FieldDef& f = field(id);
    EXPECT_EQ(format_cell(f, 0.0), "0.0");
    EXPECT_EQ(format_cell(f, 12.34), "12.3");
    EXPECT_EQ(format_cell(f, 12.36), "12.4");
    EXPECT_EQ(format_cell(f, 999.94), "999.9");
    EXPECT_EQ(format_cell(f, 999.96), "1000");  // not "1000.0": keeps the width
    EXPECT_EQ(format_cell(f, 1234.4), "1234");
  }
}

TEST(FieldsTest, FormatRate) {
  const FieldDef& f = field(FieldId::MinFltPerSec);
  EXPECT_EQ(format_cell(f, 0.0), "0");
  EXPECT_EQ(format_cell(f, 7.0), "7");
  EXPECT_EQ(format_cell(f, 999.0), "999");
  EXPECT_EQ(format_cell(f, 999.7), "1.0k");  // would print "1000" otherwise
  EXPECT_EQ(format_cell(f, 1500.0), "1.5k");
  EXPECT_EQ(format_cell(f, 9940.0), "9.9k");
  EXPECT_EQ(format_cell(f, 9960.0), "10k");
  EXPECT_EQ(format_cell(f, 12345.0), "12k");
  EXPECT_EQ(format_cell(f, 2'500'000.0), "2.5M");
  EXPECT_EQ(format_cell(f, 3e9), "3.0G");
}

TEST(FieldsTest, FormatBytes) {
  const FieldDef& f = field(FieldId::ReadBytesPerSec);
  EXPECT_EQ(format_cell(f, 0.0), "0");
  EXPECT_EQ(format_cell(f, 512.0), "512");
  EXPECT_EQ(format_cell(f, 1000.0), "1000");  // binary units: not yet 1K
  EXPECT_EQ(format_cell(f, 1024.0), "1.0K");
  EXPECT_EQ(format_cell(f, 1536.0), "1.5K");
  EXPECT_EQ(format_cell(f, 10.0 * 1024 * 1024), "10M");
  EXPECT_EQ(format_cell(f, 2.5 * 1024 * 1024 * 1024), "2.5G");
}

TEST(FieldsTest, FormatSeconds) {
  const FieldDef& f = field(FieldId::CpuTimeS);
  EXPECT_EQ(format_cell(f, 0.0), "0:00.00");
  EXPECT_EQ(format_cell(f, 62.03), "1:02.03");
  EXPECT_EQ(format_cell(f, 59.996), "1:00.00");  // rounds up into the minute
  EXPECT_EQ(format_cell(f, 3725.5), "62:05.50");
}

// Integer values (gauges such as RSS) take their field's format like reals.
TEST(FieldsTest, FormatIntegerInANumericFormat) {
  EXPECT_EQ(format_cell(field(FieldId::CpuPct), std::int64_t{5}), "5.0");
  EXPECT_EQ(format_cell(field(FieldId::RssBytes), std::int64_t{256} << 20), "256M");
  EXPECT_EQ(format_cell(field(FieldId::Pid), std::int64_t{4242}), "4242");
}

TEST(FieldsTest, CompareValuesOrder) {
  using V = FieldValue;
  EXPECT_EQ(compare_values(V{std::int64_t{1}}, V{std::int64_t{2}}), -1);
  EXPECT_EQ(compare_values(V{std::int64_t{2}}, V{std::int64_t{1}}), 1);
  EXPECT_EQ(compare_values(V{std::int64_t{3}}, V{std::int64_t{3}}), 0);
  EXPECT_EQ(compare_values(V{-0.5}, V{0.25}), -1);
  EXPECT_EQ(compare_values(V{std::int64_t{2}}, V{1.5}), 1);  // mixed numbers
  EXPECT_EQ(compare_values(V{2.0}, V{std::int64_t{2}}), 0);
  EXPECT_EQ(compare_values(V{std::string("abc")}, V{std::string("abd")}), -1);
  EXPECT_EQ(compare_values(V{std::string("b")}, V{std::string("abc")}), 1);
  EXPECT_EQ(compare_values(V{std::string("x")}, V{std::string("x")}), 0);
}

TEST(FieldsTest, MissingSortsBelowEverything) {
  using V = FieldValue;
  const V missing = std::monostate{};
  EXPECT_EQ(compare_values(missing, missing), 0);
  EXPECT_EQ(compare_values(missing, V{std::int64_t{-1'000'000}}), -1);
  EXPECT_EQ(compare_values(V{-1e300}, missing), 1);
  EXPECT_EQ(compare_values(missing, V{0.0}), -1);
  EXPECT_EQ(compare_values(missing, V{std::string()}), -1);
  EXPECT_EQ(compare_values(V{std::string()}, missing), 1);
}

TEST(FieldsTest, CompareNumberWithTextDoesNotThrow) {
  using V = FieldValue;
  // Not produced by any one field today, but a sort comparator must be a
  // total order rather than throw: numbers sort below text.
  EXPECT_EQ(compare_values(V{std::int64_t{5}}, V{std::string("a")}), -1);
  EXPECT_EQ(compare_values(V{std::string("a")}, V{1.0}), 1);
}

// A row over a hand-made sample for the getters.
struct RowFixture {
  ProcessSample sample;
  ProcessRow row() const {
    ProcessRow r;
    r.sample = &sample;
    return r;
  }
};

FieldValue get(FieldId id, const ProcessRow& r, double dt = 1.0) { return field(id).get(r, dt); }

TEST(FieldsTest, ExitCodeDecodesTheWaitStatus) {
  RowFixture f;
  EXPECT_TRUE(is_missing(get(FieldId::ExitCode, f.row())));  // still running

  f.sample.exit_status = 0;
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::ExitCode, f.row())), 0);
  f.sample.exit_status = 0x700;  // exit(7)
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::ExitCode, f.row())), 7);
  f.sample.exit_status = 0xff00;  // exit(255)
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::ExitCode, f.row())), 255);
  f.sample.exit_status = 9;  // SIGKILL
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::ExitCode, f.row())), 137);
  f.sample.exit_status = 0x8b;  // SIGSEGV with core dump flag 0x80
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::ExitCode, f.row())), 139);
  EXPECT_EQ(format_cell(field(FieldId::ExitCode), get(FieldId::ExitCode, f.row())), "139");
}

TEST(FieldsTest, TextGettersFallBack) {
  RowFixture f;
  f.sample.uid = 1234;
  f.sample.comm = "kworker/0:1";
  f.sample.kernel_thread = true;
  EXPECT_EQ(std::get<std::string>(get(FieldId::User, f.row())), "1234");  // no name
  EXPECT_EQ(std::get<std::string>(get(FieldId::Cmdline, f.row())), "[kworker/0:1]");
  // Brackets are the kernel-thread convention: a user process without a
  // captured command line (exited, a zombie, a thread row) shows its comm.
  f.sample.kernel_thread = false;
  f.sample.comm = "bash";
  EXPECT_EQ(std::get<std::string>(get(FieldId::Cmdline, f.row())), "bash");
  EXPECT_TRUE(is_missing(get(FieldId::Cgroup, f.row())));

  f.sample.user = "alice";
  f.sample.cmdline = "sleep 10";
  f.sample.cgroup = "/user.slice";
  f.sample.state = 'D';
  EXPECT_EQ(std::get<std::string>(get(FieldId::User, f.row())), "alice");
  EXPECT_EQ(std::get<std::string>(get(FieldId::Cmdline, f.row())), "sleep 10");
  EXPECT_EQ(std::get<std::string>(get(FieldId::Cgroup, f.row())), "/user.slice");
  EXPECT_EQ(std::get<std::string>(get(FieldId::State, f.row())), "D");
}

TEST(FieldsTest, NumericGetters) {
  RowFixture f;
  f.sample.key = {4321, 987'654'321};
  f.sample.ppid = 1;
  f.sample.num_threads = 12;
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::Pid, f.row())), 4321);
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::Ppid, f.row())), 1);
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::Threads, f.row())), 12);
  EXPECT_EQ(std::get<std::int64_t>(get(FieldId::StartNs, f.row())), 987'654'321);
  EXPECT_TRUE(is_missing(get(FieldId::CpuTimeS, f.row())));  // runtime not measured

  // Rates from the row's deltas over a 2 s interval.
  ProcessRow r = f.row();
  r.delta.set(Counter::UtimeNs, 300'000'000);  // 0.3 s
  r.delta.set(Counter::StimeNs, 100'000'000);  // 0.1 s
  r.delta.set(Counter::WriteBytes, 4096);
  r.delta.set(Counter::VolCtxSw, 10);
  EXPECT_DOUBLE_EQ(std::get<double>(get(FieldId::UserPct, r, 2.0)), 15.0);
  EXPECT_DOUBLE_EQ(std::get<double>(get(FieldId::SysPct, r, 2.0)), 5.0);
  EXPECT_DOUBLE_EQ(std::get<double>(get(FieldId::WriteBytesPerSec, r, 2.0)), 2048.0);
  EXPECT_DOUBLE_EQ(std::get<double>(get(FieldId::VolCtxSwPerSec, r, 2.0)), 5.0);
  // Involuntary switches unknown: the sum is unknown too, not 5.
  EXPECT_TRUE(is_missing(get(FieldId::CtxSwPerSec, r, 2.0)));
  // No runq samples this interval: no latency figure.
  EXPECT_TRUE(is_missing(get(FieldId::RunqP50Us, r, 2.0)));
}

}  // namespace
}  // namespace pw

namespace pw {
namespace {

TEST(FieldsConnections, NotMeasuredIsMissingNotZero) {
  ProcessSample sample;  // no net counters: the net probe did not load
  ProcessRow r;
  r.sample = &sample;
  EXPECT_TRUE(is_missing(field(FieldId::Connections).get(r, 1.0)));
  EXPECT_EQ(format_cell(field(FieldId::Connections), field(FieldId::Connections).get(r, 1.0)), "-");
  sample.counters.set(Counter::NetTxBytes, 0);  // measured, no sockets
  EXPECT_EQ(std::get<std::int64_t>(field(FieldId::Connections).get(r, 1.0)), 0);
  sample.connections.resize(3);
  EXPECT_EQ(std::get<std::int64_t>(field(FieldId::Connections).get(r, 1.0)), 3);
}

}  // namespace
}  // namespace pw
