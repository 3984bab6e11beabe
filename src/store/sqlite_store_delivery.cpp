// SqliteStore: the MLS delivery service's rows (docs/E2EE.md). Public keys, ids, times
// and MLS ciphertext only, so nothing here is sealed.
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {

std::string SqliteStore::register_device(const std::string& user_id,
                                         const ByteVector& signature_key, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto id = random_id();
  sql::Statement(conn_,
                 "INSERT INTO devices (id, user_id, signature_key, created_at) VALUES (?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, user_id)
      .bind_blob(3, signature_key)
      .bind(4, now)
      .run();
  return id;
}

// Columns: id, user_id, signature_key, created_at, last_seen_at, revoked_at.
Device SqliteStore::read_device(sql::Statement& row) {
  Device device{row.text(0), row.text(1), row.blob(2), row.integer(3), std::nullopt, std::nullopt};
  if (!row.is_null(4)) device.last_seen_at = row.integer(4);
  if (!row.is_null(5)) device.revoked_at = row.integer(5);
  return device;
}

std::optional<Device> SqliteStore::find_device(const std::string& id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, user_id, signature_key, created_at, last_seen_at, revoked_at "
                   "FROM devices WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return read_device(q);
}

std::vector<Device> SqliteStore::devices_of(const std::string& user_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, user_id, signature_key, created_at, last_seen_at, revoked_at "
                   "FROM devices WHERE user_id = ? ORDER BY created_at, rowid");
  q.bind(1, user_id);
  std::vector<Device> out;
  while (q.step()) out.push_back(read_device(q));
  return out;
}

void SqliteStore::touch_device(const std::string& id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Statement(conn_, "UPDATE devices SET last_seen_at = ? WHERE id = ?")
      .bind(1, now)
      .bind(2, id)
      .run();
}

bool SqliteStore::revoke_device(const std::string& id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  const bool revoked =
      sql::Statement(conn_, "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
          .bind(1, now)
          .bind(2, id)
          .run() > 0;
  sql::Statement(conn_, "DELETE FROM key_packages WHERE device_id = ?").bind(1, id).run();
  tx.commit();
  return revoked;
}

int SqliteStore::count_key_packages(const std::string& device_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_, "SELECT COUNT(*) FROM key_packages WHERE device_id = ?");
  q.bind(1, device_id);
  return q.step() ? static_cast<int>(q.integer(0)) : 0;
}

std::optional<int> SqliteStore::add_key_packages(const std::string& device_id,
                                                 const std::vector<ByteVector>& key_packages,
                                                 int max_outstanding, std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  const int outstanding = count_key_packages(device_id);
  const int after = outstanding + static_cast<int>(key_packages.size());
  if (after > max_outstanding) return std::nullopt;
  for (const auto& body : key_packages) {
    sql::Statement(conn_, "INSERT INTO key_packages (device_id, body, created_at) VALUES (?, ?, ?)")
        .bind(1, device_id)
        .bind_blob(2, body)
        .bind(3, now)
        .run();
  }
  tx.commit();
  return after;
}

std::optional<ByteVector> SqliteStore::claim_key_package(const std::string& device_id) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement q(conn_,
                   "SELECT id, body FROM key_packages WHERE device_id = ? ORDER BY id LIMIT 1");
  q.bind(1, device_id);
  if (!q.step()) return std::nullopt;
  const auto row_id = q.integer(0);
  auto body = q.blob(1);
  sql::Statement(conn_, "DELETE FROM key_packages WHERE id = ?").bind(1, row_id).run();
  tx.commit();
  return body;
}

bool SqliteStore::create_group(const std::string& room_id, const std::string& device_id,
                               std::int64_t now) {
  std::lock_guard lock(mutex_);
  return sql::Statement(conn_,
                        "INSERT OR IGNORE INTO mls_groups "
                        "(room_id, epoch, last_seq, creator_device_id, created_at) "
                        "VALUES (?, 0, 0, ?, ?)")
             .bind(1, room_id)
             .bind(2, device_id)
             .bind(3, now)
             .run() > 0;
}

std::optional<GroupState> SqliteStore::find_group(const std::string& room_id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT epoch, last_seq, creator_device_id FROM mls_groups WHERE room_id = ?");
  q.bind(1, room_id);
  if (!q.step()) return std::nullopt;
  return GroupState{room_id, q.integer(0), q.integer(1), q.text(2)};
}

