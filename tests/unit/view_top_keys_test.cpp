// The live UI's keys after the input decoder: prompts whose shown default
// is replaced by what is typed, k / r with their confirmation, the mouse
// on the rendered layout, and byte sequences from a terminal driven
// through KeyDecoder into handle_key() as the curses shell does.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "view/key_decoder.h"
#include "view/top_screen.h"
#include "view/top_state.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::TwoSamples;

TwoSamples three_processes() {
  TwoSamples s;
  s.add({.pid = 1, .ppid = 0, .comm = "systemd", .cmdline = "/sbin/init", .cpu_ns = kSec / 100});
  s.add({.pid = 100, .comm = "nginx", .cmdline = "nginx: master", .cpu_ns = kSec / 2});
  s.add({.pid = 200, .comm = "gone", .cmdline = "gone", .cpu_ns = kSec / 5, .exited = true});
  s.add({.pid = 300, .comm = "kworker/0:1", .kernel_thread = true, .cpu_ns = kSec / 4});
  return s;
}

struct Ui {
  Model model;
  Table table;
  TopState state;
  KeyDecoder decoder;

  explicit Ui(Model m) : model(std::move(m)) {
    state.opts.fields = default_top_fields();
    rebuild();
  }
  void rebuild() {
    table = build_table(model, state.opts);
    sync_selection(state, table);
  }
  KeyEffect key(int k) {
    const KeyEffect e = handle_key(state, k, table, 10);
    if (e == KeyEffect::Rebuild) rebuild();
    return e;
  }
  void type(const std::string& text) {
    for (const char c : text) key(static_cast<unsigned char>(c));
  }
  // Bytes from the terminal, as the shell feeds them; a trailing lone ESC
  // is resolved as after the escape timeout.
  void bytes(const std::string& b) {
    std::vector<InputEvent> events = decoder.feed_all(b);
    for (const InputEvent& e : decoder.expire()) events.push_back(e);
    for (const InputEvent& e : events) {
      const KeyEffect effect = e.type == InputEvent::Type::Mouse
                                   ? handle_mouse(state, e.mouse, table, frame().layout)
                                   : handle_key(state, e.key, table, 10);
      if (effect == KeyEffect::Rebuild) rebuild();
    }
  }
  ScreenFrame frame() const {
    return render_top_screen({&model, &table, nullptr, &state}, 120, 30);
  }
  std::int32_t selected_pid() const { return table.rows.at(state.selected).row->sample->key.pid; }
};

// "s then rss_bytes gave unknown field 'cpu_pctrss_bytes'": typing
// replaces the shown default.
TEST(TopKeys, TypingReplacesThePromptsDefault) {
  Ui ui(three_processes().derive());
  ui.key('s');
  EXPECT_EQ(ui.state.input, "cpu_pct");
  EXPECT_TRUE(ui.state.input_selected);
  ui.type("rss_bytes");
  EXPECT_EQ(ui.state.input, "rss_bytes");
  ui.key(kKeyEnter);
  EXPECT_EQ(ui.state.opts.sort_by, FieldId::RssBytes);
  EXPECT_TRUE(ui.state.message.empty()) << ui.state.message;

  // "d then 0.3 set 10.3 s".
  ui.key('d');
  EXPECT_EQ(ui.state.input, "1");
  ui.type("0.3");
  ui.key(kKeyEnter);
  EXPECT_DOUBLE_EQ(ui.state.opts.interval_s, 0.3);

  // Enter alone keeps the default.
  ui.key('d');
  ui.key(kKeyEnter);
  EXPECT_DOUBLE_EQ(ui.state.opts.interval_s, 0.3);
  EXPECT_TRUE(ui.state.message.empty());

  // Right (or End) keeps the default for editing; then typing appends.
  ui.key('/');
  ui.type("nginx");
  ui.key(kKeyEnter);
  ui.key('/');
  EXPECT_EQ(ui.state.input, "nginx");
  ui.key(kKeyRight);
  EXPECT_FALSE(ui.state.input_selected);
  ui.type(": master");
  EXPECT_EQ(ui.state.input, "nginx: master");
  ui.key(kKeyEscape);

  // Backspace on the selected default clears it: Enter then clears the filter.
  ui.key('/');
  ui.key(kKeyBackspace);
  EXPECT_EQ(ui.state.input, "");
  ui.key(kKeyEnter);
  EXPECT_EQ(ui.state.opts.filter, "");
}

