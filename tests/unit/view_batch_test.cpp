// Batch output (text like top -b, JSON, CSV) for hand-built Models.
#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "view/batch.h"
#include "view/json_frame.h"
#include "view/view_presets.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::ProcSpec;
using view_test::TwoSamples;

TwoSamples golden_system() {
  TwoSamples s;
  s.before.cpu = {
      .user_ns = 100 * kSec, .system_ns = 50 * kSec, .idle_ns = 800 * kSec, .iowait_ns = 10 * kSec};
  // One second on 4 CPUs: 0.6 s user, 0.4 s system, 0.1 s iowait, 2.9 s idle.
  s.after.cpu = {.user_ns = 100 * kSec + 600'000'000,
                 .system_ns = 50 * kSec + 400'000'000,
                 .idle_ns = 802 * kSec + 900'000'000,
                 .iowait_ns = 10 * kSec + 100'000'000};
  s.after.load1 = 0.5;
  s.after.load5 = 0.4;
  s.after.load15 = 0.3;
  s.after.procs_running = 2;
  s.after.mem_total_bytes = 8ULL << 30;
  s.after.mem_available_bytes = 4ULL << 30;
  s.before.events_total = 100;
  s.after.events_total = 112;
  s.before.events_dropped = s.after.events_dropped = 3;

  s.add({.pid = 1,
         .ppid = 0,
         .comm = "systemd",
         .cmdline = "/sbin/init",
         .runtime_total_ns = 5 * kSec + kSec / 100,
         .cpu_ns = kSec / 100,
         .vol_ctxsw = 5,
         .invol_ctxsw = 0,
         .offcpu_ns = 990'000'000});
  s.add({.pid = 100,
         .comm = "nginx",
         .cmdline = "nginx: master process",
         .user = "www-data",
         .uid = 33,
         .state = 'R',
         .threads = 4,
         .runtime_total_ns = 65 * kSec + kSec / 2,
         .cpu_ns = kSec / 2,
         .vol_ctxsw = 100,
         .invol_ctxsw = 20,
         .offcpu_ns = kSec / 4,
         .runq_buckets = {{10, 10}}});
  s.add({.pid = 2,
         .ppid = 0,
         .comm = "kthreadd",
         .kernel_thread = true,
         .runtime_total_ns = 0,
         .cpu_ns = 0});
  s.add({.pid = 4242,
         .comm = "python3",
         .cmdline = "python3 -c 'print(1)'",
         .user = "averyverylonguser",
         .uid = 1001,
         .threads = 12,
         .runtime_total_ns = kSec,
         .cpu_ns = 0,
         .vol_ctxsw = 0,
         .invol_ctxsw = 0,
         .offcpu_ns = 0});
  return s;
}

std::string text_of(const Model& m, const ViewOptions& o,
                    const std::vector<std::string>& notices = {}) {
  std::ostringstream out;
  write_text_frame(out, m, o, notices, BatchOptions{.utc = true});
  return out.str();
}

// A string that must not reach a terminal: any C0 control but newline, DEL,
// or a C1 control encoded as UTF-8.
bool has_terminal_controls(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if ((b < 0x20 && b != '\n') || b == 0x7f) return true;
    if (b == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f) return true;
  }
  return false;
}

TEST(ViewBatchTest, GoldenText) {
  const Model m = golden_system().derive();
  ViewOptions o;
  o.fields = default_top_fields();
  // clang-format off
  const std::string expected =
      "procwatch 2024-05-01 12:00:00 UTC, host testhost, 4 CPUs, interval 1.00s\n"
      "CPU: 25.0% busy, 15.0% usr, 10.0% sys, 2.5% iowait, 0.0% steal\n"
      "Tasks: 4 processes, 18 threads, 2 running; load 0.50 0.40 0.30\n"
      "Memory: 8.0G total, 4.0G available\n"
      "Events: 12.0/s, 3 dropped (+0 this interval)\n"
      "Notice: scheduler latency unavailable: test\n"
      "\n"
      "    PID F  USER       THR S   CPU%  RQ50us  RQ99us  CSW/s   OFF%     TIME+ COMMAND\n"
      "    100    www-data     4 R   50.0     1.5     2.0    120   25.0   1:05.50 nginx: master process\n"
      "      1    root         1 S    1.0       -       -      5   99.0   0:05.01 /sbin/init\n"
      "      2    root         1 S    0.0       -       -      -      -   0:00.00 [kthreadd]\n"
      "   4242    averyver+   12 S    0.0       -       -      0    0.0   0:01.00 python3 -c 'print(1)'\n";
  // clang-format on
  EXPECT_EQ(text_of(m, o, {"scheduler latency unavailable: test"}), expected);
}

