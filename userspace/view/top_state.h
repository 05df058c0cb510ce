// The live UI's state and what each key does to it, with no terminal
// involved: the curses shell (top_ui.cpp) maps its key codes to these and
// the tests drive handle_key() directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "model/sample.h"
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
inline constexpr int kKeyEnter = '\n';
inline constexpr int kKeyEscape = 0x1b;

enum class PromptKind : std::uint8_t { None, Filter, User, Sort, Interval, Time };

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
  std::string input;    // what was typed at the prompt (UTF-8)
  std::string message;  // feedback until the next key
  // Replay of a recording: space plays / pauses, time keys move.
  bool replay = false;
  double replay_speed = 1.0;  // recorded seconds per second while playing
  ReplayAction replay_action = ReplayAction::None;
  std::string replay_target;  // JumpTo: what was typed at the prompt
};

// Replay playback speeds that + and - step through.
inline constexpr double kMinReplaySpeed = 0.125;
inline constexpr double kMaxReplaySpeed = 64.0;

// The shortest and longest refresh interval 'd' accepts, in seconds.
inline constexpr double kMinIntervalS = 0.1;
inline constexpr double kMaxIntervalS = 3600.0;

enum class KeyEffect : std::uint8_t {
  None,     // nothing changed
  Redraw,   // only the screen changed (selection, help, prompt, message)
  Rebuild,  // the options changed: rebuild the table, then redraw
};

// Applies one key. `table` is what is on screen (for moving the selection);
// page_rows is how many rows a page holds. Quitting sets state.quit.
KeyEffect handle_key(TopState& state, int key, const Table& table, std::size_t page_rows);

// After the table was rebuilt: moves the selection to the same process if it
// is still shown, else keeps the index within range.
void sync_selection(TopState& state, const Table& table);

// The prompt's label ("Filter: ") or "" when no prompt is open.
std::string prompt_label(PromptKind kind);

// Appends a code point to a UTF-8 string (invalid ones become U+FFFD).
void append_utf8(std::string& out, char32_t cp);

// Lines of the help screen: keys, then every field with its help text.
std::vector<std::string> help_lines();

}  // namespace pw
