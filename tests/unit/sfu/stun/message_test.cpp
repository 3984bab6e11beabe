// STUN parse/serialize beyond the RFC vectors: round trips, integrity tampering, framing
// and size limits (sfu/stun/message.h, builder.h, integrity.h).
#include "sfu/stun/message.h"

#include <gtest/gtest.h>

#include "rfc5769_vectors.h"
#include "sfu/limits.h"
#include "sfu/stun/builder.h"
#include "sfu/stun/integrity.h"

namespace haven::sfu::stun {
namespace {

using Bytes = std::vector<std::uint8_t>;

const TransactionId kTxid = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
constexpr std::string_view kPwd = "0123456789abcdefghijklmnopqrstuv";

MessageBuilder request() {
  return MessageBuilder(MessageClass::request, kMethodBinding, kTxid);
}

std::optional<Message> parse_ok(const Bytes& raw) {
  ParseError error{};
  auto m = parse(raw, &error);
  EXPECT_TRUE(m) << to_string(error);
  return m;
}

ParseError parse_error(const Bytes& raw) {
  ParseError error{};
  EXPECT_FALSE(parse(raw, &error));
  return error;
}

// Appends a raw TLV after whatever is there and fixes the header length, bypassing the
// builder's ordering rules.
void append_raw(Bytes& raw, std::uint16_t type, const Bytes& value) {
  raw.push_back(static_cast<std::uint8_t>(type >> 8));
  raw.push_back(static_cast<std::uint8_t>(type));
  raw.push_back(static_cast<std::uint8_t>(value.size() >> 8));
  raw.push_back(static_cast<std::uint8_t>(value.size()));
  raw.insert(raw.end(), value.begin(), value.end());
  while (raw.size() % 4 != 0) raw.push_back(0);
  const std::size_t length = raw.size() - kHeaderSize;
  raw[2] = static_cast<std::uint8_t>(length >> 8);
  raw[3] = static_cast<std::uint8_t>(length);
}

TEST(StunMessageTest, MessageTypeEncodesClassAndMethod) {
  EXPECT_EQ(message_type(MessageClass::request, kMethodBinding), 0x0001);
  EXPECT_EQ(message_type(MessageClass::indication, kMethodBinding), 0x0011);
  EXPECT_EQ(message_type(MessageClass::success_response, kMethodBinding), 0x0101);
  EXPECT_EQ(message_type(MessageClass::error_response, kMethodBinding), 0x0111);
  for (auto cls : {MessageClass::request, MessageClass::indication, MessageClass::success_response,
                   MessageClass::error_response}) {
    auto raw = MessageBuilder(cls, 0xABC, kTxid).finish();
    ASSERT_TRUE(raw);
    auto m = parse_ok(*raw);
    ASSERT_TRUE(m);
    EXPECT_EQ(m->message_class, cls);
    EXPECT_EQ(m->method, 0xABC);
    EXPECT_EQ(m->transaction_id, kTxid);
  }
}

TEST(StunMessageTest, RoundTripsEveryAttribute) {
  const auto v4 = Tuple::v4({203, 0, 113, 7}, 50000);
  const std::uint16_t unknown[] = {0x0031, 0x7777};
  auto raw = request()
                 .software("haven")
                 .username("abcd:efgh")
                 .realm("example.org")
                 .nonce("n0nce")
                 .error_code(487)
                 .unknown_attributes(unknown)
                 .xor_mapped_address(v4)
                 .priority(0x6e7f00ff)
                 .use_candidate()
                 .ice_controlling(0x0102030405060708ULL)
                 .ice_controlled(0xfffefdfcfbfaf9f8ULL)
                 .nomination(7)
                 .message_integrity(kPwd)
                 .fingerprint()
                 .finish();
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size() % 4, 0u);
  auto m = parse_ok(*raw);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->software, "haven");
  EXPECT_EQ(m->username, "abcd:efgh");
  EXPECT_EQ(m->realm, "example.org");
  EXPECT_EQ(m->nonce, "n0nce");
  EXPECT_EQ(m->error_code, (ErrorCode{487, "Role Conflict"}));
  EXPECT_EQ(m->unknown_attributes, (std::vector<std::uint16_t>{0x0031, 0x7777}));
  EXPECT_EQ(m->xor_mapped_address, v4);
  EXPECT_EQ(m->priority, 0x6e7f00ffU);
  EXPECT_TRUE(m->use_candidate);
  EXPECT_EQ(m->ice_controlling, 0x0102030405060708ULL);
  EXPECT_EQ(m->ice_controlled, 0xfffefdfcfbfaf9f8ULL);
  EXPECT_EQ(m->nomination, 7U);
  EXPECT_TRUE(m->has_fingerprint);
  EXPECT_TRUE(m->unknown_required.empty());
  EXPECT_TRUE(verify_message_integrity(*raw, kPwd));

