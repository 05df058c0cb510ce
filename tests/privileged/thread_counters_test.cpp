// Per-thread counters (task_stats.bpf.h): each thread counts its socket,
// block and mmap work in its own task storage; when it exits the lifecycle
// program folds its counts into the leader. Neither a live process's total
// nor the exit event of a process may lose what threads that already ended
// did.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

#include "bpf_test_support.h"
#include "collect/collector.h"

namespace pw::testing {
namespace {

constexpr int kThreads = 8;
constexpr std::uint64_t kSendsPerThread = 500;
constexpr std::size_t kChunk = 1000;
constexpr std::uint64_t kBytes = kThreads * kSendsPerThread * kChunk;

// kThreads threads each send kSendsPerThread chunks over a unix socket and
// end; a reader thread drains the other end. Returns once all are joined.
void threads_send_and_exit() {
  int sv[2];
  ASSERT_EQ(::socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
  std::thread reader([fd = sv[1]] {
    std::vector<char> buf(64 * 1024);
    while (::recv(fd, buf.data(), buf.size(), 0) > 0) {
    }
  });
  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t)
    senders.emplace_back([fd = sv[0]] {
      const std::vector<char> chunk(kChunk, 'x');
      for (std::uint64_t i = 0; i < kSendsPerThread; ++i)
        if (::send(fd, chunk.data(), chunk.size(), 0) != static_cast<ssize_t>(kChunk)) return;
    });
  for (auto& s : senders) s.join();
  ::shutdown(sv[0], SHUT_WR);
  reader.join();
  ::close(sv[0]);
  ::close(sv[1]);
}

TEST(ThreadCounters, LiveProcessKeepsTheSendsOfThreadsThatEnded) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_network() && collector.probes().has_lifecycle());
  Sample s = collector.collect();
  const ProcessSample* self = find_process(s, ::getpid());
  ASSERT_NE(self, nullptr);
  const std::uint64_t tx0 = self->counters.get(Counter::NetTxBytes).value_or(0);
  const std::uint64_t calls0 = self->counters.get(Counter::NetTxCalls).value_or(0);
  const std::uint64_t rx0 = self->counters.get(Counter::NetRxBytes).value_or(0);

  threads_send_and_exit();
  s = collector.collect();
  self = find_process(s, ::getpid());
  ASSERT_NE(self, nullptr);
  EXPECT_EQ(self->counters.get(Counter::NetTxBytes).value_or(0) - tx0, kBytes);
  EXPECT_EQ(self->counters.get(Counter::NetTxCalls).value_or(0) - calls0,
            kThreads * kSendsPerThread);
  EXPECT_EQ(self->counters.get(Counter::NetRxBytes).value_or(0) - rx0, kBytes);
}

TEST(ThreadCounters, ExitEventCarriesTheSendsOfEveryThread) {
  PW_REQUIRE_BPF();
  const CollectorOptions options;
  Collector collector(options);
  ASSERT_TRUE(collector.probes().has_network() && collector.probes().has_lifecycle());
  collector.collect();

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    threads_send_and_exit();
    ::_exit(::testing::Test::HasFailure() ? 1 : 0);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_EQ(status, 0);
  const Sample s = collector.collect();
  const ProcessSample* p = find_exited(s, child);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->counters.get(Counter::NetTxBytes), kBytes);
  EXPECT_EQ(p->counters.get(Counter::NetTxCalls), kThreads * kSendsPerThread);
  EXPECT_EQ(p->counters.get(Counter::NetRxBytes), kBytes);
}

}  // namespace
}  // namespace pw::testing
