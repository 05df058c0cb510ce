#include "probe/object_loader.h"

#include "probe/libbpf_logging.h"
#include "probe/tracefs.h"

namespace pw {
namespace {

bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }

}  // namespace

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
        line.rfind("verification time", 0) == 0 || line.rfind("stack depth", 0) == 0)
      continue;
    msg += " [" + line + "]";
    break;
  }
  return msg;
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
    return Status::error(bpf_step_error(object, "load", err));
  return Status::ok();
}

Status attach_programs(bpf_object* obj, std::string_view object, std::vector<LinkPtr>& links) {
  bpf_program* prog;
  bpf_object__for_each_program(prog, obj) {
    // Programs with autoattach off are attached by their owner (e.g. map
    // iterators, which need the map).
    if (!bpf_program__autoload(prog) || !bpf_program__autoattach(prog)) continue;
    clear_libbpf_messages();
    bpf_link* link = bpf_program__attach(prog);
    if (!link) {
      const int err = errno;
      return Status::error(bpf_step_error(object,
                                          std::string("attach of program '") +
                                              bpf_program__name(prog) + "' (" +
                                              bpf_program__section_name(prog) + ")",
                                          err));
    }
    links.emplace_back(link);
  }
  return Status::ok();
}

bpf_link* link_of(bpf_object* obj, const std::vector<LinkPtr>& links, const bpf_program* prog) {
  std::size_t i = 0;
  bpf_program* p;
  bpf_object__for_each_program(p, obj) {
    if (!bpf_program__autoload(p) || !bpf_program__autoattach(p)) continue;
    if (p == prog) return i < links.size() ? links[i].get() : nullptr;
    ++i;
  }
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

}  // namespace pw
