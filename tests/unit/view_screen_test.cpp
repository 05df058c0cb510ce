// The live UI without a terminal: render_top_screen() frames and
// handle_key() state changes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "view/sanitize.h"
#include "view/top_screen.h"
#include "view/top_state.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::ProcSpec;
using view_test::TwoSamples;

TwoSamples busy_system(int extra = 0) {
  TwoSamples s;
  s.before.cpu = {.user_ns = 10 * kSec, .idle_ns = 10 * kSec};
  s.after.cpu = {.user_ns = 11 * kSec, .idle_ns = 13 * kSec};
  s.add({.pid = 1, .ppid = 0, .comm = "systemd", .cmdline = "/sbin/init", .cpu_ns = kSec / 100});
  s.add({.pid = 100,
         .comm = "nginx",
         .cmdline = "nginx: master process",
         .user = "www-data",
         .cpu_ns = kSec / 2,
         .runq_buckets = {{12, 4}}});
  s.add({.pid = 66,
         .comm = "\x1b[2J\x1b]0;x\x07",
         .cmdline = "\x1b[2J<script>\xff\xfe\xc2\x9b",
         .user = "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
         .cpu_ns = kSec / 3});
  s.add({.pid = 67, .comm = "long", .cmdline = std::string(5000, 'x'), .cpu_ns = kSec / 4});
  s.add({.pid = 68, .comm = "gone", .cmdline = "gone", .cpu_ns = kSec / 5, .exited = true});
  for (int i = 0; i < extra; ++i)
    s.add({.pid = 1000 + i, .comm = "w" + std::to_string(i), .cpu_ns = 0});
  return s;
}

struct Screen {
  Model model;
  Table table;
  TopState state;
  std::vector<std::string> notices;

  explicit Screen(Model m) : model(std::move(m)) {
    state.opts.fields = default_top_fields();
    rebuild();
  }
  void rebuild() {
    table = build_table(model, state.opts);
    sync_selection(state, table);
  }
  ScreenFrame render(int w, int h, bool with_model = true) const {
    return render_top_screen({with_model ? &model : nullptr, &table, &notices, &state}, w, h);
  }
  // Applies a key the way the UI does and returns the frame after it.
  KeyEffect key(int k, std::size_t page = 10) {
    const KeyEffect e = handle_key(state, k, table, page);
    if (e == KeyEffect::Rebuild) rebuild();
    return e;
  }
  void type(const std::string& text) {
    for (const char c : text) key(static_cast<unsigned char>(c));
  }
};

bool safe_for_terminal(const std::string& s) {
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x20 || b == 0x7f) return false;
    if (b == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) <= 0x9f) return false;
  }
  return sanitize_for_terminal(s) == s;  // valid UTF-8, nothing left to escape
}

void expect_fits(const ScreenFrame& f, int w, int h) {
  EXPECT_LE(f.lines.size(), static_cast<std::size_t>(h));
  for (const ScreenLine& l : f.lines) {
    EXPECT_LE(display_width(l.text), static_cast<std::size_t>(w)) << l.text;
    EXPECT_TRUE(safe_for_terminal(l.text)) << l.text;
    if (l.accent_len > 0) {
      EXPECT_LE(l.accent_begin + l.accent_len, static_cast<std::size_t>(w));
    }
  }
}

std::size_t find_line(const ScreenFrame& f, const std::string& needle) {
  for (std::size_t i = 0; i < f.lines.size(); ++i)
    if (f.lines[i].text.find(needle) != std::string::npos) return i;
  return std::string::npos;
}

TEST(ViewScreenTest, EveryLineFitsAnySize) {
  Screen s(busy_system(100).derive());
  s.notices = {"scheduler latency unavailable: \x1b[31mred", "two", "three", "four"};
  const std::vector<std::pair<int, int>> sizes = {
      {20, 5}, {200, 50}, {80, 24}, {1, 1}, {0, 0}, {5, 0}, {0, 5}, {3, 2}, {400, 3}, {10, 200}};
  for (const auto& [w, h] : sizes) {
    SCOPED_TRACE(std::to_string(w) + "x" + std::to_string(h));
    for (const bool help : {false, true}) {
      s.state.help = help;
      expect_fits(s.render(w, h), w, h);
      expect_fits(s.render(w, h, false), w, h);
    }
    s.state.help = false;
    s.state.prompt = PromptKind::Filter;
    s.state.input = std::string(300, 'y') + "\x1b[2J";
    expect_fits(s.render(w, h), w, h);
    s.state.prompt = PromptKind::None;
    s.state.message = "unknown field '\x1b[2J'";
    expect_fits(s.render(w, h), w, h);
    s.state.message.clear();
  }
  EXPECT_TRUE(s.render(0, 0).lines.empty());
}

