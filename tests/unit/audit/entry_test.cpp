// The canonical entry encoding: known bytes, a round trip, and no two entries alike.
#include "audit/entry.h"

#include <gtest/gtest.h>

#include "util/secret_bytes.h"

namespace haven::audit {
namespace {

Entry sample() {
  AuditRecord r;
  r.at = 1700000000;
  r.actor_id = "u1";
  r.actor_role = "admin";
  r.action = "session.signed_in";
  r.object_type = "user";
  r.object_id = "u2";
  r.outcome = "success";
  r.request_id = "r1";
  r.client_ip = "127.0.0.1";
  return {1, r};
}

std::string hex(const std::string& bytes) {
  return to_hex(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
}

// Expected bytes computed independently (Python struct: ">B Q q" then ">I" + bytes).
TEST(AuditEntry, KnownEncodingAndLeafHash) {
  // clang-format off
  EXPECT_EQ(hex(encode_entry(sample())),
            "01"                                                      // version
            "0000000000000001"                                        // seq
            "000000006553f100"                                        // at
            "00000002" "7531"                                         // actor_id
            "00000005" "61646d696e"                                   // actor_role
            "00000011" "73657373696f6e2e7369676e65645f696e"           // action
            "00000004" "75736572"                                     // object_type
            "00000002" "7532"                                         // object_id
            "00000007" "73756363657373"                               // outcome
            "00000002" "7231"                                         // request_id
            "00000009" "3132372e302e302e31");                         // client_ip
  // clang-format on
  auto leaf = entry_leaf_hash(sample());
  EXPECT_EQ(to_hex(leaf.data(), leaf.size()),
            "c36925e325d19b7519738a50dd85d168e835ea8b6f9d435b56d05dfb4189ad58");
}

TEST(AuditEntry, NegativeTimeAndEmptyFields) {
  Entry e{7, {}};
  e.record.at = -5;
  EXPECT_EQ(hex(encode_entry(e)),
            "01"
            "0000000000000007"
            "fffffffffffffffb" +
                std::string(8 * 8, '0'));
}

TEST(AuditEntry, RoundTrip) {
  auto e = sample();
  e.record.client_ip = "2001:db8::1";
  auto decoded = decode_entry(encode_entry(e));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(encode_entry(*decoded), encode_entry(e));
  EXPECT_EQ(decoded->seq, 1);
  EXPECT_EQ(decoded->record.action, "session.signed_in");
  EXPECT_EQ(decoded->record.client_ip, "2001:db8::1");
}

TEST(AuditEntry, DecodeRefusesAnythingButOneEntry) {
  const auto good = encode_entry(sample());
  EXPECT_FALSE(decode_entry(""));
  EXPECT_FALSE(decode_entry(good + "x"));                       // trailing byte
  EXPECT_FALSE(decode_entry(good.substr(0, good.size() - 1)));  // truncated
  auto other_version = good;
  other_version[0] = 2;
  EXPECT_FALSE(decode_entry(other_version));
}

// Moving characters between neighbouring fields, or changing the seq or time, always
// changes the bytes (length prefixes; fixed-width integers).
TEST(AuditEntry, DifferentEntriesEncodeDifferently) {
  auto a = sample(), b = sample();
  a.record.actor_id = "u1a";
  a.record.actor_role = "dmin";
  b.record.actor_id = "u1";
  b.record.actor_role = "admin";
  EXPECT_NE(encode_entry(a), encode_entry(b));
  auto c = sample();
  c.seq = 2;
  EXPECT_NE(encode_entry(c), encode_entry(sample()));
  auto d = sample();
  d.record.at += 1;
  EXPECT_NE(encode_entry(d), encode_entry(sample()));
  auto e = sample();
  std::swap(e.record.object_type, e.record.object_id);
  EXPECT_NE(encode_entry(e), encode_entry(sample()));
}

}  // namespace
}  // namespace haven::audit
