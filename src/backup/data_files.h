// The files beside the database that backups and restores use:
//   backup.key    the archive key (32 bytes, 0600), separate from the master key; it must
//                 be stored apart from the archives (a backup and its key together are
//                 readable by whoever holds both, short of the master key)
//   erased-keys   the erasure ledger: one data key id per line (0600), appended when a
//                 patient is erased; a restore deletes these keys from the restored
//                 database, so an older backup never brings an erased patient back
//   haven.lock    held shared by `haven serve` (flock) and exclusively by `haven restore`
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "crypto/secret_key.h"

namespace haven::backup {

inline constexpr const char* kBackupKeyFile = "backup.key";
inline constexpr const char* kErasedKeysFile = "erased-keys";
inline constexpr const char* kLockFile = "haven.lock";

// Reads <data_dir>/backup.key; when it is missing and create is true, makes a new random
// one (0600). Throws KeyFileError (one line naming the file) when it is missing, readable
// by group or others, or not 32 bytes.
SecretKey load_backup_key(const std::string& data_dir, bool create);

// An online, consistent copy of the database at db_path into dest_path (created 0600)
// through the SQLite backup API; the server may keep writing meanwhile. Throws sql::Error.
void snapshot_database(const std::string& db_path, const std::string& dest_path, int busy_ms);

// The erasure ledger. read_erased_keys returns the ids (empty when there is no ledger);
// it throws on a malformed line rather than skip a key. append_erased_key adds one id
// (32 lowercase hex characters) and fsyncs.
std::vector<std::string> read_erased_keys(const std::string& data_dir);
void append_erased_key(const std::string& data_dir, const std::string& key_id);

// Deletes the listed data keys from the database at db_path (secure_delete on); returns
// how many rows were deleted.
int remove_erased_keys(const std::string& db_path, const std::vector<std::string>& key_ids);

// An flock on <data_dir>/haven.lock, released when destroyed (or when the process dies).
class DataDirLock {
 public:
  // Shared: many servers may hold it. Exclusive: only when nobody else holds it.
  // Returns nullopt when the lock is held the other way.
  static std::optional<DataDirLock> try_acquire(const std::string& data_dir, bool exclusive);
  ~DataDirLock();
  DataDirLock(DataDirLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  DataDirLock& operator=(DataDirLock&&) = delete;
  DataDirLock(const DataDirLock&) = delete;

 private:
  explicit DataDirLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace haven::backup
