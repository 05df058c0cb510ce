// Decoding of iterator records and ring-buffer events, on bytes built the
// way the BPF programs lay them out (bpf/procwatch_abi.h).
#include "collect/task_records.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "procwatch_abi.h"

namespace pw {
namespace {

constexpr std::size_t kPrefix = offsetof(pw_thread_record, dead_counters);

pw_thread_record make_thread(std::uint32_t tid, std::uint32_t tgid, std::uint64_t runtime_ns,
                             std::uint32_t state = 1) {
  pw_thread_record r{};
  r.tid = tid;
  r.tgid = tgid;
  r.ppid = 1;
  r.uid = 1000;
  r.start_ns = 5'000 + tid;
  r.state = state;
  r.flags = PW_REC_HAS_SCHED | (tid == tgid ? PW_REC_LEADER : 0);
  r.nr_threads = 0;
  std::strncpy(r.comm, tid == tgid ? "server" : "worker", sizeof r.comm);
  r.counters.runtime_ns = runtime_ns;
  r.counters.vol_ctxsw = 10;
  r.counters.invol_ctxsw = 1;
  r.sched.runq_wait_ns = 100;
  r.sched.offcpu_ns = 1000;
  r.runq_hist.buckets[8] = 2;  // two waits of 256..511 ns in this thread
  return r;
}

void append(std::vector<char>& bytes, const pw_thread_record& r) {
  const std::size_t n = (r.flags & PW_REC_LEADER) ? sizeof r : kPrefix;
  const char* p = reinterpret_cast<const char*>(&r);
  bytes.insert(bytes.end(), p, p + n);
}

TEST(TaskRecords, SumsThreadsAndReapedThreadsIntoOneProcess) {
  pw_thread_record leader = make_thread(100, 100, 1'000);
  leader.nr_threads = 3;
  leader.dead_counters.runtime_ns = 50'000;  // threads that already exited
  leader.dead_counters.vol_ctxsw = 7;
  leader.dead_sched.runq_wait_ns = 30;
  leader.dead_runq_hist.buckets[12] = 3;  // waits of threads that exited
  std::vector<char> bytes;
  append(bytes, leader);
  append(bytes, make_thread(101, 100, 2'000, /*running*/ 0));
  append(bytes, make_thread(102, 100, 3'000));
  append(bytes, make_thread(7, 7, 9));

  std::size_t bad = 99;
  const auto procs = aggregate_task_records(bytes, DecodeOptions{}, &bad);
  EXPECT_EQ(bad, 0u);
  ASSERT_EQ(procs.size(), 2u);
  const ProcessSample& p = procs[0];
  EXPECT_EQ(p.key.pid, 100);
  EXPECT_EQ(p.key.start_ns, 5'100u);
  EXPECT_EQ(p.comm, "server");
  EXPECT_EQ(p.uid, 1000u);
  EXPECT_EQ(p.num_threads, 3u);
  EXPECT_EQ(p.state, 'R');  // one running thread makes the process R
  EXPECT_EQ(p.counters.get(Counter::RuntimeNs), 1'000u + 2'000u + 3'000u + 50'000u);
  EXPECT_EQ(p.counters.get(Counter::VolCtxSw), 3u * 10u + 7u);
  EXPECT_EQ(p.counters.get(Counter::RunqWaitNs), 3u * 100u + 30u);
  EXPECT_EQ(p.counters.get(Counter::OffCpuNs), 3u * 1000u);
  // Every thread's histogram plus the reaped threads' one.
  EXPECT_EQ(p.runq_hist.bucket(8), 3u * 2u);
  EXPECT_EQ(p.runq_hist.bucket(12), 3u);
  EXPECT_EQ(p.runq_hist.total(), 9u);
  EXPECT_EQ(p.counters.get(Counter::RunqWaits), 9u);
  EXPECT_TRUE(p.threads.empty());
  EXPECT_EQ(procs[1].key.pid, 7);
  EXPECT_EQ(procs[1].num_threads, 1u);  // nr_threads 0 from the kernel -> at least 1
}

// run_delay and off-CPU time are the kernel's (read by the iterator); only
// the latency distribution needs the sched_switch program.
TEST(TaskRecords, LatencyHistogramAbsentWhenTheSchedulerProgramDidNotLoad) {
  std::vector<char> bytes;
  append(bytes, make_thread(5, 5, 1));
  DecodeOptions opts;
  opts.sched_measured = false;
  const auto procs = aggregate_task_records(bytes, opts);
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_FALSE(procs[0].counters.has(Counter::RunqWaits));
  EXPECT_TRUE(procs[0].runq_hist.empty());
  EXPECT_EQ(procs[0].counters.get(Counter::RunqWaitNs), 100u);
  EXPECT_EQ(procs[0].counters.get(Counter::OffCpuNs), 1000u);
  EXPECT_TRUE(procs[0].counters.has(Counter::RuntimeNs));
}

TEST(TaskRecords, KeepsPerThreadDetailOnRequest) {
  std::vector<char> bytes;
  append(bytes, make_thread(100, 100, 10));
  append(bytes, make_thread(101, 100, 20));
  DecodeOptions opts;
  opts.keep_threads = true;
  const auto procs = aggregate_task_records(bytes, opts);
  ASSERT_EQ(procs.size(), 1u);
  ASSERT_EQ(procs[0].threads.size(), 2u);
  EXPECT_EQ(procs[0].threads[1].tid, 101);
  EXPECT_EQ(procs[0].threads[1].comm, "worker");
  EXPECT_EQ(procs[0].threads[1].start_ns, 5'101u);
  EXPECT_EQ(procs[0].threads[1].counters.get(Counter::RuntimeNs), 20u);
  EXPECT_EQ(procs[0].threads[1].counters.get(Counter::RunqWaits), 2u);
}

TEST(TaskRecords, TruncatedTrailingRecordIsIgnoredAndCounted) {
  std::vector<char> bytes;
  append(bytes, make_thread(100, 100, 10));
  append(bytes, make_thread(200, 200, 10));
  bytes.resize(bytes.size() - 5);  // a leader record cut short
  std::size_t bad = 0;
  const auto procs = aggregate_task_records(bytes, DecodeOptions{}, &bad);
  ASSERT_EQ(procs.size(), 1u);
  EXPECT_EQ(bad, sizeof(pw_thread_record) - 5);
  EXPECT_TRUE(aggregate_task_records({}, DecodeOptions{}).empty());
}

// The collector feeds the aggregator one read() at a time; the kernel cuts
// those wherever its buffer ends, inside a record's prefix or its tail.
TEST(TaskRecords, RecordsSplitAcrossChunksAddUpTheSameAtEveryChunkSize) {
  std::vector<char> bytes;
  pw_thread_record leader = make_thread(100, 100, 1'000);
  leader.dead_runq_hist.buckets[12] = 3;
  append(bytes, leader);
  append(bytes, make_thread(101, 100, 2'000));
  append(bytes, make_thread(7, 7, 9));
  append(bytes, make_thread(300, 200, 5));  // a thread whose leader exited
  append(bytes, make_thread(8, 8, 4));
  const auto whole = aggregate_task_records(bytes, DecodeOptions{});
  ASSERT_EQ(whole.size(), 4u);

  for (std::size_t chunk = 1; chunk <= bytes.size(); ++chunk) {
    TaskRecordAggregator aggregator(DecodeOptions{});
    for (std::size_t at = 0; at < bytes.size(); at += chunk)
      aggregator.feed(std::span<const char>(bytes).subspan(at, std::min(chunk, bytes.size() - at)));
    std::size_t bad = 99;
    const auto procs = aggregator.finish(&bad);
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    EXPECT_EQ(bad, 0u);
    ASSERT_EQ(procs.size(), whole.size());
    for (std::size_t i = 0; i < procs.size(); ++i) {
      EXPECT_EQ(procs[i].key, whole[i].key);
      EXPECT_EQ(procs[i].comm, whole[i].comm);
      EXPECT_EQ(procs[i].counters, whole[i].counters);
      EXPECT_EQ(procs[i].runq_hist, whole[i].runq_hist);
    }
  }
  // A pass that ends inside a record: the part is reported, not decoded.
  TaskRecordAggregator cut(DecodeOptions{});
  cut.feed(std::span<const char>(bytes).first(sizeof(pw_thread_record) + 3));
  std::size_t bad = 0;
  EXPECT_EQ(cut.finish(&bad).size(), 1u);
  EXPECT_EQ(bad, 3u);
}

TEST(TaskRecords, StateLettersFollowTheKernel) {
  EXPECT_EQ(task_state_letter(0x0), 'R');
  EXPECT_EQ(task_state_letter(0x1), 'S');
  EXPECT_EQ(task_state_letter(0x2), 'D');
  EXPECT_EQ(task_state_letter(0x402), 'I');  // TASK_IDLE
  EXPECT_EQ(task_state_letter(0x4), 'T');
  EXPECT_EQ(task_state_letter(0x8), 't');
  EXPECT_EQ(task_state_letter(0x80 | 0x20), 'Z');  // TASK_DEAD | EXIT_ZOMBIE
}

TEST(LifecycleEvents, ExitCarriesFinalTotalsAndStatus) {
  pw_exit_event e{};
  e.hdr.kind = PW_EVENT_EXIT;
  e.hdr.ts_ns = 9'000;
  e.tgid = 42;
  e.ppid = 1;
  e.uid = 0;
  e.exit_code = 7 << 8;
  e.start_ns = 1'000;
  std::strncpy(e.comm, "short", sizeof e.comm);
  e.counters.runtime_ns = 12'345;
  e.sched.offcpu_ns = 5;
  e.runq_hist.buckets[3] = 4;
  const auto d = decode_event(&e, sizeof e, DecodeOptions{});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->event.kind, LifecycleEvent::Kind::Exit);
  ASSERT_TRUE(d->exited.has_value());
  const ProcessSample& p = *d->exited;
  EXPECT_EQ(p.key.pid, 42);
  EXPECT_EQ(p.key.start_ns, 1'000u);
  EXPECT_EQ(p.state, 'X');
  EXPECT_EQ(*p.exit_status, 7u << 8);
  EXPECT_EQ(*p.exit_ns, 9'000u);
  EXPECT_EQ(p.counters.get(Counter::RuntimeNs), 12'345u);
  EXPECT_EQ(p.counters.get(Counter::OffCpuNs), 5u);
  EXPECT_EQ(p.runq_hist.bucket(3), 4u);
}

TEST(LifecycleEvents, ExecJoinsArgvAndKeepsFilename) {
  pw_exec_event e{};
  e.hdr.kind = PW_EVENT_EXEC;
  e.tgid = 9;
  std::strncpy(e.filename, "/usr/bin/dd", sizeof e.filename);
  const char args[] = "dd\0if=/dev/zero\0of=x\0";
  std::memcpy(e.args, args, sizeof args - 1);
  e.args_len = sizeof args - 1;
  const auto d = decode_event(&e, sizeof e, DecodeOptions{});
  ASSERT_TRUE(d.has_value());
  EXPECT_EQ(d->event.filename, "/usr/bin/dd");
  EXPECT_EQ(d->event.argv, "dd if=/dev/zero of=x");
  EXPECT_FALSE(d->exited.has_value());
}

TEST(LifecycleEvents, RejectsShortAndUnknownEvents) {
  pw_fork_event f{};
  f.hdr.kind = PW_EVENT_FORK;
  EXPECT_FALSE(decode_event(&f, sizeof f - 1, DecodeOptions{}).has_value());
  f.hdr.kind = 77;
  EXPECT_FALSE(decode_event(&f, sizeof f, DecodeOptions{}).has_value());
  pw_exec_event bad{};
  bad.hdr.kind = PW_EVENT_EXEC;
  bad.args_len = 100000;  // lies about its length
  const auto d = decode_event(&bad, sizeof bad, DecodeOptions{});
  ASSERT_TRUE(d.has_value());
  EXPECT_LE(d->event.argv.size(), sizeof bad.args);
}

}  // namespace
}  // namespace pw
