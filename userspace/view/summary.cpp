#include "view/summary.h"

#include <cstdio>
#include <ctime>
#include <optional>

#include "model/fields.h"

namespace pw {
namespace {

std::string pct(const std::optional<double>& v) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", *v);
  return buf;
}

std::string bytes(std::uint64_t v) {
  if (v == 0) return "-";  // /proc/meminfo not read
  // Same units as the byte columns.
  static const FieldDef kBytes{.format = FieldFormat::Bytes};
  return format_cell(kBytes, static_cast<double>(v));
}

}  // namespace

std::string format_interval(double interval_s) {
  if (!(interval_s > 0)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2fs", interval_s);
  return buf;
}

std::string cpu_summary(const SystemRow& s) {
  return "CPU: " + pct(s.cpu_busy_pct) + " busy, " + pct(s.cpu_user_pct) + " usr, " +
         pct(s.cpu_system_pct) + " sys, " + pct(s.cpu_iowait_pct) + " iowait, " +
         pct(s.cpu_steal_pct) + " steal";
}

std::string tasks_summary(const Model& model) {
  const SystemRow& s = model.system;
  std::string out = "Tasks: " + std::to_string(s.num_processes) + " processes, " +
                    std::to_string(s.num_threads) + " threads, " + std::to_string(s.num_running) +
                    " running";
  if (model.sample) {
    char buf[64];
    const SystemSample& sys = model.sample->system;
    std::snprintf(buf, sizeof buf, "; load %.2f %.2f %.2f", sys.load1, sys.load5, sys.load15);
    out += buf;
  }
  return out;
}

std::string memory_summary(const Model& model) {
  if (!model.sample) return "Memory: -";
  const SystemSample& sys = model.sample->system;
  return "Memory: " + bytes(sys.mem_total_bytes) + " total, " + bytes(sys.mem_available_bytes) +
         " available";
}

std::string events_summary(const SystemRow& s) {
  std::string out = "Events: ";
  if (s.events_per_s) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.1f/s", *s.events_per_s);
    out += buf;
  } else {
    out += "-/s";
  }
  out += ", " + std::to_string(s.events_dropped) + " dropped";
  if (s.dropped_in_interval)
    out += " (+" + std::to_string(*s.dropped_in_interval) + " this interval)";
  return out;
}

}  // namespace pw
