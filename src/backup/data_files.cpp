#include "backup/data_files.h"

#include <fcntl.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "crypto/key_files.h"
#include "crypto/keyring.h"
#include "store/sqlite.h"

namespace haven::backup {
namespace {

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct BackupFinish {
  void operator()(sqlite3_backup* b) const noexcept { sqlite3_backup_finish(b); }
};
struct CloseDb {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};

bool is_key_id(const std::string& id) {
  if (id.size() != 32) return false;
  for (char c : id) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

SecretKey load_backup_key(const std::string& data_dir, bool create) {
  const std::string path = data_dir + "/" + kBackupKeyFile;
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (!create) {
      throw KeyFileError("backup key file " + path +
                         " is missing; copy the backup.key kept with your key backups there "
                         "(chmod 600)");
    }
    std::string key(SecretKey::kSize, '\0');
    randombytes_buf(key.data(), key.size());
    write_private_file(path, key);
    sodium_memzero(key.data(), key.size());
  } else if ((st.st_mode & 077) != 0) {
    throw KeyFileError("backup key file " + path +
                       " is readable by group or others; it must be 0600 (run: chmod 600 " + path +
                       ")");
  }
  try {
    return read_key_file(path);
  } catch (const KeyFileError&) {
    throw KeyFileError("backup key file " + path + " is not a 32-byte regular file with mode 0600");
  }
}

void snapshot_database(const std::string& db_path, const std::string& dest_path, int busy_ms) {
  {
    Fd f{::open(dest_path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600)};
    if (f.fd < 0) throw sql::Error("cannot create the snapshot file");
  }
  sql::Connection src(db_path, busy_ms, sql::OpenMode::read_only);
  sqlite3* raw = nullptr;
  const int rc = sqlite3_open_v2(dest_path.c_str(), &raw, SQLITE_OPEN_READWRITE, nullptr);
  std::unique_ptr<sqlite3, CloseDb> dest(raw);
  if (rc != SQLITE_OK) throw sql::Error("cannot open the snapshot file");
  std::unique_ptr<sqlite3_backup, BackupFinish> copy(
      sqlite3_backup_init(dest.get(), "main", src.get(), "main"));
  if (!copy) throw sql::Error(std::string("sqlite3_backup_init: ") + sqlite3_errmsg(dest.get()));
  // One step copies every page inside one read transaction: a consistent snapshot even
  // while the server writes (WAL readers do not block writers).
  for (int attempt = 0;; ++attempt) {
    const int step = sqlite3_backup_step(copy.get(), -1);
    if (step == SQLITE_DONE) break;
    if ((step == SQLITE_BUSY || step == SQLITE_LOCKED) && attempt * 50 < busy_ms) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    throw sql::Error(std::string("sqlite3_backup_step: ") + sqlite3_errstr(step));
  }
  const int finish = sqlite3_backup_finish(copy.release());
  if (finish != SQLITE_OK) {
    throw sql::Error(std::string("sqlite3_backup_finish: ") + sqlite3_errstr(finish));
  }
  // A self-contained file: the archive holds the database only, without a -wal beside it.
  if (sqlite3_exec(dest.get(), "PRAGMA journal_mode=DELETE", nullptr, nullptr, nullptr) !=
      SQLITE_OK) {
    throw sql::Error(std::string("snapshot: ") + sqlite3_errmsg(dest.get()));
  }
}

std::vector<std::string> read_erased_keys(const std::string& data_dir) {
  const std::string path = data_dir + "/" + kErasedKeysFile;
  std::vector<std::string> ids;
  if (!std::filesystem::exists(path)) return ids;
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read the erasure ledger " + path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (!is_key_id(line)) {
      throw std::runtime_error("the erasure ledger " + path + " has a malformed line");
    }
    ids.push_back(line);
  }
  return ids;
}

void append_erased_key(const std::string& data_dir, const std::string& key_id) {
  if (!is_key_id(key_id)) throw std::invalid_argument("not a data key id");
  const std::string path = data_dir + "/" + kErasedKeysFile;
  Fd f{::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600)};
  if (f.fd < 0) throw std::runtime_error("cannot open the erasure ledger " + path);
  const std::string line = key_id + "\n";
  if (::write(f.fd, line.data(), line.size()) != static_cast<ssize_t>(line.size()) ||
      ::fsync(f.fd) != 0) {
    throw std::runtime_error("cannot append to the erasure ledger " + path);
  }
}

int remove_erased_keys(const std::string& db_path, const std::vector<std::string>& key_ids) {
  if (key_ids.empty()) return 0;
  sql::Connection conn(db_path, 5000);
  sql::Transaction tx(conn);
  int removed = 0;
  bool has_ledger_table = false;
  {
    sql::Statement q(conn, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?");
    q.bind(1, std::string("erased_keys"));
    has_ledger_table = q.step();
  }
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  for (const auto& id : key_ids) {
    std::optional<std::string> subject;
    {
      sql::Statement q(conn, "SELECT subject_id FROM data_keys WHERE key_id = ?");
      q.bind(1, id);
      if (q.step()) subject = q.text(0);
    }
    if (!subject) continue;
    // Recorded as erased too, so the patient's fields read as erased, not as damaged.
    if (has_ledger_table) {
      sql::Statement(conn, "INSERT OR IGNORE INTO erased_keys VALUES (?, ?, ?)")
          .bind(1, id)
          .bind(2, *subject)
          .bind(3, now)
          .run();
    }
    removed += sql::Statement(conn, "DELETE FROM data_keys WHERE key_id = ?").bind(1, id).run();
    // As the erasure left it: the address cannot be confirmed, the account is disabled.
    if (subject->rfind("user:", 0) == 0) {
      const std::string user_id = subject->substr(5);
      sql::Statement(conn, "UPDATE users SET email_index = NULL, disabled = 1 WHERE id = ?")
          .bind(1, user_id)
          .run();
      sql::Statement(conn, "DELETE FROM sessions WHERE user_id = ?").bind(1, user_id).run();
    }
  }
  tx.commit();
  conn.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return removed;
}

std::optional<DataDirLock> DataDirLock::try_acquire(const std::string& data_dir, bool exclusive) {
  const std::string path = data_dir + "/" + kLockFile;
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) throw std::runtime_error("cannot open " + path);
  if (::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return DataDirLock(fd);
}

DataDirLock::~DataDirLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace haven::backup
