// The steps of the BPF lifecycle that every object shares (open and
// configure are per skeleton): load with a clear error, attach each program
// with a clear error, and the tracefs requirement of classic tracepoints.
//
// Kernels refuse single programs (lockdown, an LSM, a program type or
// tracepoint this kernel lacks), so a refusal is recorded per program and
// the rest of the object keeps working: load_with_degradation() disables a
// refused program and loads the object again without it.
#pragma once

#include <bpf/libbpf.h>

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "probe/bpf_handles.h"

namespace pw {

enum class ProgramStatus {
  Attached,       // loaded and running
  Detached,       // loaded; its links are off now (the CPU budget)
  LoadRefused,    // the kernel refused to load it; the object loaded without it
  AttachRefused,  // loaded, but attaching failed
  Disabled,       // switched off by the user (PROCWATCH_DISABLE_PROGRAMS)
  Unused,         // not needed on this kernel (another variant or a fallback runs)
};

// "attached", "detached", "refused at load", ...
const char* program_status_name(ProgramStatus status);

// How one program of an object fared at load and attach.
struct ProgramOutcome {
  std::string program;  // name in the .bpf.c
  std::string section;  // "tp_btf/sched_switch"
  ProgramStatus status = ProgramStatus::Unused;
  int err = 0;         // errno of a refusal
  std::string reason;  // the refusal in one sentence (errno, verifier's words, hint)
};

// One attached program and its link.
struct ProgramLink {
  const bpf_program* program = nullptr;
  LinkPtr link;
};

// "<step> of BPF object '<object>' failed: <strerror> (errno N)", plus the
// last libbpf line that explains it (the verifier's verdict, usually).
std::string bpf_step_error(std::string_view object, std::string_view step, int err);

// What a refusal with this errno usually means, for the user.
std::string refusal_hint(int err);

// Mounts tracefs first if an autoloaded program is a classic tracepoint.
Status load_object(bpf_object* obj, std::string_view object);

// The autoloaded program that libbpf names in its last messages as the one
// that failed to load, or nothing when the failure is not a program's.
std::optional<std::string> refused_program(bpf_object* obj);

// Attaches every autoloaded, autoattached program. A program that cannot
// attach is left out and recorded in `refused` (name, errno, reason); the
// others keep their links. Returns the number attached.
std::size_t attach_programs(bpf_object* obj, std::string_view object,
                            std::vector<ProgramLink>& links, std::vector<ProgramOutcome>* refused);

// The link attach_programs() made for `prog`, or nullptr.
bpf_link* link_of(const std::vector<ProgramLink>& links, const bpf_program* prog);

// Turns autoload on for programs whose section starts with `prefix` and off
// for the other prefixes listed; used to pick one attach variant.
void select_variant(bpf_object* obj, std::string_view prefix,
                    const std::vector<std::string_view>& all_prefixes);

// Switches off autoload of the programs named in `off`.
void disable_programs(bpf_object* obj, const std::set<std::string>& off);

// Programs of the object with autoload on.
std::size_t autoloaded_programs(bpf_object* obj);

// Opens, configures and loads one object, giving up programs one at a
// time: when the load fails and libbpf names the program that failed, that
// program is recorded in `refusals`, added to `off`, and the object is
// opened and loaded again without it. `attempt` opens and configures a
// fresh object with the programs in `off` switched off and returns it (or
// null with an error), then loads it. Fails only when the failure is not a
// program's, or when every program was refused.
struct LoadAttempt {
  std::function<Status(const std::set<std::string>& off)> open_and_configure;
  std::function<bpf_object*()> object;  // of the last open
};
Status load_with_degradation(std::string_view object, const LoadAttempt& attempt,
                             std::set<std::string>& off, std::vector<ProgramOutcome>& refusals);

// The outcome of every program of a loaded object: attached, detached (no
// links while `detached`), refused, disabled or unused.
std::vector<ProgramOutcome> program_outcomes(bpf_object* obj, const std::vector<ProgramLink>& links,
                                             const std::vector<ProgramOutcome>& refusals,
                                             const std::set<std::string>& user_disabled,
                                             bool detached);

}  // namespace pw
