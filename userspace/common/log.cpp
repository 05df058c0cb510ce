#include "common/log.h"

#include <atomic>
#include <mutex>

namespace pw {
namespace {

std::atomic<LogLevel> g_level{LogLevel::Warn};
std::atomic<void (*)(LogLevel, const std::string&)> g_sink{nullptr};
std::mutex g_stderr_mutex;

const char* prefix(LogLevel l) {
  switch (l) {
    case LogLevel::Error: return "procwatch: error: ";
    case LogLevel::Warn: return "procwatch: warning: ";
    case LogLevel::Info: return "procwatch: ";
    case LogLevel::Debug: return "procwatch: debug: ";
  }
  return "procwatch: ";
}

}  // namespace

void set_log_level(LogLevel level) { g_level = level; }
LogLevel log_level() { return g_level; }
void set_log_sink(void (*sink)(LogLevel, const std::string&)) { g_sink = sink; }

void log(LogLevel level, const std::string& message) {
  if (level > g_level.load()) return;
  if (auto sink = g_sink.load()) {
    sink(level, message);
    return;
  }
  std::lock_guard lock(g_stderr_mutex);
  std::fprintf(stderr, "%s%s\n", prefix(level), message.c_str());
}

}  // namespace pw
