#include "backup/backup_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "backup/archive.h"
#include "backup/data_files.h"
#include "crypto/key_files.h"
#include "util/secret_bytes.h"

namespace haven::backup {

TempFile::~TempFile() {
  if (keep) return;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) {
    std::error_code ec;
    std::filesystem::remove(path + suffix, ec);
  }
}

bool create_private(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  ::close(fd);
  return true;
}

bool fsync_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

BackupWritten write_backup(const std::string& data_dir, const std::string& out_path, int busy_ms) {
  const std::string db = data_dir + "/haven.db";
  if (!std::filesystem::exists(db)) throw BackupError("no database in " + data_dir);
  if (std::filesystem::exists(out_path)) {
    throw BackupError(out_path + " already exists; choose another name");
  }
  const auto key = load_backup_key(data_dir, /*create=*/true);
  TempFile snapshot{data_dir + "/backup-snapshot-" + random_id() + ".db"};
  snapshot_database(db, snapshot.path, busy_ms);

  TempFile partial{out_path + ".partial"};
  if (!create_private(partial.path)) throw BackupError("cannot create " + partial.path);
  {
    std::ifstream in(snapshot.path, std::ios::binary);
    std::ofstream out(partial.path, std::ios::binary | std::ios::trunc);
    if (!in || !out) throw BackupError("cannot open the snapshot or the archive");
    write_archive(in, out, key);
    out.flush();
    if (!out) throw BackupError("cannot write " + partial.path);
  }
  if (!fsync_file(partial.path) || std::rename(partial.path.c_str(), out_path.c_str()) != 0) {
    throw BackupError("cannot write " + out_path);
  }
  partial.keep = true;
  sync_dir(std::filesystem::absolute(out_path).parent_path().string());
  return {std::filesystem::file_size(out_path), backup_key_id(key)};
}

}  // namespace haven::backup
