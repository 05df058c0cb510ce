// Routes libbpf's printouts through procwatch's logger: hidden by default,
// shown with -vv, and the last lines kept so a failed load can explain
// itself in one place.
#pragma once

#include <string>
#include <vector>

namespace pw {

void install_libbpf_logging();
// The most recent libbpf warnings/errors (verifier output included).
std::vector<std::string> recent_libbpf_messages();
void clear_libbpf_messages();

}  // namespace pw
