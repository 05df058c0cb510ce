// The session report and export over an in-memory recording of hand-made
// Samples whose figures are known: top lists, lifecycle, alerts, OOM kills,
// series, and safe HTML/JSON/CSV output for hostile process names.
#include <gtest/gtest.h>

#include <sstream>

#include "common/time_text.h"
#include "store/reader.h"
#include "store/schema.h"
#include "store/session_writer.h"
#include "store_test_data.h"
#include "report/chartjs.h"
#include "report/export.h"
#include "report/report_writer.h"

namespace pw {
namespace {

using namespace store_test;

constexpr std::uint64_t kMiB = 1 << 20;

struct Recorded {
  Database db = Database::open_memory();
  std::unique_ptr<SessionWriter> writer;
  std::unique_ptr<SessionReader> reader;
  std::vector<Sample> samples;
};

ProcessSample proc(std::int32_t pid, std::string comm) {
  ProcessSample p;
  p.key = {pid, 1000 + static_cast<std::uint64_t>(pid)};
  p.ppid = 1;
  p.comm = comm;
  p.cmdline = "/usr/bin/" + comm;
  p.user = "root";
  p.state = 'S';
  p.num_threads = 1;
  for (Counter c : {Counter::RuntimeNs, Counter::ReadBytes, Counter::WriteBytes,
                    Counter::NetTxBytes, Counter::NetRxBytes, Counter::RssAnonBytes})
    p.counters.set(c, 0);
  return p;
}

// 10 samples, 1 s apart: "burner" uses 0.5 s CPU per second, "copier"
// writes 10 MiB/s, "talker" sends 1 MiB/s, "hog" grows to 900 MiB RSS, a
// process named like markup burns 0.1 s/s, "short" starts at sample 3 and
// exits with status 2 at sample 5; an OOM kill and two alerts.
std::unique_ptr<Recorded> record_known() {
  auto r = std::make_unique<Recorded>();
  migrate(r->db);
  SessionInfo info;
  info.host = "host<1>";
  info.interval_ns = kSec;
  r->writer = std::make_unique<SessionWriter>(r->db, info);
  std::vector<ProcessSample> ps = {proc(10, "burner"), proc(11, "copier"), proc(12, "talker"),
                                   proc(13, "hog"), proc(14, "<script>x</script>")};
  ps[4].cmdline = "evil \x1b[2J</script><script>alert(1)</script>";
  for (int i = 0; i < 10; ++i) {
    Sample s;
    s.system.wall_ns = kWall0 + static_cast<std::uint64_t>(i) * kSec;
    s.system.monotonic_ns = 100 * kSec + static_cast<std::uint64_t>(i) * kSec;
    s.system.num_cpus = 4;
    s.system.mem_total_bytes = 8192 * kMiB;
    s.system.mem_available_bytes = 4096 * kMiB;
    s.system.cpu = {.user_ns = static_cast<std::uint64_t>(i) * 2 * kSec,
                    .idle_ns = static_cast<std::uint64_t>(i) * 2 * kSec};
    s.system.load1 = 1.5;
    if (i > 0) {
      ps[0].counters.add(Counter::RuntimeNs, kSec / 2);
      ps[1].counters.add(Counter::WriteBytes, 10 * kMiB);
      ps[1].counters.add(Counter::RuntimeNs, kSec / 100);
      ps[2].counters.add(Counter::NetTxBytes, kMiB);
      ps[3].counters.set(Counter::RssAnonBytes, static_cast<std::uint64_t>(i) * 100 * kMiB);
      ps[4].counters.add(Counter::RuntimeNs, kSec / 10);
    }
    s.processes = ps;
    if (i >= 3 && i <= 5) {
      ProcessSample sh = proc(50, "short");
      sh.key.start_ns = 100 * kSec + 2 * kSec + kSec / 2;  // born between samples 2 and 3
      sh.counters.set(Counter::RuntimeNs, static_cast<std::uint64_t>(i - 2) * kSec / 4);
      if (i == 5) {
        sh.exit_status = 2 << 8;
        sh.exit_ns = s.system.monotonic_ns - 1;
        sh.state = 'X';
        LifecycleEvent e;
        e.kind = LifecycleEvent::Kind::Exit;
        e.key = sh.key;
        e.comm = "short";
        e.exit_status = sh.exit_status;
        s.events.push_back(e);
      }
      s.processes.push_back(sh);
    }
    if (i == 7) {
      LifecycleEvent oom;
      oom.kind = LifecycleEvent::Kind::OomKill;
      oom.key = {99, 1};
      oom.comm = "<b>victim";
      oom.trigger_pid = 13;
      oom.trigger_comm = "hog";
      oom.victim_rss_bytes = 512 * kMiB;
      s.events.push_back(oom);
    }
    std::vector<AlertRecord> alerts;
    if (i == 4)
      alerts.push_back({s.system.wall_ns, "warning", "cpu_high", ps[0].key, "burner hot"});
    if (i == 6) alerts.push_back({s.system.wall_ns, "critical", "x", std::nullopt, "<i>boom</i>"});
    r->writer->write(s, 0, alerts);
    r->samples.push_back(s);
  }
  r->reader = std::make_unique<SessionReader>(r->db, r->writer->session_id());
  return r;
}

std::vector<std::int32_t> pids_of(const ReportData& d, const std::vector<std::size_t>& idx) {
  std::vector<std::int32_t> out;
  for (std::size_t i : idx) out.push_back(d.processes_seen[i].key.pid);
  return out;
}

TEST(ViewReport, FiguresTopListsAndLifecycle) {
  auto rec = record_known();
  const ReportData d = build_report(*rec->reader, rec->reader->info(), rec->reader->alerts());
  EXPECT_EQ(d.samples, 10u);
  EXPECT_EQ(d.num_cpus, 4u);
  EXPECT_EQ(pids_of(d, d.top_cpu), (std::vector<std::int32_t>{10, 14, 50, 11}));
  EXPECT_EQ(pids_of(d, d.top_io), (std::vector<std::int32_t>{11}));
  EXPECT_EQ(pids_of(d, d.top_net), (std::vector<std::int32_t>{12}));
  EXPECT_EQ(pids_of(d, d.top_mem).front(), 13);
  const ProcessReport& burner = d.processes_seen[d.top_cpu[0]];
  EXPECT_DOUBLE_EQ(burner.cpu_s, 4.5);
  EXPECT_NEAR(burner.peak_cpu_pct, 50.0, 1e-9);
  EXPECT_EQ(d.processes_seen[d.top_io[0]].write_bytes, 90 * kMiB);
  EXPECT_EQ(d.processes_seen[d.top_mem[0]].peak_rss_bytes, 900 * kMiB);

  ASSERT_EQ(pids_of(d, d.started), (std::vector<std::int32_t>{50}));
  ASSERT_EQ(pids_of(d, d.exited), (std::vector<std::int32_t>{50}));
  const ProcessReport& sh = d.processes_seen[d.exited[0]];
  EXPECT_EQ(sh.exit_status, 2u << 8);
  EXPECT_EQ(sh.first_wall_ns, kWall0 + 3 * kSec);
  EXPECT_EQ(sh.last_wall_ns, kWall0 + 5 * kSec);
  EXPECT_DOUBLE_EQ(sh.cpu_s, 0.75);  // all of it in the session: it was born in it
  ASSERT_EQ(d.oom_kills.size(), 1u);
  EXPECT_EQ(d.oom_kills[0].event.trigger_comm, "hog");
  EXPECT_EQ(d.alerts.size(), 2u);
  EXPECT_EQ(d.lifecycle_total, 1u);

  // Series: one point per sample here, the burner at 50% from the second on.
  ASSERT_EQ(d.times.size(), 10u);
  ASSERT_FALSE(d.series.empty());
  EXPECT_EQ(d.series[0].process, d.top_cpu[0]);
  EXPECT_TRUE(std::isnan(d.series[0].cpu_pct[0]));  // the first frame has no rates
  EXPECT_NEAR(d.series[0].cpu_pct[5], 50.0, 1e-9);
  EXPECT_NEAR(d.cpu_busy_pct[5], 50.0, 1e-9);
}

TEST(ViewReport, BucketsAndRange) {
  auto rec = record_known();
  ReportOptions o;
  o.max_points = 3;
  const ReportData d = build_report(*rec->reader, rec->reader->info(), {}, o);
  EXPECT_EQ(d.times.size(), 3u);
  EXPECT_TRUE(std::is_sorted(d.times.begin(), d.times.end()));
  o.max_points = 600;
  o.from_wall_ns = kWall0 + 6 * kSec;
  const ReportData part = build_report(*rec->reader, rec->reader->info(), rec->reader->alerts(), o);
  EXPECT_EQ(part.samples, 4u);
  EXPECT_TRUE(part.started.empty());  // "short" is outside the range
  EXPECT_EQ(part.alerts.size(), 1u);
  EXPECT_DOUBLE_EQ(part.processes_seen[part.top_cpu[0]].cpu_s, 2.0);  // 4 intervals of 0.5 s
}

TEST(ViewReport, HtmlIsSelfContainedAndEscaped) {
  auto rec = record_known();
  const ReportData d = build_report(*rec->reader, rec->reader->info(), rec->reader->alerts());
  std::ostringstream out;
  write_report_html(out, d);
  const std::string html = out.str();
  EXPECT_NE(chartjs_source().find("Chart.js v"), std::string_view::npos);
  EXPECT_FALSE(chartjs_source_version().empty());
  EXPECT_NE(html.find(std::string(chartjs_source().substr(0, 200))), std::string::npos)
      << "Chart.js is inlined";
  // Exactly three script elements: data, Chart.js, ours; nothing external.
  std::size_t scripts = 0;
  for (std::size_t at = html.find("<script"); at != std::string::npos;
       at = html.find("<script", at + 1))
    ++scripts;
  EXPECT_EQ(scripts, 3u);
  std::size_t closes = 0;
  for (std::size_t at = html.find("</script"); at != std::string::npos;
       at = html.find("</script", at + 1))
    ++closes;
  EXPECT_EQ(closes, 3u) << "a process name closed a script element";
  EXPECT_EQ(html.find("src="), std::string::npos);
  EXPECT_EQ(html.find("<i>boom"), std::string::npos);
  EXPECT_NE(html.find("&lt;i&gt;boom&lt;/i&gt;"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;x&lt;/script&gt;"), std::string::npos);
  EXPECT_EQ(html.find('\x1b'), std::string::npos) << "control bytes are escaped";
  EXPECT_NE(html.find("host&lt;1&gt;"), std::string::npos);
  for (const char* id : {"chart-cpu", "chart-mem", "chart-load", "chart-procs", "chart-proc-cpu",
                         "chart-proc-rss", "chart-proc-io", "chart-proc-net"})
    EXPECT_NE(html.find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  // The data block parses back as JSON and carries the escaped name.
  const std::size_t b = html.find("id=\"report-data\">") + 17;
  const std::string block = html.substr(b, html.find("</script>", b) - b);
  EXPECT_EQ(block.find('<'), std::string::npos);
  const auto j = nlohmann::json::parse(block);
  EXPECT_EQ(j["series"].size(), d.series.size());
  bool found = false;
  for (const auto& s : j["series"])
    found |= s["label"].get<std::string>().find("<script>x</script>") != std::string::npos;
  EXPECT_TRUE(found);
}

TEST(ViewReport, JsonForScriptEscapesEverythingThatCouldEndTheScript) {
  nlohmann::ordered_json j = {{"a", "</script><!-- & \xe2\x80\xa8 \xe2\x80\xa9"}};
  const std::string s = json_for_script(j);
  EXPECT_EQ(s.find('<'), std::string::npos);
  EXPECT_EQ(s.find('>'), std::string::npos);
  EXPECT_EQ(s.find('&'), std::string::npos);
  EXPECT_EQ(s.find("\xe2\x80\xa8"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(s)["a"], "</script><!-- & \xe2\x80\xa8 \xe2\x80\xa9");
}

TEST(ViewReport, JsonAndCsv) {
  auto rec = record_known();
  const ReportData d = build_report(*rec->reader, rec->reader->info(), rec->reader->alerts());
  std::ostringstream js;
  write_report_json(js, d);
  const auto j = nlohmann::json::parse(js.str());
  EXPECT_EQ(j["session"]["host"], "host<1>");
  EXPECT_EQ(j["top"]["cpu"][0]["comm"], "burner");
  EXPECT_EQ(j["exited"][0]["exit_status"], 2 << 8);
  EXPECT_EQ(j["oom_kills"][0]["victim_rss_bytes"], 512 * kMiB);
  EXPECT_EQ(j["alerts"][1]["message"], "<i>boom</i>");
  EXPECT_TRUE(j["system"]["cpu_busy_pct"][0].is_null());
  std::ostringstream csv;
  write_report_csv(csv, d);
  std::istringstream lines(csv.str());
  std::string header, first;
  std::getline(lines, header);
  std::getline(lines, first);
  EXPECT_EQ(header.substr(0, 30), "pid,start_ns,ppid,comm,cmdline");
  EXPECT_EQ(first.substr(0, 3), "10,");  // sorted by CPU
  EXPECT_EQ(exit_text(2 << 8), "exit 2");
  EXPECT_EQ(exit_text(9), "signal 9");
  EXPECT_EQ(exit_text(0x80 | 11), "signal 11 (core dumped)");
}

TEST(ViewExport, RawCountersAreTheStoredValues) {
  auto rec = record_known();
  std::ostringstream out;
  ExportOptions o;
  o.pids = {10};
  EXPECT_EQ(write_export(out, *rec->reader, o), 10u);
  std::istringstream lines(out.str());
  std::string header, row;
  std::getline(lines, header);
  EXPECT_NE(header.find(",runtime_ns,"), std::string::npos);
  std::size_t col = 0;
  {
    std::istringstream h(header);
    std::string name;
    while (std::getline(h, name, ',') && name != "runtime_ns") ++col;
  }
  for (int i = 0; i < 10; ++i) {
    std::getline(lines, row);
    std::istringstream r(row);
    std::string cell;
    for (std::size_t k = 0; k <= col; ++k) std::getline(r, cell, ',');
    EXPECT_EQ(cell, std::to_string(static_cast<std::uint64_t>(i) * kSec / 2)) << row;
  }

  std::ostringstream js;
  o.format = ExportFormat::Json;
  o.fields = {FieldId::Pid, FieldId::CpuPct};
  o.pids = {};
  o.from_wall_ns = kWall0 + 9 * kSec;
  EXPECT_EQ(write_export(js, *rec->reader, o), 5u);
  const auto first = nlohmann::json::parse(js.str().substr(0, js.str().find('\n')));
  EXPECT_EQ(first["pid"], 10);
  EXPECT_NEAR(first["cpu_pct"].get<double>(), 50.0, 1e-9);

  std::ostringstream ev;
  o = {};
  o.table = ExportTable::Events;
  EXPECT_EQ(write_export(ev, *rec->reader, o), 2u);
  EXPECT_NE(ev.str().find("oom_kill"), std::string::npos);
  std::ostringstream sys;
  o.table = ExportTable::System;
  EXPECT_EQ(write_export(sys, *rec->reader, o), 10u);
}

TEST(TimeText, DurationsSizesAndTimes) {
  EXPECT_EQ(parse_duration_ns("500ms").value, 500'000'000u);
  EXPECT_EQ(parse_duration_ns("1.5s").value, 1'500'000'000u);
  EXPECT_EQ(parse_duration_ns("10m").value, 600 * kSec);
  EXPECT_EQ(parse_duration_ns("7d").value, 7 * 86400 * kSec);
  EXPECT_EQ(parse_duration_ns(" 2 h ").value, 7200 * kSec);
  EXPECT_EQ(parse_duration_ns("3").value, 3 * kSec);
  EXPECT_FALSE(parse_duration_ns("ten").value);
  EXPECT_FALSE(parse_duration_ns("5 parsecs").value);
  EXPECT_FALSE(parse_duration_ns("-1s").value);
  EXPECT_EQ(parse_size_bytes("1G").value, 1ULL << 30);
  EXPECT_EQ(parse_size_bytes("512MiB").value, 512ULL << 20);
  EXPECT_EQ(parse_size_bytes("100kb").value, 102400u);
  EXPECT_EQ(parse_size_bytes("4096").value, 4096u);
  EXPECT_FALSE(parse_size_bytes("1X").value);

  const std::uint64_t first = kWall0, last = kWall0 + 3600 * kSec;
  EXPECT_EQ(parse_time_point("+90s", first, last).value, first + 90 * kSec);
  EXPECT_EQ(parse_time_point("-1m", first, last).value, last - 60 * kSec);
  EXPECT_EQ(parse_time_point("@1768478400.5", first, last).value, kWall0 + kSec / 2);
  EXPECT_EQ(parse_time_point("2026-01-15 12:00:01Z", first, last).value, kWall0 + kSec);
  EXPECT_EQ(parse_time_point("2026-01-15T12:30:00 UTC", first, last).value, kWall0 + 1800 * kSec);
  EXPECT_EQ(parse_time_point("12:00:02.25Z", first, last).value, kWall0 + 2 * kSec + kSec / 4);
  // A time of day before the start means the next day.
  EXPECT_EQ(parse_time_point("11:00Z", first, last).value, kWall0 + 23 * 3600 * kSec);
  EXPECT_FALSE(parse_time_point("25:00", first, last).value);
  EXPECT_FALSE(parse_time_point("12:61", first, last).value);
  EXPECT_FALSE(parse_time_point("yesterday", first, last).value);
  EXPECT_FALSE(parse_time_point("", first, last).value);
  EXPECT_EQ(format_duration_short(3725 * kSec), "1h02m");
  EXPECT_EQ(format_duration_short(65 * kSec), "1m05s");
  EXPECT_EQ(format_size_short(3'400'000), "3.4 MB");
}

}  // namespace
}  // namespace pw
