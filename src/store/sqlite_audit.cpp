#include "store/sqlite_audit.h"

#include <sodium.h>

#include <filesystem>
#include <optional>

#include "util/secret_bytes.h"

namespace haven {
namespace {

using audit::Hash;
using audit::StoredCheckpoint;
using audit::StoredEntry;

constexpr const char* kEntryColumns =
    "SELECT seq, at, actor_id, actor_role, action, object_type, object_id, outcome, "
    "request_id, client_ip, entry_mac, pruned_leaf FROM audit_events ";
constexpr const char* kCheckpointColumns =
    "SELECT id, tree_size, root_hash, created_at, note FROM audit_checkpoints ";

std::string hex(const Hash& h) {
  return to_hex(h.data(), h.size());
}

// Raw bytes of a hex column; "?" (which can never match a 32-byte code) when malformed.
std::string unhex(const std::string& text) {
  std::string out(text.size() / 2, '\0');
  std::size_t len = 0;
  if (sodium_hex2bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                     text.size(), nullptr, &len, nullptr) != 0 ||
      len * 2 != text.size()) {
    return "?";
  }
  return out;
}

StoredEntry read_entry(const sql::Statement& q) {
  StoredEntry e;
  e.entry.seq = q.integer(0);
  AuditRecord& r = e.entry.record;
  r.at = q.integer(1);
  r.actor_id = q.text(2);
  r.actor_role = q.text(3);
  r.action = q.text(4);
  r.object_type = q.text(5);
  r.object_id = q.text(6);
  r.outcome = q.text(7);
  r.request_id = q.text(8);
  r.client_ip = q.text(9);
  if (!q.is_null(10)) e.mac = unhex(q.text(10));
  if (!q.is_null(11)) {
    // A malformed kept hash becomes all zeroes, which no authentication code matches.
    Hash leaf{};
    auto raw = unhex(q.text(11));
    if (raw.size() == leaf.size()) std::copy(raw.begin(), raw.end(), leaf.begin());
    e.pruned_leaf = leaf;
  }
  return e;
}

StoredCheckpoint read_checkpoint(const sql::Statement& q) {
  StoredCheckpoint c;
  c.id = q.integer(0);
  c.tree_size = q.integer(1);
  auto root = unhex(q.text(2));
  if (root.size() == c.root.size()) std::copy(root.begin(), root.end(), c.root.begin());
  c.created_at = q.integer(3);
  c.note = q.text(4);
  return c;
}

// A read transaction: every SELECT inside sees the same snapshot (WAL).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(sql::Connection& conn) : conn_(conn) { conn_.exec("BEGIN"); }
  ~ReadSnapshot() { sqlite3_exec(conn_.get(), "COMMIT", nullptr, nullptr, nullptr); }
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;

 private:
  sql::Connection& conn_;
};

}  // namespace

std::int64_t insert_audit_entry(sql::Connection& conn, const AuditRecord& r,
                                const audit::AuditKey* key) {
  std::optional<sql::Transaction> own;
  if (sqlite3_get_autocommit(conn.get()) != 0) own.emplace(conn);
  std::int64_t seq = 1;
  {
    sql::Statement q(conn, "SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events");
    if (q.step()) seq = q.integer(0);
  }
  sql::Statement insert(conn,
                        "INSERT INTO audit_events (seq, at, actor_id, action, object_type, "
                        "object_id, outcome, request_id, actor_role, client_ip, entry_mac) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
  insert.bind(1, seq)
      .bind(2, r.at)
      .bind(3, r.actor_id)
      .bind(4, r.action)
      .bind(5, r.object_type)
      .bind(6, r.object_id)
      .bind(7, r.outcome)
      .bind(8, r.request_id)
      .bind(9, r.actor_role)
      .bind(10, r.client_ip);
  if (key) {
    insert.bind(11, hex(key->entry_mac(audit::entry_leaf_hash({seq, r}))));
  } else {
    insert.bind_null(11);
  }
  insert.run();
  if (own) own->commit();
  return seq;
}

int database_schema_version(const std::string& path) {
  if (!std::filesystem::exists(path)) return 0;
  sql::Connection conn(path, 5000, sql::OpenMode::read_only);
  sql::Statement has(conn,
                     "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                     "name = 'schema_migrations'");
  if (!has.step()) return 0;
  sql::Statement q(conn, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations");
  return q.step() ? static_cast<int>(q.integer(0)) : 0;
}

SqliteAuditLedger::SqliteAuditLedger(const std::string& path, int busy_timeout_ms,
                                     sql::OpenMode mode)
    : conn_(path, busy_timeout_ms, mode) {}

std::vector<StoredEntry> SqliteAuditLedger::entries_after(std::int64_t after, std::size_t limit) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kEntryColumns) + "WHERE seq > ? ORDER BY seq LIMIT ?");
  q.bind(1, after).bind(2, static_cast<std::int64_t>(limit));
  std::vector<StoredEntry> out;
  while (q.step()) out.push_back(read_entry(q));
  return out;
}

