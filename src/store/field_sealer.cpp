#include "store/field_sealer.h"

#include <ctime>

#include "store/data_keys.h"
#include "util/secret_bytes.h"

namespace haven {

std::string FieldSealer::user_subject(Role role, const std::string& user_id,
                                      const std::string& org_id) {
  // Patients and guests have keys of their own: erasing one shreds what was sealed for them.
  return role == Role::patient || role == Role::guest ? "user:" + user_id : org_subject(org_id);
}

std::shared_ptr<const SecretKey> FieldSealer::key_of(const std::string& subject,
                                                     std::string* key_id) {
  // Looked up each time rather than cached by subject: a key created inside a
  // transaction that later rolls back must not outlive its row.
  auto record = data_keys::by_subject(conn_, subject);
  if (!record) {
    // Write lock first, then read which master key is current: a `keys rotate` swaps
    // the key files before it takes the lock, so a key wrapped here is either under the
    // new master key or re-wrapped by that rotation's transaction.
    sql::Transaction tx(conn_);
    record = data_keys::by_subject(conn_, subject);  // another process may have made it
    if (!record) {
      auto fresh = SecretKey::random();
      auto wrapped = keyring_.wrap_new(random_id(), subject, fresh);
      data_keys::insert(conn_, wrapped, static_cast<std::int64_t>(std::time(nullptr)));
      record = std::move(wrapped);
    }
    tx.commit();
  }
  if (key_id) *key_id = record->key_id;
  return keyring_.data_key(*record);
}

std::string FieldSealer::seal(const std::string& subject, const FieldRef& where,
                              std::string_view plaintext) {
  std::string key_id;
  auto key = key_of(subject, &key_id);
  return seal_field(*key, key_id, where, plaintext);
}

std::string FieldSealer::open(const FieldRef& where, std::string_view sealed) {
  const std::string what = std::string(where.table) + "." + std::string(where.column);
  auto key_id = sealed_key_id(sealed);
  if (!key_id) throw SealError(what + " holds a value that is not sealed");
  auto key = keyring_.cached(*key_id);
  if (!key) {
    auto record = data_keys::by_id(conn_, *key_id);
    if (!record) {
      // An erased subject (crypto-shredding) reads as such; anything else is foreign.
      sql::Statement erased(conn_, "SELECT 1 FROM erased_keys WHERE key_id = ?");
      erased.bind(1, *key_id);
      if (erased.step()) return kErasedPlaceholder;
      throw SealError(what + " is sealed under a data key that no longer exists");
    }
    key = keyring_.data_key(*record);
  }
  auto plain = open_field(*key, *key_id, where, sealed);
  if (!plain) throw SealError(what + " does not open (moved or altered)");
  return std::move(*plain);
}

std::string FieldSealer::email_index(std::string_view email) {
  return blind_index(*key_of(kEmailIndexSubject), email);
}

}  // namespace haven