TEST(ViewBatchTest, TextFirstFrameShowsDashesForRates) {
  const Model m = golden_system().first_frame();
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::CpuPct, FieldId::Comm};
  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  const std::string expected =
      "procwatch 2024-05-01 12:00:00 UTC, host testhost, 4 CPUs, interval -\n"
      "CPU: - busy, - usr, - sys, - iowait, - steal\n"
      "Tasks: 4 processes, 18 threads, 2 running; load 0.50 0.40 0.30\n"
      "Memory: 8.0G total, 4.0G available\n"
      "Events: -/s, 3 dropped\n"
      "\n"
      "    PID   CPU% COMM\n"
      "      1      - systemd\n"
      "      2      - kthreadd\n"
      "    100      - nginx\n"
      "   4242      - python3\n";
  EXPECT_EQ(text_of(m, o), expected);
}

TEST(ViewBatchTest, TextTreeIndentsTheCommandAndPadsNothingAtLineEnd) {
  TwoSamples s;
  s.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "init"});
  s.add({.pid = 5, .ppid = 1, .comm = "sh", .cmdline = "sh"});
  s.add({.pid = 6, .ppid = 5, .comm = "sleep", .cmdline = "sleep 9"});
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::Cmdline};
  o.tree = true;
  const std::string text = text_of(s.derive(), o);
  EXPECT_NE(text.find("\n    PID COMMAND\n      1 init\n      5 `- sh\n      6   `- sleep 9\n"),
            std::string::npos)
      << text;
  // A left-aligned text column that is not last is padded, one that is last is not.
  o.fields = {FieldId::Comm, FieldId::Pid};
  const std::string text2 = text_of(s.derive(), o);
  EXPECT_NE(text2.find(
                "\nCOMM                 PID\ninit                   1\n`- sh                  5\n"),
            std::string::npos)
      << text2;
  EXPECT_EQ(text2.find(" \n"), std::string::npos);
}

TEST(ViewBatchTest, TextShowsFilterErrors) {
  ViewOptions o;
  o.filter = "pid=x";
  const std::string text = text_of(golden_system().derive(), o);
  EXPECT_NE(text.find("Filter: pid= needs a process id, got 'x'\n"), std::string::npos) << text;
}

TEST(ViewBatchTest, HostileNamesNeverReachTheTerminal) {
  TwoSamples s;
  s.after.hostname = "host\x1b]0;pwned\x07";
  s.add({.pid = 10, .comm = "\x1b[2J", .cmdline = "\x1b[2J\x1b[H<script>alert(1)</script>"});
  s.add({.pid = 11,
         .comm = "bad\xff\xfe",
         .cmdline = "bad\xff\xfeutf8 \xc2\x9b"
                    "31m"});
  s.add({.pid = 12, .comm = "long", .cmdline = std::string(100000, 'A') + "\x1b[31m"});
  s.add({.pid = 13, .comm = "nl", .cmdline = "line1\nline2\r\x7f\x08", .user = "\x1b[7muser"});
  const Model m = s.derive();
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::User, FieldId::Comm, FieldId::Cmdline};
  const std::string text = text_of(m, o, {"notice with \x1b[5m blink"});
  EXPECT_FALSE(has_terminal_controls(text));
  EXPECT_NE(text.find("\\x1b[2J\\x1b[H<script>alert(1)</script>"), std::string::npos);
  EXPECT_NE(text.find("bad\\xff\\xfeutf8 \\u009b31m"), std::string::npos);
  EXPECT_NE(text.find("line1\\nline2\\r\\x7f\\x08"), std::string::npos);
  EXPECT_NE(text.find("host\\x1b]0;pwned\\x07"), std::string::npos);
  EXPECT_NE(text.find(std::string(100000, 'A') + "\\x1b[31m"), std::string::npos);
  // Every process is one line: 7 header lines, the column titles, 4 rows.
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 7 + 1 + 4);
}

