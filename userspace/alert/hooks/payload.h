// What the hooks send: one stable JSON document per notification (version 1)
// and a short text body for mail, syslog and chat. Process names and command
// lines come from the watched processes and may be hostile: the JSON is
// escaped by nlohmann::json, the text has its control characters stripped.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "alert/alert.h"

namespace pw {

inline constexpr int kPayloadVersion = 1;

// "2026-12-08T01:02:03.456Z"; empty for 0.
std::string rfc3339(std::uint64_t wall_ns);
nlohmann::json notification_json(const Notification& n);
// Control characters (C0, DEL, C1 as UTF-8) replaced by '?', so a comm like
// "\x1b]0;owned\a" cannot drive a terminal, nor a "\r\nBcc:" add a header.
std::string strip_control(std::string_view s);
// "FIRING critical: <rule> on <host> (N processes)"
std::string notification_title(const Notification& n);
// Title, then one line per alert (at most 20) with pid, comm, value, summary.
std::string notification_text(const Notification& n);
std::string notification_host(const Notification& n);

}  // namespace pw
