#include "backup/backup_schedule.h"

#include <sys/stat.h>

#include <algorithm>
#include <ctime>
#include <filesystem>

#include "backup/backup_writer.h"

namespace haven::backup {
namespace {

constexpr const char* kPrefix = "haven-";
constexpr const char* kSuffix = ".backup";
constexpr std::chrono::seconds kFirstBackupAtMost{600};

std::int64_t unix_now() {
  return static_cast<std::int64_t>(std::time(nullptr));
}

}  // namespace

std::string scheduled_archive_name(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &tm);
  return std::string(kPrefix) + stamp + kSuffix;
}

std::optional<std::int64_t> scheduled_archive_time(const std::string& name) {
  const std::string prefix = kPrefix, suffix = kSuffix;
  // haven- + 8 digits + T + 6 digits + Z + .backup
  if (name.size() != prefix.size() + 16 + suffix.size() || name.rfind(prefix, 0) != 0 ||
      name.compare(name.size() - suffix.size(), suffix.size(), suffix) != 0) {
    return std::nullopt;
  }
  const std::string stamp = name.substr(prefix.size(), 16);
  for (std::size_t i = 0; i < stamp.size(); ++i) {
    const bool digit = stamp[i] >= '0' && stamp[i] <= '9';
    if ((i == 8 && stamp[i] != 'T') || (i == 15 && stamp[i] != 'Z') ||
        (i != 8 && i != 15 && !digit)) {
      return std::nullopt;
    }
  }
  std::tm tm{};
  tm.tm_year = std::stoi(stamp.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(stamp.substr(4, 2)) - 1;
  tm.tm_mday = std::stoi(stamp.substr(6, 2));
  tm.tm_hour = std::stoi(stamp.substr(9, 2));
  tm.tm_min = std::stoi(stamp.substr(11, 2));
  tm.tm_sec = std::stoi(stamp.substr(13, 2));
  const auto at = static_cast<std::int64_t>(timegm(&tm));
  // Reject dates that do not round-trip (month 13, 31 February).
  if (scheduled_archive_name(at) != name) return std::nullopt;
  return at;
}

std::vector<std::string> scheduled_archives(const std::string& directory) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(directory, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && scheduled_archive_time(name)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());  // the UTC stamp sorts by time
  return names;
}

ScheduledBackup run_scheduled_backup(const ScheduleOptions& options, std::int64_t now) {
  ScheduledBackup result;
  try {
    std::error_code ec;
    if (std::filesystem::create_directories(options.directory, ec)) {
      ::chmod(options.directory.c_str(), 0700);
    }
    auto name = scheduled_archive_name(now);
    // Two in the same second (a short interval after a restart): never overwrite.
    for (std::int64_t later = now + 1;
         std::filesystem::exists(options.directory + "/" + name) && later < now + 60; ++later) {
      name = scheduled_archive_name(later);
    }
    result.name = name;
    result.bytes =
        write_backup(options.data_dir, options.directory + "/" + name, options.busy_ms).bytes;
    result.ok = true;
  } catch (const std::exception& e) {
    result.error = e.what();
    return result;  // a failed backup never triggers retention
  }
  auto names = scheduled_archives(options.directory);
  const auto keep = static_cast<std::size_t>(std::max<std::int64_t>(options.keep, 1));
  for (std::size_t i = 0; i + keep < names.size(); ++i) {
    std::error_code ec;
    if (std::filesystem::remove(options.directory + "/" + names[i], ec)) {
      result.removed.push_back(names[i]);
    }
  }
  return result;
}

BackupSchedule::BackupSchedule(ScheduleOptions options, OnFinished on_finished)
    : options_(std::move(options)), on_finished_(std::move(on_finished)) {}

BackupSchedule::~BackupSchedule() {
  stop();
}

void BackupSchedule::start() {
  if (thread_.joinable() || options_.every.count() <= 0) return;
  thread_ = std::thread([this] { loop(); });
}

void BackupSchedule::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void BackupSchedule::loop() {
  using clock = std::chrono::system_clock;
  const auto existing = scheduled_archives(options_.directory);
  clock::time_point due =
      existing.empty()
          ? clock::now() + std::min(options_.every, kFirstBackupAtMost)
          : clock::from_time_t(static_cast<std::time_t>(*scheduled_archive_time(existing.back()))) +
                options_.every;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (wake_.wait_until(lock, due, [this] { return stopping_; })) break;
    lock.unlock();
    const std::int64_t now = unix_now();
    const auto result = run_scheduled_backup(options_, now);
    on_finished_(result, now);
    lock.lock();
    due = clock::now() + options_.every;
  }
}

}  // namespace haven::backup