TEST(ViewBatchTest, JsonParsesBackWithExactlyTheSelectedFields) {
  const Model m = golden_system().derive();
  ViewOptions o;
  o.fields = {FieldId::Pid,       FieldId::Comm,   FieldId::CpuPct,
              FieldId::RunqP50Us, FieldId::Cgroup, FieldId::ExitCode};
  std::ostringstream out;
  write_json_frame(out, m, o, {"degraded: x"});
  const std::string line = out.str();
  ASSERT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1);  // JSON Lines

  const nlohmann::json j = nlohmann::json::parse(line);
  EXPECT_EQ(j["timestamp_ns"].get<std::uint64_t>(), view_test::kWallNs);
  EXPECT_DOUBLE_EQ(j["interval_s"].get<double>(), 1.0);
  EXPECT_EQ(j["host"], "testhost");
  EXPECT_EQ(j["notices"], nlohmann::json::array({"degraded: x"}));
  EXPECT_DOUBLE_EQ(j["system"]["cpu_busy_pct"].get<double>(), 25.0);
  EXPECT_EQ(j["system"]["num_processes"], 4);
  EXPECT_EQ(j["system"]["events_dropped"], 3);
  EXPECT_EQ(j["system"]["num_cpus"], 4);

  const auto& procs = j["processes"];
  ASSERT_EQ(procs.size(), 4u);
  for (const auto& p : procs) {
    ASSERT_EQ(p.size(), o.fields.size()) << p.dump();
    for (const FieldId id : o.fields) EXPECT_TRUE(p.contains(std::string(field(id).name)));
  }
  const auto& nginx = procs[0];
  EXPECT_EQ(nginx["pid"], 100);
  EXPECT_TRUE(nginx["pid"].is_number_integer());
  EXPECT_EQ(nginx["comm"], "nginx");
  EXPECT_DOUBLE_EQ(nginx["cpu_pct"].get<double>(), 50.0);
  EXPECT_DOUBLE_EQ(nginx["runq_p50_us"].get<double>(), 1.536);
  EXPECT_TRUE(nginx["cgroup"].is_null());
  EXPECT_TRUE(nginx["exit_code"].is_null());
  EXPECT_TRUE(procs[1]["runq_p50_us"].is_null());  // no run-queue samples this interval

  // Keys keep column order.
  EXPECT_EQ(line.find("{\"pid\":100,\"comm\":\"nginx\",\"cpu_pct\":50.0"), line.find("{\"pid\""));
}

TEST(ViewBatchTest, JsonFirstFrameHasNullRatesAndInterval) {
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::CpuPct};
  const nlohmann::json j =
      nlohmann::json::parse(dump_json(frame_json(golden_system().first_frame(), o, {})));
  EXPECT_TRUE(j["interval_s"].is_null());
  EXPECT_TRUE(j["system"]["cpu_busy_pct"].is_null());
  for (const auto& p : j["processes"]) EXPECT_TRUE(p["cpu_pct"].is_null());
}

TEST(ViewBatchTest, JsonKeepsRawStringsAndSurvivesInvalidUtf8) {
  TwoSamples s;
  s.add({.pid = 7,
         .comm = "\x1b[2J",
         .cmdline = "bad\xff\xfe <b>\"q\"\n\xc2\x9b"
                    "1m"});
  ViewOptions o;
  o.fields = {FieldId::Comm, FieldId::Cmdline};
  std::ostringstream out;
  EXPECT_NO_THROW(write_json_frame(out, s.derive(), o, {"n\xc3"}));
  const std::string text = out.str();
  EXPECT_FALSE(has_terminal_controls(text));  // JSON escapes C0; dump_json escapes C1
  const nlohmann::json j = nlohmann::json::parse(text);
  EXPECT_EQ(j["processes"][0]["comm"], "\x1b[2J");
  EXPECT_EQ(j["processes"][0]["cmdline"],
            "bad\xef\xbf\xbd\xef\xbf\xbd <b>\"q\"\n\xc2\x9b"
            "1m");
  EXPECT_EQ(j["notices"][0], "n\xef\xbf\xbd");
}

TEST(ViewBatchTest, CsvQuotesPerRfc4180) {
  TwoSamples s;
  s.add({.pid = 1, .comm = "plain", .cmdline = "no special chars", .cpu_ns = kSec / 4});
  s.add({.pid = 2, .comm = "tricky", .cmdline = "a,b \"c\"\nd\re", .cpu_ns = kSec / 8});
  s.add({.pid = 3, .comm = "nocpu", .cmdline = "x", .cpu_ns = std::nullopt});
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::Comm, FieldId::CpuPct, FieldId::Cmdline};
  std::ostringstream out;
  write_csv_header(out, o);
  write_csv_rows(out, s.derive(), o);
  EXPECT_EQ(out.str(),
            "pid,comm,cpu_pct,cmdline\n"
            "1,plain,25,no special chars\n"
            "2,tricky,12.5,\"a,b \"\"c\"\"\nd\re\"\n"
            "3,nocpu,,x\n");
  EXPECT_EQ(csv_escape(""), "");
  EXPECT_EQ(csv_escape("\""), "\"\"\"\"");
  EXPECT_EQ(csv_escape("a b"), "a b");
}

