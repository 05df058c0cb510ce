// Terminal input to keys and mouse events, without a terminal: the live UI
// reads raw input (curses keypad decoding off, since terminfo knows only
// one of the sequences each key can send) and feeds it here, and the tests
// feed byte sequences. Escape sequences are decoded whole before anything
// becomes a command key: ESC [ H is Home, never Escape, '[' and 'H'.
//
// Decoded:
//   CSI  ESC [ params final       arrows A B C D, Home H / 1~ / 7~, End F /
//                                  4~ / 8~, Insert 2~, Delete 3~, PgUp 5~,
//                                  PgDn 6~, F1-F12 (11~-24~), modifiers
//                                  (1;5A is Up); other finals are ignored
//   SS3  ESC O x                   A-D arrows, H Home, F End, P-S F1-F4,
//                                  M keypad Enter (xterm application mode)
//   Linux console ESC [ [ A..E     F1-F5
//   mouse  ESC [ < b ; x ; y M|m   SGR (mode 1006): press, release, wheel
//          ESC [ M b x y           X10/normal (mode 1000 without 1006)
// A lone ESC is the Escape key once nothing follows within the escape
// timeout (expire()); ESC followed by another key (Alt+key) is ignored, as
// is an unfinished sequence that times out.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace pw {

struct MouseEvent {
  enum class Kind : std::uint8_t { Press, Release, WheelUp, WheelDown, Motion };
  Kind kind = Kind::Press;
  int button = 0;  // Press/Release: 0 left, 1 middle, 2 right; -1 unknown (X10 release)
  int x = 0;       // column, 0-based
  int y = 0;       // row, 0-based
};

struct InputEvent {
  enum class Type : std::uint8_t { Key, Mouse };
  Type type = Type::Key;
  int key = 0;  // Type::Key: a code point or one of top_state.h's kKey* codes
  MouseEvent mouse;

  static InputEvent of_key(int k) { return {Type::Key, k, {}}; }
  static InputEvent of_mouse(MouseEvent m) { return {Type::Mouse, 0, m}; }
};

class KeyDecoder {
 public:
  // How long to wait for the rest of a sequence before expire(): a lone
  // ESC resolves quickly (the Escape key should feel instant); once a
  // sequence has begun, its end is surely on the way.
  static constexpr int kLoneEscapeMs = 50;
  static constexpr int kSequenceMs = 500;

  // One code point as read (curses get_wch with keypad off gives Unicode
  // scalars; bytes of an ASCII-only stream work the same). Appends what
  // it completes to `out`.
  void feed(char32_t c, std::vector<InputEvent>& out);
  std::vector<InputEvent> feed(char32_t c) {
    std::vector<InputEvent> out;
    feed(c, out);
    return out;
  }
  // Convenience for tests: every code point of a UTF-8 string, then no
  // timeout (a trailing lone ESC stays pending).
  std::vector<InputEvent> feed_all(const std::string& utf8);

  // Nothing more arrived within wait_ms(): resolves what is pending.
  std::vector<InputEvent> expire();
  // Input is pending and the caller should wait at most this long for
  // more; 0 when nothing is pending.
  int wait_ms() const;
  bool pending() const { return state_ != State::Ground; }

 private:
  enum class State : std::uint8_t { Ground, Escape, Csi, Ss3, ConsoleF, X10Mouse };
  void csi_done(char32_t final_byte, std::vector<InputEvent>& out);
  void reset();

  State state_ = State::Ground;
  std::string params_;    // CSI parameter and intermediate bytes
  std::vector<int> x10_;  // X10 mouse: the bytes after ESC [ M
};

// For the curses shell: the mouse reporting modes this decoder reads
// (button events, SGR coordinates) on and off, written to the terminal.
inline constexpr const char* kMouseOn = "\x1b[?1000h\x1b[?1006h";
inline constexpr const char* kMouseOff = "\x1b[?1006l\x1b[?1000l";

}  // namespace pw
