#include "auth/cbor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace haven::webauthn {
namespace {

using Bytes = std::vector<std::uint8_t>;

CborResult decode(const Bytes& b) {
  return decode_cbor(b);
}

CborError error_of(const Bytes& b) {
  return decode_cbor(b).error;
}

// Valid items are RFC 8949 Appendix A examples (encoding on the left, value on the right).
TEST(Cbor, DecodesIntegers) {
  EXPECT_EQ(decode({0x00}).value.uint_value, 0u);
  EXPECT_EQ(decode({0x17}).value.uint_value, 23u);
  EXPECT_EQ(decode({0x18, 0x18}).value.uint_value, 24u);
  EXPECT_EQ(decode({0x19, 0x03, 0xe8}).value.uint_value, 1000u);
  EXPECT_EQ(decode({0x1a, 0x00, 0x0f, 0x42, 0x40}).value.uint_value, 1000000u);
  auto max = decode({0x1b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff});
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(max.value.type, CborType::unsigned_int);
  EXPECT_EQ(max.value.uint_value, std::numeric_limits<std::uint64_t>::max());
  EXPECT_FALSE(max.value.as_int());  // does not fit int64

  auto minus_one = decode({0x20});
  EXPECT_EQ(minus_one.value.type, CborType::negative_int);
  EXPECT_EQ(minus_one.value.as_int(), -1);
  EXPECT_EQ(decode({0x38, 0x63}).value.as_int(), -100);
  EXPECT_EQ(decode({0x39, 0x03, 0xe7}).value.as_int(), -1000);
  EXPECT_EQ(decode({0x3b, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}).value.as_int(),
            std::numeric_limits<std::int64_t>::min());
}

TEST(Cbor, DecodesStrings) {
  auto empty_bytes = decode({0x40});
  ASSERT_TRUE(empty_bytes.ok());
  EXPECT_TRUE(empty_bytes.value.is_bytes());
  EXPECT_TRUE(empty_bytes.value.bytes.empty());
  EXPECT_EQ(decode({0x44, 0x01, 0x02, 0x03, 0x04}).value.bytes, (Bytes{1, 2, 3, 4}));
  EXPECT_EQ(decode({0x60}).value.text, "");
  EXPECT_EQ(decode({0x61, 0x61}).value.text, "a");
  EXPECT_EQ(decode({0x62, 0xc3, 0xbc}).value.text, "\xc3\xbc");                      // ü
  EXPECT_EQ(decode({0x63, 0xe6, 0xb0, 0xb4}).value.text, "\xe6\xb0\xb4");            // 水
  EXPECT_EQ(decode({0x64, 0xf0, 0x90, 0x85, 0x91}).value.text, "\xf0\x90\x85\x91");  // U+10151
}

TEST(Cbor, DecodesContainersAndSimpleValues) {
  EXPECT_EQ(decode({0x80}).value.type, CborType::array);
  auto arr = decode({0x83, 0x01, 0x82, 0x02, 0x03, 0x82, 0x04, 0x05});  // [1, [2, 3], [4, 5]]
  ASSERT_TRUE(arr.ok());
  ASSERT_EQ(arr.value.items.size(), 3u);
  EXPECT_EQ(arr.value.items[1].items[1].uint_value, 3u);

  auto map = decode({0xa2, 0x01, 0x02, 0x03, 0x04});  // {1: 2, 3: 4}
  ASSERT_TRUE(map.ok());
  ASSERT_TRUE(map.value.find(3));
  EXPECT_EQ(map.value.find(3)->uint_value, 4u);
  EXPECT_EQ(map.value.find(2), nullptr);
  EXPECT_EQ(map.value.find("a"), nullptr);

  // {"a": 1, "b": [2, 3]}
  auto text_map = decode({0xa2, 0x61, 0x61, 0x01, 0x61, 0x62, 0x82, 0x02, 0x03});
  ASSERT_TRUE(text_map.ok());
  ASSERT_TRUE(text_map.value.find("b"));
  EXPECT_EQ(text_map.value.find("b")->items.size(), 2u);
  EXPECT_EQ(text_map.value.find(1), nullptr);

  auto negative_key = decode({0xa1, 0x20, 0xf5});  // {-1: true}
  ASSERT_TRUE(negative_key.ok());
  ASSERT_TRUE(negative_key.value.find(-1));
  EXPECT_TRUE(negative_key.value.find(-1)->bool_value);

  EXPECT_EQ(decode({0xf4}).value.type, CborType::boolean);
  EXPECT_FALSE(decode({0xf4}).value.bool_value);
  EXPECT_TRUE(decode({0xf5}).value.bool_value);
  EXPECT_EQ(decode({0xf6}).value.type, CborType::null);
  EXPECT_EQ(decode({0x01}).value.find(1), nullptr);  // lookups on a non-map are harmless
}

TEST(Cbor, AcceptsNonMinimalLengths) {
  EXPECT_EQ(decode({0x18, 0x01}).value.uint_value, 1u);
  EXPECT_EQ(decode({0x59, 0x00, 0x01, 0xaa}).value.bytes, (Bytes{0xaa}));
}

TEST(Cbor, PrefixReportsConsumedBytes) {
  Bytes in{0xa1, 0x01, 0x02, 0xff, 0xee};
  auto r = decode_cbor_prefix(in);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r.consumed, 3u);
  EXPECT_EQ(decode_cbor(in).error, CborError::trailing_bytes);
  EXPECT_EQ(error_of({0x00, 0x00}), CborError::trailing_bytes);
  EXPECT_EQ(decode(Bytes{0x00}).consumed, 1u);
}

