// `haven backup` / `haven restore` on a real data folder: a round trip gives back the
// same rows (compared as a dump of every table and as users read through the store),
// and a wrong key, a truncated or altered archive, a running server or an existing
// database without --force are refused with exit code 1 and the folder left unchanged.
// A restore removes the data keys listed in the erasure ledger.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>

#include "../test_support.h"
#include "backup/data_files.h"
#include "cli/commands.h"
#include "store/sqlite.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

// SHA-256 of every regular file of dir, by name: what "unchanged" means for a refused
// restore. (haven.lock, the empty file `haven serve` and `haven restore` lock, is left out.)
std::map<std::string, std::string> folder_contents(const std::string& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto name = e.path().filename().string();
    if (!e.is_regular_file() || name == backup::kLockFile) continue;
    files[name] = token_hash(file_text(e.path().string()));
  }
  return files;
}

// Every row of every table, in rowid order (a canonical dump).
std::string dump(const std::string& db) {
  sql::Connection conn(db, 1000, sql::OpenMode::read_only);
  std::vector<std::string> tables;
  sql::Statement list(conn,
                      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE "
                      "'sqlite_%' ORDER BY name");
  while (list.step()) tables.push_back(list.text(0));
  std::string out;
  struct Finalize {
    void operator()(sqlite3_stmt* st) const { sqlite3_finalize(st); }
  };
  for (const auto& t : tables) {
    sqlite3_stmt* raw = nullptr;
    const std::string q = "SELECT * FROM \"" + t + "\"";
    EXPECT_EQ(sqlite3_prepare_v2(conn.get(), q.c_str(), -1, &raw, nullptr), SQLITE_OK);
    std::unique_ptr<sqlite3_stmt, Finalize> rows(raw);
    const int n = sqlite3_column_count(raw);
    while (sqlite3_step(raw) == SQLITE_ROW) {
      out += t + ":";
      for (int i = 0; i < n; ++i) {
        const auto* v = reinterpret_cast<const char*>(sqlite3_column_text(raw, i));
        out += (v ? std::string(v, static_cast<std::size_t>(sqlite3_column_bytes(raw, i)))
                  : std::string("NULL")) +
               "|";
      }
      out += "\n";
    }
  }
  return out;
}

class BackupCommandsTest : public ::testing::Test {
 protected:
  BackupCommandsTest() {
    SqliteStore store(db(), 1000, keys);
    store.create_enrollment("t", 1, 1000);
    User a;
    a.display_name = "Imogen Adminton";
    a.email = "imogen.adminton@clinic.example";
    a.password_hash = "h";
    admin = *store.complete_enrollment("t", 2, a);
    Invitation inv{"inv1",   "tok", admin.org_id, Role::patient, "Percival Patientson",
                   admin.id, 3,     1000};
    store.create_invitation(inv);
    patient.email = "percival.patientson@home.example";
    patient.password_hash = "h";
    EXPECT_EQ(store.accept_invitation("tok", 4, patient), AcceptOutcome::accepted);
    store.checkpoint();
  }
  std::string db() const { return dir.file("haven.db"); }
  std::string archive() const { return out.file("b.havenbak"); }
  int backup() { return cli::run_backup({"--data", dir.path(), "--out", archive()}); }
  int restore(const std::string& in, bool force = true) {
    std::vector<std::string> args = {"--data", dir.path(), "--in", in};
    if (force) args.push_back("--force");
    return cli::run_restore(args);
  }
  // The users as the store reads them (decrypted), one line each.
  std::string users() {
    SqliteStore store(db(), 1000, keys);
    std::string s;
    for (const auto& u : store.list_users(admin.org_id)) {
      s += u.id + "|" + u.display_name + "|" + u.email + "\n";
    }
    return s;
  }
  void add_more_rows() {
    SqliteStore store(db(), 1000, keys);
    store.create_enrollment("later", 10, 1000);
    store.checkpoint();
  }

  testing::TempDir dir, out;
  testing::TestKeys keys{dir};
  User admin, patient;
};

