// The authorization matrix: every API endpoint x every kind of actor, with the expected
// answer. Adding an endpoint without adding it here fails EveryRouteIsInTheMatrix.
#include <gtest/gtest.h>

#include <set>

#include "access/authorize.h"
#include "api/route_table.h"

namespace haven {
namespace {

constexpr Decision A = Decision::allow;
constexpr Decision U = Decision::deny_unauthenticated;

struct Row {
  http::verb method;
  const char* path;
  Action action;
  Decision anonymous, admin, therapist, staff, patient, disabled;
};

const std::vector<Row> kMatrix = {
    {http::verb::get, "/healthz", Action::health_read, A, A, A, A, A, A},
    {http::verb::get, "/readyz", Action::health_read, A, A, A, A, A, A},
    {http::verb::get, "/api/version", Action::health_read, A, A, A, A, A, A},
    {http::verb::post, "/api/enrollment/check", Action::enrollment_use, A, A, A, A, A, A},
    {http::verb::post, "/api/enrollment/complete", Action::enrollment_use, A, A, A, A, A, A},
    {http::verb::post, "/api/session", Action::session_create, A, A, A, A, A, A},
    {http::verb::delete_, "/api/session", Action::session_delete, U, A, A, A, A, U},
    {http::verb::get, "/api/me", Action::own_profile_read, U, A, A, A, A, U},
};

Actor actor_with(std::optional<Role> role, bool disabled = false) {
  Actor a;
  if (role) {
    User u;
    u.id = "u1";
    u.org_id = "org1";
    u.role = *role;
    u.disabled = disabled;
    a.user = u;
  }
  return a;
}

TEST(AuthorizationMatrix, EveryRouteIsInTheMatrix) {
  std::set<std::pair<int, std::string>> listed;
  for (auto& row : kMatrix) listed.insert({static_cast<int>(row.method), row.path});
  for (auto& route : api_routes()) {
    bool found = false;
    for (auto& row : kMatrix) {
      if (row.method == route.method && route.path == row.path) {
        found = true;
        EXPECT_EQ(row.action, route.action) << route.path;
      }
    }
    EXPECT_TRUE(found) << "endpoint missing from the authorization matrix: "
                       << http::to_string(route.method) << " " << route.path;
  }
  EXPECT_EQ(listed.size(), api_routes().size()) << "matrix lists an endpoint that does not exist";
}

TEST(AuthorizationMatrix, EveryActorGetsTheExpectedAnswer) {
  for (auto& row : kMatrix) {
    SCOPED_TRACE(row.path);
    EXPECT_EQ(authorize(actor_with(std::nullopt), row.action), row.anonymous);
    EXPECT_EQ(authorize(actor_with(Role::admin), row.action), row.admin);
    EXPECT_EQ(authorize(actor_with(Role::therapist), row.action), row.therapist);
    EXPECT_EQ(authorize(actor_with(Role::staff), row.action), row.staff);
    EXPECT_EQ(authorize(actor_with(Role::patient), row.action), row.patient);
    EXPECT_EQ(authorize(actor_with(Role::admin, /*disabled=*/true), row.action), row.disabled);
  }
}

TEST(AuthorizationMatrix, NothingCrossesTheTenantBoundary) {
  ObjectRef other_org{"user", "u2", "org2"};
  for (auto role : {Role::admin, Role::therapist, Role::staff, Role::patient}) {
    EXPECT_EQ(authorize(actor_with(role), Action::own_profile_read, other_org),
              Decision::deny_forbidden);
  }
}

}  // namespace
}  // namespace haven
