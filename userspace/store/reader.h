// Reads recordings: the sessions of a file, and each session as a
// SampleSource. Opens read-only: replay, report and export never change the
// file, and can read a recording that is still being written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "store/codec.h"
#include "store/db.h"
#include "store/sample_source.h"
#include "store/session_writer.h"

namespace pw {

struct SessionSummary {
  SessionInfo info;
  std::size_t samples = 0;
  std::uint64_t first_wall_ns = 0, last_wall_ns = 0;  // of the samples kept
};

// Reads a session through a Database it does not own.
class SessionReader : public SampleSource {
 public:
  SessionReader(Database& db, std::int64_t session_id);

  std::size_t size() const override { return index_.size(); }
  SampleTime time_at(std::size_t index) const override;
  std::shared_ptr<const Sample> load(std::size_t index) override;

  const SessionInfo& info() const { return info_; }
  // Database sample id of `index` (for events/alerts queries).
  std::int64_t sample_id(std::size_t index) const { return index_.at(index).id; }
  // Alerts of the whole session, in order.
  std::vector<AlertRecord> alerts();
  // Process entries decoded since this reader was opened (seek cost).
  std::size_t entries_decoded() const { return entries_decoded_; }

 private:
  struct Ref {
    std::int64_t id;
    std::uint64_t wall_ns, monotonic_ns;
    bool keyframe;
  };
  class Strings : public StringResolver {
   public:
    explicit Strings(Database& db);
    const std::string& resolve(std::uint64_t id) override;

   private:
    Database& db_;
    Statement select_;
    std::unordered_map<std::uint64_t, std::string> cache_;
  };

  void apply(std::size_t index);  // decodes the blob of sample `index` into the state
  std::shared_ptr<const Sample> materialize(std::size_t index);
  [[noreturn]] void damaged(std::size_t index, const std::string& why) const;

  Database& db_;
  SessionInfo info_;
  std::vector<Ref> index_;
  std::vector<std::size_t> keyframes_;  // positions in index_
  CounterNames counters_;
  Strings strings_;
  Statement select_data_, select_events_;
  // Decoded state as of sample `cursor_`.
  std::map<std::int64_t, StoredProcess> state_;
  SystemSample system_;
  std::optional<std::size_t> cursor_;
  std::shared_ptr<const Sample> loaded_;
  static constexpr std::size_t kRecent = 4;
  std::vector<std::pair<std::size_t, std::shared_ptr<const Sample>>> recent_;
  std::size_t entries_decoded_ = 0;
};

// A recording file opened for reading.
class Recording {
 public:
  // Throws StoreError (one sentence) when the file cannot be read as a
  // procwatch recording; the file is not modified either way.
  explicit Recording(const std::filesystem::path& path);
  // Over a database already open (tests use an in-memory one).
  explicit Recording(Database db);

  const std::vector<SessionSummary>& sessions() const { return sessions_; }
  // The session with this id, or (nullopt) the latest one; throws
  // StoreError when there is none.
  const SessionSummary& session(std::optional<std::int64_t> id = std::nullopt) const;
  // The session whose samples span wall_ns (the latest such), else nullopt.
  std::optional<std::int64_t> session_at(std::uint64_t wall_ns) const;
  std::unique_ptr<SessionReader> open_session(std::int64_t id);
  Database& database() { return db_; }
  int schema_version() const { return schema_version_; }

 private:
  void load_sessions();
  Database db_;
  std::vector<SessionSummary> sessions_;
  int schema_version_ = 0;
};

}  // namespace pw
