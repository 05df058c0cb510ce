#include "store/reader.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "store/schema.h"

namespace pw {
namespace {

std::vector<std::string> parse_notices(const std::string& text) {
  std::vector<std::string> out;
  const auto j = nlohmann::json::parse(text, nullptr, false);
  if (!j.is_array()) return out;
  for (const auto& v : j)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

}  // namespace

// ---- SessionReader -------------------------------------------------------

SessionReader::Strings::Strings(Database& db)
    : db_(db), select_(db, "SELECT value FROM strings WHERE id = ?1") {
  cache_.emplace(0, std::string());
}

const std::string& SessionReader::Strings::resolve(std::uint64_t id) {
  if (auto it = cache_.find(id); it != cache_.end()) return it->second;
  select_.bind(1, id);
  if (!select_.step()) {
    select_.reset();
    throw DecodeError("unknown string id " + std::to_string(id));
  }
  std::string value = select_.get_text(0);
  select_.reset();
  return cache_.emplace(id, std::move(value)).first->second;
}

SessionReader::SessionReader(Database& db, std::int64_t session_id)
    : db_(db),
      strings_(db),
      select_data_(db, "SELECT data FROM sample_data WHERE sample_id = ?1"),
      select_events_(db,
                     "SELECT ts_ns, kind, pid, start_ns, ppid, comm, filename, argv, exit_status,"
                     " trigger_pid, trigger_comm, victim_rss_bytes FROM events"
                     " WHERE sample_id = ?1 ORDER BY seq") {
  Statement s(db_,
              "SELECT host, kernel, procwatch_version, start_wall_ns, end_wall_ns, end_reason,"
              " interval_ns, filters, queue_drops, notices FROM sessions WHERE id = ?1");
  s.bind(1, session_id);
  if (!s.step()) throw StoreError(db_.name() + ": no session " + std::to_string(session_id));
  info_.id = session_id;
  info_.host = s.get_text(0);
  info_.kernel = s.get_text(1);
  info_.procwatch_version = s.get_text(2);
  info_.start_wall_ns = s.get_uint(3);
  if (!s.is_null(4)) info_.end_wall_ns = s.get_uint(4);
  info_.end_reason = s.get_text(5);
  info_.interval_ns = s.get_uint(6);
  info_.filters_json = s.get_text(7);
  info_.queue_drops = s.get_uint(8);
  info_.notices = parse_notices(s.get_text(9));

  Statement c(db_, "SELECT id, name FROM counters");
  while (c.step()) {
    const std::int64_t id = c.get_int(0);
    if (id < 1 || id > static_cast<std::int64_t>(CounterIds::kMaxId))
      throw StoreError(db_.name() + ": counter dictionary is damaged");
    if (counters_.counter.size() <= static_cast<std::size_t>(id))
      counters_.counter.resize(static_cast<std::size_t>(id) + 1);
    const std::string name = c.get_text(1);
    for (const CounterInfo& info : counter_infos())
      if (info.name == name) counters_.set(static_cast<std::uint32_t>(id), info.id);
  }
  if (counters_.counter.empty()) counters_.counter.resize(1);

  Statement q(db_,
              "SELECT id, wall_ns, monotonic_ns, keyframe FROM samples WHERE session_id = ?1"
              " ORDER BY id");
  q.bind(1, session_id);
  while (q.step()) {
    index_.push_back({q.get_int(0), q.get_uint(1), q.get_uint(2), q.get_int(3) != 0});
    if (index_.back().keyframe) keyframes_.push_back(index_.size() - 1);
  }
}

SampleTime SessionReader::time_at(std::size_t index) const {
  const Ref& r = index_.at(index);
  return {r.wall_ns, r.monotonic_ns};
}

void SessionReader::damaged(std::size_t index, const std::string& why) const {
  throw StoreError(db_.name() + ": the recording is damaged at sample " + std::to_string(index) +
                   " of session " + std::to_string(info_.id) + " (" + why + ")");
}

void SessionReader::apply(std::size_t index) {
  const Ref& ref = index_[index];
  select_data_.bind(1, ref.id);
  if (!select_data_.step()) {
    select_data_.reset();
    damaged(index, "its data is missing");
  }
  try {
    ByteReader r(select_data_.get_blob(0));
    const std::uint8_t version = r.u8();
    if (version != kBlobVersion)
      throw DecodeError("data format " + std::to_string(version) + ", this procwatch reads " +
                        std::to_string(kBlobVersion));
    const bool keyframe = (r.varint() & 1) != 0;
    if (keyframe) {
      state_.clear();
      system_ = SystemSample{};
    }
    ByteReader sys = r.sub(r.varint());
    decode_system(sys, system_, strings_);
    system_.wall_ns = ref.wall_ns;
    system_.monotonic_ns = ref.monotonic_ns;

    std::int64_t id = 0;
    const std::uint64_t removed = r.varint();
    if (removed > r.left()) throw DecodeError("removed list too long");
    for (std::uint64_t i = 0; i < removed; ++i) {
      id += static_cast<std::int64_t>(r.varint());
      state_.erase(id);
    }
    id = 0;
    const std::uint64_t elapsed =
        !keyframe && index > 0 && ref.monotonic_ns >= index_[index - 1].monotonic_ns
            ? ref.monotonic_ns - index_[index - 1].monotonic_ns
            : 0;
    const std::uint64_t entries = r.varint();
    if (entries > r.left()) throw DecodeError("entry list too long");
    // Processes not listed gained their predicted off-CPU time (codec.h):
    // walk the state alongside the (ascending) entries.
    auto unlisted = state_.begin();
    auto catch_up = [&](std::int64_t upto) {
      for (; unlisted != state_.end() && unlisted->first < upto; ++unlisted)
        apply_unlisted(unlisted->second, elapsed, counters_);
    };
    for (std::uint64_t i = 0; i < entries; ++i) {
      const std::uint64_t gap = r.varint();
      if (i > 0 && gap == 0) throw DecodeError("process listed twice");
      id += static_cast<std::int64_t>(gap);
      if (!keyframe) catch_up(id);
      auto [it, inserted] = state_.try_emplace(id);
      const bool fresh = decode_process(r, it->second, elapsed, counters_, strings_);
      if (inserted && !fresh) throw DecodeError("a change to an unknown process");
      unlisted = std::next(it);
    }
    if (!keyframe) catch_up(std::numeric_limits<std::int64_t>::max());
    if (!r.done()) throw DecodeError("trailing bytes");
    entries_decoded_ += entries;
  } catch (const DecodeError& e) {
    select_data_.reset();
    cursor_.reset();
    damaged(index, e.what());
  } catch (...) {
    select_data_.reset();
    cursor_.reset();
    throw;
  }
  select_data_.reset();
}

std::shared_ptr<const Sample> SessionReader::materialize(std::size_t index) {
  auto sample = std::make_shared<Sample>();
  sample->system = system_;
  sample->processes.reserve(state_.size());
  for (const auto& [id, stored] : state_)
    sample->processes.push_back(stored.materialize(counters_));
  std::sort(sample->processes.begin(), sample->processes.end(),
            [](const ProcessSample& a, const ProcessSample& b) {
              return a.key.pid != b.key.pid ? a.key.pid < b.key.pid
                                            : a.key.start_ns < b.key.start_ns;
            });
  try {
    select_events_.bind(1, index_[index].id);
    while (select_events_.step()) {
      LifecycleEvent e;
      Statement& st = select_events_;
      e.ts_ns = st.get_uint(0);
      const std::int64_t kind = st.get_int(1);
      if (kind < 0 || kind > static_cast<std::int64_t>(LifecycleEvent::Kind::OomKill))
        throw DecodeError("unknown event kind " + std::to_string(kind));
      e.kind = static_cast<LifecycleEvent::Kind>(kind);
      e.key = {static_cast<std::int32_t>(st.get_int(2)), st.get_uint(3)};
      e.ppid = static_cast<std::int32_t>(st.get_int(4));
      e.comm = strings_.resolve(st.get_uint(5));
      e.filename = strings_.resolve(st.get_uint(6));
      e.argv = strings_.resolve(st.get_uint(7));
      if (!st.is_null(8)) e.exit_status = static_cast<std::uint32_t>(st.get_int(8));
      e.trigger_pid = static_cast<std::int32_t>(st.get_int(9));
      e.trigger_comm = strings_.resolve(st.get_uint(10));
      e.victim_rss_bytes = st.get_uint(11);
      sample->events.push_back(std::move(e));
    }
  } catch (const DecodeError& e) {
    select_events_.reset();
    damaged(index, e.what());
  }
  select_events_.reset();
  return sample;
}

std::shared_ptr<const Sample> SessionReader::load(std::size_t index) {
  if (index >= index_.size())
    throw StoreError(db_.name() + ": sample " + std::to_string(index) + " out of range");
  if (cursor_ && *cursor_ == index && loaded_) return loaded_;
  for (const auto& [i, sample] : recent_)
    if (i == index) return sample;
  // The keyframe at or before index.
  const auto kf = std::upper_bound(keyframes_.begin(), keyframes_.end(), index);
  if (kf == keyframes_.begin()) damaged(index, "no keyframe before it");
  const std::size_t keyframe = *(kf - 1);
  std::size_t from = keyframe;
  if (cursor_ && *cursor_ >= keyframe && *cursor_ < index) from = *cursor_ + 1;
  cursor_.reset();
  loaded_.reset();
  for (std::size_t i = from; i <= index; ++i) apply(i);
  cursor_ = index;
  loaded_ = materialize(index);
  // Replay steps back and forth: keep the last few Samples.
  if (recent_.size() >= kRecent) recent_.erase(recent_.begin());
  recent_.emplace_back(index, loaded_);
  return loaded_;
}

std::vector<AlertRecord> SessionReader::alerts() {
  std::vector<AlertRecord> out;
  Statement st(db_,
               "SELECT a.wall_ns, a.severity, a.rule, a.pid, a.start_ns, a.message FROM alerts a"
               " JOIN samples s ON s.id = a.sample_id WHERE s.session_id = ?1"
               " ORDER BY a.sample_id, a.seq");
  st.bind(1, info_.id);
  while (st.step()) {
    AlertRecord a;
    a.wall_ns = st.get_uint(0);
    a.severity = st.get_text(1);
    a.rule = st.get_text(2);
    if (!st.is_null(3))
      a.process = ProcessKey{static_cast<std::int32_t>(st.get_int(3)), st.get_uint(4)};
    a.message = st.get_text(5);
    out.push_back(std::move(a));
  }
  return out;
}

// ---- Recording -----------------------------------------------------------

Recording::Recording(const std::filesystem::path& path) : db_(open_for_read(path)) {
  load_sessions();
}

Recording::Recording(Database db) : db_(std::move(db)) { load_sessions(); }

void Recording::load_sessions() {
  schema_version_ = pw::schema_version(db_);
  Statement s(db_,
              "SELECT id, host, kernel, procwatch_version, start_wall_ns, end_wall_ns,"
              " end_reason, interval_ns, filters, queue_drops, notices,"
              " (SELECT count(*) FROM samples WHERE session_id = sessions.id),"
              " (SELECT min(wall_ns) FROM samples WHERE session_id = sessions.id),"
              " (SELECT max(wall_ns) FROM samples WHERE session_id = sessions.id)"
              " FROM sessions ORDER BY id");
  while (s.step()) {
    SessionSummary sum;
    SessionInfo& i = sum.info;
    i.id = s.get_int(0);
    i.host = s.get_text(1);
    i.kernel = s.get_text(2);
    i.procwatch_version = s.get_text(3);
    i.start_wall_ns = s.get_uint(4);
    if (!s.is_null(5)) i.end_wall_ns = s.get_uint(5);
    i.end_reason = s.get_text(6);
    i.interval_ns = s.get_uint(7);
    i.filters_json = s.get_text(8);
    i.queue_drops = s.get_uint(9);
    i.notices = parse_notices(s.get_text(10));
    sum.samples = static_cast<std::size_t>(s.get_int(11));
    sum.first_wall_ns = s.get_uint(12);
    sum.last_wall_ns = s.get_uint(13);
    sessions_.push_back(std::move(sum));
  }
}

const SessionSummary& Recording::session(std::optional<std::int64_t> id) const {
  if (sessions_.empty()) throw StoreError(db_.name() + ": the recording holds no session");
  if (!id) return sessions_.back();
  for (const SessionSummary& s : sessions_)
    if (s.info.id == *id) return s;
  throw StoreError(db_.name() + ": no session " + std::to_string(*id) + " (it has " +
                   std::to_string(sessions_.size()) + ", numbered " +
                   std::to_string(sessions_.front().info.id) + " to " +
                   std::to_string(sessions_.back().info.id) + ")");
}

std::optional<std::int64_t> Recording::session_at(std::uint64_t wall_ns) const {
  for (auto it = sessions_.rbegin(); it != sessions_.rend(); ++it)
    if (it->samples > 0 && it->first_wall_ns <= wall_ns && wall_ns <= it->last_wall_ns)
      return it->info.id;
  return std::nullopt;
}

std::unique_ptr<SessionReader> Recording::open_session(std::int64_t id) {
  return std::make_unique<SessionReader>(db_, id);
}

}  // namespace pw
