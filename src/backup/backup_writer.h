// Writing one backup archive of a running (or stopped) data folder: an online snapshot
// through the SQLite backup API, encrypted under backup.key (backup/archive.h), written
// to FILE.partial (0600), fsynced, then renamed into place, so a crash never leaves a
// half-written archive under the final name. `haven backup` and the server's schedule
// (backup/backup_schedule.h) both call it.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace haven::backup {

// One line for the operator ("no database in /srv/haven"); nothing was written.
struct BackupError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct BackupWritten {
  std::uintmax_t bytes = 0;
  std::string key_id;  // which backup.key encrypted it (backup_key_id: a digest, not the key)
};

// Creates backup.key when missing. Throws BackupError when out_path exists, the database
// is missing or a file cannot be written, and sql::Error if the snapshot fails.
BackupWritten write_backup(const std::string& data_dir, const std::string& out_path, int busy_ms);

// Removes a temporary file (and SQLite's companions) unless released.
struct TempFile {
  std::string path;
  bool keep = false;
  ~TempFile();
};

// Creates path with mode 0600 (never wider, whatever the umask), failing if it exists.
bool create_private(const std::string& path);
bool fsync_file(const std::string& path);

}  // namespace haven::backup
