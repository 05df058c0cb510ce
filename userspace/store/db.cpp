#include "store/db.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

namespace pw {
namespace {

// file: URIs need '%', '?' and '#' escaped; everything else may stay.
std::string file_uri(const std::filesystem::path& path, std::string_view query) {
  std::string uri = "file:";
  for (const char c : path.string()) {
    if (c == '%' || c == '?' || c == '#') {
      constexpr char kHex[] = "0123456789abcdef";
      uri += '%';
      uri += kHex[static_cast<unsigned char>(c) >> 4];
      uri += kHex[static_cast<unsigned char>(c) & 0xf];
    } else {
      uri += c;
    }
  }
  uri += '?';
  uri += query;
  return uri;
}

// File systems that hold no regular files: creating one fails with ENOENT
// or EACCES even for root, which alone would read as a missing directory
// or a permission problem.
const char* virtual_fs_name(const std::string& dir) {
  struct statfs fs {};
  if (::statfs(dir.c_str(), &fs) != 0) return nullptr;
  switch (static_cast<unsigned long>(fs.f_type)) {
    case PROC_SUPER_MAGIC:
      return "proc";
    case SYSFS_MAGIC:
      return "sysfs";
    case CGROUP_SUPER_MAGIC:
    case CGROUP2_SUPER_MAGIC:
      return "cgroup";
    case DEBUGFS_MAGIC:
      return "debugfs";
    case TRACEFS_MAGIC:
      return "tracefs";
    case BPF_FS_MAGIC:
      return "bpf";
    case SECURITYFS_MAGIC:
      return "securityfs";
    case DEVPTS_SUPER_MAGIC:
      return "devpts";
    default:
      return nullptr;
  }
}

std::string errno_reason(int err, const std::string& dir) {
  switch (err) {
    case EROFS:
      return dir + " is on a read-only file system";
    case EACCES:
    case EPERM:
      return "permission denied: this user cannot create or write files in " + dir;
    case ENOSPC:
      return "no space left on the file system of " + dir;
    case EDQUOT:
      return "disk quota exceeded on the file system of " + dir;
    case ENOENT:
      return "the directory " + dir + " does not exist";
    case ENOTDIR:
      return dir + " is not a directory";
    default:
      return std::string(std::strerror(err));
  }
}

}  // namespace

std::optional<std::string> write_access_problem(const std::filesystem::path& path) {
  const std::filesystem::path parent = path.parent_path();
  const std::string dir = parent.empty() ? std::string(".") : parent.string();
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT) return "the directory " + dir + " does not exist";
    if (err == ENOTDIR) return "a part of " + dir + " is not a directory";
    if (err == EACCES) return "permission denied: this user cannot reach " + dir;
    return dir + ": " + std::strerror(err);
  }
  if (!S_ISDIR(st.st_mode)) return dir + " is not a directory";
  if (const char* fs = virtual_fs_name(dir))
    return dir + " is on the " + std::string(fs) +
           " virtual file system, which holds no recordings";
  struct statvfs vfs {};
  if (::statvfs(dir.c_str(), &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
    return dir + " is on a read-only file system";
  const std::string file = path.string();
  struct stat fst {};
  if (::stat(file.c_str(), &fst) == 0) {
    if (S_ISDIR(fst.st_mode)) return file + " is a directory";
    if (::access(file.c_str(), R_OK | W_OK) != 0) {
      const int err = errno;
      if (err == EACCES || err == EPERM) return "permission denied: this user cannot write " + file;
      return errno_reason(err, dir);
    }
  }
  // SQLite puts FILE-wal and FILE-shm beside the file: the directory must
  // take new files even when the file exists.
  if (::access(dir.c_str(), W_OK | X_OK) != 0) return errno_reason(errno, dir);
  if (::stat(file.c_str(), &fst) != 0) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) {
      const int err = errno;
      if (err == EEXIST) return std::nullopt;  // someone else just created it
      return errno_reason(err, dir);
    }
    ::close(fd);
    ::unlink(file.c_str());
  }
  return std::nullopt;
}

bool StoreError::disk_full() const { return sqlite_code_ == SQLITE_FULL; }

Database Database::open(const std::filesystem::path& path, Mode mode) {
  Database d;
  d.name_ = path.string();
  d.read_only_ = mode == Mode::ReadOnly;
  const int flags =
      SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
      (d.read_only_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  // A reader must leave nothing beside a recording: without a -wal (no
  // writer has it open) the file cannot change under us, and immutable
  // keeps SQLite from creating the WAL index (-shm) and an empty -wal
  // that a read-only connection could never remove.
  std::error_code ec;
  const bool wal_present = std::filesystem::exists(path.string() + "-wal", ec);
  const char* query = !d.read_only_ ? "mode=rwc" : wal_present ? "mode=ro" : "mode=ro&immutable=1";
  const std::string uri = file_uri(path, query);
  const int rc = sqlite3_open_v2(uri.c_str(), &d.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc);
    if (!d.read_only_ && (rc & 0xff) == SQLITE_CANTOPEN)
      if (const auto problem = write_access_problem(path)) why = *problem;
    throw StoreError(d.name_ + ": cannot open: " + why, rc & 0xff);
  }
  sqlite3_extended_result_codes(d.db_, 1);
  // A reader may meet the writer's checkpoint; wait rather than fail.
  sqlite3_busy_timeout(d.db_, 5000);
  return d;
}

