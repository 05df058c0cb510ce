#include "probe/preflight.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include <fstream>
#include <sstream>

namespace pw {
namespace {

constexpr int kCapSysAdmin = 21;
constexpr int kCapPerfmon = 38;
constexpr int kCapBpf = 39;

bool has_cap(std::uint64_t caps, int cap) { return (caps >> cap) & 1; }

}  // namespace

std::uint64_t parse_cap_eff(const std::string& status_text) {
  std::istringstream in(status_text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("CapEff:", 0) != 0) continue;
    try {
      return std::stoull(line.substr(7), nullptr, 16);
    } catch (...) {
      return 0;
    }
  }
  return 0;
}

PreflightInputs probe_preflight_inputs() {
  PreflightInputs in;
  std::ifstream status("/proc/self/status");
  std::stringstream text;
  text << status.rdbuf();
  in.effective_caps = parse_cap_eff(text.str());
  std::error_code ec;
  in.btf_present = std::filesystem::exists("/sys/kernel/btf/vmlinux", ec);
  // A socket filter is the most basic program type: if even that cannot be
  // loaded, bpf() itself is unavailable or forbidden.
  const int r = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_SOCKET_FILTER, nullptr);
  in.bpf_syscall_works = r == 1;
  in.bpf_syscall_errno = r < 0 ? -r : 0;
  return in;
}

Status evaluate_preflight(const PreflightInputs& in) {
  const bool privileged =
      has_cap(in.effective_caps, kCapSysAdmin) ||
      (has_cap(in.effective_caps, kCapBpf) && has_cap(in.effective_caps, kCapPerfmon));
  if (!privileged)
    return Status::error(
        "procwatch needs root (or the CAP_BPF and CAP_PERFMON capabilities) to load its eBPF "
        "programs; run it with sudo.");
  if (!in.btf_present)
    return Status::error(
        "this kernel exposes no BTF type information (/sys/kernel/btf/vmlinux is missing); "
        "procwatch needs a kernel built with CONFIG_DEBUG_INFO_BTF=y.");
  if (!in.bpf_syscall_works)
    return Status::error(
        "the bpf() system call is unavailable here (kernel without CONFIG_BPF_SYSCALL, or "
        "blocked by seccomp or lockdown" +
        std::string(in.bpf_syscall_errno ? ", errno " + std::to_string(in.bpf_syscall_errno) : "") +
        ").");
  return Status::ok();
}

}  // namespace pw
