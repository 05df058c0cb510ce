#include "probe/libbpf_logging.h"

#include <bpf/libbpf.h>

#include <cstdarg>
#include <cstdio>
#include <deque>
#include <mutex>

#include "common/log.h"

namespace pw {
namespace {

constexpr std::size_t kKeepLines = 40;
std::mutex g_mutex;
std::deque<std::string> g_recent;

int print_to_logger(enum libbpf_print_level level, const char* fmt, va_list args) {
  // The verifier log arrives as one message of many kilobytes.
  va_list copy;
  va_copy(copy, args);
  const int n = std::vsnprintf(nullptr, 0, fmt, copy);
  va_end(copy);
  if (n <= 0) return 0;
  std::string text(static_cast<std::size_t>(n) + 1, '\0');
  std::vsnprintf(text.data(), text.size(), fmt, args);
  text.resize(static_cast<std::size_t>(n));

  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    if (level != LIBBPF_DEBUG) {
      std::lock_guard lock(g_mutex);
      g_recent.push_back(line);
      if (g_recent.size() > kKeepLines) g_recent.pop_front();
    }
    // libbpf's own warnings are noise for a user unless asked for: the
    // loader turns a failure into one sentence of its own.
    log(LogLevel::Debug, "libbpf: " + line);
  }
  return n;
}

}  // namespace

void install_libbpf_logging() { libbpf_set_print(print_to_logger); }

std::vector<std::string> recent_libbpf_messages() {
  std::lock_guard lock(g_mutex);
  return {g_recent.begin(), g_recent.end()};
}

void clear_libbpf_messages() {
  std::lock_guard lock(g_mutex);
  g_recent.clear();
}

}  // namespace pw
