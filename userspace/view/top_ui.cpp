// The curses shell around top_state (keys) and top_screen (layout): it owns
// the terminal, the refresh clock and the Model, and paints frames.
#include "view/top_ui.h"

#include <langinfo.h>
#include <ncurses.h>

#include <algorithm>
#include <chrono>
#include <clocale>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/log.h"
#include "feed/seekable_feed.h"
#include "view/key_decoder.h"
#include "view/process_action.h"
#include "view/summary.h"
#include "view/table.h"
#include "view/top_screen.h"
#include "view/top_state.h"

namespace pw {
namespace {

using Clock = std::chrono::steady_clock;

// The first Model has no rates; a second one this soon after shows numbers
// without waiting a whole interval.
constexpr auto kFirstRefreshDelay = std::chrono::milliseconds(200);
constexpr int kPollMs = 100;

volatile std::sig_atomic_t g_stop_ui = 0;
volatile std::sig_atomic_t g_suspend_ui = 0;
void on_stop_signal(int) { g_stop_ui = 1; }
void on_suspend_signal(int) { g_suspend_ui = 1; }

// Installs SIGINT/SIGTERM handlers for the UI's lifetime and restores the
// previous ones: in cbreak mode Ctrl-C is a signal, and the terminal must be
// restored before exiting.
class SignalGuard {
 public:
  SignalGuard() {
    g_stop_ui = 0;
    g_suspend_ui = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int_);
    sigaction(SIGTERM, &sa, &old_term_);
    // Ctrl-Z: the loop stops itself after switching the mouse off and
    // restoring the terminal (curses would leave mouse reporting on in the
    // shell). Installed before newterm(), so curses keeps its own away.
    struct sigaction tstp {};
    tstp.sa_handler = on_suspend_signal;
    sigemptyset(&tstp.sa_mask);
    sigaction(SIGTSTP, &tstp, &old_tstp_);
  }
  ~SignalGuard() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
    sigaction(SIGTSTP, &old_tstp_, nullptr);
  }
  SignalGuard(const SignalGuard&) = delete;
  SignalGuard& operator=(const SignalGuard&) = delete;

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
  struct sigaction old_tstp_ {};
};

// Log lines would scribble over the screen: keep them while curses runs,
// show the latest warnings as notices, print them all on exit.
class LogCapture {
 public:
  LogCapture() { set_log_sink(&LogCapture::sink); }
  ~LogCapture() {
    set_log_sink(nullptr);
    std::lock_guard lock(mutex());
    for (const std::string& line : lines()) std::fprintf(stderr, "procwatch: %s\n", line.c_str());
    lines().clear();
  }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // The last few warnings and errors, newest last.
  static std::vector<std::string> recent(std::size_t n) {
    std::lock_guard lock(mutex());
    const auto& l = lines();
    const std::size_t from = l.size() > n ? l.size() - n : 0;
    return {l.begin() + static_cast<long>(from), l.end()};
  }

 private:
  static constexpr std::size_t kKeep = 200;
  static std::mutex& mutex() {
    static std::mutex m;
    return m;
  }
  static std::deque<std::string>& lines() {
    static std::deque<std::string> l;
    return l;
  }
  // May run on collector threads.
  static void sink(LogLevel level, const std::string& message) {
    if (level > LogLevel::Warn) return;
    std::lock_guard lock(mutex());
    lines().push_back((level == LogLevel::Error ? "error: " : "warning: ") + message);
    if (lines().size() > kKeep) lines().pop_front();
  }
};

// newterm() rather than initscr(): initscr() exits the process when the
// terminal is unusable, newterm() reports it.
class CursesSession {
 public:
  CursesSession() {
    screen_ = newterm(nullptr, stdout, stdin);
    if (!screen_) return;
    set_term(screen_);
    cbreak();
    noecho();
    // Raw input: KeyDecoder decodes every CSI/SS3 form a key can take
    // (terminfo knows one per key, so ESC [ H or ESC [ 4 ~ would otherwise
    // arrive as Escape, '[', 'H' and run commands), and the mouse.
    keypad(stdscr, FALSE);
    curs_set(0);
    mouse(true);
    if (has_colors()) {
      start_color();
      use_default_colors();
      init_pair(kPairSelected, COLOR_BLACK, COLOR_CYAN);
      init_pair(kPairNotice, COLOR_YELLOW, -1);
      colors_ = true;
    }
  }
  ~CursesSession() {
    if (!screen_) return;
    mouse(false);
    endwin();
    delscreen(screen_);
  }

