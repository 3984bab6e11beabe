// Thin RAII layer over the SQLite C API: a connection, prepared statements, transactions.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace haven::sql {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class OpenMode { read_write, read_only };

class Connection {
 public:
  // Opens (creating) the file, WAL mode, foreign keys on, busy timeout. read_only opens an
  // existing file for reading only (tools such as `haven audit verify`, beside the server).
  Connection(const std::string& path, int busy_timeout_ms, OpenMode mode = OpenMode::read_write);
  sqlite3* get() const { return db_.get(); }
  void exec(const char* sql);

  // A unit of work: every write the calling thread makes between begin_unit() and
  // end_unit() lands in one transaction (an API action and its audit record commit
  // together or not at all). The transaction starts lazily at the first write, so reads
  // and slow work before it (password hashing) hold no lock. While it is open the
  // thread keeps `lock` (the store's mutex), so other threads wait for the commit.
  void begin_unit(std::recursive_mutex& lock);
  // COMMIT (or ROLLBACK) if a write started the transaction; then releases the lock.
  void end_unit(bool commit);
  // Called before a statement that writes: starts the calling thread's pending unit.
  void before_write();
  // Whether the calling thread's unit has started its transaction on this connection.
  bool in_unit_transaction() const;

 private:
  struct Close {
    void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
  };
  std::unique_ptr<sqlite3, Close> db_;
};

class Statement {
 public:
  Statement(Connection& conn, std::string_view sql);
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t value);
  Statement& bind_null(int index);
  Statement& bind_optional(int index, const std::optional<std::string>& text);  // null if none
  Statement& bind_blob(int index, std::span<const std::uint8_t> bytes);
  // True while a row is available; false when done. Throws on error.
  bool step();
  // Runs to completion; returns sqlite3_changes().
  int run();
  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::vector<std::uint8_t> blob(int column) const;
  bool is_null(int column) const;

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
  };
  Connection& conn_;
  std::unique_ptr<sqlite3_stmt, Finalize> stmt_;
};

// BEGIN IMMEDIATE on construction (take the write lock up front, so a transaction never
// fails half-way on a lock upgrade); ROLLBACK in the destructor unless commit() ran.
// Inside a unit of work it is a SAVEPOINT instead: its rollback undoes only its own
// writes, and its commit waits for the unit's.
class Transaction {
 public:
  explicit Transaction(Connection& conn);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void commit();

 private:
  Connection& conn_;
  bool nested_ = false;
  bool done_ = false;
};

}  // namespace haven::sql
