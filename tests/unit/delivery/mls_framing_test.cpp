// The delivery service's MLS framing parser against the mlswg interop vectors (RFC 9420):
// every MLSMessage in tests/fixtures/mls decodes, its walked structures end exactly at
// the end of the bytes, and damaged copies are refused with a stable reason.
#include "delivery/mls_framing.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../hex.h"

namespace haven::delivery {
namespace {

using haven::testing::from_hex;
using Bytes = std::vector<std::uint8_t>;

nlohmann::json load(const char* name) {
  std::ifstream in(std::string(HAVEN_SOURCE_DIR) + "/tests/fixtures/mls/" + name);
  return nlohmann::json::parse(in);
}

std::uint64_t read_u64(const Bytes& b, std::size_t at) {
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i) v = (v << 8) | b[at + i];
  return v;
}

TEST(MlsFraming, VarintHeadersFromTheVectors) {
  auto vectors = load("deserialization.json");
  ASSERT_FALSE(vectors.empty());
  for (const auto& v : vectors) {
    Bytes header = from_hex(v["vlbytes_header"].get<std::string>());
    std::size_t offset = 0;
    auto length = read_mls_varint(header, offset);
    ASSERT_TRUE(length) << v["vlbytes_header"];
    EXPECT_EQ(*length, v["length"].get<std::uint64_t>());
    EXPECT_EQ(offset, header.size());
  }
}

TEST(MlsFraming, VarintRefusesTheEightBytePrefixAndNonMinimalLengths) {
  for (const char* bad : {"c000000000000001", "4001", "8000003f", "80003fff", "40"}) {
    Bytes header = from_hex(bad);
    std::size_t offset = 0;
    EXPECT_FALSE(read_mls_varint(header, offset)) << bad;
    EXPECT_EQ(offset, 0u);
  }
}

TEST(MlsFraming, EveryVectorMessageDecodes) {
  auto vectors = load("messages-mlsmessage.json");
  ASSERT_GE(vectors.size(), 10u);
  const std::pair<const char*, WireFormat> fields[] = {
      {"mls_welcome", WireFormat::welcome},
      {"mls_group_info", WireFormat::group_info},
      {"mls_key_package", WireFormat::key_package},
      {"public_message_application", WireFormat::public_message},
      {"public_message_proposal", WireFormat::public_message},
      {"public_message_commit", WireFormat::public_message},
      {"private_message", WireFormat::private_message},
  };
  for (const auto& v : vectors) {
    for (const auto& [field, wire_format] : fields) {
      Bytes bytes = from_hex(v[field].get<std::string>());
      auto parsed = parse_mls_message(bytes);
      ASSERT_TRUE(parsed.info) << field << ": "
                               << framing_error_name(parsed.error.value_or(FramingError::truncated));
      EXPECT_EQ(parsed.info->wire_format, wire_format) << field;
    }
  }
}

TEST(MlsFraming, HandshakeHeadersMatchTheirBytes) {
  auto v = load("messages-mlsmessage.json")[0];
  Bytes commit = from_hex(v["public_message_commit"].get<std::string>());
  auto parsed = parse_mls_message(commit);
  ASSERT_TRUE(parsed.info);
  // MLSMessage: version(2) wire_format(2) group_id<V>(1-byte prefix here) epoch(8) sender…
  const std::size_t group_len = commit[4];
  ASSERT_LT(group_len, 64u);
  EXPECT_EQ(parsed.info->group_id, Bytes(commit.begin() + 5, commit.begin() + 5 + group_len));
  EXPECT_EQ(parsed.info->epoch, read_u64(commit, 5 + group_len));
  EXPECT_EQ(parsed.info->content_type, ContentType::commit);
  EXPECT_TRUE(parsed.info->sender_type.has_value());

  auto app = parse_mls_message(from_hex(v["public_message_application"].get<std::string>()));
  ASSERT_TRUE(app.info);
  EXPECT_EQ(app.info->content_type, ContentType::application);
  auto proposal = parse_mls_message(from_hex(v["public_message_proposal"].get<std::string>()));
  ASSERT_TRUE(proposal.info);
  EXPECT_EQ(proposal.info->content_type, ContentType::proposal);

  Bytes private_message = from_hex(v["private_message"].get<std::string>());
  auto priv = parse_mls_message(private_message);
  ASSERT_TRUE(priv.info);
  EXPECT_EQ(priv.info->group_id, parsed.info->group_id);  // the vectors share one group
  EXPECT_FALSE(priv.info->sender_type.has_value());       // encrypted (§6.3.2)
  EXPECT_TRUE(priv.info->content_type.has_value());
}

TEST(MlsFraming, KeyPackageExposesItsSignatureKeyAndIdentity) {
  for (const auto& v : load("messages-mlsmessage.json")) {
    auto parsed = parse_mls_message(from_hex(v["mls_key_package"].get<std::string>()));
    ASSERT_TRUE(parsed.info && parsed.info->key_package);
    const auto& kp = *parsed.info->key_package;
    EXPECT_FALSE(kp.signature_key.empty());
    EXPECT_TRUE(kp.credential_type == kCredentialBasic || kp.credential_type == kCredentialX509);
    EXPECT_EQ(parsed.info->cipher_suite, kp.cipher_suite);
  }
}

TEST(MlsFraming, DamagedMessagesAreRefusedWithAReason) {
  auto v = load("messages-mlsmessage.json")[1];
  for (const char* field : {"mls_welcome", "mls_group_info", "mls_key_package",
                            "private_message", "public_message_application"}) {
    Bytes good = from_hex(v[field].get<std::string>());
    // Every truncation of a fully walked message is refused (never read past the end).
    for (std::size_t cut = 0; cut < good.size(); ++cut) {
      auto parsed = parse_mls_message(std::span(good).first(cut));
      EXPECT_FALSE(parsed.info) << field << " cut at " << cut;
      EXPECT_TRUE(parsed.error);
    }
    Bytes longer = good;
    longer.push_back(0);
    EXPECT_EQ(parse_mls_message(longer).error, FramingError::trailing_bytes) << field;
  }
  Bytes wrong_version = from_hex(v["private_message"].get<std::string>());
  wrong_version[1] = 2;
  EXPECT_EQ(parse_mls_message(wrong_version).error, FramingError::bad_version);
  Bytes wrong_format = from_hex(v["private_message"].get<std::string>());
  wrong_format[3] = 9;
  EXPECT_EQ(parse_mls_message(wrong_format).error, FramingError::bad_wire_format);
  Bytes huge(kMaxMlsMessageBytes + 1, 0);
  EXPECT_EQ(parse_mls_message(huge).error, FramingError::too_large);
}

}  // namespace
}  // namespace haven::delivery
