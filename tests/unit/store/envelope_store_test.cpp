// Encryption at rest at the store boundary: what SqliteStore writes to the file is
// sealed, reads come back clear, email lookups use the blind index, a ciphertext moved
// to another row does not open, and a master key rotation re-wraps every data key.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "../test_support.h"
#include "store/field_sealer.h"
#include "store/sqlite_store.h"

namespace haven {
namespace {

std::string file_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

class EnvelopeStoreTest : public ::testing::Test {
 protected:
  EnvelopeStoreTest() { store = std::make_unique<SqliteStore>(db(), 1000, keys); }

  std::string db() const { return dir.file("h.db"); }
  // The first admin, then a patient through an invitation.
  void populate() {
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
    ASSERT_EQ(store->accept_invitation("tok", 4, patient), AcceptOutcome::accepted);
    team = store->create_care_team(admin.org_id, "Riverside Trauma Team", 5);
    store->create_cohort(admin.org_id, team, "Thursday Grief Circle", 6);
    store->create_break_glass({"bg1", admin.org_id, admin.id, patient.id,
                               "Overdose risk reported by Percival's sister", 7, 100});
  }
  // Whole file text, lower-cased, after folding the WAL into it.
  std::string raw_file() {
    store->checkpoint();
    return lower(file_text(db()) + file_text(db() + "-wal"));
  }

