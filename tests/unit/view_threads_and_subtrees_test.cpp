// top -H and -p: `top -H -p PID` shows every thread of PID (not only its
// main thread); thread rows carry their own run-queue latency and show
// their name without the kernel-thread brackets. `top --tree -p PID` shows
// PID's subtree, as `tree -p` does.
#include <gtest/gtest.h>

#include <memory>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "model/thread_rows.h"
#include "view/batch.h"
#include "view/table.h"
#include "view_test_models.h"

namespace pw {
namespace {

using view_test::kSec;
using view_test::TwoSamples;

ThreadSample thread(std::int32_t tid, std::uint64_t start, std::string comm, std::uint64_t runtime,
                    std::uint64_t waits_in_bucket_12) {
  ThreadSample t;
  t.tid = tid;
  t.start_ns = start;
  t.comm = std::move(comm);
  t.state = 'S';
  t.counters.set(Counter::RuntimeNs, runtime);
  t.runq_hist.add(12, waits_in_bucket_12);
  return t;
}

// python3 (pid 500) with two worker threads, and a child process 600 of it.
Sample host(std::uint64_t mono, std::uint64_t later) {
  Sample s;
  s.system.monotonic_ns = mono;
  s.system.wall_ns = 1'700'000'000 * kSec + mono;
  s.system.num_cpus = 2;
  ProcessSample p;
  p.key = {500, 10 * kSec};
  p.ppid = 1;
  p.comm = "python3";
  p.cmdline = "python3 app.py";
  p.num_threads = 3;
  p.threads = {thread(500, 10 * kSec, "python3", 100 + later, 2 + later),
               thread(501, 11 * kSec, "python3", 200 + later * 5, 4 + later * 3),
               thread(502, 12 * kSec, "worker-2", 300, 1)};
  s.processes.push_back(p);
  ProcessSample child;
  child.key = {600, 20 * kSec};
  child.ppid = 500;
  child.comm = "sh";
  child.cmdline = "sh -c true";
  child.num_threads = 1;
  child.threads = {thread(600, 20 * kSec, "sh", 50, 1)};
  s.processes.push_back(child);
  return s;
}

Model thread_model() {
  const Sample before = threads_as_rows(host(100 * kSec, 0));
  return derive_model(std::make_shared<Sample>(threads_as_rows(host(101 * kSec, 1))), &before);
}

std::vector<std::int32_t> pids(const Table& t) {
  std::vector<std::int32_t> out;
  for (const TableRow& r : t.rows) out.push_back(r.row->sample->key.pid);
  return out;
}

TEST(ThreadsAndSubtrees, PidFilterShowsEveryThreadOfTheProcess) {
  const Model m = thread_model();
  ViewOptions o;
  o.sort_by = FieldId::Pid;
  o.sort_descending = false;
  o.filter = "pid=500";
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{500, 501, 502}))
      << "not only the main thread, and not the child process";
  o.filter = "pid=501";  // a thread by its own id still works
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{501}));
}

TEST(ThreadsAndSubtrees, ThreadRowsHaveTheirOwnLatencyAndNoBrackets) {
  const Model m = thread_model();
  const ProcessRow* worker = view_test::row_of(m, 501);
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->sample->tgid, 500);
  // Three waits in bucket 12 during the interval: RQ50 is a number, not '-'.
  const FieldValue rq = field(FieldId::RunqP50Us).get(*worker, m.interval_s());
  ASSERT_TRUE(std::holds_alternative<double>(rq)) << "RQ50us missing for a thread row";
  EXPECT_GT(std::get<double>(rq), 0.0);
  // A thread without a command line of its own shows its name, not the
  // kernel-thread form "[python3]".
  EXPECT_EQ(std::get<std::string>(field(FieldId::Cmdline).get(*worker, m.interval_s())), "python3");
  const ProcessRow* named = view_test::row_of(m, 502);
  EXPECT_EQ(std::get<std::string>(field(FieldId::Cmdline).get(*named, m.interval_s())), "worker-2");

  std::ostringstream text;
  ViewOptions o;
  o.filter = "pid=500";
  write_text_frame(text, m, o, {});
  EXPECT_EQ(text.str().find("[python3]"), std::string::npos) << text.str();
}

TEST(ThreadsAndSubtrees, TreeModePidFilterShowsTheSubtree) {
  TwoSamples t;
  t.add({.pid = 1, .ppid = 0, .comm = "init", .cmdline = "init"});
  t.add({.pid = 10, .ppid = 1, .comm = "sshd", .cmdline = "sshd"});
  t.add({.pid = 11, .ppid = 10, .comm = "bash", .cmdline = "-bash"});
  t.add({.pid = 12, .ppid = 11, .comm = "vim", .cmdline = "vim x"});
  t.add({.pid = 13, .ppid = 11, .comm = "gone", .cmdline = "", .exited = true});
  t.add({.pid = 20, .ppid = 1, .comm = "cron", .cmdline = "cron"});
  const Model m = t.derive();
  ViewOptions o;
  o.filter = "pid=10";
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{10})) << "flat: one process";
  o.tree = true;
  const Table tree = build_table(m, o);
  EXPECT_EQ(pids(tree), (std::vector<std::int32_t>{10, 11, 12, 13})) << "tree: the subtree";
  EXPECT_EQ(tree.rows[0].depth, 0) << "the -p process is the root";
  EXPECT_EQ(tree.rows[2].depth, 2);
  // The exited child without a command line: its comm, no brackets.
  std::ostringstream text;
  write_text_frame(text, m, o, {});
  EXPECT_NE(text.str().find("`- gone"), std::string::npos) << text.str();
  EXPECT_EQ(text.str().find("[gone]"), std::string::npos) << text.str();
  // Subtree sums cover the same rows.
  o.subtree_sums = true;
  EXPECT_EQ(pids(build_table(m, o)), (std::vector<std::int32_t>{10, 11, 12, 13}));
  o.filter = "pid=99";
  EXPECT_TRUE(build_table(m, o).rows.empty());
}

}  // namespace
}  // namespace pw
