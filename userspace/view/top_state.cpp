#include "view/top_state.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <csignal>
#include <cstdio>
#include <utility>

#include "model/fields.h"
#include "view/view_presets.h"

namespace pw {
namespace {

constexpr std::size_t kMaxInputBytes = 256;

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// A field by its name or its column title, ignoring case ("cpu_pct", "CPU%").
const FieldDef* field_by_name_or_header(std::string_view text) {
  for (const FieldDef& f : all_fields())
    if (iequals(f.name, text) || iequals(f.header, text)) return &f;
  return nullptr;
}

std::string interval_text(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", s);
  return buf;
}

// `initial` is shown selected: Enter takes it, typing replaces it.
void open_prompt(TopState& s, PromptKind kind, std::string initial) {
  s.prompt = kind;
  s.input = std::move(initial);
  s.input_selected = !s.input.empty();
}

void close_prompt(TopState& s) {
  s.prompt = PromptKind::None;
  s.input.clear();
  s.input_selected = false;
}

constexpr int kMinNice = -20;
constexpr int kMaxNice = 19;

std::string target_text(const ProcessAction& a) {
  return "PID " + std::to_string(a.key.pid) + (a.comm.empty() ? "" : " (" + a.comm + ")");
}

// Moves the sort key to the neighbouring visible column.
void move_sort_column(TopState& s, int step) {
  const std::vector<FieldId> fields = shown_fields(s.opts);
  if (fields.empty()) return;
  const auto it = std::find(fields.begin(), fields.end(), s.opts.sort_by);
  if (it == fields.end()) {
    s.opts.sort_by = fields.front();
    return;
  }
  const auto i = static_cast<long>(it - fields.begin()) + step;
  s.opts.sort_by =
      fields[static_cast<std::size_t>(std::clamp(i, 0L, static_cast<long>(fields.size()) - 1))];
}

KeyEffect apply_prompt(TopState& s) {
  const std::string text(trim(s.input));
  const PromptKind kind = s.prompt;
  close_prompt(s);
  switch (kind) {
    case PromptKind::None:
    case PromptKind::Confirm:  // answered by prompt_key
      return KeyEffect::Redraw;
    case PromptKind::Signal: {
      if (!s.pending_action) return KeyEffect::Redraw;
      if (text.empty()) {
        s.pending_action.reset();
        s.message = "no signal sent";
        return KeyEffect::Redraw;
      }
      const int sig = parse_signal(text);
      if (sig == 0) {
        s.pending_action.reset();
        s.message = "unknown signal '" + text +
                    "': give a number (1-64) or a name (TERM, KILL, HUP, INT, STOP, CONT, ...)";
        return KeyEffect::Redraw;
      }
      s.pending_action->signal = sig;
      s.prompt = PromptKind::Confirm;
      return KeyEffect::Redraw;
    }
    case PromptKind::Nice: {
      if (!s.pending_action) return KeyEffect::Redraw;
      int nice = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), nice);
      if (text.empty()) {
        s.pending_action.reset();
        s.message = "nice value unchanged";
        return KeyEffect::Redraw;
      }
      if (ec != std::errc{} || end != text.data() + text.size() || nice < kMinNice ||
          nice > kMaxNice) {
        s.pending_action.reset();
        s.message = "nice must be a whole number from -20 (most CPU) to 19 (least)";
        return KeyEffect::Redraw;
      }
      s.pending_action->nice = nice;
      s.prompt = PromptKind::Confirm;
      return KeyEffect::Redraw;
    }
    case PromptKind::Filter: {
      s.opts.filter = text;
      const Filter f = parse_filter(text);
      if (f.kind == Filter::Kind::Invalid) s.message = "filter: " + f.error;
      return KeyEffect::Rebuild;
    }
    case PromptKind::User:
      s.opts.filter = text.empty() ? std::string() : "user=" + text;
      return KeyEffect::Rebuild;
    case PromptKind::Sort: {
      if (text.empty()) return KeyEffect::Redraw;
      const FieldDef* f = field_by_name_or_header(text);
      if (!f) {
        s.message = "unknown field '" + text + "' (h lists the fields)";
        return KeyEffect::Redraw;
      }
      s.opts.sort_by = f->id;
      return KeyEffect::Rebuild;
    }
    case PromptKind::Interval: {
      if (text.empty()) return KeyEffect::Redraw;
      // from_chars ignores the locale: setlocale() may have made ',' the
      // decimal point for strtod.
      double v = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec != std::errc{} || end != text.data() + text.size() || !(v >= kMinIntervalS) ||
          !(v <= kMaxIntervalS)) {
        s.message = "interval must be a number of seconds from " + interval_text(kMinIntervalS) +
                    " to " + interval_text(kMaxIntervalS);
        return KeyEffect::Redraw;
      }
      s.opts.interval_s = v;
      return KeyEffect::Rebuild;
    }
    case PromptKind::Time:
      if (text.empty()) return KeyEffect::Redraw;
      s.replay_action = ReplayAction::JumpTo;
      s.replay_target = text;
      return KeyEffect::Redraw;
  }
  return KeyEffect::Redraw;
}

