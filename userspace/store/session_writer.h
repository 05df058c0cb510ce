// Writes one recording session into a database, one transaction per
// Sample. Single-threaded: the AsyncWriter (writer.h) runs it on its own
// thread; tests and benchmarks call it directly.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/finding.h"
#include "model/sample.h"
#include "store/codec.h"
#include "store/db.h"

namespace pw {

// What the sessions table says about a recording run.
struct SessionInfo {
  std::int64_t id = 0;  // set by the writer / read back by the reader
  std::string host;
  std::string kernel;
  std::string procwatch_version;
  std::uint64_t start_wall_ns = 0;
  std::optional<std::uint64_t> end_wall_ns;  // nullopt: not closed cleanly
  std::string end_reason;
  std::uint64_t interval_ns = 0;
  std::string filters_json = "{}";
  std::uint64_t queue_drops = 0;
  std::vector<std::string> notices;  // degraded probes etc., as live top shows them
};

// An alert raised while recording (the alert engine fills these in).
struct AlertRecord {
  std::uint64_t wall_ns = 0;
  std::string severity;  // "info", "warning", "critical"
  std::string rule;
  std::optional<ProcessKey> process;
  std::string message;
};

struct WriterOptions {
  // A keyframe (every process in full) at least every this many samples,
  // and sooner once this many process entries were written since the last
  // one (at least 32 x the processes present): bounds the work of a seek.
  std::size_t keyframe_max_samples = 600;
  std::size_t keyframe_max_entries = 200'000;
  // Retention: delete whole keyframe groups older than this, or the oldest
  // until the database uses at most max_bytes. Checked at every sample; a
  // group goes once its newest sample is too old, so at most one group
  // (keyframe_max_samples) more than retain_ns is kept.
  std::optional<std::uint64_t> retain_ns;
  std::optional<std::uint64_t> max_bytes;
};

struct WriterStats {
  std::uint64_t samples = 0;
  std::uint64_t process_samples = 0;  // processes present, summed over samples
  std::uint64_t entries = 0;          // process entries written (changed or keyframe)
  std::uint64_t keyframes = 0;
  std::uint64_t events = 0;
  std::uint64_t blob_bytes = 0;
  std::uint64_t deleted_samples = 0;  // by retention
};

class SessionWriter {
 public:
  // Inserts the session row (and the counter dictionary entries this
  // binary needs). The database must have the current schema (migrate()).
  SessionWriter(Database& db, SessionInfo info, WriterOptions options = {});

  // One transaction: the sample, its events and alerts, new processes,
  // retention. On error (disk full...) nothing of this sample is written,
  // the exception propagates, and the writer must not be used again.
  // `findings` are upserted into the findings table (by id) in the same
  // transaction: the recorder passes only the ones that changed.
  void write(const Sample& sample, std::uint64_t queue_drops = 0,
             std::span<const AlertRecord> alerts = {}, std::span<const Finding> findings = {});

  // Sets end time and reason; the session stays readable without it.
  void finish(std::uint64_t end_wall_ns, std::string_view reason, std::uint64_t queue_drops);

  std::int64_t session_id() const { return info_.id; }
  const WriterStats& stats() const { return stats_; }
  // Pages in use (without the free list), in bytes.
  std::uint64_t used_bytes();

 private:
  class Strings : public StringInterner {
   public:
    explicit Strings(Database& db);
    std::uint64_t intern(std::string_view s) override;
    void commit() { added_.clear(); }
    void rollback();

   private:
    Database& db_;
    Statement insert_, select_;
    std::unordered_map<std::string, std::uint64_t> ids_;
    std::vector<std::string> added_;  // in the open transaction
  };
  struct KeyHash {
    std::size_t operator()(const ProcessKey& k) const {
      return std::hash<std::uint64_t>()((static_cast<std::uint64_t>(k.pid) << 40) ^ k.start_ns);
    }
  };
  struct Known {
    std::int64_t id = 0;
    std::size_t sample_index = 0;  // index into the sample being written
    bool seen = false;
    bool stored = false;  // `last` holds what the database holds
    ProcessSample last;   // as stored: the baseline of the next delta
  };

  void write_locked(const Sample& sample, std::uint64_t queue_drops,
                    std::span<const AlertRecord> alerts, std::span<const Finding> findings);
  void apply_retention(std::uint64_t now_wall_ns);

  Database& db_;
  SessionInfo info_;
  WriterOptions options_;
  CounterIds counter_ids_;
  Strings strings_;
  Statement insert_sample_, insert_data_, insert_process_, close_process_, insert_event_,
      insert_alert_;
  std::unordered_map<ProcessKey, Known, KeyHash> known_;
  std::optional<SystemSample> last_system_;
  std::size_t samples_since_keyframe_ = 0;
  std::size_t entries_since_keyframe_ = 0;
  std::int64_t last_sample_id_ = 0;
  bool broken_ = false;
  std::string blob_;
  WriterStats stats_;
};

// Deletes whole keyframe groups: every sample of `session_id` before the
// keyframe `keyframe_sample_id` (with their data, events, alerts and the
// processes that ended before it). Returns the samples deleted.
std::size_t delete_samples_before(Database& db, std::int64_t session_id,
                                  std::int64_t keyframe_sample_id);

// Deletes what is older than cutoff_wall_ns in every session, in whole
// keyframe groups (a group is kept while any of its samples is newer), and
// sessions left without samples (except keep_session). Returns samples deleted.
std::size_t delete_older_than(Database& db, std::uint64_t cutoff_wall_ns,
                              std::int64_t keep_session = 0);

// Deletes the oldest keyframe group of the database (never the last group
// of keep_session). Returns the samples deleted, 0 when nothing could go.
std::size_t delete_oldest_group(Database& db, std::int64_t keep_session);

}  // namespace pw