TEST(Cbor, RefusesIndefiniteLengthsTagsFloatsAndOtherSimpleValues) {
  EXPECT_EQ(error_of({0x5f, 0x41, 0x01, 0xff}), CborError::indefinite_length);  // bytes
  EXPECT_EQ(error_of({0x7f, 0x61, 0x61, 0xff}), CborError::indefinite_length);  // text
  EXPECT_EQ(error_of({0x9f, 0x01, 0xff}), CborError::indefinite_length);        // array
  EXPECT_EQ(error_of({0xbf, 0x01, 0x02, 0xff}), CborError::indefinite_length);  // map
  EXPECT_EQ(error_of({0xff}), CborError::indefinite_length);                    // break
  EXPECT_EQ(error_of({0x1f}), CborError::indefinite_length);                    // uint with ai 31
  EXPECT_EQ(error_of({0xc0, 0x61, 0x61}), CborError::tag);
  EXPECT_EQ(error_of({0xd8, 0x18, 0x40}), CborError::tag);
  EXPECT_EQ(error_of({0xf9, 0x3c, 0x00}), CborError::unsupported_simple);  // half 1.0
  EXPECT_EQ(error_of({0xfa, 0x47, 0xc3, 0x50, 0x00}), CborError::unsupported_simple);
  EXPECT_EQ(error_of({0xfb, 0x3f, 0xf1, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a}),
            CborError::unsupported_simple);
  EXPECT_EQ(error_of({0xf7}), CborError::unsupported_simple);        // undefined
  EXPECT_EQ(error_of({0xf0}), CborError::unsupported_simple);        // simple(16)
  EXPECT_EQ(error_of({0xf8, 0xff}), CborError::unsupported_simple);  // simple(255)
  EXPECT_EQ(error_of({0x1c}), CborError::reserved_encoding);
  EXPECT_EQ(error_of({0xfc}), CborError::reserved_encoding);
}