// The time keys; nullopt when the key is not one or this is not a replay.
std::optional<KeyEffect> replay_key(TopState& s, int key) {
  if (!s.replay) return std::nullopt;
  auto act = [&](ReplayAction a) {
    s.replay_action = a;
    s.paused = true;  // stepping stops playback
    return KeyEffect::Redraw;
  };
  switch (key) {
    case '[':
      return act(ReplayAction::StepBack);
    case ']':
      return act(ReplayAction::StepForward);
    case '{':
      return act(ReplayAction::JumpBack);
    case '}':
      return act(ReplayAction::JumpForward);
    case 'J':
      open_prompt(s, PromptKind::Time, "");
      return KeyEffect::Redraw;
    case '+':
    case '=':
      s.replay_speed = std::min(s.replay_speed * 2, kMaxReplaySpeed);
      s.message = "playback speed " + interval_text(s.replay_speed) + "x";
      return KeyEffect::Redraw;
    case '-':
      s.replay_speed = std::max(s.replay_speed / 2, kMinReplaySpeed);
      s.message = "playback speed " + interval_text(s.replay_speed) + "x";
      return KeyEffect::Redraw;
    default:
      return std::nullopt;
  }
}

void pop_code_point(std::string& s) {
  while (!s.empty()) {
    const auto b = static_cast<unsigned char>(s.back());
    s.pop_back();
    if ((b & 0xc0) != 0x80) break;
  }
}

KeyEffect confirm_key(TopState& s, int key) {
  close_prompt(s);
  std::optional<ProcessAction> a = std::exchange(s.pending_action, std::nullopt);
  if (!a) return KeyEffect::Redraw;
  if (key == 'y' || key == 'Y') {
    s.process_action = std::move(a);  // the shell carries it out
    return KeyEffect::Redraw;
  }
  s.message = a->kind == ProcessAction::Kind::Signal ? "no signal sent" : "nice value unchanged";
  return KeyEffect::Redraw;
}

KeyEffect prompt_key(TopState& s, int key) {
  if (s.prompt == PromptKind::Confirm) return confirm_key(s, key);
  switch (key) {
    case kKeyEscape:
      close_prompt(s);
      if (s.pending_action) {
        s.message = s.pending_action->kind == ProcessAction::Kind::Signal ? "no signal sent"
                                                                          : "nice value unchanged";
        s.pending_action.reset();
      }
      return KeyEffect::Redraw;
    case kKeyEnter:
    case '\r':
      return apply_prompt(s);
    case kKeyBackspace:
    case 0x7f:
    case 0x08:
      // Backspace on the selected default clears it, as on a selection.
      if (s.input_selected)
        s.input.clear();
      else
        pop_code_point(s.input);
      s.input_selected = false;
      return KeyEffect::Redraw;
    case 0x15:  // Ctrl-U, as in a shell
      s.input.clear();
      s.input_selected = false;
      return KeyEffect::Redraw;
    case kKeyRight:
    case kKeyEnd:
      // Keep the default and edit it.
      if (!s.input_selected) return KeyEffect::None;
      s.input_selected = false;
      return KeyEffect::Redraw;
    default:
      break;
  }
  const bool printable = key >= 0x20 && key != 0x7f && !(key >= 0x80 && key <= 0x9f) &&
                         key <= 0x10ffff && !(key >= 0xd800 && key <= 0xdfff);
  if (!printable) return KeyEffect::None;
  if (s.input_selected) {
    // The first character typed replaces the shown default.
    s.input.clear();
    s.input_selected = false;
  }
  if (s.input.size() + 4 > kMaxInputBytes) return KeyEffect::None;
  append_utf8(s.input, static_cast<char32_t>(key));
  return KeyEffect::Redraw;
}

