// Cohorts in SQLite: membership reaches the care team in the same transaction, and the
// invariant "every cohort patient is a patient of the cohort's team" holds both ways.
#include <gtest/gtest.h>

#include "../test_support.h"
#include "store/sqlite_store.h"
#include "two_practices.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

using Ids = std::vector<std::string>;

class CohortStoreTest : public ::testing::Test {
 protected:
  CohortStoreTest() : store(dir.file("h.db"), 1000, keys) {
    init_sodium();
    testing::seed_two_practices(store, dir.file("h.db"));
    team = store.create_care_team("org1", "Tuesday group", 10);
    store.set_care_team_member(team, "ther1", "clinician", true);
    cohort = store.create_cohort("org1", team, "IOP spring", 20);
  }

  Ids team_patients() { return store.find_care_team(team)->patient_ids; }

  testing::TempDir dir;
  testing::TestKeys keys{dir};
  SqliteStore store;
  std::string team, cohort;
};

TEST_F(CohortStoreTest, CreatedEmptyAndFound) {
  auto c = store.find_cohort(cohort);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->org_id, "org1");
  EXPECT_EQ(c->care_team_id, team);
  EXPECT_EQ(c->name, "IOP spring");
  EXPECT_TRUE(c->patient_ids.empty());
  EXPECT_FALSE(store.find_cohort("nope"));
}

TEST_F(CohortStoreTest, AddingAPatientAlsoAddsThemToTheCareTeam) {
  EXPECT_FALSE(store.shares_care_team("ther1", "pat1"));
  ASSERT_TRUE(store.set_cohort_member(cohort, "pat1", true, 30));
  ASSERT_TRUE(store.set_cohort_member(cohort, "pat2", true, 31));
  ASSERT_TRUE(store.set_cohort_member(cohort, "pat1", true, 32));  // again: no duplicate
  EXPECT_EQ(store.find_cohort(cohort)->patient_ids, (Ids{"pat1", "pat2"}));
  EXPECT_EQ(team_patients(), (Ids{"pat1", "pat2"}));
  EXPECT_TRUE(store.shares_care_team("ther1", "pat1"));
}

TEST_F(CohortStoreTest, LeavingTheCohortKeepsTheCareTeam) {
  ASSERT_TRUE(store.set_cohort_member(cohort, "pat1", true, 30));
  ASSERT_TRUE(store.set_cohort_member(cohort, "pat1", false, 31));
  EXPECT_TRUE(store.find_cohort(cohort)->patient_ids.empty());
  EXPECT_EQ(team_patients(), (Ids{"pat1"}));
  EXPECT_TRUE(store.shares_care_team("ther1", "pat1"));
}

TEST_F(CohortStoreTest, LeavingTheCareTeamLeavesItsCohorts) {
  auto other_team = store.create_care_team("org1", "Thursday group", 40);
  auto other = store.create_cohort("org1", other_team, "IOP autumn", 41);
  ASSERT_TRUE(store.set_cohort_member(cohort, "pat1", true, 42));
  ASSERT_TRUE(store.set_cohort_member(other, "pat1", true, 43));
  store.set_care_team_member(team, "pat1", "patient", false);
  EXPECT_TRUE(store.find_cohort(cohort)->patient_ids.empty());
  EXPECT_EQ(store.find_cohort(other)->patient_ids, (Ids{"pat1"}));  // another team's cohort
}

TEST_F(CohortStoreTest, UnknownCohortChangesNothing) {
  EXPECT_FALSE(store.set_cohort_member("nope", "pat1", true, 30));
  EXPECT_TRUE(team_patients().empty());
  EXPECT_FALSE(store.set_cohort_member("nope", "pat1", false, 31));
}

TEST_F(CohortStoreTest, ListedPerPracticeInCreationOrder) {
  auto second = store.create_cohort("org1", team, "IOP summer", 50);
  auto team2 = store.create_care_team("org2", "Elsewhere", 51);
  store.create_cohort("org2", team2, "Not ours", 52);
  Ids ids;
  for (auto& c : store.list_cohorts("org1")) ids.push_back(c.id);
  EXPECT_EQ(ids, (Ids{cohort, second}));
  EXPECT_EQ(store.list_cohorts("org2").size(), 1u);
}

TEST_F(CohortStoreTest, ClinicianTeamIds) {
  auto other_team = store.create_care_team("org1", "Thursday group", 40);
  store.set_care_team_member(other_team, "staff1", "clinician", true);
  store.set_care_team_member(other_team, "pat1", "patient", true);
  EXPECT_EQ(store.clinician_team_ids("ther1"), (Ids{team}));
  EXPECT_EQ(store.clinician_team_ids("staff1"), (Ids{other_team}));
  EXPECT_TRUE(store.clinician_team_ids("pat1").empty());  // a patient is no clinician
}

}  // namespace
}  // namespace haven
