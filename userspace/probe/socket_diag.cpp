#include "probe/socket_diag.h"

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/tcp.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>

#include "common/log.h"

namespace pw {
namespace {

constexpr std::uint32_t kTcpTimeWait = 6, kTcpNewSynRecv = 12;

}  // namespace

Status SocketDiag::dump(std::vector<DiagSocket>& out) {
  out.clear();
  if (!fd_.valid()) {
    fd_.reset(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!fd_.valid())
      return Status::error("opening a sock_diag netlink socket failed: " + errno_text(errno));
  }
  for (std::uint8_t family : {AF_INET, AF_INET6}) {
    if (Status s = dump_one(family, IPPROTO_TCP, out); !s) return s;
    if (udp_unavailable_) continue;
    if (Status s = dump_one(family, IPPROTO_UDP, out); !s) {
      // Kernels built without udp_diag answer EINVAL or ENOENT.
      udp_unavailable_ = true;
      log_info("UDP sockets missing from the connection list: " + s.message());
    }
  }
  return Status::ok();
}

Status SocketDiag::dump_one(std::uint8_t family, std::uint8_t protocol,
                            std::vector<DiagSocket>& out) {
  struct {
    nlmsghdr nlh;
    inet_diag_req_v2 req;
  } request{};
  request.nlh.nlmsg_len = sizeof request;
  request.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.nlh.nlmsg_seq = ++seq_;
  request.req.sdiag_family = family;
  request.req.sdiag_protocol = protocol;
  // Time-wait and request sockets have no socket storage either way.
  request.req.idiag_states = ~((1u << kTcpTimeWait) | (1u << kTcpNewSynRecv));
  if (protocol == IPPROTO_TCP) request.req.idiag_ext = 1u << (INET_DIAG_INFO - 1);
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd_.get(), &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof kernel) < 0)
    return Status::error("sock_diag request failed: " + errno_text(errno));

  // Netlink dumps arrive a few dozen sockets per datagram.
  alignas(nlmsghdr) static thread_local std::array<char, 1 << 16> buf;
  const char* what = protocol == IPPROTO_TCP ? "TCP" : "UDP";
  for (;;) {
    const ssize_t n = ::recv(fd_.get(), buf.data(), buf.size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::error(std::string("reading the sock_diag ") + what +
                           " dump failed: " + errno_text(errno));
    }
    auto len = static_cast<std::uint32_t>(n);
    for (auto* h = reinterpret_cast<nlmsghdr*>(buf.data()); NLMSG_OK(h, len);
         h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_seq != seq_) continue;
      if (h->nlmsg_type == NLMSG_DONE) return Status::ok();
      if (h->nlmsg_type == NLMSG_ERROR) {
        const auto* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        return Status::error(std::string("sock_diag ") + what +
                             " dump refused: " + errno_text(e->error));
      }
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY) continue;
      const auto* msg = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
      DiagSocket d;
      d.family = msg->idiag_family;
      d.protocol = protocol;
      d.state = msg->idiag_state;
      d.local_port = ntohs(msg->id.idiag_sport);
      d.remote_port = ntohs(msg->id.idiag_dport);
      std::memcpy(d.local_addr, msg->id.idiag_src, d.family == AF_INET ? 4 : 16);
      std::memcpy(d.remote_addr, msg->id.idiag_dst, d.family == AF_INET ? 4 : 16);
      // sock_diag_save_cookie(): low half first.
      d.cookie = static_cast<std::uint64_t>(msg->id.idiag_cookie[0]) |
                 static_cast<std::uint64_t>(msg->id.idiag_cookie[1]) << 32;
      d.inode = msg->idiag_inode;
      int rta_len = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof *msg));
      for (auto* a = reinterpret_cast<rtattr*>(const_cast<inet_diag_msg*>(msg) + 1);
           RTA_OK(a, rta_len); a = RTA_NEXT(a, rta_len)) {
        if (a->rta_type != INET_DIAG_INFO) continue;
        tcp_info info{};
        std::memcpy(&info, RTA_DATA(a), std::min<std::size_t>(RTA_PAYLOAD(a), sizeof info));
        d.rtt_us = info.tcpi_rtt;
      }
      out.push_back(d);
    }
  }
}

}  // namespace pw
