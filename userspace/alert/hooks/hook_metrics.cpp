// Prometheus text for the hook counters, appended to the daemon's /metrics.
#include <sstream>

#include "alert/hooks/hook_dispatcher.h"

namespace pw {

namespace {

// Label values in the exposition format escape backslash, quote, newline.
std::string label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"')
      out += {'\\', c};
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string render_hook_metrics(const std::vector<HookStatus>& status) {
  if (status.empty()) return "";
  std::ostringstream s;
  s << "# HELP procwatch_hook_notifications_total Notifications per hook by result (retried "
       "counts retries, not notifications).\n"
       "# TYPE procwatch_hook_notifications_total counter\n";
  for (const auto& h : status) {
    const std::string hook = label(h.name);
    const std::pair<const char*, std::uint64_t> rows[] = {
        {"sent", h.sent}, {"failed", h.failed}, {"retried", h.retried}, {"dropped", h.dropped}};
    for (const auto& [result, n] : rows)
      s << "procwatch_hook_notifications_total{hook=\"" << hook << "\",result=\"" << result
        << "\"} " << n << "\n";
  }
  s << "# HELP procwatch_hook_queue_length Notifications waiting per hook.\n"
       "# TYPE procwatch_hook_queue_length gauge\n";
  for (const auto& h : status)
    s << "procwatch_hook_queue_length{hook=\"" << label(h.name) << "\"} " << h.queued << "\n";
  s << "# HELP procwatch_hook_last_success_timestamp_seconds Last delivery that succeeded (0 = "
       "none yet).\n"
       "# TYPE procwatch_hook_last_success_timestamp_seconds gauge\n";
  for (const auto& h : status)
    s << "procwatch_hook_last_success_timestamp_seconds{hook=\"" << label(h.name) << "\"} "
      << h.last_success_wall_ns / 1'000'000'000ull << "\n";
  return s.str();
}

}  // namespace pw
