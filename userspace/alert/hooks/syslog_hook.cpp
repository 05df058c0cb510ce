#include "alert/hooks/syslog_hook.h"

#include <syslog.h>

#include <sstream>

#include "alert/hooks/payload.h"

namespace pw {

std::optional<int> syslog_facility(const std::string& name) {
  static const std::pair<const char*, int> names[] = {
      {"user", LOG_USER},     {"daemon", LOG_DAEMON}, {"local0", LOG_LOCAL0},
      {"local1", LOG_LOCAL1}, {"local2", LOG_LOCAL2}, {"local3", LOG_LOCAL3},
      {"local4", LOG_LOCAL4}, {"local5", LOG_LOCAL5}, {"local6", LOG_LOCAL6},
      {"local7", LOG_LOCAL7}};
  for (const auto& [n, f] : names)
    if (name == n) return f;
  return std::nullopt;
}

int syslog_priority(const Notification& n) {
  if (n.state == AlertState::Resolved) return LOG_NOTICE;
  return n.severity == AlertSeverity::Critical ? LOG_CRIT : LOG_WARNING;
}

SyslogHook::SyslogHook(std::string name, int facility)
    : Hook(std::move(name)), facility_(facility) {}

DeliveryResult SyslogHook::deliver(const Notification& n) {
  // syslog(3) reports no errors; a missing /dev/log loses the message
  // silently, which is why this hook is never the only one.
  std::istringstream lines(notification_text(n));
  for (std::string line; std::getline(lines, line);)
    ::syslog(facility_ | syslog_priority(n), "%s", line.c_str());
  return DeliveryResult::ok();
}

}  // namespace pw
