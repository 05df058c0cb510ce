// Terminal input decoding for the live UI: byte sequences as terminals send
// them (xterm normal and application mode, the Linux console, tmux/screen,
// rxvt) become one key each, never a run of command keys; mouse reports
// become mouse events.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "view/key_decoder.h"
#include "view/top_state.h"

namespace pw {
namespace {

std::vector<int> keys(const std::vector<InputEvent>& events) {
  std::vector<int> out;
  for (const InputEvent& e : events) {
    EXPECT_EQ(e.type, InputEvent::Type::Key);
    out.push_back(e.key);
  }
  return out;
}

std::vector<int> decode(const std::string& bytes) {
  KeyDecoder d;
  std::vector<InputEvent> out = d.feed_all(bytes);
  EXPECT_FALSE(d.pending()) << "sequence left unfinished";
  return keys(out);
}

TEST(KeyDecoder, PlainKeysPassThrough) {
  EXPECT_EQ(decode("qH[4"), (std::vector<int>{'q', 'H', '[', '4'}));
  EXPECT_EQ(decode("\r\n\x7f\x08"),
            (std::vector<int>{kKeyEnter, kKeyEnter, kKeyBackspace, kKeyBackspace}));
  EXPECT_EQ(decode("\xc3\xa9\xe6\x97\xa5"), (std::vector<int>{0xe9, 0x65e5}));  // é 日
}

// The reported bugs: Home toggled kernel threads (H), End on the Linux
// console and tmux switched to the memory view (4), Down and End (xterm
// normal mode) were "unknown key".
TEST(KeyDecoder, CursorKeysAreOneKeyEach) {
  EXPECT_EQ(decode("\x1b[H"), (std::vector<int>{kKeyHome}));
  EXPECT_EQ(decode("\x1b[4~"), (std::vector<int>{kKeyEnd}));
  EXPECT_EQ(decode("\x1b[B"), (std::vector<int>{kKeyDown}));
  EXPECT_EQ(decode("\x1b[F"), (std::vector<int>{kKeyEnd}));
  EXPECT_EQ(decode("\x1b[A\x1b[C\x1b[D"), (std::vector<int>{kKeyUp, kKeyRight, kKeyLeft}));
  // Application mode (SS3), as xterm sends after smkx.
  EXPECT_EQ(decode("\x1bOA\x1bOB\x1bOC\x1bOD\x1bOH\x1bOF"),
            (std::vector<int>{kKeyUp, kKeyDown, kKeyRight, kKeyLeft, kKeyHome, kKeyEnd}));
  // VT220 / Linux console / rxvt forms.
  EXPECT_EQ(decode("\x1b[1~\x1b[7~\x1b[8~"), (std::vector<int>{kKeyHome, kKeyHome, kKeyEnd}));
  EXPECT_EQ(decode("\x1b[5~\x1b[6~"), (std::vector<int>{kKeyPageUp, kKeyPageDown}));
  EXPECT_EQ(decode("\x1b[2~\x1b[3~"), (std::vector<int>{kKeyInsert, kKeyDelete}));
}

TEST(KeyDecoder, ModifiersAndFunctionKeys) {
  EXPECT_EQ(decode("\x1b[1;5A\x1b[1;2B\x1b[5;5~"),
            (std::vector<int>{kKeyUp, kKeyDown, kKeyPageUp}));
  EXPECT_EQ(decode("\x1bOP\x1bOQ\x1bOR\x1bOS"),
            (std::vector<int>{kKeyF1, kKeyF(2), kKeyF(3), kKeyF(4)}));
  EXPECT_EQ(decode("\x1b[11~\x1b[15~\x1b[17~\x1b[20~\x1b[21~\x1b[24~"),
            (std::vector<int>{kKeyF1, kKeyF(5), kKeyF(6), kKeyF(9), kKeyF10, kKeyF(12)}));
  EXPECT_EQ(decode("\x1b[[A\x1b[[E"), (std::vector<int>{kKeyF1, kKeyF(5)}));  // Linux console
  EXPECT_EQ(decode("\x1bOM"), (std::vector<int>{kKeyEnter}));                 // keypad Enter
}

TEST(KeyDecoder, UnknownSequencesAreIgnoredNotCommands) {
  // Shift-Tab, an unknown final, a private reply, bracketed paste markers.
  for (const char* seq : {"\x1b[Z", "\x1b[9x", "\x1b[?1;2c", "\x1b[200~", "\x1b[201~"})
    EXPECT_EQ(decode(seq), (std::vector<int>{kKeyIgnore})) << seq + 1;
  // Alt+key is not Escape followed by a command.
  EXPECT_EQ(decode("\x1bq"), (std::vector<int>{kKeyIgnore}));
  // An absurdly long parameter list is dropped, and what follows is read.
  EXPECT_EQ(decode("\x1b[" + std::string(40, '1') + "q").back(), 'q');
}

TEST(KeyDecoder, LoneEscapeNeedsTheTimeout) {
  KeyDecoder d;
  EXPECT_TRUE(d.feed(0x1b).empty());
  EXPECT_TRUE(d.pending());
  EXPECT_EQ(d.wait_ms(), KeyDecoder::kLoneEscapeMs);
  EXPECT_EQ(keys(d.expire()), (std::vector<int>{kKeyEscape}));
  EXPECT_FALSE(d.pending());
  EXPECT_EQ(d.wait_ms(), 0);

  // Esc Esc: the first is the key, the second waits.
  EXPECT_EQ(keys(d.feed_all("\x1b\x1b")), (std::vector<int>{kKeyEscape}));
  EXPECT_EQ(keys(d.expire()), (std::vector<int>{kKeyEscape}));

  // A sequence cut short waits longer, then is dropped: not Escape, not '['.
  EXPECT_TRUE(d.feed_all("\x1b[1").empty());
  EXPECT_EQ(d.wait_ms(), KeyDecoder::kSequenceMs);
  EXPECT_TRUE(d.expire().empty());
  EXPECT_TRUE(d.feed_all("\x1bO").empty());
  EXPECT_TRUE(d.expire().empty());
  // The rest of a split sequence arriving later still makes one key.
  EXPECT_TRUE(d.feed_all("\x1b[").empty());
  EXPECT_EQ(keys(d.feed_all("4~")), (std::vector<int>{kKeyEnd}));
}

TEST(KeyDecoder, ABrokenSequenceGivesBackTheKeyThatBrokeIt) {
  EXPECT_EQ(decode("\x1b[1\x03"), (std::vector<int>{kKeyIgnore, 0x03}));
  EXPECT_EQ(decode("\x1b[\r"), (std::vector<int>{kKeyIgnore, kKeyEnter}));
}

MouseEvent mouse_of(const std::string& bytes) {
  KeyDecoder d;
  const std::vector<InputEvent> e = d.feed_all(bytes);
  EXPECT_EQ(e.size(), 1u) << "one event";
  EXPECT_FALSE(d.pending());
  if (e.size() != 1 || e[0].type != InputEvent::Type::Mouse) {
    ADD_FAILURE() << "not a mouse event";
    return {};
  }
  return e[0].mouse;
}

TEST(KeyDecoder, SgrMouse) {
  MouseEvent m = mouse_of("\x1b[<0;12;7M");  // left press at column 12, row 7 (1-based)
  EXPECT_EQ(m.kind, MouseEvent::Kind::Press);
  EXPECT_EQ(m.button, 0);
  EXPECT_EQ(m.x, 11);
  EXPECT_EQ(m.y, 6);
  m = mouse_of("\x1b[<0;12;7m");
  EXPECT_EQ(m.kind, MouseEvent::Kind::Release);
  m = mouse_of("\x1b[<2;300;90M");  // right button, beyond X10's 223 columns
  EXPECT_EQ(m.button, 2);
  EXPECT_EQ(m.x, 299);
  EXPECT_EQ(m.y, 89);
  EXPECT_EQ(mouse_of("\x1b[<64;1;1M").kind, MouseEvent::Kind::WheelUp);
  EXPECT_EQ(mouse_of("\x1b[<65;1;1M").kind, MouseEvent::Kind::WheelDown);
  EXPECT_EQ(mouse_of("\x1b[<32;5;5M").kind, MouseEvent::Kind::Motion);  // drag
  EXPECT_EQ(mouse_of("\x1b[<16;5;5M").kind, MouseEvent::Kind::Press);   // ctrl-click
}

TEST(KeyDecoder, X10Mouse) {
  // ESC [ M then button+32, column+32, row+32 (1-based).
  MouseEvent m = mouse_of(std::string("\x1b[M") + char(32 + 0) + char(32 + 5) + char(32 + 3));
  EXPECT_EQ(m.kind, MouseEvent::Kind::Press);
  EXPECT_EQ(m.button, 0);
  EXPECT_EQ(m.x, 4);
  EXPECT_EQ(m.y, 2);
  m = mouse_of(std::string("\x1b[M") + char(32 + 3) + char(33) + char(33));
  EXPECT_EQ(m.kind, MouseEvent::Kind::Release);
  m = mouse_of(std::string("\x1b[M") + char(32 + 65) + char(33) + char(33));
  EXPECT_EQ(m.kind, MouseEvent::Kind::WheelDown);
}

}  // namespace
}  // namespace pw