// Up/Down/PgUp/PgDn/Home/End on a scrolled text page (help, detail, self
// view); the renderer clamps `scroll` to the text. nullopt: not a scroll key.
std::optional<KeyEffect> scroll_key(std::size_t& scroll, int key, std::size_t page) {
  switch (key) {
    case kKeyUp:
      if (scroll > 0) --scroll;
      return KeyEffect::Redraw;
    case kKeyDown:
      ++scroll;
      return KeyEffect::Redraw;
    case kKeyPageUp:
      scroll = scroll > page ? scroll - page : 0;
      return KeyEffect::Redraw;
    case kKeyPageDown:
      scroll += page;
      return KeyEffect::Redraw;
    case kKeyHome:
      scroll = 0;
      return KeyEffect::Redraw;
    case kKeyEnd:
      scroll = static_cast<std::size_t>(-1) / 2;
      return KeyEffect::Redraw;
    default:
      return std::nullopt;
  }
}

KeyEffect help_key(TopState& s, int key, std::size_t page) {
  if (const auto effect = scroll_key(s.help_scroll, key, page)) return *effect;
  s.help = false;
  return KeyEffect::Redraw;
}

void open_help(TopState& s) {
  s.help = true;
  s.help_scroll = 0;
}

// Keys of a full-screen page over the table (detail, self view): Esc, q,
// Enter or Backspace close it (via close()), the rest scrolls, pauses,
// opens help or quits.
template <typename Close>
KeyEffect page_key(TopState& s, int key, std::size_t page, std::size_t& scroll, Close close) {
  if (const auto effect = scroll_key(scroll, key, page)) return *effect;
  switch (key) {
    case kKeyEscape:
    case 'q':
    case kKeyEnter:
    case '\r':
    case kKeyBackspace:
      close();
      scroll = 0;
      return KeyEffect::Redraw;
    case ' ':
      s.paused = !s.paused;
      return KeyEffect::Redraw;
    case 'h':
    case '?':
    case kKeyF1:
      open_help(s);
      return KeyEffect::Redraw;
    case kKeyF10:
      s.quit = true;
      return KeyEffect::Redraw;
    default:
      return KeyEffect::None;
  }
}

KeyEffect detail_key(TopState& s, int key, std::size_t page) {
  return page_key(s, key, page, s.detail_scroll, [&] { s.detail.reset(); });
}

KeyEffect self_key(TopState& s, int key, std::size_t page) {
  if (key == 'O') key = kKeyEscape;  // O toggles
  return page_key(s, key, page, s.self_scroll, [&] { s.self_view = false; });
}

GroupBy next_group(GroupBy g) {
  switch (g) {
    case GroupBy::None:
      return GroupBy::Cgroup;
    case GroupBy::Cgroup:
      return GroupBy::Container;
    case GroupBy::Container:
      return GroupBy::Unit;
    case GroupBy::Unit:
      return GroupBy::User;
    case GroupBy::User:
      return GroupBy::None;
  }
  return GroupBy::None;
}

}  // namespace

void append_utf8(std::string& out, char32_t cp) {
  if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) cp = 0xfffd;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xc0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xe0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
}

