#include "store/writer.h"

#include <time.h>

#include <algorithm>

namespace pw {
namespace {

std::uint64_t wall_now_ns() {
  timespec ts{};
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000ULL +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

}  // namespace

// ---- SampleQueue ---------------------------------------------------------

void SampleQueue::merge_into(QueuedSample& dropped, QueuedSample& next) {
  // Events and alerts in time order: the dropped interval came first.
  dropped.sample.events.insert(dropped.sample.events.end(),
                               std::make_move_iterator(next.sample.events.begin()),
                               std::make_move_iterator(next.sample.events.end()));
  next.sample.events = std::move(dropped.sample.events);
  dropped.alerts.insert(dropped.alerts.end(), std::make_move_iterator(next.alerts.begin()),
                        std::make_move_iterator(next.alerts.end()));
  next.alerts = std::move(dropped.alerts);
  // Findings are upserted in order: the next interval's state of one wins.
  dropped.findings.insert(dropped.findings.end(), std::make_move_iterator(next.findings.begin()),
                          std::make_move_iterator(next.findings.end()));
  next.findings = std::move(dropped.findings);
  // A process that exited in the dropped interval is reported as exited in
  // the next one, unless that one has it already.
  for (ProcessSample& p : dropped.sample.processes) {
    if (!p.exit_status) continue;
    const bool there = std::any_of(next.sample.processes.begin(), next.sample.processes.end(),
                                   [&](const ProcessSample& q) { return q.key == p.key; });
    if (!there) next.sample.processes.push_back(std::move(p));
  }
}

bool SampleQueue::push(QueuedSample item) {
  bool dropped = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return true;
    if (items_.size() >= capacity_) {
      QueuedSample oldest = std::move(items_.front());
      items_.pop_front();
      merge_into(oldest, items_.empty() ? item : items_.front());
      ++drops_;
      dropped = true;
    }
    items_.push_back(std::move(item));
  }
  ready_.notify_one();
  return !dropped;
}

std::optional<QueuedSample> SampleQueue::pop() {
  std::unique_lock lock(mutex_);
  ready_.wait(lock, [this] { return closed_ || !items_.empty(); });
  if (items_.empty()) return std::nullopt;
  QueuedSample item = std::move(items_.front());
  items_.pop_front();
  return item;
}

void SampleQueue::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  ready_.notify_all();
}

std::uint64_t SampleQueue::drops() const {
  std::lock_guard lock(mutex_);
  return drops_;
}

std::size_t SampleQueue::size() const {
  std::lock_guard lock(mutex_);
  return items_.size();
}

// ---- AsyncWriter ---------------------------------------------------------

AsyncWriter::AsyncWriter(Database db, SessionInfo info, WriterOptions options,
                         std::size_t queue_capacity)
    : db_(std::move(db)), queue_(queue_capacity) {
  writer_.emplace(db_, std::move(info), options);
  progress_.database_bytes = writer_->used_bytes();
  thread_ = std::thread([this] { run(); });
}

AsyncWriter::~AsyncWriter() {
  try {
    close("aborted");
  } catch (...) {
    // Destructors do not throw; close() already recorded what it could.
  }
}

void AsyncWriter::push(Sample sample, std::vector<AlertRecord> alerts,
                       std::vector<Finding> findings) {
  queue_.push({std::move(sample), std::move(alerts), std::move(findings)});
}

void AsyncWriter::run() {
  bool failed = false;
  while (auto item = queue_.pop()) {
    if (failed) continue;  // drain without writing
    try {
      writer_->write(item->sample, queue_.drops(), item->alerts, item->findings);
      const std::uint64_t bytes = writer_->used_bytes();
      std::lock_guard lock(mutex_);
      progress_.stats = writer_->stats();
      progress_.database_bytes = bytes;
    } catch (const StoreError& e) {
      failed = true;
      std::lock_guard lock(mutex_);
      progress_.error = e.what();
      progress_.disk_full = e.disk_full();
    } catch (const std::exception& e) {
      failed = true;
      std::lock_guard lock(mutex_);
      progress_.error = e.what();
    }
  }
}

WriterProgress AsyncWriter::progress() const {
  std::lock_guard lock(mutex_);
  WriterProgress p = progress_;
  p.queue_drops = queue_.drops();
  return p;
}

bool AsyncWriter::failed() const {
  std::lock_guard lock(mutex_);
  return !progress_.error.empty();
}

WriterProgress AsyncWriter::close(std::string_view reason) {
  if (closed_) return progress();
  closed_ = true;
  queue_.close();
  if (thread_.joinable()) thread_.join();
  WriterProgress p = progress();
  // The end of the session; best effort when the disk is full (the
  // session reads fine without it).
  try {
    const std::string why = p.error.empty() ? std::string(reason) : "error: " + p.error;
    writer_->finish(wall_now_ns(), why, p.queue_drops);
  } catch (const StoreError&) {
  }
  try {
    p.database_bytes = writer_->used_bytes();
  } catch (const StoreError&) {
  }
  {
    std::lock_guard lock(mutex_);
    progress_.database_bytes = p.database_bytes;
  }
  writer_.reset();   // finalizes its statements, so that
  db_ = Database();  // closing checkpoints the WAL into the file and removes it
  return p;
}

}  // namespace pw
