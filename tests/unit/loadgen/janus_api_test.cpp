// haven-loadgen's Janus mode, the parts that need no Janus: reading its URL, its events and
// its errors (tools/loadgen/janus_api.h). The HTTP exchange itself is exercised by
// `make bench-janus` against a real Janus, never here.
#include "janus_api.h"

#include <gtest/gtest.h>

namespace haven::loadgen {
namespace {

TEST(JanusUrl, SplitsHostPortAndPath) {
  std::string error;
  const auto url = JanusUrl::parse("http://198.18.0.2:8088/janus/", error);
  ASSERT_TRUE(url) << error;
  EXPECT_EQ(url->host, "198.18.0.2");
  EXPECT_EQ(url->port, "8088");
  EXPECT_EQ(url->path, "/janus");
  const auto plain = JanusUrl::parse("http://janus.test", error);
  ASSERT_TRUE(plain) << error;
  EXPECT_EQ(plain->port, "80");
  EXPECT_EQ(plain->path, "/janus");
}

TEST(JanusUrl, RefusesWhatItCannotSpeak) {
  std::string error;
  EXPECT_FALSE(JanusUrl::parse("https://198.18.0.2:8089/janus", error));
  EXPECT_NE(error.find("http://"), std::string::npos);
  EXPECT_FALSE(JanusUrl::parse("http://:8088/janus", error));
  EXPECT_FALSE(JanusUrl::parse("http://host:80a/janus", error));
  EXPECT_FALSE(JanusUrl::parse("198.18.0.2:8088", error));
}

TEST(JanusEvents, OneObjectOrAnArray) {
  const auto one = janus_events(R"({"janus":"keepalive"})");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0]["janus"], "keepalive");
  const auto many = janus_events(
      R"([{"janus":"webrtcup","sender":7},{"janus":"event","transaction":"lg-3","sender":7}])");
  ASSERT_EQ(many.size(), 2u);
  EXPECT_EQ(many[1]["transaction"], "lg-3");
  EXPECT_TRUE(janus_events("[]").empty());
  EXPECT_THROW(janus_events("not json"), JanusError);
  EXPECT_THROW(janus_events("42"), JanusError);
}

TEST(JanusError, CoreAndPluginErrorsAreReported) {
  const auto core = janus_error(nlohmann::json::parse(
      R"({"janus":"error","error":{"code":458,"reason":"No such session 1"}})"));
  ASSERT_TRUE(core);
  EXPECT_NE(core->find("458"), std::string::npos);
  EXPECT_NE(core->find("No such session"), std::string::npos);
  const auto plugin = janus_error(nlohmann::json::parse(
      R"json({"janus":"event","plugindata":{"plugin":"janus.plugin.videoroom",
          "data":{"videoroom":"event","error_code":428,"error":"No such feed (1000)"}}})json"));
  ASSERT_TRUE(plugin);
  EXPECT_NE(plugin->find("No such feed"), std::string::npos);
  EXPECT_FALSE(janus_error(nlohmann::json::parse(
      R"({"janus":"event","plugindata":{"data":{"videoroom":"joined","id":1000}}})")));
  EXPECT_FALSE(janus_error(nlohmann::json::parse(R"({"janus":"ack"})")));
  EXPECT_TRUE(janus_error(nlohmann::json::parse("[]")));
}

}  // namespace
}  // namespace haven::loadgen
