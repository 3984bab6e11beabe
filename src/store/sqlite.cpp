#include "store/sqlite.h"

namespace haven::sql {
namespace {

[[noreturn]] void fail(sqlite3* db, const char* what) {
  // sqlite3_errmsg never contains bound values, only the statement's problem.
  throw Error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : "out of memory"));
}

// The unit of work the calling thread has open, if any. Per thread: server threads share
// one connection, and each request runs on one thread from start to end.
struct UnitState {
  Connection* conn = nullptr;
  std::recursive_mutex* lock = nullptr;
  bool begun = false;
};
thread_local UnitState t_unit;

}  // namespace

void Connection::begin_unit(std::recursive_mutex& lock) {
  if (t_unit.conn) throw Error("unit of work already open on this thread");
  t_unit = {this, &lock, false};
}

void Connection::before_write() {
  if (t_unit.conn != this || t_unit.begun) return;
  // Called with the store's mutex held (inside a store method): take it once more for
  // the unit, so it stays held after the method returns, until end_unit().
  t_unit.lock->lock();
  try {
    exec("BEGIN IMMEDIATE");
  } catch (...) {
    t_unit.lock->unlock();
    throw;
  }
  t_unit.begun = true;
}

bool Connection::in_unit_transaction() const {
  return t_unit.conn == this && t_unit.begun;
}

void Connection::end_unit(bool commit) {
  if (t_unit.conn != this) return;
  UnitState unit = t_unit;
  t_unit = {};
  if (!unit.begun) return;
  // Unlock whatever happens: a failed COMMIT is rolled back and reported.
  struct Unlock {
    std::recursive_mutex* m;
    ~Unlock() { m->unlock(); }
  } unlock{unit.lock};
  if (commit) {
    try {
      exec("COMMIT");
      return;
    } catch (...) {
      sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
      throw;
    }
  }
  sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Connection::Connection(const std::string& path, int busy_timeout_ms, OpenMode mode) {
  sqlite3* raw = nullptr;
  const int access = mode == OpenMode::read_only ? SQLITE_OPEN_READONLY
                                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  int rc = sqlite3_open_v2(path.c_str(), &raw, access | SQLITE_OPEN_FULLMUTEX, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK) fail(raw, "sqlite3_open_v2");
  sqlite3_busy_timeout(raw, busy_timeout_ms);
  sqlite3_extended_result_codes(raw, 1);
  if (mode == OpenMode::read_only) {
    exec("PRAGMA query_only=ON");
    return;
  }
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");  // durable across process crashes in WAL mode
  exec("PRAGMA foreign_keys=ON");
  exec("PRAGMA secure_delete=ON");  // deleted rows are zeroed, not left in free pages
}

void Connection::exec(const char* sql) {
  char* message = nullptr;
  if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &message) != SQLITE_OK) {
    std::string text = message ? message : "unknown";
    sqlite3_free(message);
    throw Error("sqlite3_exec: " + text);
  }
}

Statement::Statement(Connection& conn, std::string_view sql) : conn_(conn) {
  sqlite3_stmt* raw = nullptr;
  if (sqlite3_prepare_v2(conn.get(), sql.data(), static_cast<int>(sql.size()), &raw, nullptr) !=
      SQLITE_OK) {
    fail(conn.get(), "sqlite3_prepare_v2");
  }
  stmt_.reset(raw);
}

Statement& Statement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(stmt_.get(), index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(conn_.get(), "sqlite3_bind_text");
  }
  return *this;
}

Statement& Statement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(stmt_.get(), index, value) != SQLITE_OK) {
    fail(conn_.get(), "sqlite3_bind_int64");
  }
  return *this;
}

Statement& Statement::bind_null(int index) {
  if (sqlite3_bind_null(stmt_.get(), index) != SQLITE_OK) fail(conn_.get(), "sqlite3_bind_null");
  return *this;
}

Statement& Statement::bind_optional(int index, const std::optional<std::string>& text) {
  return text ? bind(index, std::string_view(*text)) : bind_null(index);
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> bytes) {
  // A zero-length blob still binds as a blob (not NULL): pass a valid pointer.
  static const std::uint8_t empty = 0;
  if (sqlite3_bind_blob(stmt_.get(), index, bytes.empty() ? &empty : bytes.data(),
                        static_cast<int>(bytes.size()), SQLITE_TRANSIENT) != SQLITE_OK) {
    fail(conn_.get(), "sqlite3_bind_blob");
  }
  return *this;
}

bool Statement::step() {
  if (!sqlite3_stmt_readonly(stmt_.get())) conn_.before_write();
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  fail(conn_.get(), "sqlite3_step");
}

int Statement::run() {
  while (step()) {
  }
  return sqlite3_changes(conn_.get());
}

std::string Statement::text(int column) const {
  auto p = sqlite3_column_text(stmt_.get(), column);
  auto n = sqlite3_column_bytes(stmt_.get(), column);
  return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : "";
}

std::vector<std::uint8_t> Statement::blob(int column) const {
  auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_.get(), column));
  auto n = static_cast<std::size_t>(sqlite3_column_bytes(stmt_.get(), column));
  return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>{};
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

Transaction::Transaction(Connection& conn) : conn_(conn) {
  conn_.before_write();
  // Inside a unit of work, or inside any open transaction (a migration's code step
  // calling store code): a savepoint, since SQLite transactions do not nest.
  nested_ = conn_.in_unit_transaction() || sqlite3_get_autocommit(conn_.get()) == 0;
  conn_.exec(nested_ ? "SAVEPOINT haven_tx" : "BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
  if (done_) return;
  if (nested_) {
    sqlite3_exec(conn_.get(), "ROLLBACK TO haven_tx; RELEASE haven_tx", nullptr, nullptr, nullptr);
  } else {
    sqlite3_exec(conn_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
}

void Transaction::commit() {
  conn_.exec(nested_ ? "RELEASE haven_tx" : "COMMIT");
  done_ = true;
}

}  // namespace haven::sql
