// The live UI's state and what each key does to it, with no terminal
// involved: the curses shell (top_ui.cpp) maps its key codes to these and
// the tests drive handle_key() directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/sample.h"
#include "view/key_decoder.h"
#include "view/table.h"
#include "view/view_options.h"

namespace pw {

// Keys: Unicode code points as themselves, special keys above U+10FFFF.
inline constexpr int kKeyUp = 0x110001;
inline constexpr int kKeyDown = 0x110002;
inline constexpr int kKeyPageUp = 0x110003;
inline constexpr int kKeyPageDown = 0x110004;
inline constexpr int kKeyHome = 0x110005;
inline constexpr int kKeyEnd = 0x110006;
inline constexpr int kKeyBackspace = 0x110007;
inline constexpr int kKeyF1 = 0x110008;
inline constexpr int kKeyF10 = 0x110009;
inline constexpr int kKeyLeft = 0x11000a;
inline constexpr int kKeyRight = 0x11000b;
inline constexpr int kKeyInsert = 0x11000c;
inline constexpr int kKeyDelete = 0x11000d;
// A sequence the decoder recognized and nothing uses (Alt+key, Shift-Tab,
// an unknown CSI final): never a command, never "unknown key".
inline constexpr int kKeyIgnore = 0x11000e;
inline constexpr int kKeyEnter = '\n';
inline constexpr int kKeyEscape = 0x1b;
// Function key n (1-12).
constexpr int kKeyF(int n) { return n == 1 ? kKeyF1 : n == 10 ? kKeyF10 : 0x110100 + n; }

enum class PromptKind : std::uint8_t {
  None,
  Filter,
  User,
  Sort,
  Interval,
  Time,
  Signal,   // k: which signal to send to the selected process
  Nice,     // r: the nice value to give it
  Confirm,  // y sends / renices, anything else cancels
};

// What k and r do to a process once confirmed; the UI shell carries it out
// with kill(2) / setpriority(2) (view/process_action.h) and resets it.
struct ProcessAction {
  enum class Kind : std::uint8_t { Signal, Renice };
  Kind kind = Kind::Signal;
  ProcessKey key;    // pid (a tid for a thread row) and start time
  std::string comm;  // for the messages
  int signal = 15;
  int nice = 0;
};

// Replay only (the feed is a SeekableFeed): what a time key asked for; the
// UI shell carries it out and resets it.
enum class ReplayAction : std::uint8_t {
  None,
  StepBack,     // [  one sample back
  StepForward,  // ]  one sample forward
  JumpBack,     // {  ten samples back
  JumpForward,  // }  ten samples forward
  JumpTo,       // J  the time in replay_target
};

struct TopState {
  ViewOptions opts;
  bool paused = false;
  bool help = false;
  bool quit = false;
  std::size_t selected = 0;                // index into the table's rows
  std::optional<ProcessKey> selected_key;  // follows the process across refreshes
  std::size_t scroll = 0;                  // first table row on screen
  std::size_t help_scroll = 0;
  // Enter: the process shown in the detail view until Esc or q.
  std::optional<ProcessKey> detail;
  std::size_t detail_scroll = 0;
  // O: procwatch's own cost (BPF programs, maps, userspace) until Esc or q.
  bool self_view = false;
  std::size_t self_scroll = 0;
  PromptKind prompt = PromptKind::None;
  std::string input;  // what was typed at the prompt (UTF-8)
  // The input is the prompt's default, shown selected: Enter takes it, the
  // first character typed replaces it (as in top/htop), Backspace clears
  // it, Right/End keeps it for editing.
  bool input_selected = false;
  std::string message;  // feedback until the next key
  // k / r: the process being asked about (Signal, Nice, Confirm prompts),
  // then, confirmed, the action the shell carries out.
  std::optional<ProcessAction> pending_action;
  std::optional<ProcessAction> process_action;
  // Replay of a recording: space plays / pauses, time keys move.
  bool replay = false;
  double replay_speed = 1.0;  // recorded seconds per second while playing
  ReplayAction replay_action = ReplayAction::None;
  std::string replay_target;  // JumpTo: what was typed at the prompt
};

// Replay playback speeds that + and - step through.
inline constexpr double kMinReplaySpeed = 0.125;
inline constexpr double kMaxReplaySpeed = 64.0;

// The shortest and longest refresh interval 'd' accepts, in seconds (as
// top -d does).
inline constexpr double kMinIntervalS = 0.05;
inline constexpr double kMaxIntervalS = 3600.0;

enum class KeyEffect : std::uint8_t {
  None,     // nothing changed
  Redraw,   // only the screen changed (selection, help, prompt, message)
  Rebuild,  // the options changed: rebuild the table, then redraw
};

// Applies one key. `table` is what is on screen (for moving the selection);
// page_rows is how many rows a page holds. Quitting sets state.quit.
KeyEffect handle_key(TopState& state, int key, const Table& table, std::size_t page_rows);

// Where the table sits on the screen, for the mouse: render_top_screen()
// fills it in.
struct ScreenLayout {
  int header_row = -1;  // screen row of the column titles; -1 when not shown
  struct Column {
    std::size_t begin = 0, width = 0;  // code points on that row
    FieldId field = FieldId::Pid;
  };
  std::vector<Column> columns;
  int first_body_row = -1;  // screen row of the first table row shown
  std::size_t scroll = 0;   // the table row it shows
  std::size_t body_rows = 0;
};

// Rows the wheel moves the selection (or scrolls a page) per notch.
inline constexpr std::size_t kWheelRows = 3;

// A click on a column title sorts by it (again: reverses the order), a
// click on a row selects it, the wheel moves the selection or scrolls the
// help, detail and self pages. Ignored while a prompt is open.
KeyEffect handle_mouse(TopState& state, const MouseEvent& event, const Table& table,
                       const ScreenLayout& layout);

// After the table was rebuilt: moves the selection to the same process if it
// is still shown, else keeps the index within range.
void sync_selection(TopState& state, const Table& table);

// The prompt's label ("Filter: ") or "" when no prompt is open; for the
// Signal, Nice and Confirm prompts it names the process.
std::string prompt_label(const TopState& state);
std::string prompt_label(PromptKind kind);

// A signal by number (1-64) or name, with or without SIG, any case ("9",
// "KILL", "sigterm", "RTMIN+1" is not accepted); 0 when not one.
int parse_signal(std::string_view text);
// "SIGTERM" for 15; "signal 40" for one without a name.
std::string signal_name(int sig);

// Appends a code point to a UTF-8 string (invalid ones become U+FFFD).
void append_utf8(std::string& out, char32_t cp);

// Lines of the help screen: keys, then every field with its help text.
std::vector<std::string> help_lines();

}  // namespace pw
