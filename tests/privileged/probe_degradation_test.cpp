// Degradation per program: every program can be switched off alone and the
// rest of its object keeps working, and the connection list's fallback
// (sock_diag joined by socket cookie) is exact. PROCWATCH_DISABLE_PROGRAMS
// / ProbeOptions::disabled_programs force each fallback, so these paths run
// on every kernel, not only on the ones that refuse a program.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "bpf_test_support.h"
#include "collect/collector.h"

namespace pw::testing {
namespace {

const ProgramOutcome* outcome(const ProbeSet& probes, const std::string& object,
                              const std::string& program) {
  static std::vector<ObjectPrograms> all;
  all = probes.programs();
  for (const ObjectPrograms& o : all)
    if (o.object == object)
      for (const ProgramOutcome& p : o.programs)
        if (p.program == program) return &p;
  return nullptr;
}

const Connection* established_on(const ProcessSample& p, const std::string& port) {
  for (const Connection& c : p.connections)
    if (c.state == "ESTABLISHED" &&
        (c.local.ends_with(":" + port) || c.remote.ends_with(":" + port)))
      return &c;
  return nullptr;
}

TEST(ProbeDegradation, ConnectionListFromSockDiagIsExactWhenTheIteratorIsOff) {
  PW_REQUIRE_BPF();
  CollectorOptions options;
  options.probes.disabled_programs = {"net:dump_sockets"};
  Collector collector(options);
  ProbeSet& probes = collector.probes();
  ASSERT_TRUE(probes.has_network()) << ::testing::PrintToString(collector.notices());
  EXPECT_EQ(probes.connection_source(), "sock_diag netlink");
  const ProgramOutcome* iter = outcome(probes, "net", "dump_sockets");
  ASSERT_NE(iter, nullptr);
  EXPECT_EQ(iter->status, ProgramStatus::Disabled);
  // Every other net program still runs.
  for (const char* p : {"on_sock_send_length", "on_sock_recv_length", "on_inet_sock_set_state",
                        "on_tcp_retransmit_skb"}) {
    const ProgramOutcome* o = outcome(probes, "net", p);
    ASSERT_NE(o, nullptr) << p;
    EXPECT_EQ(o->status, ProgramStatus::Attached) << p;
  }

  constexpr std::uint64_t kBytes = 20ULL << 20;
  const std::string port = std::to_string(21000 + ::getpid() % 20000);
  const TcpTransfer t = loopback_tcp_transfer(collector, port, kBytes);
  const ProcessSample* tx = find_process(t.sample, t.client);
  const ProcessSample* rx = find_process(t.sample, t.server);
  ASSERT_TRUE(tx && rx);
  // Per-process bytes come from the programs, not the listing: exact.
  EXPECT_EQ(tx->counters.get(Counter::NetTxBytes), kBytes);
  EXPECT_EQ(rx->counters.get(Counter::NetRxBytes), kBytes);
  // The connection on each side, owned by the right process, with the
  // bytes counted on that socket (exact: shift 0) and the kernel's RTT.
  const Connection* c = established_on(*tx, port);
  ASSERT_NE(c, nullptr) << "client connections: " << tx->connections.size();
  EXPECT_EQ(c->remote, "127.0.0.1:" + port);
  EXPECT_EQ(c->tx_bytes, kBytes);
  EXPECT_TRUE(c->srtt_us.has_value());
  const Connection* a = established_on(*rx, port);
  ASSERT_NE(a, nullptr) << "server connections: " << rx->connections.size();
  EXPECT_EQ(a->local, "127.0.0.1:" + port);
  EXPECT_EQ(a->remote, c->local);
  EXPECT_EQ(a->rx_bytes, kBytes);
  bool listening = false;
  for (const Connection& l : rx->connections) listening |= l.state == "LISTEN";
  EXPECT_TRUE(listening);
  // Nobody else is charged with these sockets.
  for (const ProcessSample& p : t.sample.processes) {
    if (p.key.pid == t.client || p.key.pid == t.server) continue;
    EXPECT_EQ(established_on(p, port), nullptr) << "pid " << p.key.pid << " " << p.comm;
  }
}

// Each object loaded alone, once per program with that program switched off.
struct ObjectCase {
  const char* object;
  ProbeOptions options;
};

ProbeOptions only(const std::string& object) {
  ProbeOptions o;
  o.scheduler = object == "sched";
  o.lifecycle = object == "lifecycle" || object == "oom";
  o.task_iterator = object == "tasks";
  o.block_io = object == "io";
  o.network = object == "net";
  o.memory = object == "mem";
  o.oom = object == "oom";
  return o;
}

bool loaded(const ProbeSet& p, const std::string& object) {
  if (object == "sched") return p.has_scheduler();
  if (object == "lifecycle") return p.has_lifecycle();
  if (object == "tasks") return p.has_task_iterator();
  if (object == "io") return p.has_block_io();
  if (object == "net") return p.has_network();
  if (object == "mem") return p.has_memory();
  return p.has_oom();
}

TEST(ProbeDegradation, EveryProgramCanBeSwitchedOffAloneAndTheRestKeepsRunning) {
  PW_REQUIRE_BPF();
  int checked = 0;
  for (const char* object : {"sched", "lifecycle", "tasks", "io", "net", "mem", "oom"}) {
    std::vector<std::string> running;
    {
      ProbeSet all(only(object));
      ASSERT_TRUE(loaded(all, object)) << object << ": " << ::testing::PrintToString(all.notices());
      for (const ObjectPrograms& o : all.programs())
        if (o.object == object)
          for (const ProgramOutcome& p : o.programs)
            if (p.status == ProgramStatus::Attached) running.push_back(p.program);
    }
    ASSERT_FALSE(running.empty()) << object;
    for (const std::string& off : running) {
      ProbeOptions opts = only(object);
      opts.disabled_programs = {std::string(object) + ":" + off};
      ProbeSet probes(opts);
      ++checked;
      if (running.size() == 1) {
        // The object's only program: the object is off, and says so.
        EXPECT_FALSE(loaded(probes, object)) << object << "/" << off;
        continue;
      }
      ASSERT_TRUE(loaded(probes, object))
          << object << " without " << off << ": " << ::testing::PrintToString(probes.notices());
      const ProgramOutcome* o = outcome(probes, object, off);
      ASSERT_NE(o, nullptr);
      EXPECT_EQ(o->status, ProgramStatus::Disabled) << object << "/" << off;
      for (const std::string& other : running) {
        if (other == off) continue;
        const ProgramOutcome* r = outcome(probes, object, other);
        ASSERT_NE(r, nullptr) << other;
        EXPECT_EQ(r->status, ProgramStatus::Attached)
            << object << "/" << other << " without " << off << ": " << r->reason;
      }
      // The notice names the program and what is lost or what replaces it.
      const auto& n = probes.notices();
      EXPECT_TRUE(std::any_of(n.begin(), n.end(), [&](const std::string& s) {
        return s.find(off) != std::string::npos &&
               (s.find("lost:") != std::string::npos || s.find("instead:") != std::string::npos);
      })) << ::testing::PrintToString(n);
    }
  }
  EXPECT_GE(checked, 20);
}

TEST(ProbeDegradation, TypedLifecycleProgramFallsBackToItsRawTwin) {
  PW_REQUIRE_BPF();
  ProbeOptions opts = only("lifecycle");
  opts.disabled_programs = {"lifecycle:on_process_exec"};
  ProbeSet probes(opts);
  ASSERT_TRUE(probes.has_lifecycle());
  const ProgramOutcome* raw = outcome(probes, "lifecycle", "on_process_exec_raw");
  ASSERT_NE(raw, nullptr);
  EXPECT_EQ(raw->status, ProgramStatus::Attached);
  EXPECT_EQ(outcome(probes, "lifecycle", "on_process_fork")->status, ProgramStatus::Attached);
}

TEST(ProbeDegradation, BlockIoWithoutBlockIoStartTracesOwnersThroughBios) {
  PW_REQUIRE_BPF();
  ProbeOptions opts = only("io");
  opts.disabled_programs = {"io:on_block_io_start"};
  ProbeSet probes(opts);
  ASSERT_TRUE(probes.has_block_io());
  EXPECT_EQ(outcome(probes, "io", "on_block_getrq")->status, ProgramStatus::Attached);
}

}  // namespace
}  // namespace pw::testing

namespace pw::testing {
namespace {

TEST(ProbeDegradation, CountersOfADisabledProgramAreNotMeasuredAndTheRestStayExact) {
  PW_REQUIRE_BPF();
  CollectorOptions options;
  options.probes.disabled_programs = {"net:on_tcp_retransmit_skb"};
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_network());
  constexpr std::uint64_t kBytes = 4ULL << 20;
  const std::string port = std::to_string(22000 + ::getpid() % 20000);
  const TcpTransfer t = loopback_tcp_transfer(collector, port, kBytes);
  const ProcessSample* tx = find_process(t.sample, t.client);
  ASSERT_NE(tx, nullptr);
  EXPECT_FALSE(tx->counters.has(Counter::TcpRetransmits));  // "-", not 0
  EXPECT_EQ(tx->counters.get(Counter::NetTxBytes), kBytes);
  EXPECT_EQ(tx->counters.get(Counter::TcpActiveOpens), 1u);
}

}  // namespace
}  // namespace pw::testing
