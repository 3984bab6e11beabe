// Scheduled backups: archive names carry the UTC time and sort by it; each run writes an
// archive that decrypts to a sound copy of the database; retention keeps the newest
// `keep` scheduled archives and never touches other files; a failed run deletes nothing.
#include "backup/backup_schedule.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../test_support.h"
#include "backup/archive.h"
#include "backup/data_files.h"
#include "store/sqlite_store.h"

namespace haven::backup {
namespace {

TEST(ScheduledArchiveName, CarriesTheUtcTimeAndParsesBack) {
  EXPECT_EQ(scheduled_archive_name(0), "haven-19700101T000000Z.backup");
  EXPECT_EQ(scheduled_archive_name(1795676100), "haven-20261126T065500Z.backup");
  EXPECT_EQ(scheduled_archive_time("haven-20261126T065500Z.backup"), 1795676100);
  for (const char* other :
       {"haven-20261126T065500Z.backup.partial", "haven-2026.backup", "notes.txt",
        "haven-20261332T000000Z.backup", "haven-20260231T000000Z.backup",
        "haven-2026112xT065500Z.backup", "Haven-20261126T065500Z.backup"}) {
    EXPECT_FALSE(scheduled_archive_time(other)) << other;
  }
}

class BackupScheduleTest : public ::testing::Test {
 protected:
  BackupScheduleTest() {
    SqliteStore store(data.file("haven.db"), 1000, keys);
    store.create_enrollment("token", 1, 1000);
    store.checkpoint();
  }
  ScheduleOptions options(std::int64_t keep) {
    return {data.path(), out.path() + "/backups", std::chrono::seconds(60), keep, 1000};
  }
  testing::TempDir data, out;
  testing::TestKeys keys{data};
};

TEST_F(BackupScheduleTest, EachRunWritesADecryptableArchiveAndRetentionKeepsTheNewest) {
  const auto opts = options(2);
  for (std::int64_t at : {1795676100, 1795676160, 1795676220}) {
    auto done = run_scheduled_backup(opts, at);
    // An operator's own file in the directory is never retention's to delete.
    std::ofstream(opts.directory + "/operator-notes.txt") << "mine";
    ASSERT_TRUE(done.ok) << done.error;
    EXPECT_EQ(done.name, scheduled_archive_name(at));
    EXPECT_GT(done.bytes, 0u);
  }
  EXPECT_EQ(scheduled_archives(opts.directory),
            (std::vector<std::string>{scheduled_archive_name(1795676160),
                                      scheduled_archive_name(1795676220)}));
  EXPECT_TRUE(std::filesystem::exists(opts.directory + "/operator-notes.txt"));
  EXPECT_EQ(std::filesystem::status(opts.directory).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_all);

  // The newest archive decrypts under backup.key to a SQLite database.
  std::ifstream in(opts.directory + "/" + scheduled_archive_name(1795676220), std::ios::binary);
  std::ostringstream plain;
  read_archive(in, plain, load_backup_key(data.path(), false));
  EXPECT_EQ(plain.str().rfind("SQLite format 3", 0), 0u);
}

TEST_F(BackupScheduleTest, TwoRunsInOneSecondNeverOverwrite) {
  const auto opts = options(5);
  ASSERT_TRUE(run_scheduled_backup(opts, 1795676100).ok);
  auto second = run_scheduled_backup(opts, 1795676100);
  ASSERT_TRUE(second.ok) << second.error;
  EXPECT_EQ(second.name, scheduled_archive_name(1795676101));
  EXPECT_EQ(scheduled_archives(opts.directory).size(), 2u);
}

TEST_F(BackupScheduleTest, AFailedRunReportsWhyAndDeletesNothing) {
  auto opts = options(1);
  ASSERT_TRUE(run_scheduled_backup(opts, 1795676100).ok);
  opts.data_dir = out.path() + "/no-such-folder";
  auto failed = run_scheduled_backup(opts, 1795676160);
  EXPECT_FALSE(failed.ok);
  EXPECT_NE(failed.error.find("no database"), std::string::npos) << failed.error;
  EXPECT_EQ(scheduled_archives(opts.directory),
            std::vector<std::string>{scheduled_archive_name(1795676100)});
}

TEST_F(BackupScheduleTest, TheThreadWritesOnScheduleAndStopsPromptly) {
  auto opts = options(3);
  opts.every = std::chrono::seconds(1);
  std::mutex m;
  std::condition_variable cv;
  std::vector<ScheduledBackup> finished;
  BackupSchedule schedule(opts, [&](const ScheduledBackup& done, std::int64_t) {
    std::lock_guard lock(m);
    finished.push_back(done);
    cv.notify_all();
  });
  schedule.start();
  {
    std::unique_lock lock(m);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(30), [&] { return finished.size() >= 2; }));
  }
  schedule.stop();
  std::lock_guard lock(m);
  EXPECT_TRUE(finished[0].ok) << finished[0].error;
  EXPECT_TRUE(finished[1].ok) << finished[1].error;
  EXPECT_FALSE(scheduled_archives(opts.directory).empty());
}

}  // namespace
}  // namespace haven::backup
