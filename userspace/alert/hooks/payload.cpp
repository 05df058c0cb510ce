#include "alert/hooks/payload.h"

#include <ctime>
#include <sstream>

namespace pw {

std::string rfc3339(std::uint64_t wall_ns) {
  if (wall_ns == 0) return "";
  const std::time_t secs = static_cast<std::time_t>(wall_ns / 1'000'000'000ull);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[80];
  const unsigned ms = static_cast<unsigned>((wall_ns / 1'000'000ull) % 1000);
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

std::string notification_host(const Notification& n) {
  return n.alerts.empty() ? std::string() : n.alerts.front().host;
}

// nlohmann::json throws on invalid UTF-8 when dumping; process names are raw
// bytes, so bad sequences become U+FFFD here rather than failing the hook.
static std::string valid_utf8(std::string_view s) {
  return nlohmann::json(std::string(s))
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}
static std::string utf8(std::string_view s) {
  return nlohmann::json::parse(valid_utf8(s)).get<std::string>();
}
static nlohmann::json str(std::string_view s) { return utf8(s); }

static nlohmann::json alert_json(const Alert& a) {
  nlohmann::json j;
  j["fingerprint"] = str(a.fingerprint);
  j["rule"] = str(a.rule);
  j["source"] = str(a.source);
  j["severity"] = alert_severity_name(a.severity);
  j["state"] = alert_state_name(a.state);
  j["host"] = str(a.host);
  if (a.process) {
    j["pid"] = a.process->pid;
    j["start_ns"] = a.process->start_ns;
  } else {
    j["pid"] = nullptr;
    j["start_ns"] = nullptr;
  }
  j["comm"] = str(a.comm);
  j["identity"] = str(a.identity);
  j["cmdline"] = str(a.cmdline);
  j["metric"] = str(a.metric);
  j["value"] = a.value;
  j["threshold"] = a.threshold;
  j["summary"] = str(a.summary);
  j["description"] = str(a.description);
  nlohmann::json labels = nlohmann::json::object();
  for (const auto& [k, v] : a.labels) labels[utf8(k)] = str(v);
  j["labels"] = labels;
  nlohmann::json values = nlohmann::json::object();
  for (const auto& [k, v] : a.values) values[k] = v;
  j["values"] = values;
  j["startsAt"] = rfc3339(a.starts_wall_ns);
  j["endsAt"] = a.ends_wall_ns ? nlohmann::json(rfc3339(a.ends_wall_ns)) : nlohmann::json(nullptr);
  return j;
}

nlohmann::json notification_json(const Notification& n) {
  nlohmann::json j;
  j["version"] = kPayloadVersion;
  j["host"] = str(notification_host(n));
  j["rule"] = str(n.rule);
  j["severity"] = alert_severity_name(n.severity);
  j["state"] = alert_state_name(n.state);
  j["time"] = rfc3339(n.wall_ns);
  j["count"] = n.alerts.size();
  j["alerts"] = nlohmann::json::array();
  for (const auto& a : n.alerts) j["alerts"].push_back(alert_json(a));
  return j;
}

std::string strip_control(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) {
      out += '?';
    } else if (c == 0xc2 && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(s[i + 1]) <= 0x9f) {
      out += '?';  // C1 control (e.g. U+009B CSI)
      ++i;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string notification_title(const Notification& n) {
  std::string state = n.state == AlertState::Resolved ? "RESOLVED" : "FIRING";
  std::ostringstream s;
  s << state << " " << alert_severity_name(n.severity) << ": " << n.rule << " on "
    << notification_host(n) << " (" << n.alerts.size()
    << (n.alerts.size() == 1 ? " process)" : " processes)");
  return strip_control(s.str());
}

std::string notification_text(const Notification& n) {
  std::ostringstream s;
  s << notification_title(n) << "\n";
  std::size_t shown = 0;
  for (const auto& a : n.alerts) {
    if (++shown > 20) {
      s << "... and " << (n.alerts.size() - 20) << " more\n";
      break;
    }
    s << "- ";
    if (a.process) s << "pid " << a.process->pid << " ";
    s << strip_control(a.comm) << ": " << strip_control(a.metric) << " " << a.value
      << " (threshold " << a.threshold << ") " << strip_control(a.summary) << "\n";
  }
  return s.str();
}

}  // namespace pw
