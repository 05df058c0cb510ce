// /metrics text: exact lines for counters and gauges, HELP/TYPE once per
// family, escaping of hostile label values, the CPU budget's state, and
// no duplicate series.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "serve/prometheus_text.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::TwoSamples;

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

bool has_line(const std::string& text, const std::string& line) {
  for (const auto& l : lines_of(text))
    if (l == line) return true;
  return false;
}

bool mentions(const std::string& text, const std::string& what) {
  return text.find(what) != std::string::npos;
}

// One sample line, parsed as Prometheus reads it: the label values with
// the format's escapes undone. Fails the test on anything malformed.
struct ParsedSample {
  std::string name;
  std::vector<std::pair<std::string, std::string>> labels;
  std::string value;
};

ParsedSample parse_sample(const std::string& line) {
  ParsedSample s;
  std::size_t i = 0;
  while (i < line.size() && line[i] != '{' && line[i] != ' ') s.name += line[i++];
  if (i < line.size() && line[i] == '{') {
    ++i;
    while (i < line.size() && line[i] != '}') {
      std::string name;
      while (i < line.size() && line[i] != '=') name += line[i++];
      EXPECT_TRUE(i + 1 < line.size() && line[i + 1] == '"') << line;
      i += 2;
      std::string value;
      for (; i < line.size() && line[i] != '"'; ++i) {
        const unsigned char c = static_cast<unsigned char>(line[i]);
        EXPECT_GE(c, 0x20) << "raw control byte in " << line;
        if (line[i] != '\\') {
          value += line[i];
          continue;
        }
        ++i;
        if (i >= line.size()) {
          ADD_FAILURE() << "escape at the end of " << line;
          break;
        }
        if (line[i] == 'n')
          value += '\n';
        else if (line[i] == '\\' || line[i] == '"')
          value += line[i];
        else
          ADD_FAILURE() << "invalid escape \\" << line[i] << " in " << line;
      }
      EXPECT_LT(i, line.size()) << "unterminated label value: " << line;
      ++i;  // closing quote
      s.labels.emplace_back(name, value);
      if (i < line.size() && line[i] == ',') ++i;
    }
    ++i;  // '}'
  }
  EXPECT_TRUE(i < line.size() && line[i] == ' ') << line;
  s.value = line.substr(i + 1);
  return s;
}

// Every family: HELP then TYPE once, before its samples, samples together;
// no label set twice in a family.
void expect_well_formed(const std::string& text) {
  std::set<std::string> helped, typed, seen_families;
  std::string current;
  std::map<std::string, std::set<std::string>> series;
  for (const std::string& line : lines_of(text)) {
    ASSERT_FALSE(line.empty());
    if (line.starts_with("# HELP ")) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_TRUE(helped.insert(name).second) << "HELP twice: " << name;
      current = name;
      continue;
    }
    if (line.starts_with("# TYPE ")) {
      const std::string name = line.substr(7, line.find(' ', 7) - 7);
      EXPECT_EQ(name, current) << "TYPE right after HELP";
      EXPECT_TRUE(typed.insert(name).second) << "TYPE twice: " << name;
      const std::string type = line.substr(line.rfind(' ') + 1);
      EXPECT_TRUE(type == "counter" || type == "gauge") << line;
      if (type == "counter") {
        EXPECT_TRUE(name.ends_with("_total")) << name;
      }
      continue;
    }
    ASSERT_NE(line[0], '#') << line;
    const ParsedSample s = parse_sample(line);
    EXPECT_EQ(s.name, current) << "sample outside its family: " << line;
    std::string key;
    for (const auto& [k, v] : s.labels) key += k + "=" + v + "\n";
    EXPECT_TRUE(series[s.name].insert(key).second) << "duplicate series: " << line;
    EXPECT_FALSE(s.value.empty()) << line;
    seen_families.insert(s.name);
  }
  EXPECT_EQ(helped, seen_families) << "a family without samples";
}