std::string prompt_label(PromptKind kind) {
  switch (kind) {
    case PromptKind::None:
      return "";
    case PromptKind::Filter:
      return "Filter (text, pid=N, user=NAME, comm=NAME; empty clears): ";
    case PromptKind::User:
      return "Show user (empty for all): ";
    case PromptKind::Sort:
      return "Sort by field: ";
    case PromptKind::Interval:
      return "Refresh interval in seconds (" + interval_text(kMinIntervalS) + " to " +
             interval_text(kMaxIntervalS) + "): ";
    case PromptKind::Time:
      return "Go to time (12:03:10, 2026-01-15 12:03:10, +5m, -30s): ";
    case PromptKind::Signal:
      return "Signal to send (number or name): ";
    case PromptKind::Nice:
      return "Nice value (-20 to 19): ";
    case PromptKind::Confirm:
      return "Really? (y/N) ";
  }
  return "";
}

std::string prompt_label(const TopState& s) {
  if (!s.pending_action) return prompt_label(s.prompt);
  const ProcessAction& a = *s.pending_action;
  switch (s.prompt) {
    case PromptKind::Signal:
      return "Send which signal to " + target_text(a) + " (number or name; Esc cancels): ";
    case PromptKind::Nice:
      return "Renice " + target_text(a) + " to (-20 most CPU .. 19 least; Esc cancels): ";
    case PromptKind::Confirm:
      return a.kind == ProcessAction::Kind::Signal
                 ? "Send " + signal_name(a.signal) + " (" + std::to_string(a.signal) + ") to " +
                       target_text(a) + "? (y/N) "
                 : "Renice " + target_text(a) + " to " + std::to_string(a.nice) + "? (y/N) ";
    default:
      return prompt_label(s.prompt);
  }
}

namespace {

constexpr std::array<std::pair<const char*, int>, 31> kSignals{{
    {"HUP", SIGHUP},   {"INT", SIGINT},       {"QUIT", SIGQUIT}, {"ILL", SIGILL},
    {"TRAP", SIGTRAP}, {"ABRT", SIGABRT},     {"BUS", SIGBUS},   {"FPE", SIGFPE},
    {"KILL", SIGKILL}, {"USR1", SIGUSR1},     {"SEGV", SIGSEGV}, {"USR2", SIGUSR2},
    {"PIPE", SIGPIPE}, {"ALRM", SIGALRM},     {"TERM", SIGTERM}, {"STKFLT", SIGSTKFLT},
    {"CHLD", SIGCHLD}, {"CONT", SIGCONT},     {"STOP", SIGSTOP}, {"TSTP", SIGTSTP},
    {"TTIN", SIGTTIN}, {"TTOU", SIGTTOU},     {"URG", SIGURG},   {"XCPU", SIGXCPU},
    {"XFSZ", SIGXFSZ}, {"VTALRM", SIGVTALRM}, {"PROF", SIGPROF}, {"WINCH", SIGWINCH},
    {"IO", SIGIO},     {"PWR", SIGPWR},       {"SYS", SIGSYS},
}};

}  // namespace

int parse_signal(std::string_view text) {
  text = trim(text);
  if (text.empty()) return 0;
  if (text.front() >= '0' && text.front() <= '9') {
    int n = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    if (ec != std::errc{} || end != text.data() + text.size() || n < 1 || n > 64) return 0;
    return n;
  }
  if (text.size() > 3 && iequals(text.substr(0, 3), "SIG")) text.remove_prefix(3);
  for (const auto& [name, number] : kSignals)
    if (iequals(text, name)) return number;
  return 0;
}

std::string signal_name(int sig) {
  for (const auto& [name, number] : kSignals)
    if (number == sig) return std::string("SIG") + name;
  return "signal " + std::to_string(sig);
}

