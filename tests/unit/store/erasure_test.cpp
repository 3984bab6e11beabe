// Crypto-shredding at the store: erasing a patient destroys their data key, records it
// in erased_keys and the data folder's erasure ledger, clears the email blind index,
// disables the account and ends its sessions; their fields then read as "[erased]"
// (never a crash), and restoring a backup taken before the erasure keeps them erased.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../test_support.h"
#include "backup/data_files.h"
#include "cli/commands.h"
#include "store/field_sealer.h"
#include "store/sqlite_store.h"

namespace haven {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

class ErasureTest : public ::testing::Test {
 protected:
  ErasureTest() {
    open();
    store->create_enrollment("t", 1, 1000);
    User a;
    a.display_name = "Imogen Adminton";
    a.email = "imogen.adminton@clinic.example";
    a.password_hash = "h";
    admin = *store->complete_enrollment("t", 2, a);
    Invitation inv{"inv1",   "tok", admin.org_id, Role::patient, "Percival Patientson",
                   admin.id, 3,     1000};
    store->create_invitation(inv);
    patient.email = "percival.patientson@home.example";
    patient.password_hash = "h";
    EXPECT_EQ(store->accept_invitation("tok", 4, patient), AcceptOutcome::accepted);
    store->create_break_glass({"bg1", admin.org_id, admin.id, patient.id,
                               "Overdose risk reported by Percival's sister", 7, 100});
  }
  void open() { store = std::make_unique<SqliteStore>(dir.file("haven.db"), 1000, keys); }

  testing::TempDir dir, out;
  testing::TestKeys keys{dir};
  std::unique_ptr<SqliteStore> store;
  User admin, patient;
};

TEST_F(ErasureTest, DestroysTheKeyAndReadsAsErased) {
  EXPECT_GE(store->last_activity_of(patient.id), 4);
  std::string wrapped;
  {
    sql::Connection conn(dir.file("haven.db"), 1000, sql::OpenMode::read_only);
    sql::Statement q(conn, "SELECT wrapped_key FROM data_keys WHERE subject_id = ?");
    q.bind(1, "user:" + patient.id);
    ASSERT_TRUE(q.step());
    wrapped = q.text(0);
  }
  const auto key_id = store->erase_patient(patient.id, 50);
  ASSERT_TRUE(key_id.has_value());
  store->checkpoint();  // what the erase endpoint does after its commit
  EXPECT_EQ(file_text(dir.file("haven.db")).find(wrapped), std::string::npos);
  EXPECT_EQ(file_text(dir.file("haven.db") + "-wal").find(wrapped), std::string::npos);
  EXPECT_FALSE(store->erase_patient(patient.id, 51).has_value());  // already erased

  auto erased = store->find_user(patient.id);
  ASSERT_TRUE(erased.has_value());
  EXPECT_EQ(erased->display_name, kErasedPlaceholder);
  EXPECT_EQ(erased->email, kErasedPlaceholder);
  EXPECT_TRUE(erased->disabled);
  EXPECT_FALSE(store->find_user_by_email(patient.email).has_value());
  for (const auto& u : store->list_users(admin.org_id)) {
    EXPECT_NE(u.display_name, "Percival Patientson");
  }
  // Other people are untouched.
  EXPECT_EQ(store->find_user(admin.id)->display_name, "Imogen Adminton");
  EXPECT_TRUE(store->find_user_by_email(admin.email).has_value());

  EXPECT_EQ(backup::read_erased_keys(dir.path()), std::vector<std::string>{*key_id});
  struct stat st {};
  ASSERT_EQ(::stat(dir.file("erased-keys").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  // A fresh process (empty key cache) reads the same placeholders.
  store.reset();
  open();
  EXPECT_EQ(store->find_user(patient.id)->display_name, kErasedPlaceholder);
}

TEST_F(ErasureTest, RestoringAnOlderBackupKeepsThePatientErased) {
  store->checkpoint();
  store.reset();
  const auto archive = out.file("before-erasure.havenbak");
  ASSERT_EQ(cli::run_backup({"--data", dir.path(), "--out", archive}), 0);
  open();
  ASSERT_TRUE(store->erase_patient(patient.id, 50).has_value());
  store.reset();

  ASSERT_EQ(cli::run_restore({"--data", dir.path(), "--in", archive, "--force"}), 0);
  open();
  auto restored = store->find_user(patient.id);
  ASSERT_TRUE(restored.has_value());
  EXPECT_EQ(restored->display_name, kErasedPlaceholder);
  EXPECT_EQ(restored->email, kErasedPlaceholder);
  EXPECT_TRUE(restored->disabled);
  EXPECT_FALSE(store->find_user_by_email(patient.email).has_value());
  EXPECT_EQ(store->find_user(admin.id)->display_name, "Imogen Adminton");
  const auto raw = file_text(dir.file("haven.db"));
  EXPECT_EQ(raw.find("Percival"), std::string::npos);
}

}  // namespace
}  // namespace haven
