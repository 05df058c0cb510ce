#include "probe/object_loader.h"

#include <algorithm>
#include <cerrno>

#include "probe/libbpf_logging.h"
#include "probe/tracefs.h"

namespace pw {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

const char* program_status_name(ProgramStatus status) {
  switch (status) {
    case ProgramStatus::Attached:
      return "attached";
    case ProgramStatus::Detached:
      return "detached";
    case ProgramStatus::LoadRefused:
      return "refused at load";
    case ProgramStatus::AttachRefused:
      return "refused at attach";
    case ProgramStatus::Disabled:
      return "disabled";
    case ProgramStatus::Unused:
      return "unused";
  }
  return "?";
}

std::string bpf_step_error(std::string_view object, std::string_view step, int err) {
  std::string msg =
      std::string(step) + " of BPF object '" + std::string(object) + "' failed: " + errno_text(err);
  // The verifier's last words, or libbpf's reason, are the useful part.
  // The verifier's verdict is the last log line before libbpf's own
  // "-- END PROG LOAD LOG --" / "failed to load" summary lines.
  const auto recent = recent_libbpf_messages();
  for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
    const std::string& line = *it;
    if (line.empty() || line.find("libbpf:") != std::string::npos ||
        line.find("END PROG LOAD LOG") != std::string::npos || line.rfind("processed ", 0) == 0 ||
        line.rfind("verification time", 0) == 0 || line.rfind("stack depth", 0) == 0 ||
        line.rfind("prog '", 0) == 0 || line.rfind("failed to load object", 0) == 0)
      continue;
    msg += " [" + line + "]";
    break;
  }
  return msg;
}

std::string refusal_hint(int err) {
  if (err < 0) err = -err;
  switch (err) {
    case EPERM:
      return "this kernel forbids the program type here (lockdown, an LSM, or a restricted "
             "program type)";
    case EACCES:
      return "the verifier rejected the program on this kernel";
    case EINVAL:
    case ENOTSUP:
      return "this kernel does not support the program's type or helpers";
    case ENOENT:
    case ESRCH:
      return "the tracepoint or kernel type it needs does not exist on this kernel";
    case E2BIG:
      return "the program is too large for this kernel's verifier";
    default:
      return "";
  }
}

Status load_object(bpf_object* obj, std::string_view object) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (bpf_program__autoload(prog) && bpf_program__type(prog) == BPF_PROG_TYPE_TRACEPOINT) {
      if (Status s = ensure_tracefs(); !s) return s;
      break;
    }
  }
  clear_libbpf_messages();
  if (int err = bpf_object__load(obj); err)
    return Status::error(bpf_step_error(object, "load", err), -std::abs(err));
  return Status::ok();
}

std::optional<std::string> refused_program(bpf_object* obj) {
  // libbpf names the program in every line about it: "prog 'NAME': BPF
  // program load failed: ...", "prog 'NAME': failed to load: -1",
  // "prog 'NAME': failed to find kernel BTF type ID of ...".
  const auto recent = recent_libbpf_messages();
  for (auto it = recent.rbegin(); it != recent.rend(); ++it) {
    const std::size_t at = it->find("prog '");
    if (at == std::string::npos || it->find("fail", at) == std::string::npos) continue;
    const std::size_t begin = at + 6;
    const std::size_t end = it->find('\'', begin);
    if (end == std::string::npos) continue;
    const std::string name = it->substr(begin, end - begin);
    bpf_program* prog = bpf_object__find_program_by_name(obj, name.c_str());
    if (prog && bpf_program__autoload(prog)) return name;
  }
  return std::nullopt;
}