KeyEffect handle_key(TopState& s, int key, const Table& table, std::size_t page_rows) {
  if (key == kKeyIgnore) return KeyEffect::None;
  if (s.prompt != PromptKind::None) return prompt_key(s, key);
  const bool had_message = !s.message.empty();
  s.message.clear();
  const std::size_t page = std::max<std::size_t>(page_rows, 1);
  if (s.help) return help_key(s, key, page);
  if (const auto effect = replay_key(s, key)) return *effect;
  if (s.self_view) return self_key(s, key, page);
  if (s.detail) return detail_key(s, key, page);

  const std::size_t n = table.rows.size();
  // Moving the selection pins it to that process until it goes away.
  auto select = [&](std::size_t i) {
    if (n == 0) return KeyEffect::Redraw;
    s.selected = std::min(i, n - 1);
    s.selected_key = table.rows[s.selected].row->sample->key;
    return KeyEffect::Redraw;
  };
  switch (key) {
    case 'q':
    case kKeyF10:
      s.quit = true;
      return KeyEffect::Redraw;
    case kKeyUp:
      return select(s.selected > 0 ? s.selected - 1 : 0);
    case kKeyDown:
      return select(s.selected + 1);
    case kKeyPageUp:
      return select(s.selected > page ? s.selected - page : 0);
    case kKeyPageDown:
      return select(s.selected + page);
    case kKeyHome:
      // Back to the top row, following the sort order again.
      s.selected = 0;
      s.selected_key.reset();
      s.scroll = 0;
      return KeyEffect::Redraw;
    case kKeyEnd:
      return select(n > 0 ? n - 1 : 0);
    case 'P':
      s.opts.sort_by = FieldId::CpuPct;
      s.opts.sort_descending = true;
      return KeyEffect::Rebuild;
    case '<':
      move_sort_column(s, -1);
      return KeyEffect::Rebuild;
    case '>':
      move_sort_column(s, +1);
      return KeyEffect::Rebuild;
    case 'R':
      s.opts.sort_descending = !s.opts.sort_descending;
      return KeyEffect::Rebuild;
    case 's':
      open_prompt(s, PromptKind::Sort, std::string(field(s.opts.sort_by).name));
      return KeyEffect::Redraw;
    case 'k':
    case kKeyF(9):  // htop's kill key
    case 'r': {
      const bool renice = key == 'r';
      if (s.replay) {
        s.message = "k and r act on live processes; this is a recording";
        return KeyEffect::Redraw;
      }
      if (n == 0) {
        s.message = "no process selected";
        return KeyEffect::Redraw;
      }
      const TableRow& row = table.rows[std::min(s.selected, n - 1)];
      if (is_group_row(row)) {
        s.message = "a group row is not one process; g until ungrouped, then select a process";
        return KeyEffect::Redraw;
      }
      const ProcessSample& p = *row.row->sample;
      if (row.row->exited_in_interval) {
        s.message = "process " + std::to_string(p.key.pid) + " has exited";
        return KeyEffect::Redraw;
      }
      ProcessAction a;
      a.kind = renice ? ProcessAction::Kind::Renice : ProcessAction::Kind::Signal;
      a.key = p.key;
      a.comm = p.comm;
      s.selected_key = p.key;  // the prompt is about this process, wherever it moves
      s.pending_action = std::move(a);
      if (renice)
        open_prompt(s, PromptKind::Nice, "");
      else
        open_prompt(s, PromptKind::Signal, "TERM");
      return KeyEffect::Redraw;
    }
    case '/':
    case 'o':
      open_prompt(s, PromptKind::Filter, s.opts.filter);
      return KeyEffect::Redraw;
    case 'u': {
      const std::string_view f = s.opts.filter;
      open_prompt(s, PromptKind::User,
                  f.starts_with("user=") ? std::string(f.substr(5)) : std::string());
      return KeyEffect::Redraw;
    }
    case 'd':
      open_prompt(s, PromptKind::Interval, interval_text(s.opts.interval_s));
      return KeyEffect::Redraw;
    case 't':
      s.opts.tree = !s.opts.tree;
      if (s.opts.tree) s.opts.group = GroupBy::None;  // a group has no parent
      return KeyEffect::Rebuild;
    case 'S':
      s.opts.subtree_sums = !s.opts.subtree_sums;
      if (s.opts.subtree_sums) {
        s.opts.tree = true;
        s.opts.group = GroupBy::None;
      }
      s.message = s.opts.subtree_sums ? "tree with subtree sums: process + descendants"
                                      : "subtree sums off: each process's own figures";
      return KeyEffect::Rebuild;
    case 'g':
      s.opts.group = next_group(s.opts.group);
      s.message = s.opts.group == GroupBy::None
                      ? "not grouped"
                      : "grouped by " + std::string(group_by_name(s.opts.group)) + "; g: next";
      s.selected = 0;
      s.selected_key.reset();
      s.scroll = 0;
      return KeyEffect::Rebuild;
    case kKeyEnter:
    case '\r': {
      if (n == 0) return had_message ? KeyEffect::Redraw : KeyEffect::None;
      const TableRow& row = table.rows[std::min(s.selected, n - 1)];
      if (is_group_row(row)) {
        s.message = "a group has no detail view; g until ungrouped, then Enter on a process";
        return KeyEffect::Redraw;
      }
      s.selected_key = row.row->sample->key;
      s.detail = row.row->sample->key;
      s.detail_scroll = 0;
      return KeyEffect::Redraw;
    }
    case 'O':
      s.self_view = true;
      s.self_scroll = 0;
      return KeyEffect::Redraw;
    case 'H':
      s.opts.show_kernel_threads = !s.opts.show_kernel_threads;
      s.message = s.opts.show_kernel_threads ? "showing kernel threads" : "hiding kernel threads";
      return KeyEffect::Rebuild;
    case ' ':
      s.paused = !s.paused;
      return KeyEffect::Redraw;
    case 'h':
    case '?':
    case kKeyF1:
      open_help(s);
      return KeyEffect::Redraw;
    case kKeyEscape:
      return had_message ? KeyEffect::Redraw : KeyEffect::None;
    default:
      if (const ViewPresetDef* v = view_preset_for_key(key)) {
        apply_view_preset(s.opts, v->id);
        s.message = std::string(v->title) + " view";
        return KeyEffect::Rebuild;
      }
      if (key >= 0x20 && key < 0x7f) {
        s.message = "unknown key '" + std::string(1, static_cast<char>(key)) + "' - h for help";
        return KeyEffect::Redraw;
      }
      return had_message ? KeyEffect::Redraw : KeyEffect::None;
  }
}

