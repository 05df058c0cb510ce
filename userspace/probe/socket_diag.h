// The kernel's own listing of IP sockets (sock_diag netlink, as ss(8) uses):
// addresses, state, RTT and the socket cookie of every TCP and UDP socket of
// this network namespace. The connection list falls back to it when the
// kernel refuses the socket-storage iterator; owners and bytes are joined by
// cookie (net.bpf.c, track_cookies).
#pragma once

#include <cstdint>
#include <vector>

#include "common/error.h"
#include "probe/bpf_handles.h"

namespace pw {

struct DiagSocket {
  std::uint64_t cookie = 0;
  std::uint8_t family = 0;                        // AF_INET / AF_INET6
  std::uint8_t protocol = 0;                      // IPPROTO_TCP / IPPROTO_UDP
  std::uint8_t state = 0;                         // TCP state as in include/net/tcp_states.h
  std::uint16_t local_port = 0, remote_port = 0;  // host order
  std::uint8_t local_addr[16] = {}, remote_addr[16] = {};
  std::uint32_t rtt_us = 0;  // TCP smoothed RTT; 0 = none
  std::uint32_t inode = 0;
};

class SocketDiag {
 public:
  SocketDiag() = default;
  // Every TCP (but TIME_WAIT and request sockets) and UDP socket, IPv4 and
  // IPv6. UDP is skipped when the kernel has no udp_diag.
  Status dump(std::vector<DiagSocket>& out);

 private:
  Status dump_one(std::uint8_t family, std::uint8_t protocol, std::vector<DiagSocket>& out);
  UniqueFd fd_;
  std::uint32_t seq_ = 0;
  bool udp_unavailable_ = false;
};

}  // namespace pw
