#include "api/route_table.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

TEST(RouteTable, PathParameters) {
  std::string id;
  EXPECT_TRUE(match_route_path("/api/me", "/api/me", &id));
  EXPECT_FALSE(match_route_path("/api/me", "/api/me/", &id));
  EXPECT_TRUE(match_route_path("/api/patients/:id", "/api/patients/ab12-_x", &id));
  EXPECT_EQ(id, "ab12-_x");
  EXPECT_TRUE(match_route_path("/api/care-teams/:id/members", "/api/care-teams/t1/members", &id));
  EXPECT_EQ(id, "t1");
  for (auto bad : {"/api/patients/", "/api/patients/a/b", "/api/patients/a%2e", "/api/patients/..",
                   "/api/patient/x", "/api/care-teams/t1/member"}) {
    EXPECT_FALSE(match_route_path("/api/patients/:id", bad, &id) ||
                 match_route_path("/api/care-teams/:id/members", bad, &id))
        << bad;
  }
  EXPECT_FALSE(match_route_path("/api/patients/:id", "/api/patients/" + std::string(65, 'a'), &id));
}

// Only the file upload route gets the larger body limit (files.max_bytes).
TEST(RouteTable, OnlyTheFileUploadAcceptsAnUpload) {
  EXPECT_TRUE(accepts_upload(http::verb::post, "/api/rooms/abc123/files"));
  EXPECT_TRUE(accepts_upload(http::verb::post, "/api/rooms/abc123/files?x=1"));
  EXPECT_FALSE(accepts_upload(http::verb::get, "/api/rooms/abc123/files"));
  EXPECT_FALSE(accepts_upload(http::verb::post, "/api/rooms"));
  EXPECT_FALSE(accepts_upload(http::verb::post, "/api/rooms/a/b/files"));
  EXPECT_FALSE(accepts_upload(http::verb::post, "/api/devices/abc/key-packages"));
}

TEST(RouteTable, EveryRouteIsUnique) {
  const auto& routes = api_routes();
  for (std::size_t i = 0; i < routes.size(); ++i) {
    for (std::size_t j = i + 1; j < routes.size(); ++j) {
      EXPECT_FALSE(routes[i].method == routes[j].method && routes[i].path == routes[j].path)
          << routes[i].path;
    }
  }
}

}  // namespace
}  // namespace haven
