#include "api/json_body.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

const Schema kSchema{{
    {"name", FieldType::string, true, 1, 5},
    {"age", FieldType::integer, false, 0, 0, 0, 150},
    {"ok", FieldType::boolean, false},
}};

std::string code_of(const BodyResult& r) {
  auto* e = std::get_if<ApiError>(&r);
  return e ? e->code : "";
}

TEST(JsonBody, AcceptsValid) {
  auto r = parse_body(R"({"name":"ab","age":3,"ok":true})", kSchema, 1024);
  ASSERT_TRUE(std::holds_alternative<nlohmann::json>(r));
  EXPECT_EQ(std::get<nlohmann::json>(r)["name"], "ab");
}

TEST(JsonBody, RefusesEachKindOfBadInput) {
  EXPECT_EQ(code_of(parse_body("{bad", kSchema, 1024)), "invalid_json");
  EXPECT_EQ(code_of(parse_body("[1]", kSchema, 1024)), "invalid_json");
  EXPECT_EQ(code_of(parse_body("", kSchema, 1024)), "invalid_json");
  EXPECT_EQ(code_of(parse_body(R"({"name":"a","x":1})", kSchema, 1024)), "unknown_field");
  EXPECT_EQ(code_of(parse_body(R"({"age":1})", kSchema, 1024)), "missing_field");
  EXPECT_EQ(code_of(parse_body(R"({"name":5})", kSchema, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"name":"toolong"})", kSchema, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"name":"a","age":151})", kSchema, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"name":"a","age":1.5})", kSchema, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"name":"a","ok":"yes"})", kSchema, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(std::string(2000, ' '), kSchema, 1024)), "body_too_large");
}

TEST(JsonBody, RefusesIllFormedUtf8) {
  std::string body = "{\"name\":\"a\xff\"}";
  EXPECT_EQ(code_of(parse_body(body, kSchema, 1024)), "invalid_json");
  std::string overlong = "{\"name\":\"\xc0\xaf\"}";
  EXPECT_EQ(code_of(parse_body(overlong, kSchema, 1024)), "invalid_json");
}

TEST(JsonBody, LengthCountsCodePoints) {
  // Five characters, ten bytes: within max_length 5.
  auto r = parse_body("{\"name\":\"\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\"}", kSchema, 1024);
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(r));
}

// Keys and KeyPackages arrive as canonical base64 with byte bounds (api/device_handlers.cpp).
TEST(JsonBody, Base64FieldsCountDecodedBytes) {
  const Schema key{{{"k", FieldType::base64, true, 2, 3}}};
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(parse_body(R"({"k":"AAA="})", key, 1024)));
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(parse_body(R"({"k":"AAAA"})", key, 1024)));
  EXPECT_EQ(code_of(parse_body(R"({"k":"AA=="})", key, 1024)), "invalid_field");    // 1 byte
  EXPECT_EQ(code_of(parse_body(R"({"k":"AAAAAA=="})", key, 1024)), "invalid_field");  // 4
  EXPECT_EQ(code_of(parse_body(R"({"k":"AAB="})", key, 1024)), "invalid_field");  // not canonical
  EXPECT_EQ(code_of(parse_body(R"({"k":"A-A="})", key, 1024)), "invalid_field");
  const Schema list{{{"l", FieldType::base64_list, true, 1, 3, 1, 2}}};
  EXPECT_TRUE(std::holds_alternative<nlohmann::json>(parse_body(R"({"l":["AA==","AAA="]})", list, 1024)));
  EXPECT_EQ(code_of(parse_body(R"({"l":[]})", list, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"l":["AA==","AA==","AA=="]})", list, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"l":["AAAAAA=="]})", list, 1024)), "invalid_field");
  EXPECT_EQ(code_of(parse_body(R"({"l":[1]})", list, 1024)), "invalid_field");
}

TEST(JsonBody, DepthLimit) {
  std::string deep(40, '[');
  deep += std::string(40, ']');
  EXPECT_FALSE(json_depth_ok(deep));
  EXPECT_EQ(code_of(parse_body(deep, kSchema, 1024)), "invalid_json");
  EXPECT_TRUE(json_depth_ok(R"({"a":"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
  EXPECT_TRUE(json_depth_ok(R"({"a":"\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})"));
}

}  // namespace
}  // namespace haven