Database Database::open_memory() {
  Database d;
  d.name_ = ":memory:";
  const int rc =
      sqlite3_open_v2(":memory:", &d.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr);
  if (rc != SQLITE_OK) throw StoreError("cannot open an in-memory database", rc);
  sqlite3_extended_result_codes(d.db_, 1);
  return d;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      name_(std::move(other.name_)),
      read_only_(other.read_only_) {}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    if (db_) sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    name_ = std::move(other.name_);
    read_only_ = other.read_only_;
  }
  return *this;
}

Database::~Database() {
  if (db_) sqlite3_close_v2(db_);
}

void Database::fail(std::string_view what, int rc) const {
  std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  const int primary = rc & 0xff;
  if (primary == SQLITE_FULL) why = "disk full (" + why + ")";
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    why = "the file is damaged (" + why + ")";
  throw StoreError(name_ + ": " + std::string(what) + ": " + why, primary);
}

void Database::exec(std::string_view sql) {
  char* err = nullptr;
  const std::string text(sql);
  const int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (err) sqlite3_free(err);
  if (rc != SQLITE_OK) fail("SQL failed", rc);
}

Statement Database::prepare(std::string_view sql) { return Statement(*this, sql); }

std::int64_t Database::query_int(std::string_view sql) {
  Statement st(*this, sql);
  if (!st.step() || st.is_null(0)) return 0;
  return st.get_int(0);
}

std::optional<std::string> Database::query_text(std::string_view sql) {
  Statement st(*this, sql);
  if (!st.step() || st.is_null(0)) return std::nullopt;
  return st.get_text(0);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

int Database::changes() const { return sqlite3_changes(db_); }

Transaction::Transaction(Database& db) : db_(db) {
  db_.exec("BEGIN IMMEDIATE");
  open_ = true;
}

Transaction::~Transaction() {
  if (open_) sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  const int rc = sqlite3_exec(db_.handle(), "COMMIT", nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) db_.fail("commit failed", rc);  // the destructor rolls back
  open_ = false;
}

Statement::Statement(Database& db, std::string_view sql) : db_(&db) {
  const int rc = sqlite3_prepare_v3(db.handle(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
  if (rc != SQLITE_OK) db.fail("cannot prepare '" + std::string(sql.substr(0, 60)) + "'", rc);
}

Statement::Statement(Statement&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), stmt_(std::exchange(other.stmt_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_) sqlite3_finalize(stmt_);
    db_ = std::exchange(other.db_, nullptr);
    stmt_ = std::exchange(other.stmt_, nullptr);
  }
  return *this;
}

Statement::~Statement() {
  if (stmt_) sqlite3_finalize(stmt_);
}

Statement& Statement::bind(int i, std::int64_t v) {
  const int rc = sqlite3_bind_int64(stmt_, i, v);
  if (rc != SQLITE_OK) db_->fail("bind failed", rc);
  return *this;
}

Statement& Statement::bind(int i, double v) {
  const int rc = sqlite3_bind_double(stmt_, i, v);
  if (rc != SQLITE_OK) db_->fail("bind failed", rc);
  return *this;
}

Statement& Statement::bind_text(int i, std::string_view v) {
  const int rc =
      sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->fail("bind failed", rc);
  return *this;
}

Statement& Statement::bind_blob(int i, std::span<const std::uint8_t> v) {
  // A zero-length blob with a null pointer would bind NULL: give it an address.
  static const std::uint8_t kEmpty = 0;
  const int rc = sqlite3_bind_blob(stmt_, i, v.empty() ? &kEmpty : v.data(),
                                   static_cast<int>(v.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) db_->fail("bind failed", rc);
  return *this;
}

Statement& Statement::bind_blob(int i, std::string_view bytes) {
  return bind_blob(i, std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

Statement& Statement::bind_null(int i) {
  const int rc = sqlite3_bind_null(stmt_, i);
  if (rc != SQLITE_OK) db_->fail("bind failed", rc);
  return *this;
}

bool Statement::step() {
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite3_reset(stmt_);
  db_->fail("query failed", rc);
}

void Statement::run() {
  step();
  reset();
}

void Statement::reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

bool Statement::is_null(int col) const { return sqlite3_column_type(stmt_, col) == SQLITE_NULL; }

std::int64_t Statement::get_int(int col) const { return sqlite3_column_int64(stmt_, col); }

double Statement::get_double(int col) const { return sqlite3_column_double(stmt_, col); }

std::string Statement::get_text(int col) const {
  const auto* p = sqlite3_column_blob(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string(static_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

std::string_view Statement::get_blob(int col) const {
  const auto* p = sqlite3_column_blob(stmt_, col);
  const int n = sqlite3_column_bytes(stmt_, col);
  return p ? std::string_view(static_cast<const char*>(p), static_cast<std::size_t>(n))
           : std::string_view();
}

}  // namespace pw
