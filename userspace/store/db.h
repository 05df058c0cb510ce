// RAII over SQLite handles: one Database owns a sqlite3*, one Statement a
// sqlite3_stmt*. Every failure becomes a StoreError naming what was being
// done and SQLite's own message, so the CLI can print one sentence.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "common/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace pw {

// A recording that cannot be opened, read or written. The message is one
// sentence for the user ("session.db: not a procwatch recording ...").
class StoreError : public FatalError {
 public:
  explicit StoreError(const std::string& what, int sqlite_code = 0)
      : FatalError(what, 1), sqlite_code_(sqlite_code) {}
  // SQLite's primary result code (SQLITE_FULL, SQLITE_CORRUPT, ...), 0 if none.
  int sqlite_code() const { return sqlite_code_; }
  bool disk_full() const;

 private:
  int sqlite_code_;
};

class Statement;

// Why a recording cannot be created or appended at `path` (the file, and
// its -wal and -shm beside it), in words: "the directory /a/b does not
// exist", "/mnt is on a read-only file system", "permission denied: ...";
// nullopt when nothing stands in the way, as far as can be told without
// writing. A missing file is probed by creating and removing it, so a
// file system that refuses new files (/proc, /sys) is named too.
std::optional<std::string> write_access_problem(const std::filesystem::path& path);

class Database {
 public:
  enum class Mode : std::uint8_t {
    // Never creates or changes the file. Without FILE-wal beside it (no
    // writer has the file open, none was killed) it is opened immutable,
    // so no FILE-wal or FILE-shm appears either; with one, SQLite reads it
    // (a recording in progress) and may create FILE-shm if it is missing.
    ReadOnly,
    ReadWrite,  // creates the file if missing
  };

  Database() = default;
  // Throws StoreError. ":memory:" opens a private in-memory database.
  static Database open(const std::filesystem::path& path, Mode mode);
  static Database open_memory();

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  sqlite3* handle() const { return db_; }
  const std::string& name() const { return name_; }  // for error messages
  bool read_only() const { return read_only_; }

  // Runs one or more statements without results.
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  // The first column of the first row of a query returning an integer.
  std::int64_t query_int(std::string_view sql);
  std::optional<std::string> query_text(std::string_view sql);
  std::int64_t last_insert_rowid() const;
  int changes() const;

  // "session.db: <what>: <sqlite message>" as a StoreError.
  [[noreturn]] void fail(std::string_view what, int rc) const;

 private:
  sqlite3* db_ = nullptr;
  std::string name_;
  bool read_only_ = false;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back when destroyed uncommitted.
class Transaction {
 public:
  explicit Transaction(Database& db);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Database& db_;
  bool open_ = false;
};

class Statement {
 public:
  Statement() = default;
  Statement(Database& db, std::string_view sql);
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite.
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, std::uint64_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, int v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, std::uint32_t v) { return bind(i, static_cast<std::int64_t>(v)); }
  Statement& bind(int i, double v);
  Statement& bind_text(int i, std::string_view v);
  Statement& bind_blob(int i, std::span<const std::uint8_t> v);
  Statement& bind_blob(int i, std::string_view bytes);
  Statement& bind_null(int i);

  // true: a row is available; false: done. Throws on error.
  bool step();
  // step() for statements without results; then reset() for the next use.
  void run();
  void reset();

  // Columns are 0-based, as in SQLite.
  bool is_null(int col) const;
  std::int64_t get_int(int col) const;
  std::uint64_t get_uint(int col) const { return static_cast<std::uint64_t>(get_int(col)); }
  double get_double(int col) const;
  std::string get_text(int col) const;
  std::string_view get_blob(int col) const;  // valid until the next step()/reset()

 private:
  Database* db_ = nullptr;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace pw