AppendResult SqliteStore::append_group_messages(const std::string& room_id, EpochRule rule,
                                                std::vector<GroupMessage>& messages,
                                                std::int64_t max_messages) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  auto group = find_group(room_id);
  if (!group) return {AppendOutcome::no_group};
  const bool commit = rule.kind == EpochRule::Kind::commit;
  // RFC 9420 §14: of two commits for one epoch, the first to arrive wins.
  if (commit && rule.epoch != group->epoch) return {AppendOutcome::epoch_conflict, group->epoch};
  if (!commit && (rule.epoch > group->epoch || rule.epoch + 1 < group->epoch)) {
    return {AppendOutcome::stale_epoch, group->epoch};
  }
  // Messages are only ever deleted with their group, so last_seq is also their count.
  if (group->last_seq + static_cast<std::int64_t>(messages.size()) > max_messages) {
    return {AppendOutcome::group_full, group->epoch};
  }
  std::int64_t seq = group->last_seq;
  for (auto& message : messages) {
    message.seq = ++seq;
    sql::Statement insert(conn_,
                          "INSERT INTO mls_messages (room_id, seq, epoch, kind, sender_device_id, "
                          "sender_user_id, recipient_device_id, body, created_at) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    insert.bind(1, room_id)
        .bind(2, message.seq)
        .bind(3, message.epoch)
        .bind(4, message.kind)
        .bind(5, message.sender_device_id)
        .bind(6, message.sender_user_id);
    if (message.recipient_device_id.empty()) {
      insert.bind_null(7);
    } else {
      insert.bind(7, message.recipient_device_id);
    }
    insert.bind_blob(8, message.body).bind(9, message.created_at).run();
  }
  sql::Statement(conn_, "UPDATE mls_groups SET last_seq = ?, epoch = ? WHERE room_id = ?")
      .bind(1, seq)
      .bind(2, commit ? group->epoch + 1 : group->epoch)
      .bind(3, room_id)
      .run();
  tx.commit();
  return {AppendOutcome::appended, commit ? group->epoch + 1 : group->epoch};
}

std::vector<GroupMessage> SqliteStore::group_messages_after(const std::string& room_id,
                                                            std::int64_t after_seq,
                                                            const std::string& device_id,
                                                            int limit) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT seq, epoch, kind, sender_device_id, sender_user_id, "
                   "COALESCE(recipient_device_id, ''), body, created_at FROM mls_messages "
                   "WHERE room_id = ? AND seq > ? "
                   "AND (recipient_device_id IS NULL OR recipient_device_id = ?) "
                   "ORDER BY seq LIMIT ?");
  q.bind(1, room_id)
      .bind(2, after_seq)
      .bind(3, device_id)
      .bind(4, static_cast<std::int64_t>(limit));
  std::vector<GroupMessage> out;
  while (q.step()) {
    out.push_back({q.integer(0), q.integer(1), q.text(2), q.text(3), q.text(4), q.text(5),
                   q.blob(6), q.integer(7)});
  }
  return out;
}

std::optional<std::string> SqliteStore::add_room_file(const std::string& room_id,
                                                      const std::string& uploader_id,
                                                      const ByteVector& body,
                                                      std::int64_t max_room_bytes,
                                                      std::int64_t now) {
  std::lock_guard lock(mutex_);
  sql::Transaction tx(conn_);
  sql::Statement total(conn_, "SELECT COALESCE(SUM(size), 0) FROM room_files WHERE room_id = ?");
  total.bind(1, room_id);
  const std::int64_t used = total.step() ? total.integer(0) : 0;
  if (used + static_cast<std::int64_t>(body.size()) > max_room_bytes) return std::nullopt;
  auto id = random_id();
  sql::Statement(conn_,
                 "INSERT INTO room_files (id, room_id, uploader_id, size, body, created_at) "
                 "VALUES (?, ?, ?, ?, ?, ?)")
      .bind(1, id)
      .bind(2, room_id)
      .bind(3, uploader_id)
      .bind(4, static_cast<std::int64_t>(body.size()))
      .bind_blob(5, body)
      .bind(6, now)
      .run();
  tx.commit();
  return id;
}

std::optional<RoomFile> SqliteStore::find_room_file(const std::string& id) {
  std::lock_guard lock(mutex_);
  sql::Statement q(conn_,
                   "SELECT id, room_id, uploader_id, size, created_at, body FROM room_files "
                   "WHERE id = ?");
  q.bind(1, id);
  if (!q.step()) return std::nullopt;
  return RoomFile{q.text(0), q.text(1), q.text(2), q.integer(3), q.integer(4), q.blob(5)};
}

}  // namespace haven