TEST(ViewScreenTest, TinyTerminalKeepsColumnTitlesAndARow) {
  Screen s(busy_system().derive());
  const ScreenFrame f = s.render(20, 5);
  ASSERT_EQ(f.lines.size(), 5u);
  EXPECT_EQ(f.lines[0].style, LineStyle::Title);
  EXPECT_EQ(f.lines[3].style, LineStyle::ColumnHeader);
  EXPECT_EQ(f.lines[3].text, "    PID F  USER     ");
  EXPECT_EQ(f.lines[4].style, LineStyle::Selected);
  EXPECT_EQ(f.lines[4].text, "    100    www-data ");
  EXPECT_EQ(f.body_rows, 1u);
}

TEST(ViewScreenTest, WideTerminalShowsHeaderNoticesAndAllRows) {
  Screen s(busy_system().derive());
  s.notices = {"scheduler latency unavailable"};
  const ScreenFrame f = s.render(200, 50);
  EXPECT_NE(f.lines[0].text.find("every 1s"), std::string::npos) << f.lines[0].text;
  EXPECT_NE(f.lines[0].text.find("sort CPU% desc"), std::string::npos);
  EXPECT_NE(find_line(f, "CPU: 25.0% busy"), std::string::npos);
  EXPECT_NE(find_line(f, "Tasks: 4 processes"), std::string::npos);
  EXPECT_NE(find_line(f, "Events:"), std::string::npos);
  const std::size_t notice = find_line(f, "scheduler latency unavailable");
  ASSERT_NE(notice, std::string::npos);
  EXPECT_EQ(f.lines[notice].style, LineStyle::Notice);
  const std::size_t header = find_line(f, "    PID F  USER");
  ASSERT_NE(header, std::string::npos);
  EXPECT_EQ(f.lines[header].style, LineStyle::ColumnHeader);
  // The sort column's title is the accent.
  EXPECT_EQ(f.lines[header].text.substr(f.lines[header].accent_begin, f.lines[header].accent_len),
            "  CPU%");
  ASSERT_EQ(f.lines.size(), header + 1 + 5);
  EXPECT_NE(f.lines[header + 1].text.find("nginx: master process"), std::string::npos);
  EXPECT_EQ(f.lines[header + 1].style, LineStyle::Selected);
  EXPECT_NE(f.lines[header + 2].text.find("\\x1b[2J<script>\\xff\\xfe\\u009b"), std::string::npos);
  EXPECT_EQ(display_width(f.lines[header + 3].text), 200u);  // the long cmdline is cut
  EXPECT_EQ(f.lines[header + 4].style, LineStyle::Exited);
}

TEST(ViewScreenTest, FirstModelShowsDashesAndNoModelSaysCollecting) {
  Screen s(busy_system().first_frame());
  const ScreenFrame f = s.render(120, 30);
  EXPECT_NE(find_line(f, "CPU: - busy"), std::string::npos);
  const std::size_t row = find_line(f, "/sbin/init");
  ASSERT_NE(row, std::string::npos);
  EXPECT_NE(f.lines[row].text.find("   -  "), std::string::npos) << f.lines[row].text;
  EXPECT_NE(find_line(s.render(120, 30, false), "collecting"), std::string::npos);
}

TEST(ViewScreenTest, ManyNoticesAreCappedAndListedInHelp) {
  Screen s(busy_system().derive());
  s.notices = {"n1", "n2", "n3", "n4", "n5"};
  const ScreenFrame f = s.render(100, 40);
  EXPECT_NE(find_line(f, "n2"), std::string::npos);
  EXPECT_EQ(find_line(f, "n3"), std::string::npos);
  EXPECT_NE(find_line(f, "3 more notices"), std::string::npos);
  s.state.help = true;
  s.state.help_scroll = 1000;  // clamped to the end, where the notices are
  const ScreenFrame help = s.render(100, 10);
  EXPECT_NE(find_line(help, "n5"), std::string::npos);
  EXPECT_LT(help.help_scroll, 1000u);
}

