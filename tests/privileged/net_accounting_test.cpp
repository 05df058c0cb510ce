// Network bytes, connections and retransmits against known transfers.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "bpf_test_support.h"
#include "collect/collector.h"

namespace pw::testing {
namespace {

constexpr std::uint64_t kBytes = 50ULL << 20;  // 50 MiB

double ratio(std::optional<std::uint64_t> a, std::uint64_t b) {
  return a ? static_cast<double>(*a) / static_cast<double>(b) : 0.0;
}

const Connection* find_connection(const ProcessSample& p, const std::string& state,
                                  const std::string& endpoint_part) {
  for (const auto& c : p.connections)
    if (c.state == state && (c.local.find(endpoint_part) != std::string::npos ||
                             c.remote.find(endpoint_part) != std::string::npos))
      return &c;
  return nullptr;
}

TEST(NetAccounting, LoopbackTcpTransferIsCountedOnBothSides) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_network()) << collector.notices().front();
  const std::string port = std::to_string(20000 + ::getpid() % 20000);
  const TcpTransfer t = loopback_tcp_transfer(collector, port, kBytes);
  const ProcessSample* tx = find_process(t.sample, t.client);
  const ProcessSample* rx = find_process(t.sample, t.server);
  ASSERT_TRUE(tx && rx);
  EXPECT_NEAR(ratio(tx->counters.get(Counter::NetTxBytes), kBytes), 1.0, 0.001);
  EXPECT_NEAR(ratio(rx->counters.get(Counter::NetRxBytes), kBytes), 1.0, 0.001);
  EXPECT_EQ(tx->counters.get(Counter::TcpActiveOpens), 1u);
  EXPECT_EQ(rx->counters.get(Counter::TcpPassiveOpens), 1u);

  // The connection, with both endpoints, on both sides.
  const Connection* c = find_connection(*tx, "ESTABLISHED", "127.0.0.1:" + port);
  ASSERT_NE(c, nullptr) << "client connections: " << tx->connections.size();
  EXPECT_EQ(c->remote, "127.0.0.1:" + port);
  EXPECT_EQ(c->tx_bytes, kBytes);
  EXPECT_TRUE(c->srtt_us.has_value());
  const Connection* a = find_connection(*rx, "ESTABLISHED", "127.0.0.1:" + port);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->local, "127.0.0.1:" + port);
  EXPECT_EQ(a->remote, c->local);
  EXPECT_EQ(a->rx_bytes, kBytes);
  EXPECT_NE(find_connection(*rx, "LISTEN", ":" + port), nullptr);
}