TEST(TopKeys, SelectedDefaultIsEmphasizedOnTheStatusLine) {
  Ui ui(three_processes().derive());
  ui.key('s');
  ScreenLine l = ui.frame().lines.back();
  ASSERT_GT(l.accent_len, 0u);
  EXPECT_EQ(l.text.substr(l.accent_begin, l.accent_len), "cpu_pct");
  ui.type("r");
  l = ui.frame().lines.back();
  EXPECT_EQ(l.accent_len, 0u);
  EXPECT_NE(l.text.find("Sort by field: r_"), std::string::npos) << l.text;
}

TEST(TopKeys, IntervalOutsideTheRangeIsRejectedWithAMessage) {
  Ui ui(three_processes().derive());
  for (const char* bad : {"0.01", "0", "3601", "-1", "abc", "1,5"}) {
    ui.key('d');
    ui.type(bad);
    ui.key(kKeyEnter);
    EXPECT_DOUBLE_EQ(ui.state.opts.interval_s, 1.0) << bad;
    EXPECT_NE(ui.state.message.find("from 0.05 to 3600"), std::string::npos) << bad;
  }
  ui.key('d');
  ui.type("0.05");
  ui.key(kKeyEnter);
  EXPECT_DOUBLE_EQ(ui.state.opts.interval_s, 0.05);
}

// The reported escape-sequence bugs, end to end through the decoder.
TEST(TopKeys, CursorSequencesAreNotCommandKeys) {
  Ui ui(three_processes().derive());
  ASSERT_TRUE(ui.state.opts.show_kernel_threads);
  ui.bytes("\x1b[B\x1b[B");  // Down Down
  EXPECT_EQ(ui.state.selected, 2u);
  EXPECT_TRUE(ui.state.message.empty()) << ui.state.message;
  ui.bytes("\x1b[H");  // Home: the top, not 'H' (kernel threads)
  EXPECT_EQ(ui.state.selected, 0u);
  EXPECT_TRUE(ui.state.opts.show_kernel_threads);
  ui.bytes("\x1b[4~");  // End on the Linux console / tmux: not '4' (memory view)
  EXPECT_EQ(ui.state.opts.view, ViewPreset::Cpu);
  EXPECT_EQ(ui.state.selected, ui.table.rows.size() - 1);
  ui.bytes("\x1b[F\x1bOH\x1b[1;5B");
  EXPECT_TRUE(ui.state.message.empty()) << ui.state.message;
  EXPECT_EQ(ui.state.selected, 1u);
  // A lone Esc still cancels a prompt.
  ui.bytes("s\x1b");
  EXPECT_EQ(ui.state.prompt, PromptKind::None);
  EXPECT_EQ(ui.state.opts.sort_by, FieldId::CpuPct);
  // Keys inside a prompt are decoded too: Home is not typed as "[H".
  ui.bytes("/ab\x1b[Hc\r");
  EXPECT_EQ(ui.state.opts.filter, "abc");
}

