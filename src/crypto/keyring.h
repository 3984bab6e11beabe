// The keyring: master keys (KEKs) from key files beside the database, and the cache of
// unwrapped data keys. Envelope encryption (NIST SP 800-57 Pt. 1 §6.1.1, key-wrapping
// keys): every data key is stored only wrapped by a KEK; a KEK never enters SQLite, so a
// stolen database or backup without the key files reveals no PHI.
//
// Key files in the data folder (mode 0600 or stricter, never group- or world-readable):
//   master.key             the current KEK: new data keys are wrapped with it
//   master-<kek id>.key    earlier KEKs, kept after `haven keys rotate` until
//                          `haven keys retire --kek <kek id>` removes them
// A KEK's id is kek_id_of(key) (16 hex characters), recorded with every wrapped key
// (data_keys.kek_id). A running server picks up a rotation by itself: it re-reads
// master.key whenever it wraps a new data key, and loads the key files again when it
// meets a kek id it does not know.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>
#include <vector>

#include "crypto/secret_key.h"

namespace haven {

// A key file that is missing, the wrong size, or readable by others. The message is one
// line naming the file (never its content) and what to do.
struct KeyFileError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// One row of data_keys.
struct WrappedKey {
  std::string key_id;   // 32 hex characters, random
  std::string subject;  // "user:<id>", "org:<id>" or "system:<name>"
  std::string kek_id;   // the master key it is wrapped under
  std::string wrapped;  // base64url(nonce ‖ ciphertext ‖ tag)
};

class Keyring {
 public:
  // Loads master.key and every master-<id>.key in data_dir. Throws KeyFileError.
  explicit Keyring(std::string data_dir);
  Keyring(const Keyring&) = delete;
  Keyring& operator=(const Keyring&) = delete;

  const std::string& data_dir() const { return data_dir_; }
  // The id of master.key as it is on disk now (re-read: a rotation may have replaced it).
  std::string current_kek_id();
  std::vector<std::string> kek_ids();

  // A new wrapped data key for subject, under the current KEK.
  WrappedKey wrap_new(const std::string& key_id, const std::string& subject,
                      const SecretKey& data_key);
  // The same data key wrapped under target_kek_id instead (rotation).
  WrappedKey rewrap(const WrappedKey& record, const std::string& target_kek_id);
  // The unwrapped data key, from the cache or unwrapped now. Throws std::runtime_error
  // (naming the key id only) when its KEK is not available or it does not verify.
  std::shared_ptr<const SecretKey> data_key(const WrappedKey& record);
  // The cached unwrapped key, or nullptr (then read its row and call data_key()).
  std::shared_ptr<const SecretKey> cached(const std::string& key_id);
  // Drops a cached key (crypto-shredding must not leave it in memory).
  void forget(const std::string& key_id);

  // Key files -------------------------------------------------------------------
  // Rotation, step 1: a new master key becomes master.key; the old one is kept as
  // master-<old id>.key. At every moment each KEK is in some file, so a server starting
  // mid-way finds them all. Returns {old id, new id}.
  std::pair<std::string, std::string> install_new_master_key();
  // Deletes master-<kek_id>.key. Throws KeyFileError when kek_id is the current key or
  // has no file. (The caller checks first that no data key is wrapped under it.)
  void remove_master_key(const std::string& kek_id);

  // The current master key's bytes, for the one-time move of pre-keyring FieldCipher
  // values (TOTP secrets, break-glass reasons) onto keyring keys (migration 9).
  const SecretKey& current_master_key_for_migration();

 private:
  static constexpr std::size_t kCacheLimit = 4096;
  void load_files();                                // under mutex_
  const SecretKey& kek(const std::string& kek_id);  // under mutex_; loads files if unknown

  std::string data_dir_;
  std::mutex mutex_;
  std::map<std::string, SecretKey> keks_;  // by kek id
  std::string current_;
  struct Cached {
    std::string subject;  // the subject it was unwrapped for (the wrap's associated data)
    std::shared_ptr<const SecretKey> key;
  };
  std::unordered_map<std::string, Cached> cache_;  // by key id
};

// Key file names: "master.key" and "master-<16 hex>.key".
std::string master_key_path(const std::string& data_dir);
std::string retired_master_key_path(const std::string& data_dir, const std::string& kek_id);

// Reads a 32-byte key file straight into guarded memory. Throws KeyFileError when the
// file is missing, not a regular file, not exactly 32 bytes, or has any group/other
// permission bit (HIPAA 164.312(a)(1): only the service account may read the key).
SecretKey read_key_file(const std::string& path);

}  // namespace haven
