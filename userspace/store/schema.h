// The recording file: a SQLite database with a schema version, an
// application id, and a chain of migrations from version 1. Opening checks
// the file before SQLite touches it, so a foreign, newer, truncated or
// non-SQLite file gives one clear error and is left exactly as it was.
//
// Versioning:
//   PRAGMA application_id = kApplicationId   this is a procwatch recording
//   PRAGMA user_version   = schema version   bumped by every migration
//   meta.read_compat      = the oldest schema version whose readers can
//                           still read this file (a migration that only adds
//                           tables or columns leaves it alone)
// A new database is created at version 1 and migrated up like an old one,
// so the migration chain runs on every recording ever made.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "store/db.h"

namespace pw {

inline constexpr int kSchemaVersion = 2;
inline constexpr std::int32_t kApplicationId = 0x70774442;  // "pwDB"

struct Migration {
  int from = 0;  // applies to a database at this version
  int to = 0;    // and leaves it at this one
  std::string_view description;
  std::function<void(Database&)> apply;
};

// Version 1 (the first release) and every step after it, in order.
std::span<const Migration> migrations();

// What a file on disk is, from its first 100 bytes (no SQLite involved).
enum class FileKind : std::uint8_t { Missing, Empty, NotSqlite, Truncated, Sqlite };
struct FileCheck {
  FileKind kind = FileKind::Missing;
  std::string detail;  // why NotSqlite / Truncated
};
FileCheck check_file(const std::filesystem::path& path);

// The schema version stored in the database (0 for an empty one).
int schema_version(Database& db);

// Creates the schema in an empty database, or brings an older one up to
// `target` through `steps`; each step runs in its own transaction with its
// version bump, so a failure leaves the last good version. Throws
// StoreError for a database that is not ours or is newer than `target`.
void migrate(Database& db, int target = kSchemaVersion,
             std::span<const Migration> steps = migrations());

// Opens a recording to read (replay, report, export): read-only, so the
// file is never changed. Throws StoreError with one sentence when the file
// is missing, not SQLite, truncated, foreign, empty or too new.
Database open_for_read(const std::filesystem::path& path);

// Opens (creating if missing) a recording to append a session: verifies an
// existing file first (read-only, including an integrity check), migrates
// an older schema, then switches to WAL. Throws StoreError and leaves the
// file untouched when it is not a procwatch recording of a version this
// procwatch can write.
Database open_for_append(const std::filesystem::path& path);

// The checks of open_for_append() alone, changing nothing: run them before
// slow start-up work so a bad file fails at once.
void verify_for_append(const std::filesystem::path& path);

// Applies the writer's settings (WAL, synchronous=NORMAL) to a database.
void configure_for_writing(Database& db);

}  // namespace pw