  // Mouse reporting (clicks and wheel, SGR coordinates) on or off.
  void mouse(bool on) {
    std::fflush(stdout);
    std::fputs(on ? kMouseOn : kMouseOff, stdout);
    std::fflush(stdout);
  }

  // Ctrl-Z: give the terminal back, stop, and take it again on fg.
  void suspend() {
    mouse(false);
    def_prog_mode();
    endwin();
    ::raise(SIGSTOP);
    reset_prog_mode();
    mouse(true);
    clearok(curscr, TRUE);
    refresh();
  }
  CursesSession(const CursesSession&) = delete;
  CursesSession& operator=(const CursesSession&) = delete;

  bool ok() const { return screen_ != nullptr; }

  attr_t attrs(LineStyle style) const {
    switch (style) {
      case LineStyle::Normal:
        return A_NORMAL;
      case LineStyle::Title:
        return A_BOLD;
      case LineStyle::Notice:
        return colors_ ? COLOR_PAIR(kPairNotice) : A_BOLD;
      case LineStyle::ColumnHeader:
        return A_REVERSE;
      case LineStyle::Selected:
        return colors_ ? COLOR_PAIR(kPairSelected) : A_REVERSE | A_BOLD;
      case LineStyle::Exited:
        return A_DIM;
      case LineStyle::Status:
        return A_BOLD;
    }
    return A_NORMAL;
  }

 private:
  static constexpr short kPairSelected = 1;
  static constexpr short kPairNotice = 2;
  SCREEN* screen_ = nullptr;
  bool colors_ = false;
};

// Byte offset of code point `n` in a UTF-8 string.
std::size_t byte_offset(const std::string& s, std::size_t n) {
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xc0) == 0x80) continue;
    if (n == 0) break;
    --n;
  }
  return i;
}

void paint(const CursesSession& curses, const ScreenFrame& frame, int width) {
  erase();
  for (std::size_t y = 0; y < frame.lines.size(); ++y) {
    const ScreenLine& line = frame.lines[y];
    const int row = static_cast<int>(y);
    const attr_t a = curses.attrs(line.style);
    attrset(a);
    mvaddstr(row, 0, line.text.c_str());
    attrset(A_NORMAL);
    // Bars span the whole width, not just the text.
    const bool bar = line.style == LineStyle::ColumnHeader || line.style == LineStyle::Selected;
    const int used = static_cast<int>(display_width(line.text));
    if (bar && used < width) mvchgat(row, used, -1, a, PAIR_NUMBER(a), nullptr);
    if (line.accent_len > 0) {
      const std::size_t b = byte_offset(line.text, line.accent_begin);
      const std::size_t e = byte_offset(line.text, line.accent_begin + line.accent_len);
      attrset(a | A_BOLD | A_UNDERLINE);
      mvaddnstr(row, static_cast<int>(line.accent_begin), line.text.c_str() + b,
                static_cast<int>(e - b));
      attrset(A_NORMAL);
    }
  }
  refresh();
}

// Curses key codes (KEY_RESIZE and whatever curses still decodes itself)
// to top_state's; std::nullopt for keys the UI ignores.
std::optional<int> map_curses_key(wint_t ch) {
  switch (ch) {
    case KEY_UP:
      return kKeyUp;
    case KEY_DOWN:
      return kKeyDown;
    case KEY_LEFT:
      return kKeyLeft;
    case KEY_RIGHT:
      return kKeyRight;
    case KEY_PPAGE:
      return kKeyPageUp;
    case KEY_NPAGE:
      return kKeyPageDown;
    case KEY_HOME:
      return kKeyHome;
    case KEY_END:
      return kKeyEnd;
    case KEY_BACKSPACE:
      return kKeyBackspace;
    case KEY_ENTER:
      return kKeyEnter;
    case KEY_F(1):
      return kKeyF1;
    case KEY_F(9):
      return kKeyF(9);
    case KEY_F(10):
      return kKeyF10;
    default:
      return std::nullopt;
  }
}

