#include "store/schema.h"

#include <sqlite3.h>

#include <array>
#include <cstring>
#include <fstream>
#include <optional>
#include <system_error>

namespace pw {
namespace {

// Version 1, as released. Never edit: a change is a new migration.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE meta(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;

-- One recording run: `procwatch record` appends one per invocation.
CREATE TABLE sessions(
  id INTEGER PRIMARY KEY,
  host TEXT NOT NULL,
  kernel TEXT NOT NULL,
  procwatch_version TEXT NOT NULL,
  start_wall_ns INTEGER NOT NULL,      -- CLOCK_REALTIME
  end_wall_ns INTEGER,                 -- NULL: not closed cleanly (or still recording)
  end_reason TEXT,                     -- 'duration', 'signal', 'error: ...'
  interval_ns INTEGER NOT NULL,
  filters TEXT NOT NULL,               -- JSON: {"pid": [...], "comm": [...], "cgroup": [...]}
  keyframe_max_samples INTEGER NOT NULL,
  queue_drops INTEGER NOT NULL DEFAULT 0, -- samples dropped before the writer (see samples)
  notices TEXT NOT NULL DEFAULT '[]'    -- JSON: what was degraded while recording
);

-- Counter dictionary: data blobs refer to counters by these ids, so a
-- counter added to procwatch later needs no schema change.
CREATE TABLE counters(
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,           -- counter_infos() name, e.g. 'runtime_ns'
  unit TEXT NOT NULL,
  kind TEXT NOT NULL                   -- 'cumulative' or 'gauge'
);

-- Every string (comm, cmdline, user, cgroup, device and socket names,
-- event file names) once; untrusted bytes, hence BLOB.
CREATE TABLE strings(
  id INTEGER PRIMARY KEY,
  value BLOB NOT NULL UNIQUE
);

-- One row per collection pass.
CREATE TABLE samples(
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  wall_ns INTEGER NOT NULL,            -- CLOCK_REALTIME
  monotonic_ns INTEGER NOT NULL,       -- CLOCK_MONOTONIC
  keyframe INTEGER NOT NULL,           -- 1: data holds full values of every process
  process_count INTEGER NOT NULL,      -- processes present in the sample
  entry_count INTEGER NOT NULL,        -- processes stored in data (changed ones)
  queue_drops INTEGER NOT NULL         -- cumulative samples dropped by the writer queue
);
CREATE INDEX samples_by_time ON samples(session_id, wall_ns);

-- The sample's system figures and processes, varint-encoded deltas against
-- the previous sample (see userspace/store/codec.h).
CREATE TABLE sample_data(
  sample_id INTEGER PRIMARY KEY REFERENCES samples(id),
  data BLOB NOT NULL
);

-- Each process once, as first seen.
CREATE TABLE processes(
  id INTEGER PRIMARY KEY,
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  pid INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,           -- CLOCK_MONOTONIC at creation; (pid, start_ns) is the key
  comm INTEGER NOT NULL REFERENCES strings(id),
  cmdline INTEGER NOT NULL REFERENCES strings(id),
  first_sample INTEGER NOT NULL,
  last_sample INTEGER                  -- NULL: present until the session's last sample
);
CREATE INDEX processes_by_pid ON processes(session_id, pid);

CREATE TABLE event_kinds(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
INSERT INTO event_kinds VALUES (0, 'fork'), (1, 'exec'), (2, 'exit'), (3, 'oom_kill');

-- Lifecycle events, in the sample that received them.
CREATE TABLE events(
  sample_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  ts_ns INTEGER NOT NULL,              -- CLOCK_MONOTONIC
  kind INTEGER NOT NULL REFERENCES event_kinds(id),
  pid INTEGER NOT NULL,
  start_ns INTEGER NOT NULL,
  ppid INTEGER NOT NULL,
  comm INTEGER REFERENCES strings(id),
  filename INTEGER REFERENCES strings(id),
  argv INTEGER REFERENCES strings(id),
  exit_status INTEGER,                 -- wait(2) status word
  trigger_pid INTEGER,                 -- oom_kill
  trigger_comm INTEGER REFERENCES strings(id),
  victim_rss_bytes INTEGER,
  PRIMARY KEY(sample_id, seq)
) WITHOUT ROWID;

-- Alerts raised while recording.
CREATE TABLE alerts(
  sample_id INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  wall_ns INTEGER NOT NULL,
  severity TEXT NOT NULL,
  rule TEXT NOT NULL,
  pid INTEGER,
  start_ns INTEGER,
  message TEXT NOT NULL,
  PRIMARY KEY(sample_id, seq)
) WITHOUT ROWID;
)sql";

void create_v1(Database& db) {
  db.exec(kSchemaV1);
  db.exec(
      "INSERT INTO meta VALUES ('format', 'procwatch recording'), ('read_compat', '1'),"
      " ('created_by', 'procwatch " PROCWATCH_VERSION "')");
  db.exec("PRAGMA application_id = " + std::to_string(kApplicationId));
}

// Version 2: what the detectors found (userspace/analyze/). An added table
// only, so read_compat stays 1: a version 1 reader ignores it.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE findings(
  session_id INTEGER NOT NULL REFERENCES sessions(id),
  id INTEGER NOT NULL,                 -- unique within the session's analyzer run
  kind TEXT NOT NULL,                  -- 'leak' or 'anomaly'
  detector TEXT NOT NULL,              -- 'leak', 'spike', 'level_shift', ...
  pid INTEGER,                         -- NULL: system-wide
  start_ns INTEGER,                    -- the process's CLOCK_MONOTONIC start
  comm TEXT NOT NULL,
  identity TEXT NOT NULL,
  metric TEXT NOT NULL,
  value REAL NOT NULL,
  baseline REAL NOT NULL,
  score REAL NOT NULL,
  rate_per_s REAL NOT NULL,
  confidence REAL NOT NULL,
  window_s REAL NOT NULL,
  limit_bytes INTEGER,
  time_to_oom_s REAL,
  start_wall_ns INTEGER NOT NULL,      -- CLOCK_REALTIME
  end_wall_ns INTEGER NOT NULL,
  active INTEGER NOT NULL,             -- 1: still held when the session ended
  evidence TEXT NOT NULL,
  PRIMARY KEY(session_id, id)
) WITHOUT ROWID;
)sql";

