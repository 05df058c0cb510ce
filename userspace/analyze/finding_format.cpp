#include "analyze/finding_format.h"

#include <cmath>
#include <cstdio>

#include "common/time_text.h"

namespace pw {
namespace {

std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string duration(double s) {
  if (s < 120) return fmt("%.0f s", s);
  if (s < 7200) return fmt("%.0f min", s / 60);
  if (s < 172800) return fmt("%.1f h", s / 3600);
  return fmt("%.1f days", s / 86400);
}

// The identity without the cgroup/comm separators, for JSON.
nlohmann::json identity_json(const std::string& id) {
  const auto a = id.find('\x1f');
  const auto b = a == std::string::npos ? a : id.find('\x1f', a + 1);
  if (b == std::string::npos) return nullptr;
  return {{"cgroup", id.substr(0, a)},
          {"comm", id.substr(a + 1, b - a - 1)},
          {"cmdline", id.substr(b + 1)}};
}

}  // namespace

std::string finding_line(const Finding& f, bool utc) {
  std::string s = f.kind == Finding::Kind::Leak ? "LEAK    " : "ANOMALY ";
  s += format_wall_time(f.start_wall_ns, utc, false);
  s += f.active ? " (active) " : " to " + format_wall_time(f.end_wall_ns, utc, false) + " ";
  if (f.process)
    s += "pid " + std::to_string(f.process->pid) + " " + printable(f.comm) + ": ";
  else
    s += "system: ";
  if (f.kind == Finding::Kind::Leak) {
    s += fmt("anon RSS grows %.1f KiB/s", f.rate_per_s / 1024);
    s += fmt(", now %.1f MiB", f.value / (1024.0 * 1024));
    s += fmt(", confidence %.4f", f.confidence);
    s += ", window " + duration(f.window_s);
    if (f.time_to_oom_s)
      s += ", limit " + fmt("%.0f MiB", static_cast<double>(*f.limit_bytes) / (1024.0 * 1024)) +
           " reached in ~" + duration(*f.time_to_oom_s);
  } else {
    s += f.detector + " of " + f.metric + fmt(": %.4g", f.value) +
         fmt(" (baseline %.4g", f.baseline) + fmt(", score %.1f)", f.score);
  }
  s += " -- " + printable(f.evidence);
  return s;
}

nlohmann::json finding_json(const Finding& f) {
  nlohmann::json j = {
      {"id", f.id},
      {"kind", finding_kind_name(f.kind)},
      {"detector", f.detector},
      {"pid", f.process ? nlohmann::json(f.process->pid) : nlohmann::json(nullptr)},
      {"start_ns", f.process ? nlohmann::json(f.process->start_ns) : nlohmann::json(nullptr)},
      {"comm", f.comm},
      {"identity", identity_json(f.identity)},
      {"metric", f.metric},
      {"value", f.value},
      {"baseline", f.baseline},
      {"score", std::isfinite(f.score) ? f.score : 0.0},
      {"start_wall_ns", f.start_wall_ns},
      {"end_wall_ns", f.end_wall_ns},
      {"active", f.active},
      {"evidence", f.evidence},
  };
  if (f.kind == Finding::Kind::Leak) {
    j["rate_bytes_per_s"] = f.rate_per_s;
    j["confidence"] = f.confidence;
    j["window_s"] = f.window_s;
    j["limit_bytes"] = f.limit_bytes ? nlohmann::json(*f.limit_bytes) : nlohmann::json(nullptr);
    j["time_to_oom_s"] =
        f.time_to_oom_s ? nlohmann::json(*f.time_to_oom_s) : nlohmann::json(nullptr);
  }
  return j;
}

void write_findings_text(std::ostream& out, std::span<const Finding> findings, bool utc) {
  if (findings.empty()) {
    out << "no findings\n";
    return;
  }
  for (const Finding& f : findings) out << finding_line(f, utc) << "\n";
}

}  // namespace pw