TEST_F(BackupCommandsTest, RoundTripRestoresTheSameRows) {
  const auto before = dump(db());
  const auto people = users();
  ASSERT_NE(people.find("Percival Patientson"), std::string::npos);
  ASSERT_EQ(backup(), 0);
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("backup.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat(archive().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const auto bytes = file_text(archive());
  EXPECT_EQ(bytes.find("SQLite format"), std::string::npos);
  EXPECT_EQ(backup(), 1);  // never overwrites an archive

  add_more_rows();
  ASSERT_NE(dump(db()), before);
  EXPECT_EQ(restore(archive(), /*force=*/false), 1);  // a database is there
  ASSERT_EQ(restore(archive()), 0);
  EXPECT_EQ(dump(db()), before);
  EXPECT_EQ(users(), people);
  EXPECT_FALSE(std::filesystem::exists(db() + "-wal") &&
               std::filesystem::file_size(db() + "-wal") > 0);
}

TEST_F(BackupCommandsTest, RestoreIntoAnEmptyFolderNeedsTheKeys) {
  ASSERT_EQ(backup(), 0);
  testing::TempDir fresh;
  EXPECT_EQ(cli::run_restore({"--data", fresh.path(), "--in", archive()}), 1);  // no backup.key
  std::filesystem::copy_file(dir.file("backup.key"), fresh.file("backup.key"));
  ASSERT_EQ(cli::run_restore({"--data", fresh.path(), "--in", archive()}), 0);
  EXPECT_EQ(dump(fresh.file("haven.db")), dump(db()));
}

TEST_F(BackupCommandsTest, RefusedRestoresLeaveTheFolderUnchanged) {
  ASSERT_EQ(backup(), 0);
  add_more_rows();
  const auto bytes = file_text(archive());
  const auto before = folder_contents(dir.path());
  auto refused = [&](const std::string& content) {
    write_text(out.file("bad"), content);
    EXPECT_EQ(restore(out.file("bad")), 1);
    EXPECT_EQ(folder_contents(dir.path()), before);
  };
  refused(bytes.substr(0, bytes.size() - 1));  // truncated
  refused(bytes.substr(0, bytes.size() / 2));  // truncated mid-way
  refused(bytes + "garbage");                  // trailing bytes
  auto flipped = bytes;
  flipped[flipped.size() / 2] = static_cast<char>(flipped[flipped.size() / 2] ^ 0x10);
  refused(flipped);  // bit flip
  refused("not an archive");
  // Another backup key.
  const auto key = file_text(dir.file("backup.key"));
  ASSERT_EQ(std::filesystem::remove(dir.file("backup.key")), true);
  ASSERT_EQ(backup::load_backup_key(dir.path(), true).bytes().size(), 32u);
  const auto with_other_key = folder_contents(dir.path());
  EXPECT_EQ(restore(archive()), 1);
  EXPECT_EQ(folder_contents(dir.path()), with_other_key);
}

TEST_F(BackupCommandsTest, RefusesAnExposedKeyAndARunningServer) {
  ASSERT_EQ(backup(), 0);
  ::chmod(dir.file("backup.key").c_str(), 0644);
  EXPECT_EQ(cli::run_backup({"--data", dir.path(), "--out", out.file("c")}), 1);
  EXPECT_FALSE(std::filesystem::exists(out.file("c")));
  EXPECT_EQ(restore(archive()), 1);
  ::chmod(dir.file("backup.key").c_str(), 0600);
  {
    auto server = backup::DataDirLock::try_acquire(dir.path(), /*exclusive=*/false);
    ASSERT_TRUE(server.has_value());
    const auto before = folder_contents(dir.path());
    EXPECT_EQ(restore(archive()), 1);
    EXPECT_EQ(folder_contents(dir.path()), before);
  }
  EXPECT_EQ(restore(archive()), 0);
  EXPECT_EQ(cli::run_backup({"--data", dir.path()}), 2);   // no --out
  EXPECT_EQ(cli::run_restore({"--data", dir.path()}), 2);  // no --in
}

TEST_F(BackupCommandsTest, RestoreRemovesKeysInTheErasureLedger) {
  ASSERT_EQ(backup(), 0);
  std::string key_id;
  {
    sql::Connection conn(db(), 1000);
    sql::Statement q(conn, "SELECT key_id FROM data_keys WHERE subject_id = ?");
    q.bind(1, "user:" + patient.id);
    ASSERT_TRUE(q.step());
    key_id = q.text(0);
  }
  backup::append_erased_key(dir.path(), key_id);
  EXPECT_EQ(backup::read_erased_keys(dir.path()), std::vector<std::string>{key_id});
  ASSERT_EQ(restore(archive()), 0);
  sql::Connection conn(db(), 1000, sql::OpenMode::read_only);
  sql::Statement q(conn, "SELECT count(*) FROM data_keys WHERE key_id = ?");
  q.bind(1, key_id);
  ASSERT_TRUE(q.step());
  EXPECT_EQ(q.integer(0), 0);
}

}  // namespace
}  // namespace haven
