#include "store/db.h"

#include <sqlite3.h>

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

}  // namespace

bool StoreError::disk_full() const { return sqlite_code_ == SQLITE_FULL; }

Database Database::open(const std::filesystem::path& path, Mode mode) {
  Database d;
  d.name_ = path.string();
  d.read_only_ = mode == Mode::ReadOnly;
  const int flags =
      SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
      (d.read_only_ ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  const std::string uri = file_uri(path, d.read_only_ ? "mode=ro" : "mode=rwc");
  const int rc = sqlite3_open_v2(uri.c_str(), &d.db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    const std::string why = d.db_ ? sqlite3_errmsg(d.db_) : sqlite3_errstr(rc);
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
