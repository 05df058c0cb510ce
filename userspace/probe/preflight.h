// Checks made before any BPF object is opened, so that the common reasons
// for failure become one clear sentence instead of libbpf noise.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "common/error.h"

namespace pw {

struct PreflightInputs {
  std::uint64_t effective_caps = 0;  // CapEff bitmask
  bool btf_present = false;
  bool bpf_syscall_works = false;
  int bpf_syscall_errno = 0;
};

// Reads the real machine: /proc/self/status, /sys/kernel/btf/vmlinux, bpf().
PreflightInputs probe_preflight_inputs();

// Pure decision, unit-tested: ok, or the sentence to print.
Status evaluate_preflight(const PreflightInputs& in);

// Parses the CapEff line of a /proc/PID/status text; 0 if absent.
std::uint64_t parse_cap_eff(const std::string& status_text);

}  // namespace pw
