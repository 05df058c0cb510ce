// What each BPF program gives the user, and what takes over when the kernel
// refuses it: the second half of every "program X refused" notice.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pw {

struct ProgramRole {
  std::string provides;  // "per-process socket bytes sent"
  std::string fallback;  // empty when nothing takes over
};

ProgramRole program_role(std::string_view object, std::string_view program);

// "net:dump_sockets, on_tcp_retransmit_skb" -> {"net:dump_sockets",
// "on_tcp_retransmit_skb"} (commas or spaces separate).
std::vector<std::string> split_program_list(std::string_view text);

}  // namespace pw
