#include "store/session_writer.h"

#include <algorithm>
#include <limits>
#include <nlohmann/json.hpp>

#include "common/log.h"
#include "store/findings_table.h"

namespace pw {
namespace {

// Forget the string cache past this many entries (a week of unique
// command lines); misses then go to the database's unique index.
constexpr std::size_t kMaxCachedStrings = 1'000'000;

std::string_view kind_name(CounterKind k) {
  return k == CounterKind::Gauge ? "gauge" : "cumulative";
}

int event_kind(LifecycleEvent::Kind k) { return static_cast<int>(k); }

}  // namespace

SessionWriter::Strings::Strings(Database& db)
    : db_(db),
      insert_(db, "INSERT INTO strings(value) VALUES (?1) ON CONFLICT(value) DO NOTHING"),
      select_(db, "SELECT id FROM strings WHERE value = ?1") {}

std::uint64_t SessionWriter::Strings::intern(std::string_view s) {
  if (s.empty()) return 0;
  if (auto it = ids_.find(std::string(s)); it != ids_.end()) return it->second;
  insert_.bind_blob(1, s);
  insert_.run();
  std::uint64_t id = 0;
  if (db_.changes() == 1) {
    id = static_cast<std::uint64_t>(db_.last_insert_rowid());
  } else {
    select_.bind_blob(1, s);
    if (!select_.step()) {
      select_.reset();
      throw StoreError(db_.name() + ": string dictionary lookup failed");
    }
    id = select_.get_uint(0);
    select_.reset();
  }
  if (ids_.size() >= kMaxCachedStrings) ids_.clear();
  ids_.emplace(std::string(s), id);
  return id;
}

SessionWriter::SessionWriter(Database& db, SessionInfo info, WriterOptions options)
    : db_(db),
      info_(std::move(info)),
      options_(options),
      strings_(db),
      insert_sample_(db,
                     "INSERT INTO samples(id, session_id, wall_ns, monotonic_ns, keyframe,"
                     " process_count, entry_count, queue_drops) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)"),
      insert_data_(db, "INSERT INTO sample_data(sample_id, data) VALUES (?1, ?2)"),
      insert_process_(db,
                      "INSERT INTO processes(id, session_id, pid, start_ns, comm, cmdline,"
                      " first_sample) VALUES (?1,?2,?3,?4,?5,?6,?7)"),
      close_process_(db, "UPDATE processes SET last_sample = ?2 WHERE id = ?1"),
      insert_event_(db,
                    "INSERT INTO events(sample_id, seq, ts_ns, kind, pid, start_ns, ppid, comm,"
                    " filename, argv, exit_status, trigger_pid, trigger_comm, victim_rss_bytes)"
                    " VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14)"),
      insert_alert_(db,
                    "INSERT INTO alerts(sample_id, seq, wall_ns, severity, rule, pid, start_ns,"
                    " message) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)") {
  if (options_.keyframe_max_samples == 0) options_.keyframe_max_samples = 1;
  Transaction tx(db_);
  // The counter dictionary: ids are the database's, names are stable.
  Statement add_counter(db_,
                        "INSERT INTO counters(name, unit, kind) VALUES (?1, ?2, ?3)"
                        " ON CONFLICT(name) DO NOTHING");
  Statement find_counter(db_, "SELECT id FROM counters WHERE name = ?1");
  // A new database numbers the counters that change most often first: their
  // bits in an entry's bitmap then fit in its first byte.
  std::vector<CounterInfo> order;
  for (const Counter c : {Counter::OffCpuNs, Counter::RuntimeNs, Counter::VolCtxSw,
                          Counter::RunqWaits, Counter::RunqWaitNs})
    order.push_back(counter_infos()[static_cast<std::size_t>(c)]);
  for (const CounterInfo& c : counter_infos())
    if (std::none_of(order.begin(), order.end(),
                     [&](const CounterInfo& o) { return o.id == c.id; }))
      order.push_back(c);
  for (const CounterInfo& c : order) {
    add_counter.bind_text(1, c.name).bind_text(2, c.unit).bind_text(3, kind_name(c.kind));
    add_counter.run();
    find_counter.bind_text(1, c.name);
    if (!find_counter.step()) throw StoreError(db_.name() + ": counter dictionary is damaged");
    const std::int64_t id = find_counter.get_int(0);
    find_counter.reset();
    if (id < 1 || id > static_cast<std::int64_t>(CounterIds::kMaxId))
      throw StoreError(db_.name() + ": counter dictionary holds too many counters");
    counter_ids_.db_id[static_cast<std::size_t>(c.id)] = static_cast<std::uint32_t>(id);
  }
  Statement add_session(db_,
                        "INSERT INTO sessions(host, kernel, procwatch_version, start_wall_ns,"
                        " interval_ns, filters, keyframe_max_samples, notices)"
                        " VALUES (?1,?2,?3,?4,?5,?6,?7,?8)");
  add_session.bind_text(1, info_.host)
      .bind_text(2, info_.kernel)
      .bind_text(3, info_.procwatch_version)
      .bind(4, info_.start_wall_ns)
      .bind(5, info_.interval_ns)
      .bind_text(6, info_.filters_json)
      .bind(7, static_cast<std::uint64_t>(options_.keyframe_max_samples))
      .bind_text(8, nlohmann::json(info_.notices)
                        .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  add_session.run();
  info_.id = db_.last_insert_rowid();
  tx.commit();
}

std::uint64_t SessionWriter::used_bytes() {
  const std::int64_t pages = db_.query_int("PRAGMA page_count");
  const std::int64_t free_pages = db_.query_int("PRAGMA freelist_count");
  return static_cast<std::uint64_t>(pages - free_pages) *
         static_cast<std::uint64_t>(db_.query_int("PRAGMA page_size"));
}

void SessionWriter::write(const Sample& sample, std::uint64_t queue_drops,
                          std::span<const AlertRecord> alerts, std::span<const Finding> findings) {
  if (broken_) throw StoreError(db_.name() + ": the recording stopped after an earlier error");
  try {
    write_locked(sample, queue_drops, alerts, findings);
  } catch (...) {
    broken_ = true;  // the in-memory baselines no longer match the file
    throw;
  }
}

void SessionWriter::write_locked(const Sample& sample, std::uint64_t queue_drops,
                                 std::span<const AlertRecord> alerts,
                                 std::span<const Finding> findings) {
  Transaction tx(db_);
  const std::int64_t sample_id = db_.query_int("SELECT coalesce(max(id), 0) + 1 FROM samples");
  std::int64_t next_process_id = db_.query_int("SELECT coalesce(max(id), 0) + 1 FROM processes");

  const std::size_t n = sample.processes.size();
  const bool keyframe = !last_system_ || samples_since_keyframe_ >= options_.keyframe_max_samples ||
                        entries_since_keyframe_ >= std::max(options_.keyframe_max_entries, 32 * n);

  // Which stored process each one is; new ones get a row.
  for (auto& [key, k] : known_) k.seen = false;
  std::vector<std::pair<std::int64_t, Known*>> present;
  present.reserve(n);
  std::size_t duplicates = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const ProcessSample& p = sample.processes[i];
    auto [it, inserted] = known_.try_emplace(p.key);
    Known& k = it->second;
    if (!inserted && k.seen) {
      ++duplicates;  // the same (pid, start) twice in one sample: keep the first
      continue;
    }
    if (inserted) {
      k.id = next_process_id++;
      insert_process_.bind(1, k.id)
          .bind(2, info_.id)
          .bind(3, p.key.pid)
          .bind(4, p.key.start_ns)
          .bind(5, strings_.intern(p.comm))
          .bind(6, strings_.intern(p.cmdline))
          .bind(7, sample_id);
      insert_process_.run();
    }
    k.seen = true;
    k.sample_index = i;
    present.emplace_back(k.id, &k);
  }
  if (duplicates)
    log_debug("store: " + std::to_string(duplicates) + " duplicate processes skipped");
  std::sort(present.begin(), present.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });

