// The per-process detail view: identity, fields, sockets, devices and
// latency histograms as lines; Enter opens it, Esc and q close it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "view/detail_view.h"
#include "view/sanitize.h"
#include "view/table.h"
#include "view/top_screen.h"
#include "view/top_state.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::ProcSpec;
using view_test::TwoSamples;

TwoSamples one_server() {
  TwoSamples s;
  s.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "/sbin/init"});
  Connection listen;
  listen.local = "0.0.0.0:5201";
  listen.state = "LISTEN";
  Connection hostile;
  hostile.family = 6;
  hostile.local = "[::1]:5201\x1b[2J";
  hostile.remote = "\x1b]0;owned\x07[::1]:40000";
  hostile.state = "ESTABLISHED";
  hostile.srtt_us = 1500;
  hostile.tx_bytes = 3 << 20;
  hostile.rx_bytes = 2048;
  hostile.retransmits = 7;
  Connection udp;
  udp.protocol = 17;
  udp.local = "127.0.0.1:53";
  s.add({.pid = 4242,
         .comm = "iperf3\x1b[31m",
         .cmdline = "iperf3 -s \xff\xfe",
         .user = "alice",
         .uid = 1000,
         .threads = 2,
         .cpu_ns = kSec / 4,
         .runq_buckets = {{13, 10}, {15, 2}},
         .deltas = {{Counter::ReadBytes, 1 << 20}},
         .gauges = {{Counter::RssAnonBytes, 5 << 20}},
         .io_buckets = {{20, 4}},
         .cgroup = "/system.slice/docker-" + std::string(64, 'b') + ".scope",
         .connections = {listen, hostile, udp},
         .devices = {{.dev = (8u << 20) | 0,
                      .name = "sda",
                      .read_bytes = 1 << 30,
                      .write_bytes = 4096,
                      .read_ops = 9,
                      .write_ops = 1},
                     {.dev = (259u << 20) | 3, .read_ops = 2}}});
  return s;
}

std::string joined(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

bool has_line_with(const std::vector<std::string>& lines, const std::string& a,
                   const std::string& b = "") {
  for (const std::string& l : lines)
    if (l.find(a) != std::string::npos && l.find(b) != std::string::npos) return true;
  return false;
}

TEST(ViewDetailTest, DurationsAndHistogramBars) {
  EXPECT_EQ(duration_text(512, TextMode::Ascii), "512 ns");
  EXPECT_EQ(duration_text(8192, TextMode::Ascii), "8.2 us");
  EXPECT_EQ(duration_text(8192, TextMode::Utf8), "8.2 \u00b5s");
  EXPECT_EQ(duration_text(16384, TextMode::Ascii), "16 us");
  EXPECT_EQ(duration_text(1 << 20, TextMode::Ascii), "1.0 ms");
  EXPECT_EQ(duration_text(1ULL << 30, TextMode::Ascii), "1.1 s");

  EXPECT_TRUE(histogram_lines(Log2Histogram{}, TextMode::Utf8).empty());
  Log2Histogram h;
  h.add(13, 10);
  h.add(15, 1);
  const auto lines = histogram_lines(h, TextMode::Ascii, 10);
  // From the lowest to the highest non-empty bucket, the gap included.
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "  [ 8.2 us,   16 us)  ##########  10");
  EXPECT_EQ(lines[1], "  [  16 us,   33 us)              0");
  EXPECT_EQ(lines[2], "  [  33 us,   66 us)  #           1") << "a rare bucket still shows";
  const auto utf8 = histogram_lines(h, TextMode::Utf8, 10);
  EXPECT_NE(utf8[0].find("\u2588\u2588\u2588"), std::string::npos);
}