// Replay: the recorded time to the next sample, shortened by the speed.
Clock::duration replay_frame_delay(const Model& model, const TopState& state) {
  const double recorded = model.interval_s() > 0 ? model.interval_s() : state.opts.interval_s;
  const double seconds = std::max(recorded / state.replay_speed, 0.02);
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
}

// "Replay 12:03:10, sample 120 of 3600, paused ..." above the notices.
std::string replay_status(const SeekableFeed& feed, const TopState& state) {
  char speed[32];
  std::snprintf(speed, sizeof speed, "%gx", state.replay_speed);
  return "Replay " + format_wall_time(feed.wall_ns_at(feed.position()), false) + ", sample " +
         std::to_string(feed.position() + 1) + " of " + std::to_string(feed.size()) + ", " +
         (state.paused ? std::string("paused") : "playing " + std::string(speed)) +
         " - space play, [ ] step, { } 10 steps, J jump to time, + - speed";
}

// Carries out the time key the state holds; the new Model, if it moved.
std::optional<Model> run_replay_action(SeekableFeed& feed, TopState& state) {
  const ReplayAction action = std::exchange(state.replay_action, ReplayAction::None);
  const std::size_t pos = feed.position();
  const std::size_t last = feed.size() - 1;
  auto to = [&](std::size_t index) -> std::optional<Model> {
    if (index == pos) {
      state.message = pos == 0 ? "start of the recording" : "end of the recording";
      return std::nullopt;
    }
    return feed.seek(index);
  };
  switch (action) {
    case ReplayAction::None:
      return std::nullopt;
    case ReplayAction::StepBack:
      return to(pos > 0 ? pos - 1 : 0);
    case ReplayAction::StepForward:
      return to(std::min(pos + 1, last));
    case ReplayAction::JumpBack:
      return to(pos > 10 ? pos - 10 : 0);
    case ReplayAction::JumpForward:
      return to(std::min(pos + 10, last));
    case ReplayAction::JumpTo: {
      std::string error;
      const auto index = feed.find_time(state.replay_target, &error);
      if (!index) {
        state.message = error;
        return std::nullopt;
      }
      return feed.seek(*index);
    }
  }
  return std::nullopt;
}

TextMode terminal_text_mode() {
  const char* codeset = nl_langinfo(CODESET);
  return codeset && std::strcmp(codeset, "UTF-8") == 0 ? TextMode::Utf8 : TextMode::Ascii;
}

}  // namespace