KeyEffect handle_mouse(TopState& s, const MouseEvent& m, const Table& table,
                       const ScreenLayout& layout) {
  if (s.prompt != PromptKind::None) return KeyEffect::None;
  const bool wheel = m.kind == MouseEvent::Kind::WheelUp || m.kind == MouseEvent::Kind::WheelDown;
  const bool up = m.kind == MouseEvent::Kind::WheelUp;
  if (s.help || s.self_view || s.detail) {
    if (!wheel) return KeyEffect::None;
    std::size_t& scroll = s.help ? s.help_scroll : s.self_view ? s.self_scroll : s.detail_scroll;
    scroll = up ? (scroll > kWheelRows ? scroll - kWheelRows : 0) : scroll + kWheelRows;
    return KeyEffect::Redraw;
  }
  const std::size_t n = table.rows.size();
  auto select = [&](std::size_t i) {
    s.message.clear();
    s.selected = std::min(i, n - 1);
    s.selected_key = table.rows[s.selected].row->sample->key;
    return KeyEffect::Redraw;
  };
  if (wheel) {
    if (n == 0) return KeyEffect::None;
    return select(up ? (s.selected > kWheelRows ? s.selected - kWheelRows : 0)
                     : s.selected + kWheelRows);
  }
  if (m.kind != MouseEvent::Kind::Press || m.button != 0) return KeyEffect::None;
  if (layout.header_row >= 0 && m.y == layout.header_row) {
    const auto x = static_cast<std::size_t>(std::max(m.x, 0));
    for (std::size_t i = 0; i < layout.columns.size(); ++i) {
      const ScreenLayout::Column& c = layout.columns[i];
      // A column owns the space after it; the last one the rest of the line.
      const bool last = i + 1 == layout.columns.size();
      if (x < c.begin || (!last && x > c.begin + c.width)) continue;
      const FieldDef& f = field(c.field);
      if (s.opts.sort_by == f.id) {
        s.opts.sort_descending = !s.opts.sort_descending;
      } else {
        s.opts.sort_by = f.id;
        s.opts.sort_descending = f.kind != FieldKind::Text;  // names A-Z, numbers largest first
      }
      s.message = "sorted by " + std::string(f.header) +
                  (s.opts.sort_descending ? " desc" : " asc") + "; click again to reverse";
      return KeyEffect::Rebuild;
    }
    return KeyEffect::None;
  }
  if (layout.first_body_row >= 0 && m.y >= layout.first_body_row) {
    const auto offset = static_cast<std::size_t>(m.y - layout.first_body_row);
    const std::size_t i = layout.scroll + offset;
    if (offset < layout.body_rows && i < n) return select(i);
  }
  return KeyEffect::None;
}