TEST(ViewDetailTest, ShowsIdentityFieldsSocketsDevicesAndHistograms) {
  const Model m = one_server().derive();
  const ProcessRow* row = view_test::row_of(m, 4242);
  ASSERT_NE(row, nullptr);
  const auto lines = process_detail_lines(*row, m.interval_s(), TextMode::Utf8);
  const std::string all = joined(lines);

  EXPECT_EQ(lines[0].find("Process 4242 (iperf3\\x1b[31m), user alice (uid 1000), state S"), 0u)
      << lines[0];
  EXPECT_TRUE(has_line_with(lines, "command", "iperf3 -s \\xff\\xfe"));
  EXPECT_TRUE(has_line_with(lines, "parent", "1"));
  EXPECT_TRUE(has_line_with(lines, "cgroup", "/system.slice/docker-bbbb"));
  EXPECT_TRUE(has_line_with(lines, "container", "bbbbbbbbbbbb (docker)"));
  EXPECT_TRUE(has_line_with(lines, "unit", "docker-bbbb"));

  // Every field, by name, with its value and unit.
  for (const FieldDef& f : all_fields())
    EXPECT_TRUE(has_line_with(lines, "  " + std::string(f.name) + " ")) << f.name;
  EXPECT_TRUE(has_line_with(lines, "cpu_pct", "25.0 %"));
  EXPECT_TRUE(has_line_with(lines, "read_bytes_per_sec", "1.0M B/s"));
  EXPECT_TRUE(has_line_with(lines, "connections", "3"));

  // Sockets: protocol, addresses (escaped), state, RTT, bytes, retransmits.
  EXPECT_TRUE(has_line_with(lines, "Connections (3;"));
  EXPECT_TRUE(has_line_with(lines, "PROTO", "RETR"));
  EXPECT_TRUE(has_line_with(lines, "tcp ", "0.0.0.0:5201"));
  EXPECT_TRUE(has_line_with(lines, "tcp6", "[::1]:5201\\x1b[2J"));
  EXPECT_TRUE(has_line_with(lines, "\\x1b]0;owned\\x07[::1]:40000", "1.5 ms"));
  EXPECT_TRUE(has_line_with(lines, "ESTABLISHED", "3.0M"));
  EXPECT_TRUE(has_line_with(lines, "udp ", "127.0.0.1:53"));

  // Devices: by name, or major:minor when the name is unknown.
  EXPECT_TRUE(has_line_with(lines, "Block devices (2;"));
  EXPECT_TRUE(has_line_with(lines, "sda", "1.0G"));
  EXPECT_TRUE(has_line_with(lines, "259:3"));

  // This interval's histograms (the earlier 3 waits in bucket 20 are not).
  EXPECT_TRUE(has_line_with(lines, "Run-queue latency this interval: 12 waits"));
  EXPECT_TRUE(has_line_with(lines, "[ 8.2 \u00b5s,   16 \u00b5s)", "10"));
  EXPECT_TRUE(has_line_with(lines, "Block IO latency this interval: 4 requests"));
  EXPECT_TRUE(has_line_with(lines, "[ 1.0 ms,  2.1 ms)", "4"));

  for (const std::string& l : lines) EXPECT_EQ(sanitize_for_terminal(l), l) << l;
  EXPECT_EQ(all.find('\x1b'), std::string::npos);
  EXPECT_EQ(all.find('\x07'), std::string::npos);

  const auto ascii = process_detail_lines(*row, m.interval_s(), TextMode::Ascii);
  for (const std::string& l : ascii)
    for (const char c : l) EXPECT_LT(static_cast<unsigned char>(c), 0x80) << l;
}

TEST(ViewDetailTest, ProcessWithoutSocketsOrDevices) {
  const Model m = one_server().first_frame();
  const auto lines = process_detail_lines(*view_test::row_of(m, 1), 0, TextMode::Utf8);
  EXPECT_TRUE(has_line_with(lines, "Connections (0;"));
  EXPECT_TRUE(has_line_with(lines, "Run-queue latency this interval: 0 waits"));
  EXPECT_TRUE(has_line_with(lines, "cpu_pct", "-")) << "first frame: no rates";
}

