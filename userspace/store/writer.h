// The recorder's single writer: a thread that owns the database and writes
// one transaction per Sample, fed through a bounded queue. The collecting
// thread never waits for the disk: when the queue is full the oldest queued
// Sample is dropped (and counted), its lifecycle events, alerts and the
// processes that exited in it carried into the next one, so a dropped
// interval only makes the next one longer (rates stay right, derive_model()
// divides by the real time between the Samples kept) and no short-lived
// process or exit is lost.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "model/finding.h"
#include "model/sample.h"
#include "store/db.h"
#include "store/session_writer.h"

namespace pw {

struct QueuedSample {
  Sample sample;
  std::vector<AlertRecord> alerts;
  std::vector<Finding> findings;  // raised, refreshed or ended: stored in this transaction
};

// Bounded FIFO with drop-oldest; thread-safe.
class SampleQueue {
 public:
  explicit SampleQueue(std::size_t capacity) : capacity_(capacity ? capacity : 1) {}
  // Returns false when a queued Sample had to be dropped to make room.
  bool push(QueuedSample item);
  // Waits for an item; nullopt once closed and empty.
  std::optional<QueuedSample> pop();
  void close();
  std::uint64_t drops() const;
  std::size_t size() const;

 private:
  static void merge_into(QueuedSample& dropped, QueuedSample& next);
  const std::size_t capacity_;
  mutable std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<QueuedSample> items_;
  std::uint64_t drops_ = 0;
  bool closed_ = false;
};

struct WriterProgress {
  WriterStats stats;
  std::uint64_t queue_drops = 0;
  std::uint64_t database_bytes = 0;  // pages in use
  std::string error;                 // the writer stopped: why (one sentence)
  bool disk_full = false;
};

class AsyncWriter {
 public:
  // Starts the session (in the caller's thread, so a bad file fails here),
  // then the writer thread.
  AsyncWriter(Database db, SessionInfo info, WriterOptions options, std::size_t queue_capacity = 8);
  ~AsyncWriter();
  AsyncWriter(const AsyncWriter&) = delete;
  AsyncWriter& operator=(const AsyncWriter&) = delete;

  void push(Sample sample, std::vector<AlertRecord> alerts = {},
            std::vector<Finding> findings = {});
  WriterProgress progress() const;
  bool failed() const;
  // Writes what is queued (unless the writer failed), records the end time
  // and reason, stops the thread and closes the database (checkpointing the
  // WAL into the file). Returns the final progress. Idempotent.
  WriterProgress close(std::string_view reason);

 private:
  void run();

  Database db_;
  std::optional<SessionWriter> writer_;  // reset before db_ closes
  SampleQueue queue_;
  mutable std::mutex mutex_;  // guards progress_
  WriterProgress progress_;
  std::thread thread_;
  bool closed_ = false;
};

}  // namespace pw
