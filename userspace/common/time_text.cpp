#include "common/time_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace pw {
namespace {

constexpr std::uint64_t kNsPerSec = 1'000'000'000ULL;

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// A non-negative decimal number at the start of s; advances s.
std::optional<double> take_number(std::string_view& s) {
  std::size_t n = 0;
  while (n < s.size() && ((s[n] >= '0' && s[n] <= '9') || s[n] == '.')) ++n;
  if (n == 0) return std::nullopt;
  double v = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + n, v);
  if (ec != std::errc{} || end != s.data() + n || !std::isfinite(v)) return std::nullopt;
  s.remove_prefix(n);
  return v;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// Fixed-width digits at s[pos..pos+n).
std::optional<int> digits(std::string_view s, std::size_t pos, std::size_t n) {
  if (pos + n > s.size()) return std::nullopt;
  int v = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
    v = v * 10 + (s[i] - '0');
  }
  return v;
}

struct Clock {
  int h = 0, m = 0;
  double s = 0;
};

// "HH:MM", "HH:MM:SS", "HH:MM:SS.fff"
std::optional<Clock> parse_clock(std::string_view t) {
  Clock c;
  const std::size_t colon = t.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon > 2) return std::nullopt;
  const auto h = digits(t, 0, colon);
  const auto m = digits(t, colon + 1, 2);
  if (!h || !m || *h > 23 || *m > 59) return std::nullopt;
  c.h = *h;
  c.m = *m;
  std::string_view rest = t.substr(colon + 3);
  if (!rest.empty()) {
    if (rest.front() != ':') return std::nullopt;
    rest.remove_prefix(1);
    const auto sec = take_number(rest);
    if (!sec || !rest.empty() || *sec >= 61) return std::nullopt;
    c.s = *sec;
  }
  return c;
}

std::uint64_t to_ns(std::time_t t, double frac_s) {
  return static_cast<std::uint64_t>(t) * kNsPerSec +
         static_cast<std::uint64_t>(std::llround(frac_s * 1e9));
}

}  // namespace

Parsed<std::uint64_t> parse_duration_ns(std::string_view text) {
  std::string_view s = trim(text);
  const auto v = take_number(s);
  if (!v)
    return {std::nullopt,
            "'" + std::string(text) + "' is not a duration (e.g. 500ms, 10s, 5m, 2h, 7d)"};
  s = trim(s);
  double mult = 1e9;
  if (s.empty() || iequals(s, "s") || iequals(s, "sec"))
    mult = 1e9;
  else if (iequals(s, "ms"))
    mult = 1e6;
  else if (iequals(s, "us"))
    mult = 1e3;
  else if (iequals(s, "m") || iequals(s, "min"))
    mult = 60e9;
  else if (iequals(s, "h"))
    mult = 3600e9;
  else if (iequals(s, "d"))
    mult = 86400e9;
  else if (iequals(s, "w"))
    mult = 7 * 86400e9;
  else
    return {std::nullopt, "'" + std::string(text) + "': unknown unit '" + std::string(s) +
                              "' (ms, s, m, h, d, w)"};
  const double ns = *v * mult;
  if (!(ns < 1.8e19)) return {std::nullopt, "'" + std::string(text) + "' is too long"};
  return {static_cast<std::uint64_t>(std::llround(ns)), ""};
}

Parsed<std::uint64_t> parse_size_bytes(std::string_view text) {
  std::string_view s = trim(text);
  const auto v = take_number(s);
  if (!v) return {std::nullopt, "'" + std::string(text) + "' is not a size (e.g. 500M, 1G)"};
  s = trim(s);
  // Accept "G", "GB", "GiB" alike: binary units, as du and ls -h.
  if (s.size() == 3 && (s[1] == 'i' || s[1] == 'I') && (s[2] == 'b' || s[2] == 'B'))
    s = s.substr(0, 1);
  else if (s.size() == 2 && (s[1] == 'b' || s[1] == 'B'))
    s = s.substr(0, 1);
  double mult = 1;
  if (s.empty() || iequals(s, "b"))
    mult = 1;
  else if (iequals(s, "k"))
    mult = 1024.0;
  else if (iequals(s, "m"))
    mult = 1024.0 * 1024;
  else if (iequals(s, "g"))
    mult = 1024.0 * 1024 * 1024;
  else if (iequals(s, "t"))
    mult = 1024.0 * 1024 * 1024 * 1024;
  else
    return {std::nullopt, "'" + std::string(text) + "': unknown unit (K, M, G, T)"};
  const double b = *v * mult;
  if (!(b < 1.8e19)) return {std::nullopt, "'" + std::string(text) + "' is too large"};
  return {static_cast<std::uint64_t>(std::llround(b)), ""};
}