  // Processes gone since the last sample.
  std::vector<std::int64_t> removed;
  for (auto it = known_.begin(); it != known_.end();) {
    if (!it->second.seen) {
      removed.push_back(it->second.id);
      it = known_.erase(it);
    } else {
      ++it;
    }
  }
  std::sort(removed.begin(), removed.end());

  // The blob: header, system, removed ids, changed processes.
  blob_.clear();
  ByteWriter w(blob_);
  w.u8(kBlobVersion);
  w.varint(keyframe ? 1 : 0);
  std::string system;
  ByteWriter ws(system);
  encode_system(ws, keyframe ? nullptr : &*last_system_, sample.system, strings_);
  w.varint(system.size());
  blob_ += system;
  w.varint(removed.size());
  std::int64_t prev = 0;
  for (const std::int64_t id : removed) {
    w.varint(static_cast<std::uint64_t>(id - prev));
    prev = id;
  }
  std::string entries;
  ByteWriter we(entries);
  std::vector<Known*> written, unlisted;
  prev = 0;
  // Monotonic time since the last sample written: the off-CPU prediction.
  const std::uint64_t elapsed =
      !keyframe && sample.system.monotonic_ns >= last_system_->monotonic_ns
          ? sample.system.monotonic_ns - last_system_->monotonic_ns
          : 0;
  for (const auto& [id, k] : present) {
    const std::size_t mark = entries.size();
    we.varint(static_cast<std::uint64_t>(id - prev));
    const ProcessSample& p = sample.processes[k->sample_index];
    const bool fresh = keyframe || !k->stored;
    if (encode_process(we, fresh ? nullptr : &k->last, p, elapsed, counter_ids_, strings_)) {
      prev = id;
      written.push_back(k);
    } else {
      entries.resize(mark);
      unlisted.push_back(k);
    }
  }
  w.varint(written.size());
  blob_ += entries;