TEST(TopKeys, KillAsksWhichSignalThenConfirms) {
  Ui ui(three_processes().derive());
  ASSERT_EQ(ui.selected_pid(), 100);
  ui.key('k');
  ASSERT_EQ(ui.state.prompt, PromptKind::Signal);
  EXPECT_EQ(ui.state.input, "TERM");
  EXPECT_NE(prompt_label(ui.state).find("PID 100 (nginx)"), std::string::npos)
      << prompt_label(ui.state);
  ui.key(kKeyEnter);  // the default, TERM
  ASSERT_EQ(ui.state.prompt, PromptKind::Confirm);
  EXPECT_EQ(prompt_label(ui.state), "Send SIGTERM (15) to PID 100 (nginx)? (y/N) ");
  EXPECT_FALSE(ui.state.process_action) << "nothing before y";
  ui.key('y');
  ASSERT_TRUE(ui.state.process_action);
  EXPECT_EQ(ui.state.process_action->kind, ProcessAction::Kind::Signal);
  EXPECT_EQ(ui.state.process_action->key.pid, 100);
  EXPECT_EQ(ui.state.process_action->signal, 15);
  EXPECT_EQ(ui.state.prompt, PromptKind::None);
  ui.state.process_action.reset();

  // A typed signal replaces TERM; any key but y cancels.
  ui.key('k');
  ui.type("kill");
  ui.key(kKeyEnter);
  EXPECT_EQ(ui.state.pending_action->signal, 9);
  ui.key('n');
  EXPECT_FALSE(ui.state.process_action);
  EXPECT_EQ(ui.state.message, "no signal sent");
  ui.key('k');
  ui.type("SIGNOPE");
  ui.key(kKeyEnter);
  EXPECT_FALSE(ui.state.process_action);
  EXPECT_NE(ui.state.message.find("unknown signal 'SIGNOPE'"), std::string::npos);
  ui.key('k');
  ui.key(kKeyEscape);
  EXPECT_EQ(ui.state.prompt, PromptKind::None);
  EXPECT_FALSE(ui.state.pending_action);
}

TEST(TopKeys, ReniceAsksForTheValueThenConfirms) {
  Ui ui(three_processes().derive());
  ui.key('r');
  ASSERT_EQ(ui.state.prompt, PromptKind::Nice);
  ui.type("10");
  ui.key(kKeyEnter);
  ASSERT_EQ(ui.state.prompt, PromptKind::Confirm);
  EXPECT_EQ(prompt_label(ui.state), "Renice PID 100 (nginx) to 10? (y/N) ");
  ui.key('Y');
  ASSERT_TRUE(ui.state.process_action);
  EXPECT_EQ(ui.state.process_action->kind, ProcessAction::Kind::Renice);
  EXPECT_EQ(ui.state.process_action->nice, 10);
  ui.state.process_action.reset();
  for (const char* bad : {"20", "-21", "x", "1.5"}) {
    ui.key('r');
    ui.type(bad);
    ui.key(kKeyEnter);
    EXPECT_FALSE(ui.state.pending_action) << bad;
    EXPECT_NE(ui.state.message.find("-20"), std::string::npos) << bad;
  }
}

TEST(TopKeys, KillAndReniceRefuseWhatIsNotALiveProcess) {
  Ui ui(three_processes().derive());
  // The exited process.
  while (ui.selected_pid() != 200) ui.key(kKeyDown);
  ui.key('k');
  EXPECT_EQ(ui.state.prompt, PromptKind::None);
  EXPECT_EQ(ui.state.message, "process 200 has exited");
  // A group row.
  ui.key('g');
  ui.key('k');
  EXPECT_EQ(ui.state.prompt, PromptKind::None);
  EXPECT_NE(ui.state.message.find("group"), std::string::npos);
  // A recording.
  Ui replay(three_processes().derive());
  replay.state.replay = true;
  replay.key('r');
  EXPECT_EQ(replay.state.prompt, PromptKind::None);
  EXPECT_NE(replay.state.message.find("recording"), std::string::npos);
  // F9 is kill, as in htop.
  Ui f9(three_processes().derive());
  f9.bytes("\x1b[20~");
  EXPECT_EQ(f9.state.prompt, PromptKind::Signal);
}

