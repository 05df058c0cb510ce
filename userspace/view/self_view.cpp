#include "view/self_view.h"

#include <algorithm>
#include <cstdio>

#include "model/fields.h"

namespace pw {
namespace {

std::string number(std::optional<double> v, const char* fmt) {
  if (!v) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, fmt, *v);
  return buf;
}

std::string bytes(std::uint64_t v) {
  return format_cell(field(FieldId::RssBytes), static_cast<std::int64_t>(v));
}

}  // namespace

std::vector<std::string> self_view_lines(const Model& model) {
  const SelfRow& self = model.self;
  std::vector<std::string> out;
  out.push_back("procwatch userspace: CPU " + number(self.cpu_pct, "%.2f") + "% of one core, RSS " +
                bytes(self.rss_bytes));
  if (self.programs.empty()) {
    out.push_back(
        "BPF programs: statistics off (they cost a little per event; "
        "the self view and 'procwatch status' turn them on)");
    return out;
  }
  out.push_back("BPF programs: " + number(self.kernel_cpu_pct, "%.2f") + "% of one core in " +
                std::to_string(self.programs.size()) + " programs");
  char line[160];
  std::snprintf(line, sizeof line, "%-26s %-10s %12s %10s %7s", "PROGRAM", "OBJECT", "EVENTS/s",
                "ns/event", "CPU%");
  out.push_back(line);
  std::vector<const ProgramRow*> rows;
  for (const auto& p : self.programs) rows.push_back(&p);
  std::stable_sort(rows.begin(), rows.end(), [](const ProgramRow* a, const ProgramRow* b) {
    return a->cpu_pct.value_or(0) > b->cpu_pct.value_or(0);
  });
  for (const ProgramRow* p : rows) {
    std::snprintf(line, sizeof line, "%-26s %-10s %12s %10s %7s", p->name.c_str(),
                  p->object.c_str(), number(p->events_per_s, "%.0f").c_str(),
                  number(p->ns_per_event, "%.0f").c_str(), number(p->cpu_pct, "%.3f").c_str());
    out.push_back(line);
  }
  return out;
}

void write_self_text(std::ostream& out, const Model& model,
                     const std::vector<std::string>& notices) {
  char head[96];
  std::snprintf(head, sizeof head, "procwatch self-overhead over %.1f s", model.interval_s());
  out << head << "\n";
  for (const auto& l : self_view_lines(model)) out << l << "\n";
  out << "lifecycle events dropped: " << model.system.events_dropped << "\n";
  for (const auto& n : notices) out << "notice: " << n << "\n";
}

nlohmann::ordered_json self_json(const Model& model, const std::vector<std::string>& notices) {
  auto opt = [](std::optional<double> v) -> nlohmann::ordered_json {
    if (!v) return nullptr;
    return *v;
  };
  nlohmann::ordered_json j;
  j["interval_s"] = model.interval_s();
  j["userspace_cpu_pct"] = opt(model.self.cpu_pct);
  j["rss_bytes"] = model.self.rss_bytes;
  j["kernel_cpu_pct"] = opt(model.self.kernel_cpu_pct);
  j["events_dropped"] = model.system.events_dropped;
  auto programs = nlohmann::ordered_json::array();
  for (const auto& p : model.self.programs)
    programs.push_back({{"name", p.name},
                        {"object", p.object},
                        {"events_per_sec", opt(p.events_per_s)},
                        {"ns_per_event", opt(p.ns_per_event)},
                        {"cpu_pct", opt(p.cpu_pct)}});
  j["programs"] = programs;
  j["notices"] = notices;
  return j;
}

}  // namespace pw
