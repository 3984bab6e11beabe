#include "store/data_keys.h"

namespace haven::data_keys {
namespace {

constexpr const char* kColumns = "SELECT key_id, subject_id, kek_id, wrapped_key FROM data_keys";

WrappedKey read(const sql::Statement& q) {
  return {q.text(0), q.text(1), q.text(2), q.text(3)};
}

std::optional<WrappedKey> one(sql::Connection& conn, const char* where, const std::string& value) {
  sql::Statement q(conn, std::string(kColumns) + where);
  q.bind(1, value);
  if (!q.step()) return std::nullopt;
  return read(q);
}

}  // namespace

std::optional<WrappedKey> by_subject(sql::Connection& conn, const std::string& subject) {
  return one(conn, " WHERE subject_id = ?", subject);
}

std::optional<WrappedKey> by_id(sql::Connection& conn, const std::string& key_id) {
  return one(conn, " WHERE key_id = ?", key_id);
}

bool insert(sql::Connection& conn, const WrappedKey& key, std::int64_t now) {
  return sql::Statement(conn,
                        "INSERT OR IGNORE INTO data_keys (key_id, subject_id, kek_id, wrapped_key, "
                        "created_at) VALUES (?, ?, ?, ?, ?)")
             .bind(1, key.key_id)
             .bind(2, key.subject)
             .bind(3, key.kek_id)
             .bind(4, key.wrapped)
             .bind(5, now)
             .run() == 1;
}

std::vector<WrappedKey> all(sql::Connection& conn) {
  sql::Statement q(conn, std::string(kColumns) + " ORDER BY created_at, key_id");
  std::vector<WrappedKey> out;
  while (q.step()) out.push_back(read(q));
  return out;
}

void update_wrapping(sql::Connection& conn, const WrappedKey& key) {
  sql::Statement(conn, "UPDATE data_keys SET kek_id = ?, wrapped_key = ? WHERE key_id = ?")
      .bind(1, key.kek_id)
      .bind(2, key.wrapped)
      .bind(3, key.key_id)
      .run();
}

std::map<std::string, std::int64_t> count_by_kek(sql::Connection& conn) {
  sql::Statement q(conn, "SELECT kek_id, COUNT(*) FROM data_keys GROUP BY kek_id");
  std::map<std::string, std::int64_t> out;
  while (q.step()) out[q.text(0)] = q.integer(1);
  return out;
}

}  // namespace haven::data_keys