  // MessageBuilder::from(parsed) reproduces the same bytes (same order, same padding).
  auto again = MessageBuilder::from(*m).message_integrity(kPwd).fingerprint().finish();
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *raw);
}

TEST(StunMessageTest, XorMappedAddressIpv6UsesTheTransactionId) {
  const auto v6 = Tuple::v6({0xfe, 0x80, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8}, 9);
  auto a = request().xor_mapped_address(v6).finish();
  auto b = MessageBuilder(MessageClass::request, kMethodBinding, TransactionId{})
               .xor_mapped_address(v6)
               .finish();
  ASSERT_TRUE(a && b);
  EXPECT_NE(std::vector(a->begin() + 20, a->end()), std::vector(b->begin() + 20, b->end()));
  EXPECT_EQ(parse_ok(*a)->xor_mapped_address, v6);
  EXPECT_EQ(parse_ok(*b)->xor_mapped_address, v6);
}

TEST(StunMessageTest, AnyTamperedByteBreaksIntegrityOrFingerprint) {
  auto raw = request().username("abcd:efgh").priority(1).message_integrity(kPwd).finish();
  ASSERT_TRUE(raw);
  ASSERT_TRUE(verify_message_integrity(*raw, kPwd));
  for (std::size_t i = 0; i < raw->size(); ++i) {
    Bytes copy = *raw;
    copy[i] ^= 0x01;
    EXPECT_FALSE(verify_message_integrity(copy, kPwd)) << "byte " << i;
  }
  // With FINGERPRINT, a flipped byte anywhere fails parsing (framing or CRC) — except in
  // FINGERPRINT's own type, which turns it into some ignorable attribute: then the
  // message merely has no fingerprint, which the ICE server refuses.
  auto with_fp = request().username("abcd:efgh").message_integrity(kPwd).fingerprint().finish();
  ASSERT_TRUE(with_fp);
  for (std::size_t i = 0; i < with_fp->size(); ++i) {
    Bytes copy = *with_fp;
    copy[i] ^= 0x40;
    auto m = parse(copy);
    EXPECT_TRUE(!m || !m->has_fingerprint) << "byte " << i;
    if (m) {
      EXPECT_GE(i, with_fp->size() - 8) << "byte " << i;
    }
  }
}

TEST(StunMessageTest, IntegrityNeedsTheRightKeyAndAnAttribute) {
  auto raw = request().username("a:b").message_integrity(kPwd).finish();
  ASSERT_TRUE(raw);
  EXPECT_FALSE(
      verify_message_integrity(*raw, std::string_view("0123456789abcdefghijklmnopqrstuw")));
  EXPECT_FALSE(verify_message_integrity(*raw, std::string_view("")));
  auto no_mi = request().username("a:b").fingerprint().finish();
  ASSERT_TRUE(no_mi);
  EXPECT_FALSE(verify_message_integrity(*no_mi, kPwd));
  EXPECT_FALSE(verify_message_integrity(Bytes{}, kPwd));
  EXPECT_FALSE(verify_message_integrity(Bytes(20, 0), kPwd));
}

TEST(StunMessageTest, AttributesAfterIntegrityAreIgnoredExceptFingerprint) {
  auto raw = request().username("a:b").message_integrity(kPwd).finish();
  ASSERT_TRUE(raw);
  append_raw(*raw, attr::kPriority, {0, 0, 0, 9});
  append_raw(*raw, 0x0042, {1, 2, 3, 4});  // unknown comprehension-required
  auto m = parse_ok(*raw);
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->priority);
  EXPECT_TRUE(m->unknown_required.empty());
  EXPECT_TRUE(verify_message_integrity(*raw, kPwd));  // MI covers only what precedes it
}

