// Scheduled backups (issue 4, item 7): while the server runs, a thread of its own writes
// an archive (backup/backup_writer.h) into backup.directory every backup.every_hours,
// named haven-YYYYMMDDTHHMMSSZ.backup (UTC, so names sort by time), and then deletes
// the oldest scheduled archives beyond backup.keep. Only names of exactly that form are
// ever deleted: an operator's own files in the directory are left alone.
//
// The first backup is due one interval after the newest archive already there, or, when
// there is none, after min(interval, 10 minutes), so a restarted server keeps the rhythm
// and a short-lived one (a test, a demonstration) does not litter.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace haven::backup {

struct ScheduleOptions {
  std::string data_dir;
  std::string directory;  // created 0700 when missing
  std::chrono::seconds every{24 * 3600};
  std::int64_t keep = 14;
  int busy_ms = 5000;
};

struct ScheduledBackup {
  bool ok = false;
  std::string name;  // the archive's file name (no PHI: a timestamp)
  std::uintmax_t bytes = 0;
  std::vector<std::string> removed;  // older archives deleted by retention
  std::string error;                 // one line when !ok
};

// "haven-20261126T061500Z.backup" for that unix time.
std::string scheduled_archive_name(std::int64_t unix_seconds);
// The time a scheduled archive's name carries; nullopt for any other name.
std::optional<std::int64_t> scheduled_archive_time(const std::string& name);
// Scheduled archive names in directory, oldest first.
std::vector<std::string> scheduled_archives(const std::string& directory);

// One scheduled backup now, then retention. Never throws: failures come back in the result.
ScheduledBackup run_scheduled_backup(const ScheduleOptions& options, std::int64_t now);

class BackupSchedule {
 public:
  using OnFinished = std::function<void(const ScheduledBackup&, std::int64_t at)>;
  // on_finished runs on the schedule's thread after every attempt (audit, metrics, logs).
  BackupSchedule(ScheduleOptions options, OnFinished on_finished);
  ~BackupSchedule();  // stops and joins
  BackupSchedule(const BackupSchedule&) = delete;
  BackupSchedule& operator=(const BackupSchedule&) = delete;

  void start();
  void stop();

 private:
  void loop();

  ScheduleOptions options_;
  OnFinished on_finished_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace haven::backup