Parsed<std::uint64_t> parse_time_point(std::string_view text, std::uint64_t first_wall_ns,
                                       std::uint64_t last_wall_ns) {
  std::string_view t = trim(text);
  const std::string bad =
      "'" + std::string(text) +
      "' is not a time (HH:MM:SS, YYYY-MM-DD HH:MM:SS, @UNIX_SECONDS, +5m, -30s)";
  if (t.empty()) return {std::nullopt, bad};
  if (t.front() == '+' || t.front() == '-') {
    const auto d = parse_duration_ns(t.substr(1));
    if (!d.value) return {std::nullopt, d.error};
    if (t.front() == '+') return {first_wall_ns + *d.value, ""};
    return {last_wall_ns > *d.value ? last_wall_ns - *d.value : 0, ""};
  }
  if (t.front() == '@') {
    std::string_view rest = t.substr(1);
    const auto v = take_number(rest);
    if (!v || !rest.empty()) return {std::nullopt, bad};
    return {static_cast<std::uint64_t>(std::llround(*v * 1e9)), ""};
  }
  bool utc = false;
  if (t.size() > 4 && iequals(t.substr(t.size() - 4), " utc")) {
    utc = true;
    t = trim(t.substr(0, t.size() - 4));
  } else if (!t.empty() && (t.back() == 'Z' || t.back() == 'z')) {
    utc = true;
    t.remove_suffix(1);
  }
  std::tm tm{};
  tm.tm_isdst = -1;
  std::string_view clock_text = t;
  bool dated = false;
  if (t.size() >= 10 && t[4] == '-' && t[7] == '-') {
    const auto y = digits(t, 0, 4), mo = digits(t, 5, 2), d = digits(t, 8, 2);
    if (!y || !mo || !d || *mo < 1 || *mo > 12 || *d < 1 || *d > 31) return {std::nullopt, bad};
    tm.tm_year = *y - 1900;
    tm.tm_mon = *mo - 1;
    tm.tm_mday = *d;
    dated = true;
    clock_text = t.size() > 10 ? t.substr(11) : std::string_view("00:00");
    if (t.size() > 10 && t[10] != ' ' && t[10] != 'T') return {std::nullopt, bad};
  }
  const auto c = parse_clock(clock_text);
  if (!c) return {std::nullopt, bad};
  const double whole = std::floor(c->s);
  if (!dated) {
    // The recording's first day, in the zone the time is given in.
    const auto start = static_cast<std::time_t>(first_wall_ns / kNsPerSec);
    if (utc)
      ::gmtime_r(&start, &tm);
    else
      ::localtime_r(&start, &tm);
    tm.tm_isdst = -1;
  }
  tm.tm_hour = c->h;
  tm.tm_min = c->m;
  tm.tm_sec = static_cast<int>(whole);
  std::time_t at = utc ? ::timegm(&tm) : std::mktime(&tm);
  if (at == static_cast<std::time_t>(-1)) return {std::nullopt, bad};
  std::uint64_t ns = to_ns(at, c->s - whole);
  // A time of day before the recording starts means the next day (a
  // recording that runs past midnight).
  if (!dated && ns + kNsPerSec < first_wall_ns) ns += 86400 * kNsPerSec;
  return {ns, ""};
}

std::string format_time_of_day(std::uint64_t wall_ns) {
  const auto t = static_cast<std::time_t>(wall_ns / kNsPerSec);
  std::tm tm{};
  ::localtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  return buf;
}

std::string format_duration_short(std::uint64_t ns) {
  const std::uint64_t s = ns / kNsPerSec;
  char buf[48];
  if (s >= 3600)
    std::snprintf(buf, sizeof buf, "%lluh%02llum", static_cast<unsigned long long>(s / 3600),
                  static_cast<unsigned long long>(s % 3600 / 60));
  else if (s >= 60)
    std::snprintf(buf, sizeof buf, "%llum%02llus", static_cast<unsigned long long>(s / 60),
                  static_cast<unsigned long long>(s % 60));
  else
    std::snprintf(buf, sizeof buf, "%llus", static_cast<unsigned long long>(s));
  return buf;
}

std::string format_size_short(std::uint64_t bytes) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1000 && u < 4) {
    v /= 1000;
    ++u;
  }
  char buf[32];
  if (u == 0)
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
  else
    std::snprintf(buf, sizeof buf, "%.1f %s", v, units[u]);
  return buf;
}

std::string format_wall_time(std::uint64_t wall_ns, bool utc, bool with_date) {
  if (wall_ns == 0) return "-";
  const auto secs = static_cast<std::time_t>(wall_ns / 1'000'000'000ULL);
  std::tm tm{};
  if (!(utc ? gmtime_r(&secs, &tm) : localtime_r(&secs, &tm))) return "-";
  char buf[64];
  if (std::strftime(buf, sizeof buf, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S", &tm) == 0)
    return "-";
  std::string out = buf;
  if (utc) out += " UTC";
  return out;
}

}  // namespace pw