TEST(StunMessageTest, FingerprintMustBeLast) {
  auto raw = request().username("a:b").fingerprint().finish();
  ASSERT_TRUE(raw);
  ASSERT_TRUE(parse_ok(*raw));
  append_raw(*raw, attr::kSoftware, {'x'});
  EXPECT_EQ(parse_error(*raw), ParseError::attribute_after_fingerprint);
}

TEST(StunMessageTest, WrongFingerprintIsRejected) {
  auto raw = request().username("a:b").fingerprint().finish();
  ASSERT_TRUE(raw);
  raw->back() ^= 0xff;
  EXPECT_EQ(parse_error(*raw), ParseError::bad_fingerprint);
}

TEST(StunMessageTest, HeaderChecks) {
  const auto good = *request().username("a:b").finish();
  EXPECT_EQ(parse_error(Bytes(good.begin(), good.begin() + 19)), ParseError::too_short);
  Bytes bad = good;
  bad[0] |= 0x80;  // RTP/DTLS-looking first byte
  EXPECT_EQ(parse_error(bad), ParseError::not_stun);
  bad = good;
  bad[4] ^= 1;
  EXPECT_EQ(parse_error(bad), ParseError::bad_magic_cookie);
  bad = good;
  bad[3] += 4;  // claims more than there is
  EXPECT_EQ(parse_error(bad), ParseError::bad_length);
  bad = good;
  bad[3] += 1;  // not a multiple of 4
  EXPECT_EQ(parse_error(bad), ParseError::bad_length);
  bad = good;
  bad.push_back(0);  // trailing byte beyond the length
  EXPECT_EQ(parse_error(bad), ParseError::bad_length);
}

TEST(StunMessageTest, EveryTruncationIsRejected) {
  const auto raw = testing::from_hex(testing::kSampleRequest);
  for (std::size_t n = 0; n < raw.size(); ++n) {
    EXPECT_FALSE(parse(std::span(raw).first(n))) << n;
  }
  // Truncated with the length field patched to match: the last TLV overruns instead.
  Bytes cut(raw.begin(), raw.end() - 4);
  cut[3] = static_cast<std::uint8_t>(cut.size() - kHeaderSize);
  EXPECT_EQ(parse_error(cut), ParseError::truncated_attribute);
}

TEST(StunMessageTest, SizeLimit) {
  // Exactly kMaxDatagram is fine, one word more is not (the parser and the builder agree).
  const Bytes filler(kMaxDatagram - kHeaderSize - kAttributeHeaderSize, 'z');
  auto max = request().attribute(0x8abc, filler).finish();
  ASSERT_TRUE(max);
  EXPECT_EQ(max->size(), kMaxDatagram);
  EXPECT_TRUE(parse_ok(*max));
  EXPECT_FALSE(request().attribute(0x8abc, filler).attribute(0x8abd, {}).finish());
  Bytes over = *max;
  append_raw(over, 0x8abd, {});
  EXPECT_EQ(over.size(), kMaxDatagram + 4);
  EXPECT_EQ(parse_error(over), ParseError::too_long);
  // No room left for MESSAGE-INTEGRITY: the builder refuses rather than truncating.
  const Bytes almost(kMaxDatagram - kHeaderSize - 2 * kAttributeHeaderSize - 16, 'z');
  EXPECT_FALSE(request().attribute(0x8abc, almost).message_integrity(kPwd).finish());
}

