// The cohort handlers called directly (route-level authorization is the matrix test's):
// tenant boundaries, refused input that changes nothing, and who sees which cohort.
#include <gtest/gtest.h>

#include "../services_harness.h"
#include "../store/two_practices.h"
#include "api/route_table.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "crypto/field_cipher.h"
#include "metrics/metrics.h"
#include "store/sqlite_store.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

using Ids = std::vector<std::string>;

class CohortHandlersTest : public testing::ServicesHarness {
 protected:
  CohortHandlersTest() {
    testing::seed_two_practices(store, dir.file("h.db"));
    team = store.create_care_team("org1", "Tuesday group", 10);
    store.set_care_team_member(team, "ther1", "clinician", true);
    other_team = store.create_care_team("org1", "Thursday group", 11);
    foreign_team = store.create_care_team("org2", "Elsewhere", 12);
  }

  ApiResult call(http::verb method, const std::string& route_path, const std::string& actor_id,
                 const nlohmann::json& body = nlohmann::json::object(),
                 const std::string& param = "") {
    return call_as(actor_id, method, route_path, body, param);
  }

  ApiResult create(const std::string& as, const std::string& team_id,
                   const std::string& name = "IOP spring") {
    return call(http::verb::post, "/api/cohorts", as, {{"name", name}, {"care_team_id", team_id}});
  }

  ApiResult member(const std::string& as, const std::string& cohort, const std::string& user,
                   bool present = true) {
    return call(http::verb::post, "/api/cohorts/:id/members", as,
                {{"user_id", user}, {"present", present}}, cohort);
  }

  Ids listed(const std::string& as) {
    auto res = call(http::verb::get, "/api/cohorts", as);
    EXPECT_EQ(res.status, 200);
    Ids ids;
    for (auto& c : res.body["cohorts"]) ids.push_back(c["id"].get<std::string>());
    return ids;
  }

  std::string team, other_team, foreign_team;
};

TEST_F(CohortHandlersTest, CreateAnswersTheCohortAndAudits) {
  auto res = create("admin1", team);
  ASSERT_EQ(res.status, 201);
  auto& c = res.body["cohort"];
  EXPECT_EQ(c["name"], "IOP spring");
  EXPECT_EQ(c["care_team_id"], team);
  EXPECT_EQ(c["patients"], nlohmann::json::array());
  EXPECT_EQ(res.audit_event, "cohort.created");
  EXPECT_EQ(res.audit_subject, c["id"].get<std::string>());
}

TEST_F(CohortHandlersTest, CreateOnAnUnknownOrAnotherPracticesTeamIsNotFound) {
  for (auto& id : {std::string("0123456789abcdef"), foreign_team}) {
    auto res = create("admin1", id);
    EXPECT_EQ(res.status, 404) << id;
    EXPECT_EQ(code(res), "not_found");
  }
  EXPECT_TRUE(store.list_cohorts("org1").empty());
  EXPECT_EQ(create("admin2", team).status, 404);  // org2's admin cannot use org1's team
  EXPECT_TRUE(store.list_cohorts("org2").empty());
}

TEST_F(CohortHandlersTest, AddingAPatientJoinsTheCareTeamRemovingDoesNot) {
  auto id = create("admin1", team).body["cohort"]["id"].get<std::string>();
  auto added = member("admin1", id, "pat1");
  ASSERT_EQ(added.status, 200);
  EXPECT_EQ(added.body["cohort"]["patients"], nlohmann::json(Ids{"pat1"}));
  EXPECT_EQ(added.audit_event, "cohort.member_added");
  EXPECT_EQ(added.audit_subject, "pat1");
  EXPECT_TRUE(store.shares_care_team("ther1", "pat1"));
  auto removed = member("admin1", id, "pat1", false);
  ASSERT_EQ(removed.status, 200);
  EXPECT_EQ(removed.body["cohort"]["patients"], nlohmann::json::array());
  EXPECT_EQ(removed.audit_event, "cohort.member_removed");
  EXPECT_TRUE(store.shares_care_team("ther1", "pat1"));
}

TEST_F(CohortHandlersTest, RefusedMembersChangeNothing) {
  auto id = create("admin1", team).body["cohort"]["id"].get<std::string>();
  auto foreign = store.create_cohort("org2", foreign_team, "Not ours", 20);
  for (auto user : {"ther1", "staff1", "admin1"}) {
    auto res = member("admin1", id, user);
    EXPECT_EQ(res.status, 400) << user;
    EXPECT_EQ(code(res), "not_a_patient");
  }
  EXPECT_EQ(code(member("admin1", id, "pat9")), "not_found");       // another practice's patient
  EXPECT_EQ(code(member("admin1", id, "nobody")), "not_found");     // unknown user
  EXPECT_EQ(code(member("admin1", "nope", "pat1")), "not_found");   // unknown cohort
  EXPECT_EQ(code(member("admin1", foreign, "pat1")), "not_found");  // another practice's cohort
  EXPECT_EQ(member("admin2", id, "pat1").status, 404);
  EXPECT_TRUE(store.find_cohort(id)->patient_ids.empty());
  EXPECT_TRUE(store.find_cohort(foreign)->patient_ids.empty());
  EXPECT_TRUE(store.find_care_team(team)->patient_ids.empty());
  EXPECT_EQ(store.find_care_team(team)->clinician_ids, (Ids{"ther1"}));
}

TEST_F(CohortHandlersTest, EachActorSeesTheirCohorts) {
  auto mine = create("admin1", team).body["cohort"]["id"].get<std::string>();
  auto theirs = create("admin1", other_team).body["cohort"]["id"].get<std::string>();
  auto foreign = store.create_cohort("org2", foreign_team, "Not ours", 20);
  EXPECT_EQ(listed("admin1"), (Ids{mine, theirs}));
  EXPECT_EQ(listed("admin2"), (Ids{foreign}));
  EXPECT_EQ(listed("ther1"), (Ids{mine}));
  EXPECT_EQ(listed("staff1"), Ids{});
  store.set_care_team_member(other_team, "staff1", "clinician", true);
  EXPECT_EQ(listed("staff1"), (Ids{theirs}));
  auto res = call(http::verb::get, "/api/cohorts", "ther1");
  EXPECT_EQ(res.audit_event, "cohort.list_read");
  EXPECT_EQ(res.body["cohorts"][0]["name"], "IOP spring");
}

}  // namespace
}  // namespace haven
