// `haven backup --out FILE` and `haven restore --in FILE [--force]`: an encrypted,
// authenticated archive of the database (backup/archive.h) under backup.key, a key kept
// apart from the master key (backup/data_files.h). Restore verifies the whole archive
// into a temporary file before it touches the database, re-applies the erasure ledger,
// and only then moves the restored file into place (rename: atomic).

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "backup/archive.h"
#include "backup/backup_writer.h"
#include "backup/data_files.h"
#include "cli/commands.h"
#include "cli/runtime.h"
#include "crypto/key_files.h"
#include "crypto/keyring.h"
#include "store/sqlite.h"
#include "util/secret_bytes.h"

namespace haven::cli {
namespace {

const std::vector<FlagSpec> kBackupFlags = {
    {"--config", nullptr},
    {"--data", "storage.data_dir"},
};

using backup::create_private;
using backup::fsync_file;
using backup::TempFile;

int backup(const Config& cfg, const std::string& out_path) {
  backup::BackupWritten written;
  try {
    written = backup::write_backup(cfg.data_dir, out_path, static_cast<int>(cfg.busy_timeout_ms));
  } catch (const backup::BackupError& e) {
    std::cerr << "haven backup: " << e.what() << "\n";
    return 1;
  }
  std::cout << "backup written to " << out_path << " (" << written.bytes << " bytes, backup key "
            << written.key_id << ").\n"
            << "To restore it you need: this file, backup.key, the master key files of this "
               "time, and audit-signing.key. Store backup.key apart from the backups.\n";
  return 0;
}

// Throws sql::Error or std::runtime_error when path is not a sound SQLite database.
void check_database(const std::string& path, int busy) {
  sql::Connection conn(path, busy);
  sql::Statement check(conn, "PRAGMA quick_check");
  if (!check.step() || check.text(0) != "ok") {
    throw std::runtime_error("the restored database fails its integrity check");
  }
}

int restore(const Config& cfg, const std::string& in_path, bool force) {
  const int busy = static_cast<int>(cfg.busy_timeout_ms);
  const std::string db = cfg.data_dir + "/haven.db";
  const auto key = backup::load_backup_key(cfg.data_dir, /*create=*/false);
  auto lock = backup::DataDirLock::try_acquire(cfg.data_dir, /*exclusive=*/true);
  if (!lock) {
    std::cerr << "haven restore: a haven server is running on " << cfg.data_dir
              << "; stop it first\n";
    return 1;
  }
  if (std::filesystem::exists(db) && !force) {
    std::cerr << "haven restore: " << db
              << " exists; pass --force to replace it (with the server stopped)\n";
    return 1;
  }
  std::ifstream in(in_path, std::ios::binary);
  if (!in) {
    std::cerr << "haven restore: cannot open " << in_path << "\n";
    return 1;
  }
  TempFile restored{cfg.data_dir + "/haven.db.restore-" + random_id()};
  if (!create_private(restored.path)) {
    std::cerr << "haven restore: cannot create a temporary file in " << cfg.data_dir << "\n";
    return 1;
  }
  try {
    std::ofstream out(restored.path, std::ios::binary | std::ios::trunc);
    backup::read_archive(in, out, key);
  } catch (const backup::ArchiveError& e) {
    std::cerr << "haven restore: " << in_path << ": " << e.what() << "; nothing was changed\n";
    return 1;
  }
  try {
    check_database(restored.path, busy);
  } catch (const std::exception&) {
    std::cerr << "haven restore: " << in_path
              << ": the archive does not hold a sound Haven database; nothing was changed\n";
    return 1;
  }
  // An older backup must not bring back a data key destroyed since (crypto-shredding).
  const auto erased = backup::read_erased_keys(cfg.data_dir);
  const int removed = backup::remove_erased_keys(restored.path, erased);
  if (!fsync_file(restored.path)) throw std::runtime_error("cannot sync the restored database");

  if (std::filesystem::exists(db)) {
    // Fold the old database's WAL into it and close: no stale -wal may sit beside the
    // restored file (SQLite would replay it into the new one).
    {
      sql::Connection old(db, busy);
      old.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    }
    for (const char* suffix : {"-wal", "-shm"}) std::filesystem::remove(db + suffix);
  }
  if (std::rename(restored.path.c_str(), db.c_str()) != 0) {
    std::cerr << "haven restore: cannot move the restored database into place\n";
    return 1;
  }
  restored.keep = true;
  sync_dir(cfg.data_dir);
  std::cout << "restored " << db << " from " << in_path << " (" << removed
            << " erased data keys removed again).\n";
  return 0;
}

}  // namespace

int run_backup(const std::vector<std::string>& all_args) {
  std::vector<std::string> args = all_args;
  const auto out = take_flag(args, "--out");
  if (!out || out->empty()) {
    std::cerr << "haven backup: --out FILE is required\n";
    return 2;
  }
  auto cfg = load_for_command("backup", args, kBackupFlags);
  if (!cfg) return 2;
  try {
    return backup(*cfg, *out);
  } catch (const std::exception& e) {
    std::cerr << "haven backup: " << e.what() << "\n";
    return 1;
  }
}

int run_restore(const std::vector<std::string>& all_args) {
  std::vector<std::string> args = all_args;
  const auto in = take_flag(args, "--in");
  const bool force = take_switch(args, "--force");
  if (!in || in->empty()) {
    std::cerr << "haven restore: --in FILE is required\n";
    return 2;
  }
  auto cfg = load_for_command("restore", args, kBackupFlags);
  if (!cfg) return 2;
  try {
    return restore(*cfg, *in, force);
  } catch (const std::exception& e) {
    std::cerr << "haven restore: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace haven::cli