TEST(ViewBatchTest, WriterEmitsOneCsvHeaderPerOutput) {
  TwoSamples s;
  s.add({.pid = 1, .comm = "a", .cpu_ns = kSec / 2});
  const Model m = s.derive();
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::CpuPct};
  std::ostringstream out;
  BatchWriter w(out, BatchFormat::Csv, o);
  w.write(m, {});
  w.write(m, {});
  EXPECT_EQ(out.str(), "pid,cpu_pct\n1,50\n1,50\n");
  EXPECT_EQ(w.frames_written(), 2u);

  std::ostringstream every;
  BatchWriter w2(every, BatchFormat::Csv, o,
                 BatchOptions{.csv_header_every_frame = true, .csv_timestamp_column = true});
  w2.write(m, {});
  w2.write(m, {});
  const std::string row = std::to_string(view_test::kWallNs) + ",1,50\n";
  EXPECT_EQ(every.str(), "timestamp_ns,pid,cpu_pct\n" + row + "timestamp_ns,pid,cpu_pct\n" + row);
}

TEST(ViewBatchTest, WriterSeparatesTextFramesAndWritesJsonLines) {
  const Model m = golden_system().derive();
  ViewOptions o;
  o.fields = {FieldId::Pid};
  std::ostringstream text;
  BatchWriter t(text, BatchFormat::Text, o, BatchOptions{.utc = true});
  t.write(m, {});
  t.write(m, {});
  const std::string one = text_of(m, o);
  EXPECT_EQ(text.str(), one + "\n" + one);

  std::ostringstream json;
  BatchWriter j(json, BatchFormat::Json, o);
  j.write(m, {});
  j.write(m, {});
  std::istringstream lines(json.str());
  std::string line;
  int n = 0;
  while (std::getline(lines, line)) {
    EXPECT_TRUE(nlohmann::json::accept(line)) << line;
    ++n;
  }
  EXPECT_EQ(n, 2);
}

}  // namespace
}  // namespace pw

namespace pw {
namespace {

// The analyzer marks rows (ProcessRow::flags); every batch format shows the
// mark under the field "flags", and a clean row shows nothing, not "-".
TEST(ViewBatchTest, FlagsColumnInTextJsonAndCsv) {
  TwoSamples s;
  s.add({.pid = 7, .comm = "leaker", .cmdline = "leaker", .cpu_ns = kSec / 4});
  s.add({.pid = 8, .comm = "steady", .cmdline = "steady", .cpu_ns = kSec / 8});
  Model m = s.derive();
  for (ProcessRow& r : m.processes)
    if (r.sample->key.pid == 7) r.flags = "LA";
  ViewOptions o;
  o.fields = {FieldId::Pid, FieldId::Flags, FieldId::Comm};

  std::ostringstream text;
  write_text_frame(text, m, o, {});
  EXPECT_NE(text.str().find("    PID F  COMM"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("      7 LA leaker"), std::string::npos) << text.str();
  EXPECT_NE(text.str().find("      8    steady"), std::string::npos) << text.str();

  std::ostringstream json;
  write_json_frame(json, m, o, {});
  const nlohmann::json j = nlohmann::json::parse(json.str());
  int seen = 0;
  for (const auto& p : j["processes"]) {
    if (p["pid"] == 7) {
      EXPECT_EQ(p["flags"], "LA");
      ++seen;
    }
    if (p["pid"] == 8) {
      EXPECT_EQ(p["flags"], "");
      ++seen;
    }
  }
  EXPECT_EQ(seen, 2) << json.str();

  std::ostringstream csv;
  write_csv_header(csv, o);
  write_csv_rows(csv, m, o);
  EXPECT_NE(csv.str().find("pid,flags,comm\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("7,LA,leaker\n"), std::string::npos) << csv.str();
  EXPECT_NE(csv.str().find("8,,steady\n"), std::string::npos) << csv.str();
}

TEST(ViewBatchTest, EveryPresetShowsTheFlagsColumn) {
  for (const ViewPresetDef& p : all_view_presets()) {
    ViewOptions o;
    apply_view_preset(o, p.id);
    EXPECT_NE(std::find(o.fields.begin(), o.fields.end(), FieldId::Flags), o.fields.end())
        << p.name;
  }
}

}  // namespace
}  // namespace pw