TEST(TopKeys, SignalNames) {
  EXPECT_EQ(parse_signal("9"), 9);
  EXPECT_EQ(parse_signal("KILL"), 9);
  EXPECT_EQ(parse_signal("sigkill"), 9);
  EXPECT_EQ(parse_signal(" hup "), 1);
  EXPECT_EQ(parse_signal("STOP"), 19);
  EXPECT_EQ(parse_signal("64"), 64);
  EXPECT_EQ(parse_signal("0"), 0);
  EXPECT_EQ(parse_signal("65"), 0);
  EXPECT_EQ(parse_signal("SIG"), 0);
  EXPECT_EQ(parse_signal("9x"), 0);
  EXPECT_EQ(signal_name(15), "SIGTERM");
  EXPECT_EQ(signal_name(40), "signal 40");
}

TEST(TopKeys, MouseSortsSelectsAndScrolls) {
  Ui ui(three_processes().derive());
  const ScreenFrame f = ui.frame();
  ASSERT_GE(f.layout.header_row, 0);
  ASSERT_EQ(f.layout.first_body_row, f.layout.header_row + 1);
  // The header's PID column.
  const ScreenLayout::Column* pid = nullptr;
  for (const auto& c : f.layout.columns)
    if (c.field == FieldId::Pid) pid = &c;
  ASSERT_NE(pid, nullptr);
  const int header = f.layout.header_row;
  auto click = [&](int x, int y) {
    ui.bytes("\x1b[<0;" + std::to_string(x + 1) + ";" + std::to_string(y + 1) + "M" + "\x1b[<0;" +
             std::to_string(x + 1) + ";" + std::to_string(y + 1) + "m");
  };
  click(static_cast<int>(pid->begin + pid->width - 1), header);
  EXPECT_EQ(ui.state.opts.sort_by, FieldId::Pid);
  EXPECT_TRUE(ui.state.opts.sort_descending);
  EXPECT_EQ(ui.table.rows.front().row->sample->key.pid, 300);
  click(static_cast<int>(pid->begin), header);  // again: reversed
  EXPECT_FALSE(ui.state.opts.sort_descending);
  EXPECT_EQ(ui.table.rows.front().row->sample->key.pid, 1);
  // Far right of the header: the last column, the command (A-Z first).
  click(119, header);
  EXPECT_EQ(ui.state.opts.sort_by, FieldId::Cmdline);
  EXPECT_FALSE(ui.state.opts.sort_descending);

  // A click on the third row selects it.
  click(3, f.layout.first_body_row + 2);
  EXPECT_EQ(ui.state.selected, 2u);
  EXPECT_EQ(ui.state.selected_key, ui.table.rows[2].row->sample->key);
  // Below the last row: nothing.
  click(3, f.layout.first_body_row + 10);
  EXPECT_EQ(ui.state.selected, 2u);
  // Wheel: up to the top, down to the end.
  ui.bytes("\x1b[<64;1;10M");
  EXPECT_EQ(ui.state.selected, 0u);
  ui.bytes("\x1b[<65;1;10M");
  EXPECT_EQ(ui.state.selected, 3u);
  // Right button: nothing.
  ui.bytes("\x1b[<2;2;" + std::to_string(f.layout.first_body_row + 1) + "M");
  EXPECT_EQ(ui.state.selected, 3u);

  // In the help page the wheel scrolls it.
  ui.key('h');
  ui.bytes("\x1b[<65;1;1M");
  EXPECT_EQ(ui.state.help_scroll, kWheelRows);
  // A prompt ignores the mouse.
  ui.key('q');
  ui.key('/');
  ui.bytes("\x1b[<0;1;" + std::to_string(header + 1) + "M");
  EXPECT_EQ(ui.state.prompt, PromptKind::Filter);
  EXPECT_EQ(ui.state.opts.sort_by, FieldId::Cmdline);
}

}  // namespace
}  // namespace pw