void create_v2(Database& db) { db.exec(kSchemaV2); }

bool has_tables(Database& db) { return db.query_int("SELECT count(*) FROM sqlite_schema") > 0; }

std::int64_t application_id(Database& db) { return db.query_int("PRAGMA application_id"); }

int read_compat(Database& db) {
  try {
    const auto v = db.query_text("SELECT value FROM meta WHERE key = 'read_compat'");
    return v ? std::stoi(*v) : 1;
  } catch (const std::exception&) {
    return 1;
  }
}

std::uint32_t be32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

std::string newer_message(const Database& db, int version) {
  return db.name() + ": written by a newer procwatch (schema version " + std::to_string(version) +
         "); this procwatch " PROCWATCH_VERSION " handles up to version " +
         std::to_string(kSchemaVersion);
}

// Checks that an open database is a procwatch recording this binary can
// read; returns its version.
int verify_ours(Database& db, bool writing) {
  int version = 0;
  try {
    version = schema_version(db);
    if (version == 0 && application_id(db) == 0 && !has_tables(db)) return 0;  // empty
    if (application_id(db) != kApplicationId)
      throw StoreError(db.name() +
                       ": not a procwatch recording (a SQLite database of another program)");
  } catch (const StoreError& e) {
    if (e.sqlite_code() == SQLITE_NOTADB || e.sqlite_code() == SQLITE_CORRUPT)
      throw StoreError(db.name() + ": not a usable SQLite database (the file is damaged)",
                       e.sqlite_code());
    throw;
  }
  if (version > kSchemaVersion) {
    // Reading is fine when the newer version says old readers still can.
    if (writing || read_compat(db) > kSchemaVersion)
      throw StoreError(newer_message(db, version) +
                       (writing ? "; record into a new file instead" : ""));
  }
  return version;
}

}  // namespace

std::span<const Migration> migrations() {
  static const std::array<Migration, 2> steps{{
      {0, 1, "create the version 1 schema", create_v1},
      {1, 2, "add the findings table", create_v2},
  }};
  return steps;
}

FileCheck check_file(const std::filesystem::path& path) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (ec || !std::filesystem::exists(status)) return {FileKind::Missing, ""};
  if (!std::filesystem::is_regular_file(status)) return {FileKind::NotSqlite, "not a regular file"};
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) return {FileKind::NotSqlite, ec.message()};
  if (size == 0) return {FileKind::Empty, ""};

  std::ifstream in(path, std::ios::binary);
  std::array<unsigned char, 100> h{};
  in.read(reinterpret_cast<char*>(h.data()), h.size());
  if (!in && in.gcount() < 16) {
    if (!in.is_open()) return {FileKind::NotSqlite, "cannot be read"};
  }
  static constexpr char kMagic[] = "SQLite format 3";  // plus its NUL: 16 bytes
  if (in.gcount() < 16 || std::memcmp(h.data(), kMagic, 16) != 0)
    return {FileKind::NotSqlite, "not a SQLite database"};
  if (in.gcount() < 100) return {FileKind::Truncated, "shorter than the SQLite header"};

  // Page size: 1 means 65536 (file format spec, "The Database Header").
  std::uint32_t page_size = static_cast<std::uint32_t>(h[16]) << 8 | h[17];
  if (page_size == 1) page_size = 65536;
  if (page_size < 512 || (page_size & (page_size - 1)) != 0)
    return {FileKind::NotSqlite, "invalid SQLite header"};
  // The in-header page count is valid when the change counter matches the
  // version-valid-for number; in WAL mode newer pages may live in -wal.
  const std::uint32_t pages = be32(&h[28]);
  const bool count_valid = be32(&h[24]) == be32(&h[92]);
  std::filesystem::path wal = path;
  wal += "-wal";
  const bool has_wal = std::filesystem::exists(wal, ec);
  if (size % page_size != 0 && !has_wal)
    return {FileKind::Truncated, "its size is not a whole number of pages"};
  if (count_valid && pages > 0 && size < static_cast<std::uintmax_t>(pages) * page_size && !has_wal)
    return {FileKind::Truncated,
            "it is shorter than its header says (" + std::to_string(size) + " of " +
                std::to_string(static_cast<std::uintmax_t>(pages) * page_size) + " bytes)"};
  return {FileKind::Sqlite, ""};
}

