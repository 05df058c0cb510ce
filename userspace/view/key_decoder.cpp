#include "view/key_decoder.h"

#include <charconv>

#include "view/top_state.h"

namespace pw {
namespace {

constexpr char32_t kEsc = 0x1b;
constexpr std::size_t kMaxParams = 32;

// "1;5" -> {1, 5}; a leading '<' '?' '=' '>' is skipped; empty fields are 0.
std::vector<int> split_params(std::string_view p) {
  std::vector<int> out;
  if (!p.empty() && (p.front() == '<' || p.front() == '?' || p.front() == '=' || p.front() == '>'))
    p.remove_prefix(1);
  while (true) {
    const std::size_t semi = p.find(';');
    const std::string_view field = p.substr(0, semi);
    int v = 0;
    std::from_chars(field.data(), field.data() + field.size(), v);
    out.push_back(v);
    if (semi == std::string_view::npos) break;
    p.remove_prefix(semi + 1);
  }
  return out;
}

int key_for_tilde(int code) {
  switch (code) {
    case 1:
    case 7:
      return kKeyHome;
    case 4:
    case 8:
      return kKeyEnd;
    case 2:
      return kKeyInsert;
    case 3:
      return kKeyDelete;
    case 5:
      return kKeyPageUp;
    case 6:
      return kKeyPageDown;
    case 11:
    case 12:
    case 13:
    case 14:
    case 15:
      return kKeyF(code - 10);  // F1-F5
    case 17:
    case 18:
    case 19:
    case 20:
    case 21:
      return kKeyF(code - 11);  // F6-F10
    case 23:
    case 24:
      return kKeyF(code - 12);  // F11, F12
    default:
      return kKeyIgnore;  // 200~/201~ (bracketed paste) and the rest
  }
}

// The final byte of CSI or SS3 sequences without parameters.
int key_for_final(char32_t f) {
  switch (f) {
    case 'A':
      return kKeyUp;
    case 'B':
      return kKeyDown;
    case 'C':
      return kKeyRight;
    case 'D':
      return kKeyLeft;
    case 'H':
      return kKeyHome;
    case 'F':
      return kKeyEnd;
    case 'P':
      return kKeyF(1);
    case 'Q':
      return kKeyF(2);
    case 'R':
      return kKeyF(3);
    case 'S':
      return kKeyF(4);
    default:
      return kKeyIgnore;
  }
}

// SS3 from the keypad in application mode.
int key_for_ss3(char32_t f) {
  if (f == 'M') return kKeyEnter;
  if (f >= 'p' && f <= 'y') return static_cast<int>('0' + (f - 'p'));
  switch (f) {
    case 'j':
      return '*';
    case 'k':
      return '+';
    case 'l':
      return ',';
    case 'm':
      return '-';
    case 'n':
      return '.';
    case 'o':
      return '/';
    case 'X':
      return '=';
    default:
      return key_for_final(f);
  }
}

// The button byte of a mouse report (SGR: as sent; X10: minus 32).
MouseEvent mouse_event(int b, int x, int y, bool release) {
  MouseEvent m;
  m.x = x;
  m.y = y;
  if (b & 64) {
    m.kind = (b & 3) == 0   ? MouseEvent::Kind::WheelUp
             : (b & 3) == 1 ? MouseEvent::Kind::WheelDown
                            : MouseEvent::Kind::Motion;  // wheel left/right: nothing to do
    return m;
  }
  m.button = b & 3;
  if (b & 32) {
    m.kind = MouseEvent::Kind::Motion;
  } else if (release || m.button == 3) {
    m.kind = MouseEvent::Kind::Release;
    if (m.button == 3) m.button = -1;  // X10 does not say which
  } else {
    m.kind = MouseEvent::Kind::Press;
  }
  return m;
}

}  // namespace

void KeyDecoder::reset() {
  state_ = State::Ground;
  params_.clear();
  x10_.clear();
}

void KeyDecoder::feed(char32_t c, std::vector<InputEvent>& out) {
  switch (state_) {
    case State::Ground:
      if (c == kEsc) {
        state_ = State::Escape;
      } else if (c == '\r' || c == '\n') {
        out.push_back(InputEvent::of_key(kKeyEnter));
      } else if (c == 0x7f || c == 0x08) {
        out.push_back(InputEvent::of_key(kKeyBackspace));
      } else {
        out.push_back(InputEvent::of_key(static_cast<int>(c)));
      }
      return;
    case State::Escape:
      if (c == '[') {
        state_ = State::Csi;
      } else if (c == 'O') {
        state_ = State::Ss3;
      } else if (c == kEsc) {
        // Esc pressed twice: the first one is the key; the second may
        // still start a sequence.
        out.push_back(InputEvent::of_key(kKeyEscape));
      } else {
        // Alt+key: no command uses it; dropping it is safer than reading
        // Escape and then the key as a command.
        reset();
        out.push_back(InputEvent::of_key(kKeyIgnore));
      }
      return;
    case State::Ss3:
      reset();
      out.push_back(InputEvent::of_key(key_for_ss3(c)));
      return;
    case State::ConsoleF:
      reset();
      out.push_back(InputEvent::of_key(c >= 'A' && c <= 'E' ? kKeyF(static_cast<int>(c - 'A') + 1)
                                                            : kKeyIgnore));
      return;
    case State::X10Mouse:
      x10_.push_back(static_cast<int>(c) - 32);
      if (x10_.size() == 3) {
        const MouseEvent m = mouse_event(x10_[0], x10_[1] - 1, x10_[2] - 1, false);
        reset();
        out.push_back(InputEvent::of_mouse(m));
      }
      return;
    case State::Csi:
      if (c >= 0x20 && c <= 0x3f) {  // parameter and intermediate bytes
        if (params_.size() >= kMaxParams) {
          reset();  // not a sequence any terminal sends: drop it
          out.push_back(InputEvent::of_key(kKeyIgnore));
          return;
        }
        params_ += static_cast<char>(c);
        return;
      }
      if (c >= 0x40 && c <= 0x7e) {
        if (params_.empty() && c == 'M') {
          state_ = State::X10Mouse;
          return;
        }
        if (params_.empty() && c == '[') {
          state_ = State::ConsoleF;
          return;
        }
        csi_done(c, out);
        return;
      }
      // Not part of a sequence (a control, a non-ASCII character): the
      // sequence is broken; drop it and take this as the next key.
      reset();
      out.push_back(InputEvent::of_key(kKeyIgnore));
      feed(c, out);
      return;
  }
}

void KeyDecoder::csi_done(char32_t f, std::vector<InputEvent>& out) {
  const std::string params = std::move(params_);
  reset();
  if (!params.empty() && params.front() == '<' && (f == 'M' || f == 'm')) {
    const std::vector<int> v = split_params(params);
    if (v.size() == 3 && v[1] >= 1 && v[2] >= 1) {
      out.push_back(InputEvent::of_mouse(mouse_event(v[0], v[1] - 1, v[2] - 1, f == 'm')));
    } else {
      out.push_back(InputEvent::of_key(kKeyIgnore));
    }
    return;
  }
  if (!params.empty() && params.front() != '<' && params.front() != '?' && params.front() != '=' &&
      params.front() != '>') {
    const std::vector<int> v = split_params(params);
    if (f == '~') {
      out.push_back(InputEvent::of_key(key_for_tilde(v.front())));
      return;
    }
    // "1;5A" (Ctrl-Up) and the like: the key without its modifiers.
    if (v.front() == 1 || v.size() >= 2) {
      out.push_back(InputEvent::of_key(key_for_final(f)));
      return;
    }
    out.push_back(InputEvent::of_key(kKeyIgnore));
    return;
  }
  if (params.empty()) {
    out.push_back(InputEvent::of_key(key_for_final(f)));
    return;
  }
  out.push_back(InputEvent::of_key(kKeyIgnore));  // private sequences (replies)
}

std::vector<InputEvent> KeyDecoder::feed_all(const std::string& utf8) {
  std::vector<InputEvent> out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto b = static_cast<unsigned char>(utf8[i]);
    const int len = b < 0x80           ? 1
                    : (b >> 5) == 0x6  ? 2
                    : (b >> 4) == 0xe  ? 3
                    : (b >> 3) == 0x1e ? 4
                                       : 1;
    char32_t cp = len == 1 ? b : b & (0x7f >> len);
    for (int k = 1; k < len && i + static_cast<std::size_t>(k) < utf8.size(); ++k)
      cp = (cp << 6) | (static_cast<unsigned char>(utf8[i + static_cast<std::size_t>(k)]) & 0x3f);
    feed(cp, out);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::vector<InputEvent> KeyDecoder::expire() {
  std::vector<InputEvent> out;
  if (state_ == State::Escape) out.push_back(InputEvent::of_key(kKeyEscape));
  reset();
  return out;
}

int KeyDecoder::wait_ms() const {
  switch (state_) {
    case State::Ground:
      return 0;
    case State::Escape:
      return kLoneEscapeMs;
    default:
      return kSequenceMs;
  }
}

}  // namespace pw
