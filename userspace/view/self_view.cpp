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

void add_map_lines(const SelfRow& self, std::vector<std::string>& out) {
  if (self.maps.empty()) return;
  out.emplace_back();
  out.emplace_back(
      "BPF maps (entries now; dead processes' entries are removed each refresh; n/a: task and "
      "socket storage, freed with their task or socket, and ring buffers)");
  char line[160];
  std::snprintf(line, sizeof line, "%-26s %-10s %12s %12s %7s", "MAP", "OBJECT", "ENTRIES",
                "CAPACITY", "USED%");
  out.push_back(line);
  for (const MapUsage& m : self.maps) {
    std::string entries = "-", used = "-";
    if (m.entries) {
      entries = std::to_string(*m.entries);
      if (m.max_entries)
        used = number(100.0 * static_cast<double>(*m.entries) / m.max_entries, "%.1f");
    } else {
      entries = "n/a";
    }
    std::snprintf(line, sizeof line, "%-26s %-10s %12s %12s %7s", m.name.c_str(), m.object.c_str(),
                  entries.c_str(), m.entries ? std::to_string(m.max_entries).c_str() : "-",
                  used.c_str());
    out.push_back(line);
  }
}

// "probes: sched on, net sampled 1 in 4, io off, ..."; empty for a Sample
// that does not say (recordings, hand-built tests).
std::string probes_line(const SelfSample& self) {
  if (self.probes.empty()) return "";
  std::string out = "probes:";
  for (const ProbeState& p : self.probes) {
    out += " " + p.object +
           (!p.loaded        ? " not loaded"
            : !p.attached    ? " off"
            : p.sample_shift ? " sampled 1 in " + std::to_string(1u << p.sample_shift)
                             : " on");
    out += ',';
  }
  out.pop_back();
  return out;
}

// Programs that do not run, and why: "  net/dump_sockets: refused at load
// (Operation not permitted ...)". Running ones are in the table below.
void add_program_state_lines(const SelfSample& self, std::vector<std::string>& out) {
  std::size_t up = 0, all = 0, unused = 0;
  std::vector<std::string> lines;
  for (const ProbeState& p : self.probes) {
    for (const ProgramState& g : p.programs) {
      ++all;
      if (g.up) {
        ++up;
        continue;
      }
      if (g.status == "unused") {
        --all;
        ++unused;
        continue;
      }
      lines.push_back("  " + p.object + "/" + g.program + " (" + g.section + "): " + g.status +
                      (g.reason.empty() ? "" : " - " + g.reason));
    }
  }
  if (all == 0) return;
  out.push_back("programs: " + std::to_string(up) + " of " + std::to_string(all) + " attached" +
                (unused ? " (" + std::to_string(unused) + " variants unused on this kernel)"
                        : std::string()) +
                (lines.empty() ? "" : "; not running:"));
  out.insert(out.end(), lines.begin(), lines.end());
}

std::string budget_line(const BudgetState& b) {
  if (!b.enabled) return "CPU budget: off";
  return "CPU budget: userspace " + number(b.userspace_pct, "%.2f") + "%, BPF " +
         number(b.kernel_pct, "%.2f") + "% of one core; " +
         (b.degraded ? b.description : std::string("within budget"));
}

}  // namespace

std::vector<std::string> self_view_lines(const Model& model) {
  const SelfRow& self = model.self;
  std::vector<std::string> out;
  if (model.sample && model.sample->self.cpu_ns == 0 && model.sample->self.rss_bytes == 0) {
    out.emplace_back("procwatch's own cost is measured live; recordings do not keep it");
    return out;
  }
  out.push_back("procwatch userspace: CPU " + number(self.cpu_pct, "%.2f") + "% of one core, RSS " +
                bytes(self.rss_bytes));
  out.push_back("lifecycle events dropped (ring buffer full): " +
                std::to_string(model.system.events_dropped));
  if (model.sample && !model.sample->self.probes.empty()) {
    out.push_back(probes_line(model.sample->self));
    add_program_state_lines(model.sample->self, out);
    out.push_back(budget_line(model.sample->self.budget));
  }
  if (self.programs.empty()) {
    out.push_back(
        "BPF programs: statistics were off this interval (they cost a little per event, so "
        "they run only while this view or 'procwatch status' looks); figures from the next "
        "refresh");
    add_map_lines(self, out);
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
  add_map_lines(self, out);
  return out;
}

void write_self_text(std::ostream& out, const Model& model,
                     const std::vector<std::string>& notices) {
  char head[96];
  std::snprintf(head, sizeof head, "procwatch self-overhead over %.1f s", model.interval_s());
  out << head << "\n";
  for (const auto& l : self_view_lines(model)) out << l << "\n";
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
  auto maps = nlohmann::ordered_json::array();
  for (const auto& m : model.self.maps) {
    nlohmann::ordered_json e = {{"name", m.name}, {"object", m.object}};
    e["entries"] = m.entries ? nlohmann::ordered_json(*m.entries) : nullptr;
    e["max_entries"] = m.max_entries;
    maps.push_back(std::move(e));
  }
  j["maps"] = maps;
  auto probes = nlohmann::ordered_json::array();
  const SelfSample* self = model.sample ? &model.sample->self : nullptr;
  if (self)
    for (const ProbeState& p : self->probes) {
      auto programs = nlohmann::ordered_json::array();
      for (const ProgramState& g : p.programs)
        programs.push_back({{"program", g.program},
                            {"section", g.section},
                            {"status", g.status},
                            {"up", g.up},
                            {"reason", g.reason}});
      probes.push_back({{"object", p.object},
                        {"loaded", p.loaded},
                        {"attached", p.attached},
                        {"optional", p.optional},
                        {"sample_shift", p.sample_shift},
                        {"programs", std::move(programs)}});
    }
  j["probes"] = probes;
  if (self) {
    const BudgetState& b = self->budget;
    nlohmann::ordered_json budget = {{"enabled", b.enabled}};
    if (b.enabled) {
      budget["userspace_pct"] = b.userspace_pct;
      budget["kernel_pct"] = b.kernel_pct;
    }
    budget["interval_factor"] = b.interval_factor;
    budget["degraded"] = b.degraded;
    budget["description"] = b.description;
    budget["steps"] = b.steps;
    j["budget"] = budget;
  }
  j["notices"] = notices;
  return j;
}

}  // namespace pw