  insert_sample_.bind(1, sample_id)
      .bind(2, info_.id)
      .bind(3, sample.system.wall_ns)
      .bind(4, sample.system.monotonic_ns)
      .bind(5, keyframe ? 1 : 0)
      .bind(6, static_cast<std::uint64_t>(present.size()))
      .bind(7, static_cast<std::uint64_t>(written.size()))
      .bind(8, queue_drops);
  insert_sample_.run();
  insert_data_.bind(1, sample_id).bind_blob(2, std::string_view(blob_));
  insert_data_.run();
  for (const std::int64_t id : removed) {
    close_process_.bind(1, id).bind(2, last_sample_id_);
    close_process_.run();
  }

  int seq = 0;
  auto bind_string = [this](Statement& st, int col, const std::string& s) {
    if (s.empty())
      st.bind_null(col);
    else
      st.bind(col, strings_.intern(s));
  };
  for (const LifecycleEvent& e : sample.events) {
    Statement& st = insert_event_;
    st.bind(1, sample_id).bind(2, seq++).bind(3, e.ts_ns).bind(4, event_kind(e.kind));
    st.bind(5, e.key.pid).bind(6, e.key.start_ns).bind(7, e.ppid);
    bind_string(st, 8, e.comm);
    bind_string(st, 9, e.filename);
    bind_string(st, 10, e.argv);
    if (e.exit_status)
      st.bind(11, *e.exit_status);
    else
      st.bind_null(11);
    if (e.trigger_pid)
      st.bind(12, e.trigger_pid);
    else
      st.bind_null(12);
    bind_string(st, 13, e.trigger_comm);
    if (e.victim_rss_bytes)
      st.bind(14, e.victim_rss_bytes);
    else
      st.bind_null(14);
    st.run();
  }
  seq = 0;
  for (const AlertRecord& a : alerts) {
    Statement& st = insert_alert_;
    st.bind(1, sample_id).bind(2, seq++).bind(3, a.wall_ns).bind_text(4, a.severity);
    st.bind_text(5, a.rule);
    if (a.process)
      st.bind(6, a.process->pid).bind(7, a.process->start_ns);
    else
      st.bind_null(6).bind_null(7);
    st.bind_text(8, a.message);
    st.run();
  }

  if (!findings.empty()) upsert_findings(db_, info_.id, findings);

  if (options_.retain_ns || options_.max_bytes) apply_retention(sample.system.wall_ns);
  tx.commit();

  // Committed: the stored values become the baselines of the next deltas.
  for (Known* k : written) {
    k->last = sample.processes[k->sample_index];
    k->last.threads.clear();
    k->stored = true;
  }
  // Not listed: unchanged but for the predicted off-CPU time.
  for (Known* k : unlisted) k->last.counters = sample.processes[k->sample_index].counters;
  last_system_ = sample.system;
  last_sample_id_ = sample_id;
  if (keyframe) {
    samples_since_keyframe_ = 0;
    entries_since_keyframe_ = 0;
    ++stats_.keyframes;
  }
  ++samples_since_keyframe_;
  entries_since_keyframe_ += written.size();
  ++stats_.samples;
  stats_.process_samples += present.size();
  stats_.entries += written.size();
  stats_.events += sample.events.size();
  stats_.blob_bytes += blob_.size();
}

