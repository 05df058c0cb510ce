// Sends the text body to syslog(3): one message per alert line, the
// priority from the severity (critical -> crit, warning -> warning,
// resolved -> notice). No openlog(): the daemon's ident stays as it is.
#pragma once

#include <optional>
#include <string>

#include "alert/hooks/hook.h"

namespace pw {

// "daemon", "user", "local0".."local7" -> LOG_DAEMON...; nullopt if unknown.
std::optional<int> syslog_facility(const std::string& name);
int syslog_priority(const Notification& n);

class SyslogHook final : public Hook {
 public:
  SyslogHook(std::string name, int facility);
  DeliveryResult deliver(const Notification& n) override;

 private:
  int facility_;
};

}  // namespace pw