struct Ui {
  Model model;
  Table table;
  TopState state;
  explicit Ui(Model m) : model(std::move(m)) { table = build_table(model, state.opts); }
  void key(int k) {
    if (handle_key(state, k, table, 10) == KeyEffect::Rebuild)
      table = build_table(model, state.opts);
    sync_selection(state, table);
  }
  ScreenFrame render(int w, int h) const {
    return render_top_screen({&model, &table, nullptr, &state}, w, h);
  }
};

TEST(ViewDetailTest, EnterOpensEscAndQReturn) {
  Ui ui(one_server().derive());
  // Sorted by CPU: 4242 first.
  ui.key(kKeyEnter);
  ASSERT_TRUE(ui.state.detail.has_value());
  EXPECT_EQ(ui.state.detail->pid, 4242);
  ScreenFrame f = ui.render(100, 30);
  EXPECT_NE(f.lines[0].text.find("process 4242"), std::string::npos) << f.lines[0].text;
  EXPECT_NE(f.lines[1].text.find("Process 4242"), std::string::npos) << f.lines[1].text;

  // Scrolling is clamped to the text.
  ui.key(kKeyEnd);
  f = ui.render(100, 30);
  ui.state.detail_scroll = f.detail_scroll;
  EXPECT_GT(f.detail_scroll, 0u);
  EXPECT_EQ(f.lines.size(), 30u);
  ui.key(kKeyHome);
  EXPECT_EQ(ui.state.detail_scroll, 0u);

  ui.key('q');
  EXPECT_FALSE(ui.state.detail.has_value());
  EXPECT_FALSE(ui.state.quit) << "q leaves the detail view, not top";
  ui.key(kKeyDown);
  ui.key(kKeyEnter);
  ASSERT_TRUE(ui.state.detail.has_value());
  EXPECT_EQ(ui.state.detail->pid, 1);
  ui.key(kKeyEscape);
  EXPECT_FALSE(ui.state.detail.has_value());
}

TEST(ViewDetailTest, GoneProcessAndAnySizeFit) {
  Ui ui(one_server().derive());
  ui.key(kKeyEnter);
  ui.state.detail = ProcessKey{999, 1};
  const ScreenFrame gone = ui.render(80, 10);
  EXPECT_NE(gone.lines[1].text.find("is gone"), std::string::npos);
  ui.state.detail = ProcessKey{4242, 1 * kSec};
  for (const auto& [w, h] : std::vector<std::pair<int, int>>{{0, 0}, {1, 1}, {20, 5}, {200, 50}}) {
    const ScreenFrame f = ui.render(w, h);
    EXPECT_LE(f.lines.size(), static_cast<std::size_t>(h));
    for (const ScreenLine& l : f.lines)
      EXPECT_LE(display_width(l.text), static_cast<std::size_t>(w));
  }
}

}  // namespace
}  // namespace pw

namespace pw {
namespace {

TEST(ViewDetailTest, ShowsTheEvidenceOfThisProcessFindingsOnly) {
  const Model m = one_server().derive();
  const ProcessRow* row = view_test::row_of(m, 4242);
  ASSERT_NE(row, nullptr);
  Finding mine;
  mine.kind = Finding::Kind::Leak;
  mine.detector = "leak";
  mine.process = row->sample->key;
  mine.evidence = "rss_anon grows 1.0 MiB/s over 30 s \x1b[31m";
  Finding other = mine;
  other.process = ProcessKey{.pid = 1, .start_ns = 1};
  other.evidence = "someone else";
  const std::vector<Finding> findings = {other, mine};
  const auto lines = process_detail_lines(*row, m.interval_s(), TextMode::Utf8, findings);
  EXPECT_TRUE(has_line_with(lines, "leak (leak): rss_anon grows 1.0 MiB/s over 30 s"));
  EXPECT_FALSE(has_line_with(lines, "someone else"));
  EXPECT_EQ(joined(lines).find('\x1b'), std::string::npos) << "evidence is sanitized";
  EXPECT_FALSE(
      has_line_with(process_detail_lines(*row, m.interval_s(), TextMode::Utf8), "Findings"));
}

}  // namespace
}  // namespace pw