std::size_t attach_programs(bpf_object* obj, std::string_view object,
                            std::vector<ProgramLink>& links, std::vector<ProgramOutcome>* refused) {
  std::size_t attached = 0;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    // Programs with autoattach off are attached by their owner (e.g. map
    // iterators, which need the map).
    if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog)) continue;
    if (refused && std::any_of(refused->begin(), refused->end(), [&](const ProgramOutcome& o) {
          return o.program == bpf_program__name(prog);
        }))
      continue;
    clear_libbpf_messages();
    bpf_link* link = bpf_program__attach(prog);
    if (!link) {
      const int err = errno;
      ProgramOutcome o{bpf_program__name(prog), bpf_program__section_name(prog),
                       ProgramStatus::AttachRefused, err,
                       bpf_step_error(object,
                                      std::string("attach of program '") + bpf_program__name(prog) +
                                          "' (" + bpf_program__section_name(prog) + ")",
                                      err)};
      if (refused) refused->push_back(std::move(o));
      continue;
    }
    links.push_back({prog, LinkPtr(link)});
    ++attached;
  }
  return attached;
}

bpf_link* link_of(const std::vector<ProgramLink>& links, const bpf_program* prog) {
  for (const ProgramLink& l : links)
    if (l.program == prog) return l.link.get();
  return nullptr;
}

void select_variant(bpf_object* obj, std::string_view prefix,
                    const std::vector<std::string_view>& all_prefixes) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    const std::string_view sec = bpf_program__section_name(prog);
    for (auto p : all_prefixes)
      if (starts_with(sec, p)) bpf_program__set_autoload(prog, starts_with(sec, prefix));
  }
}

void disable_programs(bpf_object* obj, const std::set<std::string>& off) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    if (off.count(bpf_program__name(prog))) bpf_program__set_autoload(prog, false);
  }
}

std::size_t autoloaded_programs(bpf_object* obj) {
  std::size_t n = 0;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) n += bpf_program__autoload(prog) ? 1 : 0;
  return n;
}

Status load_with_degradation(std::string_view object, const LoadAttempt& attempt,
                             std::set<std::string>& off, std::vector<ProgramOutcome>& refusals) {
  // Each round either loads or gives up one more program, so this ends.
  for (;;) {
    if (Status s = attempt.open_and_configure(off); !s) return s;
    bpf_object* obj = attempt.object();
    disable_programs(obj, off);
    if (autoloaded_programs(obj) == 0)
      return Status::error("every program of BPF object '" + std::string(object) +
                           "' was refused or disabled");
    Status s = load_object(obj, object);
    if (s) return s;
    const std::optional<std::string> name = refused_program(obj);
    if (!name) return s;
    bpf_program* prog = bpf_object__find_program_by_name(obj, name->c_str());
    const int err = s.code() ? s.code() : -EINVAL;
    std::string reason = s.message();
    if (std::string hint = refusal_hint(err); !hint.empty()) reason += "; " + hint;
    refusals.push_back({*name, bpf_program__section_name(prog), ProgramStatus::LoadRefused,
                        std::abs(err), std::move(reason)});
    off.insert(*name);
  }
}

std::vector<ProgramOutcome> program_outcomes(bpf_object* obj, const std::vector<ProgramLink>& links,
                                             const std::vector<ProgramOutcome>& refusals,
                                             const std::set<std::string>& user_disabled,
                                             bool detached) {
  std::vector<ProgramOutcome> out;
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    const std::string name = bpf_program__name(prog);
    auto refusal = std::find_if(refusals.begin(), refusals.end(),
                                [&](const ProgramOutcome& o) { return o.program == name; });
    if (refusal != refusals.end()) {
      out.push_back(*refusal);
      continue;
    }
    ProgramOutcome o{name, bpf_program__section_name(prog), ProgramStatus::Unused, 0, ""};
    if (user_disabled.count(name))
      o.status = ProgramStatus::Disabled;
    else if (!bpf_program__autoload(prog))
      o.status = ProgramStatus::Unused;
    else if (link_of(links, prog) || !bpf_program__autoattach(prog))
      // Iterators without a link of their own are driven on demand.
      o.status = ProgramStatus::Attached;
    else
      o.status = detached ? ProgramStatus::Detached : ProgramStatus::Attached;
    out.push_back(std::move(o));
  }
  return out;
}

}  // namespace pw
