#include "model/thread_rows.h"

#include <gtest/gtest.h>

namespace pw {
namespace {

TEST(ThreadRows, EveryThreadBecomesARowNestedUnderItsProcess) {
  Sample s;
  ProcessSample p;
  p.key = {100, 1'000};
  p.ppid = 1;
  p.comm = "server";
  p.cmdline = "server --port 80";
  p.num_threads = 2;
  p.runq_hist.add(5, 3);
  ThreadSample main_thread{100, 1'000, "server", 'S', {}};
  main_thread.counters.set(Counter::RuntimeNs, 10);
  ThreadSample worker{101, 2'000, "worker", 'R', {}};
  worker.counters.set(Counter::RuntimeNs, 20);
  p.threads = {main_thread, worker};
  s.processes.push_back(p);
  ProcessSample exited;
  exited.key = {7, 5};
  exited.exit_status = 0;
  s.processes.push_back(exited);

  const Sample t = threads_as_rows(s);
  ASSERT_EQ(t.processes.size(), 3u);
  EXPECT_EQ(t.processes[0].key, (ProcessKey{100, 1'000}));
  EXPECT_EQ(t.processes[0].ppid, 1);
  EXPECT_EQ(t.processes[0].cmdline, "server --port 80");
  EXPECT_EQ(t.processes[1].key, (ProcessKey{101, 2'000}));
  EXPECT_EQ(t.processes[1].ppid, 100);
  EXPECT_EQ(t.processes[1].comm, "worker");
  EXPECT_EQ(t.processes[1].state, 'R');
  EXPECT_EQ(t.processes[1].counters.get(Counter::RuntimeNs), 20u);
  // The histogram is per process: no thread row claims it.
  EXPECT_TRUE(t.processes[0].runq_hist.empty());
  EXPECT_EQ(t.processes[2].key.pid, 7);
}

}  // namespace
}  // namespace pw