std::optional<StoredEntry> SqliteAuditLedger::entry(std::int64_t seq) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kEntryColumns) + "WHERE seq = ?");
  q.bind(1, seq);
  if (!q.step()) return std::nullopt;
  return read_entry(q);
}

std::vector<StoredCheckpoint> SqliteAuditLedger::query_checkpoints(const char* where_order,
                                                                   std::int64_t arg) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, std::string(kCheckpointColumns) + where_order);
  if (arg >= 0) q.bind(1, arg);
  std::vector<StoredCheckpoint> out;
  while (q.step()) out.push_back(read_checkpoint(q));
  return out;
}

std::vector<StoredCheckpoint> SqliteAuditLedger::checkpoints() {
  return query_checkpoints("ORDER BY id", -1);
}

std::optional<StoredCheckpoint> SqliteAuditLedger::latest_checkpoint() {
  auto found = query_checkpoints("ORDER BY tree_size DESC, id DESC LIMIT 1", -1);
  if (found.empty()) return std::nullopt;
  return found.front();
}

std::optional<StoredCheckpoint> SqliteAuditLedger::checkpoint_of_size(std::int64_t tree_size) {
  auto found = query_checkpoints("WHERE tree_size = ? ORDER BY id DESC LIMIT 1", tree_size);
  if (found.empty()) return std::nullopt;
  return found.front();
}

StoredCheckpoint SqliteAuditLedger::add_checkpoint(StoredCheckpoint c) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_,
                 "INSERT INTO audit_checkpoints (tree_size, root_hash, created_at, note) "
                 "VALUES (?, ?, ?, ?)")
      .bind(1, c.tree_size)
      .bind(2, hex(c.root))
      .bind(3, c.created_at)
      .bind(4, c.note)
      .run();
  c.id = sqlite3_last_insert_rowid(conn_.get());
  return c;
}

std::int64_t SqliteAuditLedger::last_seq_before(std::int64_t at) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT COALESCE((SELECT MIN(seq) FROM audit_events WHERE at >= ?1), "
                   "(SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_events)) - 1");
  q.bind(1, at);
  return q.step() ? q.integer(0) : 0;
}

std::int64_t SqliteAuditLedger::prune_through(std::int64_t through,
                                              const std::function<Hash(std::int64_t)>& leaf_of) {
  std::lock_guard lock(mutex_);
  std::vector<std::int64_t> seqs;
  {
    sql::Statement q(conn_,
                     "SELECT seq FROM audit_events WHERE seq <= ? AND pruned_leaf IS NULL "
                     "ORDER BY seq");
    q.bind(1, through);
    while (q.step()) seqs.push_back(q.integer(0));
  }
  // In batches, so the server's writers never wait long for this connection's lock.
  constexpr std::size_t kBatch = 1000;
  for (std::size_t i = 0; i < seqs.size(); i += kBatch) {
    sql::Transaction tx(conn_);
    for (std::size_t j = i; j < std::min(seqs.size(), i + kBatch); ++j) {
      sql::Statement(conn_,
                     "UPDATE audit_events SET pruned_leaf = ?, actor_id = NULL, actor_role = '', "
                     "action = '', object_type = NULL, object_id = NULL, outcome = '', "
                     "request_id = NULL, client_ip = '' WHERE seq = ?")
          .bind(1, hex(leaf_of(seqs[j])))
          .bind(2, seqs[j])
          .run();
    }
    tx.commit();
  }
  return static_cast<std::int64_t>(seqs.size());
}

void SqliteAuditLedger::scan(
    const std::function<void(std::vector<StoredCheckpoint>)>& on_checkpoints,
    const std::function<bool(const StoredEntry&)>& on_entry) {
  std::lock_guard lock(mutex_);
  ReadSnapshot snapshot(conn_);
  std::vector<StoredCheckpoint> cps;
  {
    sql::Statement q(conn_, std::string(kCheckpointColumns) + "ORDER BY id");
    while (q.step()) cps.push_back(read_checkpoint(q));
  }
  on_checkpoints(std::move(cps));
  sql::Statement q(conn_, std::string(kEntryColumns) + "ORDER BY seq");
  while (q.step()) {
    if (!on_entry(read_entry(q))) break;
  }
}

std::int64_t SqliteAuditLedger::seal_legacy_entries(const audit::AuditKey& key) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  std::vector<StoredEntry> unsealed;
  {
    sql::Statement q(conn_, std::string(kEntryColumns) + "WHERE entry_mac IS NULL ORDER BY seq");
    while (q.step()) unsealed.push_back(read_entry(q));
  }
  for (const auto& e : unsealed) {
    sql::Statement(conn_, "UPDATE audit_events SET entry_mac = ? WHERE seq = ?")
        .bind(1, hex(key.entry_mac(audit::entry_leaf_hash(e.entry))))
        .bind(2, e.entry.seq)
        .run();
  }
  tx.commit();
  return static_cast<std::int64_t>(unsealed.size());
}

}  // namespace haven