void SessionWriter::apply_retention(std::uint64_t now_wall_ns) {
  if (options_.retain_ns && now_wall_ns > *options_.retain_ns)
    stats_.deleted_samples += delete_older_than(db_, now_wall_ns - *options_.retain_ns, info_.id);
  if (options_.max_bytes) {
    while (used_bytes() > *options_.max_bytes) {
      const std::size_t deleted = delete_oldest_group(db_, info_.id);
      if (deleted == 0) {
        log_warn("store: --max-size is smaller than one keyframe group; keeping the newest");
        break;
      }
      stats_.deleted_samples += deleted;
    }
  }
}

void SessionWriter::finish(std::uint64_t end_wall_ns, std::string_view reason,
                           std::uint64_t queue_drops) {
  Statement st(db_,
               "UPDATE sessions SET end_wall_ns = ?2, end_reason = ?3, queue_drops = ?4"
               " WHERE id = ?1");
  st.bind(1, info_.id).bind(2, end_wall_ns).bind_text(3, reason).bind(4, queue_drops);
  st.run();
}

std::size_t delete_samples_before(Database& db, std::int64_t session_id,
                                  std::int64_t keyframe_sample_id) {
  static constexpr std::string_view kOld =
      "(SELECT id FROM samples WHERE session_id = ?1 AND id < ?2)";
  for (const std::string_view table : {"events", "alerts", "sample_data"}) {
    Statement st(db,
                 "DELETE FROM " + std::string(table) + " WHERE sample_id IN " + std::string(kOld));
    st.bind(1, session_id).bind(2, keyframe_sample_id);
    st.run();
  }
  Statement procs(db,
                  "DELETE FROM processes WHERE session_id = ?1 AND last_sample IS NOT NULL"
                  " AND last_sample < ?2");
  procs.bind(1, session_id).bind(2, keyframe_sample_id);
  procs.run();
  Statement samples(db, "DELETE FROM samples WHERE session_id = ?1 AND id < ?2");
  samples.bind(1, session_id).bind(2, keyframe_sample_id);
  samples.step();
  return static_cast<std::size_t>(db.changes());
}

namespace {

std::size_t delete_session(Database& db, std::int64_t session_id) {
  const std::size_t n =
      delete_samples_before(db, session_id, std::numeric_limits<std::int64_t>::max());
  Statement procs(db, "DELETE FROM processes WHERE session_id = ?1");
  procs.bind(1, session_id);
  procs.run();
  Statement s(db, "DELETE FROM sessions WHERE id = ?1");
  s.bind(1, session_id);
  s.run();
  return n;
}

std::optional<std::int64_t> query_opt(Database& db, std::string_view sql, std::int64_t a,
                                      std::int64_t b = 0) {
  Statement st(db, sql);
  st.bind(1, a).bind(2, b);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.get_int(0);
}

}  // namespace

std::size_t delete_older_than(Database& db, std::uint64_t cutoff_wall_ns,
                              std::int64_t keep_session) {
  std::vector<std::int64_t> sessions;
  {
    Statement st(db, "SELECT id FROM sessions ORDER BY id");
    while (st.step()) sessions.push_back(st.get_int(0));
  }
  std::size_t deleted = 0;
  const auto cutoff = static_cast<std::int64_t>(cutoff_wall_ns);
  for (const std::int64_t s : sessions) {
    // The first sample at or after the cutoff; every group before the last
    // keyframe at or before it is wholly older.
    const auto first_new = query_opt(
        db, "SELECT min(id) FROM samples WHERE session_id = ?1 AND wall_ns >= ?2", s, cutoff);
    if (!first_new) {
      if (s != keep_session) {
        deleted += delete_session(db, s);
        continue;
      }
    }
    const auto keyframe = query_opt(
        db, "SELECT max(id) FROM samples WHERE session_id = ?1 AND keyframe = 1 AND id <= ?2", s,
        first_new.value_or(std::numeric_limits<std::int64_t>::max()));
    if (keyframe) deleted += delete_samples_before(db, s, *keyframe);
  }
  return deleted;
}

std::size_t delete_oldest_group(Database& db, std::int64_t keep_session) {
  Statement oldest(db, "SELECT id, session_id FROM samples ORDER BY id LIMIT 1");
  if (!oldest.step()) return 0;
  const std::int64_t first = oldest.get_int(0);
  const std::int64_t session = oldest.get_int(1);
  oldest.reset();
  const auto next_keyframe = query_opt(
      db, "SELECT min(id) FROM samples WHERE session_id = ?1 AND keyframe = 1 AND id > ?2", session,
      first);
  if (next_keyframe) return delete_samples_before(db, session, *next_keyframe);
  if (session == keep_session) return 0;
  return delete_session(db, session);
}

}  // namespace pw