// procwatch measured itself over one second, with the CPU budget having
// lengthened the interval and sampled the scheduler probes.
TwoSamples measured() {
  TwoSamples t;
  t.add({.pid = 1, .comm = "init", .threads = 1});
  t.add({.pid = 42, .comm = "worker", .threads = 3});
  t.after.procs_running = 2;
  t.after.events_total = 1234;
  t.after.events_dropped = 5;
  t.self_before = {.cpu_ns = kSec, .rss_bytes = 20 << 20, .bpf_stats = true};
  t.self_before.programs = {{"sched", "on_sched_switch", 5000, 400'000}};
  t.self_after = {.cpu_ns = kSec + kSec / 200, .rss_bytes = 21 << 20, .bpf_stats = true};
  t.self_after.programs = {{"sched", "on_sched_switch", 6000, 477'000},
                           {"net", "on_sock_send_length", 10, 1'500'000'000}};
  t.self_after.maps = {{"io_stats", "io", 10240, 3}, {"task_stats", "sched", 0, std::nullopt}};
  t.self_after.bpf_stats_ns = 2 * kSec + 1;
  t.self_after.probes = {
      {.object = "sched", .loaded = true, .attached = true, .optional = true, .sample_shift = 2},
      {.object = "net", .loaded = true, .attached = false, .optional = true, .sample_shift = 4},
      {.object = "io", .loaded = false, .attached = false, .optional = true},
      {.object = "lifecycle", .loaded = true, .attached = true},
  };
  BudgetState& b = t.self_after.budget;
  b.enabled = true;
  b.userspace_pct = 1.0;
  b.kernel_pct = 3.0;
  b.interval_factor = 2;
  b.degraded = true;
  b.description = "CPU budget exceeded: refresh interval x2; 'sched' sampled 1 in 4";
  b.steps = {"procwatch uses 2.00% of a core (budget 1.00%): refresh interval x2",
             "BPF programs use 5.00% of a core (budget 3.00%): ..."};
  return t;
}

PrometheusContext context() {
  PrometheusContext c;
  c.version = "1.2.3";
  return c;
}

TEST(ServePrometheus, CountersAreCumulativeInBaseUnits) {
  const std::string text = render_prometheus(measured().derive(), context());
  expect_well_formed(text);
  EXPECT_TRUE(has_line(text, "procwatch_build_info{version=\"1.2.3\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE procwatch_self_cpu_seconds_total counter"));
  EXPECT_TRUE(has_line(text, "procwatch_self_cpu_seconds_total 1.005"));
  EXPECT_TRUE(has_line(text, "# TYPE procwatch_self_resident_bytes gauge"));
  EXPECT_TRUE(has_line(text, "procwatch_self_resident_bytes 22020096"));
  EXPECT_TRUE(has_line(text, "procwatch_lifecycle_events_total 1234"));
  EXPECT_TRUE(has_line(text, "procwatch_lifecycle_events_dropped_total 5"));
  EXPECT_TRUE(has_line(text, "procwatch_bpf_stats_enabled 1"));
  EXPECT_TRUE(has_line(text, "procwatch_bpf_stats_seconds_total 2.000000001"));
  EXPECT_TRUE(has_line(text, "# TYPE procwatch_bpf_program_runs_total counter"));
  EXPECT_TRUE(has_line(
      text, "procwatch_bpf_program_runs_total{object=\"sched\",program=\"on_sched_switch\"} 6000"));
  EXPECT_TRUE(has_line(
      text,
      "procwatch_bpf_program_run_seconds_total{object=\"sched\",program=\"on_sched_switch\"} "
      "0.000477"));
  EXPECT_TRUE(has_line(
      text,
      "procwatch_bpf_program_run_seconds_total{object=\"net\",program=\"on_sock_send_length\"} "
      "1.5"));
  EXPECT_TRUE(has_line(text, "procwatch_system_cpus 4"));
  EXPECT_TRUE(has_line(text, "procwatch_system_processes 2"));
  EXPECT_TRUE(has_line(text, "procwatch_system_threads 4"));
  EXPECT_TRUE(has_line(text, "procwatch_system_running_threads 2"));
  EXPECT_TRUE(has_line(text, "procwatch_interval_seconds 1"));
  EXPECT_TRUE(has_line(text, "procwatch_collection_timestamp_seconds 1714564800"));
}

TEST(ServePrometheus, OnlyCountableMapsHaveSeries) {
  const std::string text = render_prometheus(measured().derive(), context());
  EXPECT_TRUE(has_line(text, "procwatch_bpf_map_entries{object=\"io\",map=\"io_stats\"} 3"));
  EXPECT_TRUE(
      has_line(text, "procwatch_bpf_map_max_entries{object=\"io\",map=\"io_stats\"} 10240"));
  EXPECT_FALSE(mentions(text, "task_stats")) << "task storage cannot be counted: no series, no 0";
}

TEST(ServePrometheus, MapsFromTheLastCountedIntervalWhenStatisticsWereOff) {
  TwoSamples t = measured();
  t.self_after.bpf_stats = false;
  t.self_after.maps.clear();
  EXPECT_FALSE(mentions(render_prometheus(t.derive(), context()), "procwatch_bpf_map_entries"))
      << "nothing counted yet: no family at all";
  const std::vector<MapUsage> last = {{"tcp_events", "net", 16384, 7}};
  PrometheusContext c = context();
  c.last_counted_maps = &last;
  const std::string text = render_prometheus(t.derive(), c);
  EXPECT_TRUE(has_line(text, "procwatch_bpf_stats_enabled 0"));
  EXPECT_TRUE(has_line(text, "procwatch_bpf_map_entries{object=\"net\",map=\"tcp_events\"} 7"));
}

TEST(ServePrometheus, ProbesAndDegradedBudget) {
  const std::string text = render_prometheus(measured().derive(), context());
  expect_well_formed(text);
  EXPECT_TRUE(has_line(text, "procwatch_probe_loaded{probe=\"io\"} 0"));
  EXPECT_TRUE(has_line(text, "procwatch_probe_attached{probe=\"sched\"} 1"));
  EXPECT_TRUE(has_line(text, "procwatch_probe_attached{probe=\"net\"} 0"));
  EXPECT_TRUE(has_line(text, "procwatch_probe_attached{probe=\"lifecycle\"} 1"));
  EXPECT_TRUE(has_line(text, "procwatch_probe_sampling_ratio{probe=\"sched\"} 0.25"));
  EXPECT_TRUE(has_line(text, "procwatch_probe_sampling_ratio{probe=\"net\"} 0.0625"));
  EXPECT_FALSE(mentions(text, "procwatch_probe_sampling_ratio{probe=\"io\"}")) << "not loaded";
  EXPECT_FALSE(mentions(text, "procwatch_probe_sampling_ratio{probe=\"lifecycle\"}"))
      << "never sampled";
  EXPECT_TRUE(has_line(text, "procwatch_budget_enabled 1"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_degraded 1"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_steps 2"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_interval_factor 2"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_userspace_limit_ratio 0.01"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_kernel_limit_ratio 0.03"));
}

TEST(ServePrometheus, BudgetOffIsNotDegradedAndHasNoLimits) {
  TwoSamples t = measured();
  t.self_after.budget = {};
  const std::string text = render_prometheus(t.derive(), context());
  expect_well_formed(text);
  EXPECT_TRUE(has_line(text, "procwatch_budget_enabled 0"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_degraded 0"));
  EXPECT_TRUE(has_line(text, "procwatch_budget_interval_factor 1"));
  EXPECT_FALSE(mentions(text, "limit_ratio"));
}

TEST(ServePrometheus, FirstFrameHasCountersButNoInterval) {
  TwoSamples t = measured();
  const Model first = t.first_frame();
  const std::string text = render_prometheus(first, context());
  expect_well_formed(text);
  EXPECT_TRUE(has_line(text, "procwatch_system_processes 2"));
  EXPECT_FALSE(mentions(text, "procwatch_interval_seconds"));
}

TEST(ServePrometheus, NoSampleIsOnlyBuildInfo) {
  const std::string text = render_prometheus(Model{}, context());
  EXPECT_EQ(text,
            "# HELP procwatch_build_info Always 1; the labels say which procwatch this is.\n"
            "# TYPE procwatch_build_info gauge\n"
            "procwatch_build_info{version=\"1.2.3\"} 1\n");
}

TEST(ServePrometheus, NoDuplicateSeriesInAFamily) {
  TwoSamples t = measured();
  // The same program listed twice (a shared object seen through two
  // skeletons, say): one series, the first.
  t.self_after.programs.push_back({"sched", "on_sched_switch", 1, 1});
  t.self_after.maps.push_back({"io_stats", "io", 10240, 99});
  t.self_after.probes.push_back({.object = "sched", .loaded = true, .optional = true});
  const std::string text = render_prometheus(t.derive(), context());
  expect_well_formed(text);
  EXPECT_TRUE(has_line(
      text, "procwatch_bpf_program_runs_total{object=\"sched\",program=\"on_sched_switch\"} 6000"));
  EXPECT_FALSE(mentions(text, "program=\"on_sched_switch\"} 1\n"));
  EXPECT_FALSE(mentions(text, "} 99\n"));
  EXPECT_TRUE(has_line(text, "procwatch_probe_attached{probe=\"sched\"} 1"));
}

// Label values will carry process names: bytes anyone can choose.
TEST(ServePrometheus, HostileLabelValuesAreEscaped) {
  EXPECT_EQ(prometheus_label_value("plain"), "plain");
  EXPECT_EQ(prometheus_label_value("a\"b"), "a\\\"b");
  EXPECT_EQ(prometheus_label_value("a\\b"), "a\\\\b");
  // A newline becomes the text \n (sanitized as top shows it), escaped.
  EXPECT_EQ(prometheus_label_value("a\nb"), "a\\\\nb");
  EXPECT_EQ(prometheus_label_value("\x1b[2J"), "\\\\x1b[2J");
  EXPECT_EQ(prometheus_label_value("<script>alert(1)</script>"), "<script>alert(1)</script>");
  EXPECT_EQ(prometheus_label_value(std::string("nul\0x", 5)), "nul\\\\x00x");
  EXPECT_EQ(prometheus_label_value("bad\xff\xfe"), "bad\\\\xff\\\\xfe");
  EXPECT_EQ(prometheus_label_value("caf\xc3\xa9"), "caf\xc3\xa9") << "valid UTF-8 stays";
  EXPECT_EQ(prometheus_label_value("\"}\n evil_metric 1\n#"), "\\\"}\\\\n evil_metric 1\\\\n#");

  const std::string hostile = "x\"} 1\nprocwatch_fake 666\n\\\x1b]0;title\x07<script>";
  TwoSamples t = measured();
  t.self_after.programs.push_back({hostile, hostile, 7, 7});
  const std::string text = render_prometheus(t.derive(), context());
  expect_well_formed(text);  // one line per series, valid escapes, no raw controls
  EXPECT_FALSE(mentions(text, "\nprocwatch_fake")) << "no injected line";
  bool found = false;
  for (const std::string& line : lines_of(text)) {
    if (!line.starts_with("procwatch_bpf_program_runs_total{")) continue;
    const ParsedSample s = parse_sample(line);
    if (s.value != "7") continue;
    found = true;
    ASSERT_EQ(s.labels.size(), 2u);
    // What Prometheus stores is what top shows: sanitized, quotes intact.
    EXPECT_EQ(s.labels[0].second, "x\"} 1\\nprocwatch_fake 666\\n\\\\x1b]0;title\\x07<script>");
    EXPECT_EQ(s.labels[1].second, s.labels[0].second);
  }
  EXPECT_TRUE(found) << text;
}

TEST(ServePrometheus, HelpTextIsEscaped) {
  EXPECT_EQ(prometheus_help_text("a\\b\nc \"q\""), "a\\\\b\\nc \"q\"");
}

TEST(ServePrometheus, NumbersAndSeconds) {
  EXPECT_EQ(prometheus_seconds(0), "0");
  EXPECT_EQ(prometheus_seconds(1'500'000'000), "1.5");
  EXPECT_EQ(prometheus_seconds(42), "0.000000042");
  EXPECT_EQ(prometheus_seconds(std::numeric_limits<std::uint64_t>::max()), "18446744073.709551615")
      << "exact, where a double would round";
  EXPECT_EQ(prometheus_number(0.25), "0.25");
  EXPECT_EQ(prometheus_number(1.0), "1");
  EXPECT_EQ(prometheus_number(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(prometheus_number(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(prometheus_number(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(ServePrometheus, WriterRejectsMistakesInTheCode) {
  PrometheusText t;
  EXPECT_THROW(t.add_count({}, 1), std::logic_error) << "a series before its family";
  EXPECT_THROW(t.family("bad-name", MetricType::Gauge, "x"), std::logic_error);
  EXPECT_THROW(t.family("procwatch_things", MetricType::Counter, "x"), std::logic_error)
      << "counters end in _total";
  t.family("procwatch_x", MetricType::Gauge, "x");
  EXPECT_THROW(t.add_count({{"__reserved", "v"}}, 1), std::logic_error);
  EXPECT_THROW(t.add_count({{"bad-label", "v"}}, 1), std::logic_error);
  EXPECT_TRUE(t.add_count({{"a", "v"}}, 1));
  EXPECT_FALSE(t.add_count({{"a", "v"}}, 2)) << "the same series twice";
  EXPECT_THROW(t.family("procwatch_x", MetricType::Gauge, "again"), std::logic_error);
  t.family("procwatch_empty", MetricType::Gauge, "no series");
  EXPECT_EQ(t.text(), "# HELP procwatch_x x\n# TYPE procwatch_x gauge\nprocwatch_x{a=\"v\"} 1\n")
      << "a family without series leaves no trace";
}

}  // namespace
}  // namespace pw
