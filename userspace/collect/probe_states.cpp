#include "collect/probe_states.h"

#include "probe/program_roles.h"

namespace pw {

std::vector<ProbeState> probe_states(const ProbeSet& probes) {
  std::vector<ProbeState> out;
  auto optional = [&](const char* object, bool loaded) {
    ProbeState s;
    s.object = object;
    s.loaded = loaded;
    s.attached = probes.is_attached(object);
    s.optional = true;
    s.sample_shift = probes.sample_shift(object);
    out.push_back(std::move(s));
  };
  optional("sched", probes.has_scheduler());
  optional("net", probes.has_network());
  optional("io", probes.has_block_io());
  optional("mem", probes.has_memory());
  // Never detached: attached whenever loaded.
  auto fixed = [&](const char* object, bool loaded) {
    ProbeState s;
    s.object = object;
    s.loaded = loaded;
    s.attached = loaded;
    out.push_back(std::move(s));
  };
  fixed("lifecycle", probes.has_lifecycle());
  fixed("tasks", probes.has_task_iterator());
  fixed("oom", probes.has_oom());
  const std::vector<ObjectPrograms> programs = probes.programs();
  for (ProbeState& s : out) {
    for (const ObjectPrograms& o : programs) {
      if (o.object != s.object) continue;
      for (const ProgramOutcome& p : o.programs) {
        std::string reason = p.reason;
        const bool replaced = p.status == ProgramStatus::LoadRefused ||
                              p.status == ProgramStatus::AttachRefused ||
                              p.status == ProgramStatus::Disabled;
        if (replaced) {
          const ProgramRole role = program_role(o.object, p.program);
          if (!reason.empty()) reason += "; ";
          reason += role.fallback.empty() ? "lost: " + role.provides : "instead: " + role.fallback;
        }
        s.programs.push_back({p.program, p.section, program_status_name(p.status),
                              std::move(reason), p.status == ProgramStatus::Attached});
      }
    }
  }
  return out;
}

}  // namespace pw
