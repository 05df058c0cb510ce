// The steps of the BPF lifecycle that every object shares (open and
// configure are per skeleton): load with a clear error, attach each program
// with a clear error, and the tracefs requirement of classic tracepoints.
#pragma once

#include <bpf/libbpf.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "probe/bpf_handles.h"

namespace pw {

// "<step> of BPF object '<object>' failed: <strerror> (errno N)", plus the
// last libbpf line that explains it (the verifier's verdict, usually).
std::string bpf_step_error(std::string_view object, std::string_view step, int err);

// Mounts tracefs first if an autoloaded program is a classic tracepoint.
Status load_object(bpf_object* obj, std::string_view object);

// Attaches every autoloaded program; on failure names the program.
Status attach_programs(bpf_object* obj, std::string_view object, std::vector<LinkPtr>& links);

// The link attach_programs() made for `prog` (links are in program order).
bpf_link* link_of(bpf_object* obj, const std::vector<LinkPtr>& links, const bpf_program* prog);

// Turns autoload on for programs whose section starts with `prefix` and off
// for the other prefixes listed; used to pick one attach variant.
void select_variant(bpf_object* obj, std::string_view prefix,
                    const std::vector<std::string_view>& all_prefixes);

}  // namespace pw