TEST(Cbor, RefusesNegativeIntegersBeyondInt64) {
  EXPECT_EQ(error_of({0x3b, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}),
            CborError::integer_overflow);
  EXPECT_EQ(error_of({0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
            CborError::integer_overflow);
}

TEST(Cbor, RefusesTruncationAndEmptyInput) {
  EXPECT_EQ(error_of({}), CborError::empty);
  EXPECT_EQ(error_of({0x18}), CborError::truncated);
  EXPECT_EQ(error_of({0x1b, 0x00, 0x00}), CborError::truncated);
  EXPECT_EQ(error_of({0x62, 0x61}), CborError::truncated);
  EXPECT_EQ(error_of({0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}), CborError::truncated);
  EXPECT_EQ(error_of({0x82, 0x01}), CborError::truncated);
  EXPECT_EQ(error_of({0xa1, 0x01}), CborError::truncated);
  EXPECT_EQ(error_of({0x98, 0xff, 0x01}), CborError::truncated);  // claims 255 items
}

TEST(Cbor, RefusesInvalidUtf8) {
  EXPECT_EQ(error_of({0x61, 0xff}), CborError::invalid_utf8);
  EXPECT_EQ(error_of({0x62, 0xc3, 0x28}), CborError::invalid_utf8);              // bad continuation
  EXPECT_EQ(error_of({0x62, 0xc0, 0x80}), CborError::invalid_utf8);              // overlong NUL
  EXPECT_EQ(error_of({0x63, 0xed, 0xa0, 0x80}), CborError::invalid_utf8);        // surrogate
  EXPECT_EQ(error_of({0x64, 0xf4, 0x90, 0x80, 0x80}), CborError::invalid_utf8);  // > U+10FFFF
  EXPECT_EQ(error_of({0x62, 0xe6, 0xb0}), CborError::invalid_utf8);              // cut sequence
}

TEST(Cbor, RefusesBadAndDuplicateMapKeys) {
  EXPECT_EQ(error_of({0xa1, 0x40, 0x01}), CborError::bad_map_key);  // bytes key
  EXPECT_EQ(error_of({0xa1, 0x80, 0x01}), CborError::bad_map_key);  // array key
  EXPECT_EQ(error_of({0xa1, 0xf6, 0x01}), CborError::bad_map_key);  // null key
  EXPECT_EQ(error_of({0xa2, 0x01, 0x02, 0x01, 0x03}), CborError::duplicate_key);
  EXPECT_EQ(error_of({0xa2, 0x01, 0x02, 0x18, 0x01, 0x03}), CborError::duplicate_key);
  EXPECT_EQ(error_of({0xa2, 0x61, 0x61, 0x01, 0x61, 0x61, 0x02}), CborError::duplicate_key);
  // 1 and "1" and -1 are different keys.
  EXPECT_TRUE(decode({0xa3, 0x01, 0x00, 0x61, 0x31, 0x00, 0x20, 0x00}).ok());
}

Bytes nested_arrays(std::size_t depth) {
  Bytes b(depth, 0x81);  // [[[ ... ]]]
  b.push_back(0x00);
  return b;
}

TEST(Cbor, LimitsNestingTo16) {
  EXPECT_TRUE(decode(nested_arrays(kCborMaxDepth)).ok());
  EXPECT_EQ(error_of(nested_arrays(kCborMaxDepth + 1)), CborError::too_deep);
  Bytes maps;  // {0: {0: ... 0}}
  for (std::size_t i = 0; i <= kCborMaxDepth; ++i) maps.insert(maps.end(), {0xa1, 0x00});
  maps.push_back(0x00);
  EXPECT_EQ(error_of(maps), CborError::too_deep);
}

TEST(Cbor, LimitsItemsPerContainerTo256) {
  Bytes ok{0x99, 0x01, 0x00};  // array(256)
  ok.insert(ok.end(), 256, 0x00);
  EXPECT_TRUE(decode(ok).ok());
  Bytes too_many{0x99, 0x01, 0x01};  // array(257)
  too_many.insert(too_many.end(), 257, 0x00);
  EXPECT_EQ(error_of(too_many), CborError::too_many_items);
  EXPECT_EQ(error_of({0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}),
            CborError::too_many_items);
  EXPECT_EQ(error_of({0xb9, 0x01, 0x01}), CborError::too_many_items);  // map(257)
}

TEST(Cbor, LimitsInputTo64KiB) {
  Bytes fits{0x59, 0xff, 0xfc};  // bstr of 65532 bytes: 65535 in all
  fits.resize(kCborMaxInput - 1, 0x00);
  EXPECT_TRUE(decode(fits).ok());
  Bytes big{0x5a, 0x00, 0x01, 0x00, 0x00};  // bstr of 65536 bytes
  big.resize(big.size() + 65536, 0x00);
  EXPECT_EQ(error_of(big), CborError::too_large);
  EXPECT_EQ(decode_cbor_prefix(big).error, CborError::too_large);
}

TEST(Cbor, FailureLeavesNoPartialValue) {
  auto r = decode({0x82, 0x01, 0xf7});
  EXPECT_EQ(r.error, CborError::unsupported_simple);
  EXPECT_EQ(r.value.type, CborType::null);
  EXPECT_TRUE(r.value.items.empty());
  EXPECT_EQ(r.consumed, 0u);
  EXPECT_STREQ(cbor_error_name(r.error), "unsupported_simple");
}

}  // namespace
}  // namespace haven::webauthn