int run_top_ui(ModelFeed& feed, ViewOptions opts) {
  std::setlocale(LC_ALL, "");
  const TextMode text_mode = terminal_text_mode();
  if (opts.fields.empty()) opts.fields = default_top_fields();

  SignalGuard signals;
  LogCapture logs;
  CursesSession curses;
  if (!curses.ok()) {
    std::fprintf(stderr, "procwatch: cannot initialize the terminal (is TERM set?)\n");
    return 1;
  }

  TopState state;
  state.opts = std::move(opts);
  std::optional<Model> model;
  Table table;
  std::vector<std::string> notices;
  ScreenFrame frame;
  KeyDecoder decoder;
  int width = 0, height = 0;
  auto next_refresh = Clock::now();  // first sample right away
  bool dirty = true;

  auto rebuild = [&] {
    if (model) table = build_table(*model, state.opts);
    sync_selection(state, table);
  };

  // A recording: start paused on the chosen sample; time keys move.
  SeekableFeed* const replay = dynamic_cast<SeekableFeed*>(&feed);
  if (replay) {
    state.replay = true;
    state.paused = true;
  }
  auto show = [&](Model m) {
    model = std::move(m);
    notices = feed.notices();
    for (std::string& line : LogCapture::recent(2)) notices.push_back(std::move(line));
    rebuild();
    dirty = true;
  };

  while (!state.quit && !g_stop_ui) {
    feed.tick();
    const auto now = Clock::now();
    if (!model || (!state.paused && now >= next_refresh)) {
      show(feed.next());
      const bool has_rates = model->interval_s() > 0;
      if (replay) {
        next_refresh = now + replay_frame_delay(*model, state);
        if (replay->at_end() && !state.paused) {
          state.paused = true;
          state.message = "end of the recording";
        }
      } else {
        next_refresh =
            now + (has_rates
                       ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                             state.opts.interval_s * feed.interval_scale()))
                       : std::chrono::duration_cast<Clock::duration>(kFirstRefreshDelay));
      }
    }

    getmaxyx(stdscr, height, width);
    if (dirty) {
      std::vector<std::string> shown_notices;
      if (replay) shown_notices.push_back(replay_status(*replay, state));
      shown_notices.insert(shown_notices.end(), notices.begin(), notices.end());
      const ScreenInput in{model ? &*model : nullptr, &table, &shown_notices, &state, text_mode};
      frame = render_top_screen(in, width, height);
      state.scroll = frame.scroll;
      state.help_scroll = frame.help_scroll;
      state.detail_scroll = frame.detail_scroll;
      state.self_scroll = frame.self_scroll;
      paint(curses, frame, width);
      dirty = false;
    }

    // Wait for a key, but not past the next refresh; the rest of an
    // escape sequence gets a little longer.
    const auto until =
        std::chrono::duration_cast<std::chrono::milliseconds>(next_refresh - Clock::now()).count();
    int wait = state.paused ? kPollMs : static_cast<int>(std::clamp<long long>(until, 0, kPollMs));
    if (decoder.pending()) wait = decoder.wait_ms();
    timeout(wait);
    wint_t ch = 0;
    const int rc = get_wch(&ch);
    if (g_suspend_ui) {
      g_suspend_ui = 0;
      curses.suspend();
      dirty = true;
    }
    std::vector<InputEvent> events;
    if (rc == ERR) {
      // Timeout or a signal: an Escape alone, or an unfinished sequence.
      if (decoder.pending()) events = decoder.expire();
      // A resize that curses noticed without reporting it.
      int h = 0, w = 0;
      getmaxyx(stdscr, h, w);
      if (h != height || w != width) dirty = true;
      if (events.empty()) continue;
    } else if (rc == KEY_CODE_YES) {
      if (ch == KEY_RESIZE) {
        dirty = true;
        continue;
      }
      if (const std::optional<int> k = map_curses_key(ch)) events.push_back(InputEvent::of_key(*k));
    } else if (ch == 0x0c && !decoder.pending()) {  // Ctrl-L: repaint everything
      clearok(curscr, TRUE);
      dirty = true;
      continue;
    } else {
      decoder.feed(static_cast<char32_t>(ch), events);
    }

    for (const InputEvent& ev : events) {
      const double interval_before = state.opts.interval_s;
      const bool was_paused = state.paused;
      const bool was_self_view = state.self_view;
      const KeyEffect effect = ev.type == InputEvent::Type::Mouse
                                   ? handle_mouse(state, ev.mouse, table, frame.layout)
                                   : handle_key(state, ev.key, table, frame.body_rows);
      if (state.self_view != was_self_view) feed.watch_self(state.self_view);
      if (effect == KeyEffect::Rebuild) rebuild();
      if (effect != KeyEffect::None) dirty = true;
      if (state.process_action) {
        // k / r confirmed: kill(2) or setpriority(2) now, and say what happened.
        state.message = carry_out(*std::exchange(state.process_action, std::nullopt));
        dirty = true;
      }
      if (replay && state.replay_action != ReplayAction::None) {
        if (auto m = run_replay_action(*replay, state)) show(std::move(*m));
        dirty = true;
      }
      if (replay && was_paused && !state.paused) {
        // Playing from the end starts over; otherwise the next frame now.
        if (replay->at_end()) show(replay->seek(0));
        next_refresh = Clock::now();
      }
      if (state.opts.interval_s != interval_before && model && model->interval_s() > 0)
        next_refresh = Clock::now() +
                       std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                           state.opts.interval_s * feed.interval_scale()));
      if (state.quit) break;
    }
  }
  return 0;
}

}  // namespace pw