void sync_selection(TopState& s, const Table& table) {
  const std::size_t n = table.rows.size();
  if (s.selected_key) {
    for (std::size_t i = 0; i < n; ++i) {
      if (table.rows[i].row->sample->key == *s.selected_key) {
        s.selected = i;
        return;
      }
    }
    s.selected_key.reset();  // gone (exited or filtered out): stay at the same place
  }
  s.selected = n == 0 ? 0 : std::min(s.selected, n - 1);
}

std::vector<std::string> help_lines() {
  std::vector<std::string> out = {
      "Keys",
      "  q F10             quit",
      "  space             pause / resume refreshing",
      "  h ? F1            this help; any other key returns",
      "  P                 sort by CPU%",
      "  < >               sort by the column left / right of the current one",
      "  R                 reverse the sort order",
      "  s                 sort by a field, typed by name (or column title)",
      "  / o               filter: text in comm, cmdline or user; pid=N, user=NAME,",
      "                    comm=NAME match exactly; empty clears",
      "  u                 show one user's processes; empty shows all",
      "  1-4  c i n m      views: CPU, storage IO, network, memory (see Views)",
      "  t                 tree: children under their parent",
      "  S                 tree with subtree sums: a process plus all its descendants",
      "  g                 group rows by cgroup, container, unit, user, then none",
      "  Enter             details of the selected process; Esc or q returns",
      "  H                 show / hide kernel threads",
      "  O                 procwatch's own cost: each BPF program's events/s, ns per",
      "                    event and CPU share, map occupancy, drops, CPU budget;",
      "                    Esc, q or O returns",
      "  d                 refresh interval in seconds",
      "  k F9              send a signal to the selected process (default TERM;",
      "                    asks to confirm)",
      "  r                 renice the selected process (-20..19; asks to confirm)",
      "  Up Down PgUp PgDn move the selection; Home returns to the top",
      "  mouse             click a column title to sort by it (again: reverse),",
      "                    click a row to select it, wheel to scroll",
      "  Esc               cancel a prompt",
      "  prompts           show their current value selected: Enter keeps it,",
      "                    typing replaces it, Right or End edits it",
      "  Ctrl-L            redraw the screen",
      "",
      "Replay of a recording (procwatch replay, top --db)",
      "  space             play / pause",
      "  [ ]               one sample back / forward",
      "  { }               ten samples back / forward",
      "  J                 jump to a time: 12:03:10, 2026-01-15 12:03:10, +5m, -30s",
      "  + -               play faster / slower",
      "",
      "Views (key, name: columns; sorted by the first named)",
  };
  for (const ViewPresetDef& v : all_view_presets()) {
    std::string line = "  ";
    line += v.digit_key;
    line += ' ';
    line += v.letter_key;
    line += "  " + std::string(v.name) + ": " + std::string(field(v.sort_by).name) + " |";
    for (const FieldId id : v.fields) line += " " + std::string(field(id).header);
    out.push_back(std::move(line));
  }
  for (const char* line : {
           "",
           "Grouped rows add up their processes' counts, rates and sizes (PROCS",
           "counts them); latency percentiles come from their merged histograms;",
           "an attribute shows only when all members share it. Subtree sums (S)",
           "put a sigma (+ on ASCII terminals) before the titles of summed columns.",
           "",
           "Fields (name, column, unit: description)",
       })
    out.emplace_back(line);
  for (const FieldDef& f : all_fields()) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "  %-20.*s %-8.*s %-4.*s ", static_cast<int>(f.name.size()),
                  f.name.data(), static_cast<int>(f.header.size()), f.header.data(),
                  static_cast<int>(f.unit.size()), f.unit.data());
    out.push_back(std::string(buf) + std::string(f.help));
  }
  return out;
}

}  // namespace pw