int schema_version(Database& db) { return static_cast<int>(db.query_int("PRAGMA user_version")); }

void migrate(Database& db, int target, std::span<const Migration> steps) {
  int version = verify_ours(db, true);
  if (version > target) throw StoreError(newer_message(db, version));
  while (version < target) {
    const Migration* step = nullptr;
    for (const Migration& m : steps)
      if (m.from == version) step = &m;
    if (!step || step->to <= version)
      throw StoreError(db.name() + ": no migration from schema version " + std::to_string(version));
    Transaction tx(db);
    step->apply(db);
    db.exec("PRAGMA user_version = " + std::to_string(step->to));
    tx.commit();
    version = step->to;
  }
}

namespace {

void reject(const std::filesystem::path& path, const FileCheck& check, bool reading) {
  const std::string name = path.string();
  switch (check.kind) {
    case FileKind::Missing:
      if (reading) throw StoreError(name + ": no such file");
      return;
    case FileKind::Empty:
      if (reading) throw StoreError(name + ": empty file, not a procwatch recording");
      return;
    case FileKind::NotSqlite:
      throw StoreError(name + ": not a procwatch recording (" + check.detail + ")");
    case FileKind::Truncated:
      throw StoreError(name + ": truncated recording (" + check.detail + ")");
    case FileKind::Sqlite:
      return;
  }
}

}  // namespace

Database open_for_read(const std::filesystem::path& path) {
  reject(path, check_file(path), true);
  Database db = Database::open(path, Database::Mode::ReadOnly);
  if (verify_ours(db, false) == 0)
    throw StoreError(db.name() + ": an empty SQLite database, not a procwatch recording");
  return db;
}

void configure_for_writing(Database& db) {
  // WAL: a reader (replay of a recording in progress) never blocks the
  // writer, and a crash (kill -9) loses at most the transaction in flight.
  // synchronous=NORMAL syncs at checkpoints only: an OS crash may lose the
  // last intervals, a process crash none that were committed.
  const auto mode = db.query_text("PRAGMA journal_mode = WAL");
  if (!mode || *mode != "wal")
    throw StoreError(db.name() + ": cannot switch to WAL mode (" + mode.value_or("?") +
                     "); is the file on a network file system?");
  db.exec("PRAGMA synchronous = NORMAL");
}

void verify_for_append(const std::filesystem::path& path) {
  const FileCheck check = check_file(path);
  reject(path, check, false);
  // Before BPF is loaded and before SQLite says only "unable to open
  // database file": a missing directory, permissions, a read-only or
  // virtual file system.
  if (const auto problem = write_access_problem(path))
    throw StoreError(path.string() + ": cannot record here: " + *problem);
  if (check.kind == FileKind::Sqlite) {
    // Look before writing: nothing is changed in a file we refuse.
    Database ro = Database::open(path, Database::Mode::ReadOnly);
    verify_ours(ro, true);
    std::optional<std::string> ok;
    try {
      ok = ro.query_text("PRAGMA quick_check(1)");
    } catch (const StoreError& e) {
      ok = e.what();
    }
    if (!ok || *ok != "ok") {
      // quick_check reports on several lines ("*** in database main ***\nPage 16: ...").
      std::string why = ok.value_or("?");
      if (why.starts_with("*** in database main ***")) why.erase(0, 24);
      for (char& c : why)
        if (c == '\n') c = ' ';
      while (!why.empty() && why.front() == ' ') why.erase(0, 1);
      throw StoreError(ro.name() + ": the recording is damaged (" + why +
                       "); record into a new file");
    }
  }
}

Database open_for_append(const std::filesystem::path& path) {
  verify_for_append(path);
  Database db = Database::open(path, Database::Mode::ReadWrite);
  migrate(db);
  configure_for_writing(db);
  return db;
}

}  // namespace pw