  testing::TempDir dir;
  testing::TestKeys keys{dir};
  std::unique_ptr<SqliteStore> store;
  User admin, patient;
  std::string team;
};

TEST_F(EnvelopeStoreTest, ReadsComeBackClear) {
  populate();
  EXPECT_EQ(store->find_user(admin.id)->display_name, "Imogen Adminton");
  EXPECT_EQ(store->find_user(patient.id)->display_name, "Percival Patientson");
  EXPECT_EQ(store->find_user(patient.id)->email, "percival.patientson@home.example");
  EXPECT_EQ(store->find_care_team(team)->name, "Riverside Trauma Team");
  EXPECT_EQ(store->list_cohorts(admin.org_id).at(0).name, "Thursday Grief Circle");
  EXPECT_EQ(store->list_break_glass(admin.org_id).at(0).reason,
            "Overdose risk reported by Percival's sister");
  EXPECT_EQ(store->list_users(admin.org_id).size(), 2u);
}

TEST_F(EnvelopeStoreTest, TheFileHoldsNoClearPhi) {
  populate();
  const auto raw = raw_file();
  for (const char* value : {"imogen adminton", "imogen.adminton@clinic.example",
                            "percival patientson", "percival.patientson@home.example",
                            "riverside trauma", "thursday grief", "overdose risk"}) {
    EXPECT_EQ(raw.find(value), std::string::npos) << value;
  }
  sql::Connection conn(db(), 1000);
  sql::Statement q(conn, "SELECT display_name, email, email_index FROM users");
  while (q.step()) {
    EXPECT_EQ(q.text(0).rfind("hv1:", 0), 0u);
    EXPECT_EQ(q.text(1).rfind("hv1:", 0), 0u);
    EXPECT_EQ(q.text(2).size(), 64u);
  }
}

TEST_F(EnvelopeStoreTest, PatientsHaveTheirOwnKeyStaffShareThePracticeKey) {
  populate();
  sql::Connection conn(db(), 1000);
  auto key_of = [&](const std::string& id) {
    sql::Statement q(conn, "SELECT substr(display_name, 5, 32) FROM users WHERE id = ?");
    q.bind(1, id);
    q.step();
    sql::Statement k(conn, "SELECT subject_id FROM data_keys WHERE key_id = ?");
    k.bind(1, q.text(0));
    k.step();
    return k.text(0);
  };
  EXPECT_EQ(key_of(patient.id), "user:" + patient.id);
  EXPECT_EQ(key_of(admin.id), "org:" + admin.org_id);
}

TEST_F(EnvelopeStoreTest, EmailLookupsUseTheBlindIndex) {
  populate();
  auto found = store->find_user_by_email("percival.patientson@home.example");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, patient.id);
  EXPECT_EQ(store->find_user_by_email("Percival.Patientson@HOME.example")->id, patient.id);
  EXPECT_FALSE(store->find_user_by_email("nobody@home.example"));
  // Taken addresses are found through the index too.
  EXPECT_FALSE(store->set_email(admin.id, "percival.patientson@home.example"));
  EXPECT_TRUE(store->set_email(admin.id, "imogen@new.example"));
  EXPECT_EQ(store->find_user_by_email("imogen@new.example")->id, admin.id);
  EXPECT_FALSE(store->find_user_by_email("imogen.adminton@clinic.example"));
  Invitation inv{"inv2", "tok2", admin.org_id, Role::therapist, "Theo", admin.id, 3, 1000};
  store->create_invitation(inv);
  User taken;
  taken.email = "imogen@new.example";
  taken.password_hash = "h";
  EXPECT_EQ(store->accept_invitation("tok2", 5, taken), AcceptOutcome::email_taken);
}

TEST_F(EnvelopeStoreTest, ACiphertextMovedToAnotherRowDoesNotOpen) {
  populate();
  {
    sql::Connection conn(db(), 1000);
    sql::Statement(conn,
                   "UPDATE users SET display_name = (SELECT display_name FROM users WHERE id = ?) "
                   "WHERE id = ?")
        .bind(1, patient.id)
        .bind(2, admin.id)
        .run();
  }
  EXPECT_THROW(store->find_user(admin.id), SealError);
  EXPECT_NO_THROW(store->find_user(patient.id));
}

TEST_F(EnvelopeStoreTest, UsedInvitationsKeepNoName) {
  populate();
  sql::Connection conn(db(), 1000);
  sql::Statement q(conn, "SELECT display_name FROM invitations WHERE id = 'inv1'");
  ASSERT_TRUE(q.step());
  FieldSealer sealer(conn, keys);
  EXPECT_EQ(sealer.open({"invitations", "display_name", "inv1"}, q.text(0)), "");
}

TEST_F(EnvelopeStoreTest, RotationRewrapsEveryDataKeyAndDataStaysReadable) {
  populate();
  const auto old_kek = keys.keyring().current_kek_id();
  auto before = store->data_keys_per_kek();
  ASSERT_EQ(before.size(), 1u);
  const auto total = before.at(old_kek);
  EXPECT_GE(total, 4);  // practice, patient, index, fields

  Keyring cli(dir.path());  // `haven keys rotate` in another process
  auto [old_id, new_id] = cli.install_new_master_key();
  EXPECT_EQ(old_id, old_kek);
  {
    SqliteStore other(db(), 1000, cli);
    EXPECT_EQ(other.rewrap_data_keys(new_id), total);
    EXPECT_EQ(other.rewrap_data_keys(new_id), 0);  // nothing left to move
  }
  EXPECT_EQ(store->data_keys_per_kek(), (std::map<std::string, std::int64_t>{{new_id, total}}));
  // The running store keeps working and wraps new keys under the new master key.
  EXPECT_EQ(store->find_user(patient.id)->display_name, "Percival Patientson");
  Invitation inv{"inv3", "tok3", admin.org_id, Role::patient, "Quentin", admin.id, 3, 1000};
  store->create_invitation(inv);
  User q;
  q.email = "quentin@home.example";
  q.password_hash = "h";
  ASSERT_EQ(store->accept_invitation("tok3", 8, q), AcceptOutcome::accepted);
  EXPECT_EQ(store->data_keys_per_kek().size(), 1u);

  // Retired: a fresh start has only the new key file and reads everything.
  cli.remove_master_key(old_id);
  store.reset();
  Keyring restarted(dir.path());
  SqliteStore reopened(db(), 1000, restarted);
  EXPECT_EQ(reopened.find_user(patient.id)->display_name, "Percival Patientson");
  EXPECT_EQ(reopened.find_user_by_email("quentin@home.example")->display_name, "Quentin");
  EXPECT_EQ(reopened.list_break_glass(admin.org_id).at(0).reason,
            "Overdose risk reported by Percival's sister");
}

TEST_F(EnvelopeStoreTest, TotpCipherSurvivesRotation) {
  populate();
  const auto sealed = store->field_cipher("totp")->seal({1, 2, 3}, admin.id);
  Keyring cli(dir.path());
  auto [old_id, new_id] = cli.install_new_master_key();
  SqliteStore(db(), 1000, cli).rewrap_data_keys(new_id);
  cli.remove_master_key(old_id);
  Keyring restarted(dir.path());
  SqliteStore reopened(db(), 1000, restarted);
  EXPECT_EQ(reopened.field_cipher("totp")->open(sealed, admin.id),
            (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(EnvelopeStoreTest, AnotherMasterKeyOpensNothing) {
  populate();
  store.reset();
  testing::TempDir elsewhere;
  std::filesystem::copy_file(db(), elsewhere.file("h.db"));
  testing::TestKeys wrong(elsewhere);  // a fresh, different master key
  EXPECT_THROW(SqliteStore(elsewhere.file("h.db"), 1000, wrong), std::runtime_error);
}

}  // namespace
}  // namespace haven