TEST(NetAccounting, UdpSenderBytesAreExact) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  constexpr std::uint64_t kUdpBytes = 200'000;
  const std::string port = std::to_string(40000 + ::getpid() % 20000);
  Workload server({testprog("netpeer"), "udp-server", port, std::to_string(kUdpBytes)});
  ASSERT_EQ(server.read_line(), "listening");
  Workload client({testprog("netpeer"), "udp-client", port, std::to_string(kUdpBytes)});
  ASSERT_EQ(client.read_line(), "done");
  // The sender is done; the receiver may not have run yet on a busy machine.
  Sample s;
  const ProcessSample *tx = nullptr, *rx = nullptr;
  for (int i = 0; i < 40; ++i) {
    s = collector.collect();
    tx = find_process(s, client.pid());
    rx = find_process(s, server.pid());
    if (rx && rx->counters.get(Counter::NetRxBytes).value_or(0) > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_TRUE(tx && rx);
  EXPECT_EQ(tx->counters.get(Counter::NetTxBytes), kUdpBytes);
  EXPECT_EQ(tx->counters.get(Counter::NetTxCalls), kUdpBytes / 1000);
  // Loopback UDP may drop when the receiver lags; never more than sent.
  EXPECT_GT(rx->counters.get(Counter::NetRxBytes).value_or(0), 0u);
  EXPECT_LE(rx->counters.get(Counter::NetRxBytes).value_or(0), kUdpBytes);
}

// Two network namespaces of our own joined by a veth pair; the receiver's
// firewall drops 10% of the data segments, so the sender retransmits. The
// retransmit timer runs in softirq context: it must still be charged to
// the sending process, not to PID 0 or the receiver.
class LossyLink {
 public:
  LossyLink() : a_("pwA" + std::to_string(::getpid())), b_("pwB" + std::to_string(::getpid())) {
    run_or_throw("ip netns add " + a_);
    run_or_throw("ip netns add " + b_);
    run_or_throw("ip link add pwa" + suffix() + " type veth peer name pwb" + suffix());
    run_or_throw("ip link set pwa" + suffix() + " netns " + a_);
    run_or_throw("ip link set pwb" + suffix() + " netns " + b_);
    // 192.0.2.0/24 is TEST-NET-1: documentation only, never routed.
    run_or_throw("ip -n " + a_ + " addr add 192.0.2.1/24 dev pwa" + suffix());
    run_or_throw("ip -n " + b_ + " addr add 192.0.2.2/24 dev pwb" + suffix());
    for (const auto& ns : {a_, b_}) run_or_throw("ip -n " + ns + " link set lo up");
    run_or_throw("ip -n " + a_ + " link set pwa" + suffix() + " up");
    run_or_throw("ip -n " + b_ + " link set pwb" + suffix() + " up");
    run_or_throw("ip netns exec " + b_ +
                 " nft 'add table inet pw; add chain inet pw in { type filter hook input "
                 "priority 0; }; add rule inet pw in tcp dport 7000 numgen random mod 100 < 10 "
                 "drop'");
  }
  ~LossyLink() {
    std::system(("ip netns del " + a_ + " 2>/dev/null").c_str());
    std::system(("ip netns del " + b_ + " 2>/dev/null").c_str());
  }
  const std::string& sender_ns() const { return a_; }
  const std::string& receiver_ns() const { return b_; }

  std::uint64_t retrans_segs(const std::string& ns) const {
    FILE* f = ::popen(("ip netns exec " + ns + " cat /proc/net/snmp").c_str(), "r");
    std::string text;
    char buf[1024];
    while (f && std::fgets(buf, sizeof buf, f)) text += buf;
    if (f) ::pclose(f);
    // Two "Tcp:" lines: names, then values.
    std::istringstream in(text);
    std::string line, names;
    while (std::getline(in, line)) {
      if (line.rfind("Tcp:", 0) != 0) continue;
      if (names.empty()) {
        names = line;
        continue;
      }
      std::istringstream n(names), v(line);
      std::string name, value;
      while (n >> name && v >> value)
        if (name == "RetransSegs") return std::stoull(value);
    }
    return 0;
  }

 private:
  std::string suffix() const { return std::to_string(::getpid() % 100000); }
  std::string a_, b_;
};

TEST(NetAccounting, RetransmitsAreChargedToTheSender) {
  PW_REQUIRE_BPF();
  LossyLink link;
  const CollectorOptions options;
  Collector collector(options);
  constexpr std::uint64_t kLossyBytes = 4ULL << 20;
  Workload server({"/usr/sbin/ip", "netns", "exec", link.receiver_ns(), testprog("netpeer"),
                   "tcp-server", "7000", std::to_string(kLossyBytes)});
  ASSERT_EQ(server.read_line(), "listening");
  Workload client({"/usr/sbin/ip", "netns", "exec", link.sender_ns(), testprog("netpeer"),
                   "tcp-client", "7000", std::to_string(kLossyBytes), "192.0.2.2"});
  ASSERT_EQ(client.read_line(), "done");
  ASSERT_EQ(server.read_line(), "done");

  const Sample s = collector.collect();
  const ProcessSample* tx = find_process(s, client.pid());
  const ProcessSample* rx = find_process(s, server.pid());
  ASSERT_TRUE(tx && rx);
  const std::uint64_t sender = tx->counters.get(Counter::TcpRetransmits).value_or(0);
  const std::uint64_t receiver = rx->counters.get(Counter::TcpRetransmits).value_or(0);
  const std::uint64_t truth = link.retrans_segs(link.sender_ns());
  EXPECT_GT(truth, 0u) << "the lossy link dropped nothing";
  EXPECT_GT(sender, 0u);
  // One tracepoint per retransmitted skb; the kernel counts segments, and a
  // GSO skb may hold several.
  EXPECT_LE(sender, truth);
  EXPECT_EQ(receiver, 0u);
  EXPECT_EQ(tx->counters.get(Counter::NetTxBytes), kLossyBytes);
}

}  // namespace
}  // namespace pw::testing