TEST(ViewScreenTest, HelpListsKeysAndEveryField) {
  Screen s(busy_system().derive());
  s.state.help = true;
  const ScreenFrame f = s.render(200, 200);
  EXPECT_NE(find_line(f, "quit"), std::string::npos);
  for (const FieldDef& def : all_fields()) {
    const std::size_t i = find_line(f, "  " + std::string(def.name) + " ");
    ASSERT_NE(i, std::string::npos) << def.name;
    EXPECT_NE(f.lines[i].text.find(def.help), std::string::npos) << def.name;
  }
}

// procwatch measured itself over the one-second interval: 1,000 switches at
// 77 ns, and two maps (one countable).
TwoSamples measured_self() {
  TwoSamples t = busy_system();
  t.self_before = {.cpu_ns = kSec, .rss_bytes = 20 << 20, .bpf_stats = true};
  t.self_before.programs = {{"sched", "on_sched_switch", 5000, 400'000}};
  t.self_after = {.cpu_ns = kSec + kSec / 200, .rss_bytes = 21 << 20, .bpf_stats = true};
  t.self_after.programs = {{"sched", "on_sched_switch", 6000, 477'000}};
  t.self_after.maps = {{"io_stats", "io", 10240, 3}, {"task_stats", "sched", 0, std::nullopt}};
  return t;
}

TEST(ViewScreenTest, OShowsProcwatchsOwnCostAndReturns) {
  Screen s(measured_self().derive());
  s.notices = {"CPU budget exceeded: 'net' sampled 1 in 4"};
  EXPECT_EQ(s.key('O'), KeyEffect::Redraw);
  ASSERT_TRUE(s.state.self_view);
  const ScreenFrame f = s.render(120, 40);
  EXPECT_NE(find_line(f, "procwatch's own cost"), std::string::npos);
  EXPECT_NE(find_line(f, "CPU 0.50% of one core"), std::string::npos);
  const std::size_t prog = find_line(f, "on_sched_switch");
  ASSERT_NE(prog, std::string::npos);
  EXPECT_NE(f.lines[prog].text.find(" 1000 "), std::string::npos) << f.lines[prog].text;
  EXPECT_NE(f.lines[prog].text.find(" 77 "), std::string::npos) << f.lines[prog].text;
  const std::size_t map = find_line(f, "io_stats");
  ASSERT_NE(map, std::string::npos);
  EXPECT_NE(f.lines[map].text.find("10240"), std::string::npos) << f.lines[map].text;
  EXPECT_NE(find_line(f, " n/a "), std::string::npos);
  EXPECT_NE(find_line(f, "sampled 1 in 4"), std::string::npos);
  expect_fits(s.render(30, 6), 30, 6);

  s.state.self_scroll = 1000;  // clamped
  EXPECT_LT(s.render(120, 8).self_scroll, 1000u);
  EXPECT_EQ(s.key('q'), KeyEffect::Redraw);
  EXPECT_FALSE(s.state.self_view);
  EXPECT_FALSE(s.state.quit) << "q leaves the self view, not top";
  s.key('O');
  s.key('O');  // toggles
  EXPECT_FALSE(s.state.self_view);
}

TEST(ViewScreenTest, SelfViewSaysWhenStatisticsWereOff) {
  TwoSamples t = measured_self();
  t.self_after.bpf_stats = false;
  Screen s(t.derive());
  s.key('O');
  const ScreenFrame f = s.render(200, 40);
  EXPECT_NE(find_line(f, "statistics were off"), std::string::npos);
  EXPECT_EQ(find_line(f, "on_sched_switch"), std::string::npos);
}

TEST(ViewScreenTest, SelectionScrollsIntoViewAndFollowsItsProcess) {
  Screen s(busy_system(40).derive());
  const int h = 12;
  ScreenFrame f = s.render(100, h);
  const std::size_t page = f.body_rows;
  ASSERT_GT(page, 0u);
  for (int i = 0; i < 20; ++i) s.key(kKeyDown, page);
  EXPECT_EQ(s.state.selected, 20u);
  f = s.render(100, h);
  s.state.scroll = f.scroll;
  EXPECT_LE(f.scroll, 20u);
  EXPECT_GT(f.scroll + page, 20u);
  const std::int32_t pid = s.table.rows[20].row->sample->key.pid;
  bool shown = false;
  for (const ScreenLine& l : f.lines)
    if (l.style == LineStyle::Selected)
      shown = l.text.find(std::to_string(pid)) != std::string::npos;
  EXPECT_TRUE(shown);

  // Re-sorting keeps the selection on the same process.
  s.key('R');
  EXPECT_EQ(s.table.rows[s.state.selected].row->sample->key.pid, pid);
  s.key(kKeyEnd, page);
  EXPECT_EQ(s.state.selected, s.table.rows.size() - 1);
  s.key(kKeyPageUp, page);
  EXPECT_EQ(s.state.selected, s.table.rows.size() - 1 - page);
  s.key(kKeyHome, page);
  EXPECT_EQ(s.state.selected, 0u);
  EXPECT_FALSE(s.state.selected_key.has_value());
}

TEST(ViewScreenTest, FilterPromptTypesAppliesAndClears) {
  Screen s(busy_system().derive());
  s.key('/');
  EXPECT_EQ(s.state.prompt, PromptKind::Filter);
  s.type("NGINX");
  ScreenFrame f = s.render(80, 24);
  EXPECT_EQ(f.lines.back().style, LineStyle::Status);
  EXPECT_NE(f.lines.back().text.find("NGINX_"), std::string::npos);
  EXPECT_EQ(f.lines.size(), 24u);  // the prompt sits on the last line
  EXPECT_EQ(s.key(kKeyEnter), KeyEffect::Rebuild);
  EXPECT_EQ(s.state.opts.filter, "NGINX");
  ASSERT_EQ(s.table.rows.size(), 1u);
  EXPECT_NE(find_line(s.render(80, 24), "filter 'NGINX'"), std::string::npos);

  s.key('o');  // the prompt starts with the current filter
  EXPECT_EQ(s.state.input, "NGINX");
  s.key(0x15);  // Ctrl-U
  s.key(kKeyEnter);
  EXPECT_EQ(s.state.opts.filter, "");
  EXPECT_EQ(s.table.rows.size(), 5u);

  s.key('/');
  s.type("pid=zz");
  s.key(kKeyEnter);
  EXPECT_NE(s.state.message.find("pid="), std::string::npos);
  EXPECT_TRUE(s.table.rows.empty());
  EXPECT_NE(find_line(s.render(80, 24), "filter: pid= needs"), std::string::npos);

  s.key('/');
  s.type("abc");
  s.key(kKeyEscape);  // cancel leaves the filter alone
  EXPECT_EQ(s.state.prompt, PromptKind::None);
  EXPECT_EQ(s.state.opts.filter, "pid=zz");
}

TEST(ViewScreenTest, PromptEditingHandlesUtf8AndControls) {
  Screen s(busy_system().derive());
  s.key('/');
  s.key('a');
  s.key(0xe9);      // é
  s.key(0x65e5);    // 日
  s.key(0x1b + 0);  // Escape cancels
  EXPECT_EQ(s.state.prompt, PromptKind::None);
  s.key('/');
  s.key('a');
  s.key(0xe9);
  s.key(0x65e5);
  s.key(0x9b);  // C1: ignored
  s.key(0x07);  // C0: ignored
  EXPECT_EQ(s.state.input, "a\xc3\xa9\xe6\x97\xa5");
  s.key(kKeyBackspace);
  EXPECT_EQ(s.state.input, "a\xc3\xa9");
  s.key(kKeyBackspace);
  s.key(kKeyBackspace);
  s.key(kKeyBackspace);
  EXPECT_EQ(s.state.input, "");
  for (int i = 0; i < 1000; ++i) s.key('z');
  EXPECT_LE(s.state.input.size(), 256u);
}

TEST(ViewScreenTest, UserPromptSetsAUserFilter) {
  Screen s(busy_system().derive());
  s.key('u');
  s.type("www-data");
  s.key(kKeyEnter);
  EXPECT_EQ(s.state.opts.filter, "user=www-data");
  EXPECT_EQ(s.table.rows.size(), 1u);
  s.key('u');
  EXPECT_EQ(s.state.input, "www-data");
  s.key(0x15);
  s.key(kKeyEnter);
  EXPECT_EQ(s.state.opts.filter, "");
}

TEST(ViewScreenTest, SortKeys) {
  Screen s(busy_system().derive());
  EXPECT_EQ(s.state.opts.sort_by, FieldId::CpuPct);
  s.key('<');
  EXPECT_EQ(s.state.opts.sort_by, FieldId::State);
  s.key('>');
  s.key('>');
  EXPECT_EQ(s.state.opts.sort_by, FieldId::RunqP50Us);
  for (int i = 0; i < 20; ++i) s.key('>');
  EXPECT_EQ(s.state.opts.sort_by, FieldId::Cmdline);  // stops at the last column
  for (int i = 0; i < 20; ++i) s.key('<');
  EXPECT_EQ(s.state.opts.sort_by, FieldId::Pid);
  EXPECT_EQ(s.table.rows.front().row->sample->key.pid, 100);  // descending pid

  s.key('R');
  EXPECT_FALSE(s.state.opts.sort_descending);
  EXPECT_EQ(s.table.rows.front().row->sample->key.pid, 1);

  s.key('P');
  EXPECT_EQ(s.state.opts.sort_by, FieldId::CpuPct);
  EXPECT_TRUE(s.state.opts.sort_descending);

  s.key('s');
  EXPECT_EQ(s.state.input, "cpu_pct");
  s.key(0x15);
  s.type("no_such_field");
  s.key(kKeyEnter);
  EXPECT_NE(s.state.message.find("unknown field 'no_such_field'"), std::string::npos);
  EXPECT_EQ(s.state.opts.sort_by, FieldId::CpuPct);
  s.key('s');
  s.key(0x15);
  s.type("TIME+");  // a column title works too
  s.key(kKeyEnter);
  EXPECT_EQ(s.state.opts.sort_by, FieldId::CpuTimeS);
  EXPECT_TRUE(s.state.message.empty());
}

TEST(ViewScreenTest, IntervalPromptValidates) {
  Screen s(busy_system().derive());
  s.key('d');
  EXPECT_EQ(s.state.input, "1");
  s.key(0x15);
  s.type("0.5");
  s.key(kKeyEnter);
  EXPECT_DOUBLE_EQ(s.state.opts.interval_s, 0.5);
  for (const char* bad : {"abc", "0", "-1", "0.01", "1e9", "2s"}) {
    s.key('d');
    s.key(0x15);
    s.type(bad);
    s.key(kKeyEnter);
    EXPECT_DOUBLE_EQ(s.state.opts.interval_s, 0.5) << bad;
    EXPECT_FALSE(s.state.message.empty()) << bad;
  }
}

TEST(ViewScreenTest, TogglesPauseTreeKernelThreadsHelpAndQuit) {
  Screen s(busy_system().derive());
  s.key(' ');
  EXPECT_TRUE(s.state.paused);
  EXPECT_NE(s.render(80, 24).lines[0].text.find("PAUSED"), std::string::npos);
  s.key(' ');
  EXPECT_FALSE(s.state.paused);
  s.key('t');
  EXPECT_TRUE(s.state.opts.tree);
  s.key('H');
  EXPECT_FALSE(s.state.opts.show_kernel_threads);
  EXPECT_FALSE(s.state.message.empty());
  s.key('h');
  EXPECT_TRUE(s.state.help);
  s.key('q');  // leaves help, does not quit
  EXPECT_FALSE(s.state.help);
  EXPECT_FALSE(s.state.quit);
  s.key('x');
  EXPECT_NE(s.state.message.find("unknown key"), std::string::npos);
  s.key('q');
  EXPECT_TRUE(s.state.quit);
}

TEST(ViewScreenTest, TreeModeIndentsTheCommand) {
  TwoSamples t;
  t.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "init"});
  t.add({.pid = 2, .ppid = 1, .comm = "child", .cmdline = "child"});
  Screen s(t.derive());
  s.key('t');
  const ScreenFrame f = s.render(120, 20);
  EXPECT_NE(find_line(f, "`- child"), std::string::npos);
}

}  // namespace
}  // namespace pw