TEST(StunMessageTest, MalformedKnownAttributesAreRejected) {
  struct Case {
    std::uint16_t type;
    Bytes value;
  };
  const Case cases[] = {
      {attr::kPriority, {0, 0, 1}},
      {attr::kUseCandidate, {0, 0, 0, 0}},
      {attr::kIceControlling, {1, 2, 3, 4}},
      {attr::kIceControlled, Bytes(12, 0)},
      {attr::kNomination, {1, 2}},
      {attr::kMessageIntegrity, Bytes(16, 0)},
      {attr::kFingerprint, {1, 2, 3, 4, 5, 6, 7, 8}},
      {attr::kXorMappedAddress, {0, 3, 0, 0, 1, 2, 3, 4}},        // family 3
      {attr::kXorMappedAddress, {0, 1, 0, 0, 1, 2, 3, 4, 5, 6}},  // v4 with 6 address bytes
      {attr::kXorMappedAddress, {0, 2, 0, 0, 1, 2, 3, 4}},        // v6 with 4 address bytes
      {attr::kErrorCode, {0, 0, 7, 0}},                           // class 7
      {attr::kErrorCode, {0, 0, 4, 100}},                         // number 100
      {attr::kErrorCode, {0, 0, 4}},
      {attr::kUnknownAttributes, {0, 1, 0}},
      {attr::kUsername, Bytes(kMaxUsername + 1, 'u')},
      {attr::kSoftware, Bytes(kMaxText + 1, 's')},
  };
  for (const auto& c : cases) {
    auto raw = *request().finish();
    append_raw(raw, c.type, c.value);
    EXPECT_EQ(parse_error(raw), ParseError::malformed_attribute) << std::hex << c.type;
  }
  // The limits themselves are accepted.
  auto raw = *request().finish();
  append_raw(raw, attr::kUsername, Bytes(kMaxUsername, 'u'));
  EXPECT_EQ(parse_ok(raw)->username->size(), kMaxUsername);
}

TEST(StunMessageTest, UnknownAttributes) {
  auto raw = request()
                 .attribute(0xC057, Bytes{0, 1, 0, 2})  // GOOG-NETWORK-INFO: optional, ignored
                 .attribute(0x0042, Bytes{9})
                 .attribute(0x0001, Bytes(8, 0))  // MAPPED-ADDRESS: not implemented
                 .attribute(0x0042, Bytes{})
                 .fingerprint()
                 .finish();
  ASSERT_TRUE(raw);
  auto m = parse_ok(*raw);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->unknown_required, (std::vector<std::uint16_t>{0x0042, 0x0001}));
}

TEST(StunMessageTest, FirstOccurrenceWins) {
  auto raw = request().priority(1).priority(2).username("a:b").username("c:d").finish();
  ASSERT_TRUE(raw);
  auto m = parse_ok(*raw);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->priority, 1U);
  EXPECT_EQ(m->username, "a:b");
}

TEST(StunMessageTest, BuilderRefusesInvalidSequences) {
  EXPECT_FALSE(request().message_integrity(kPwd).priority(1).finish());
  EXPECT_FALSE(request().fingerprint().priority(1).finish());
  EXPECT_FALSE(request().fingerprint().message_integrity(kPwd).finish());
  EXPECT_FALSE(request().fingerprint().fingerprint().finish());
  EXPECT_FALSE(request().message_integrity(kPwd).message_integrity(kPwd).finish());
  EXPECT_FALSE(request().username(std::string(kMaxUsername + 1, 'u')).finish());
  EXPECT_FALSE(request().error_code(299).finish());
  EXPECT_FALSE(request().error_code(700).finish());
  EXPECT_FALSE(MessageBuilder(MessageClass::request, 0x1000, kTxid).finish());
  // MI then FINGERPRINT is the one legal trailer order.
  EXPECT_TRUE(request().message_integrity(kPwd).fingerprint().finish());
  // finish() hands the buffer out once.
  auto b = request();
  EXPECT_TRUE(b.finish());
  EXPECT_FALSE(b.finish());
}

TEST(StunMessageTest, PaddingIsZeroAndLengthExcludesIt) {
  auto raw = request().username("abcde").finish();  // 5 bytes + 3 padding
  ASSERT_TRUE(raw);
  ASSERT_EQ(raw->size(), kHeaderSize + 12);
  EXPECT_EQ((*raw)[23], 5);  // attribute length is the unpadded length
  EXPECT_EQ((*raw)[29], 0);
  EXPECT_EQ((*raw)[30], 0);
  EXPECT_EQ((*raw)[31], 0);
  EXPECT_EQ((*raw)[3], 12);  // message length includes padding
}

TEST(StunMessageTest, RandomTransactionIdsDiffer) {
  EXPECT_NE(random_transaction_id(), random_transaction_id());
}

}  // namespace
}  // namespace haven::sfu::stun
