#include "auth/totp.h"

#include <gtest/gtest.h>

namespace haven {
namespace {

std::vector<std::uint8_t> rfc_key() {
  std::string ascii = "12345678901234567890";  // RFC 6238 Appendix B, SHA-1 seed
  return {ascii.begin(), ascii.end()};
}

TEST(Totp, Rfc6238AppendixBVectorsSha1) {
  struct Vector {
    std::int64_t time;
    const char* code;
  };
  for (auto v : {Vector{59, "94287082"}, Vector{1111111109, "07081804"},
                 Vector{1111111111, "14050471"}, Vector{1234567890, "89005924"},
                 Vector{2000000000, "69279037"}, Vector{20000000000, "65353130"}}) {
    EXPECT_EQ(totp::hotp(rfc_key(), static_cast<std::uint64_t>(totp::step_at(v.time)), 8), v.code)
        << v.time;
  }
}

TEST(Totp, Rfc4226AppendixDVectors) {
  const char* expected[] = {"755224", "287082", "359152", "969429", "338314",
                            "254676", "287922", "162583", "399871", "520489"};
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(totp::hotp(rfc_key(), i), expected[i]);
}

TEST(Totp, VerifyAcceptsOneStepOfDriftAndRefusesReplay) {
  auto key = rfc_key();
  const std::int64_t now = 1111111111;
  const auto step = totp::step_at(now);
  auto code = totp::hotp(key, static_cast<std::uint64_t>(step));
  EXPECT_EQ(totp::verify(key, code, now, 0), step);
  EXPECT_FALSE(totp::verify(key, code, now, step));  // already used
  auto previous = totp::hotp(key, static_cast<std::uint64_t>(step - 1));
  EXPECT_EQ(totp::verify(key, previous, now, 0), step - 1);
  auto old = totp::hotp(key, static_cast<std::uint64_t>(step - 2));
  EXPECT_FALSE(totp::verify(key, old, now, 0));
  EXPECT_FALSE(totp::verify(key, "12345", now, 0));
  EXPECT_FALSE(totp::verify(key, "abcdef", now, 0));
}

TEST(Totp, Base32RoundTripAndRfc4648Vectors) {
  std::string foobar = "foobar";
  EXPECT_EQ(totp::base32_encode({foobar.begin(), foobar.end()}), "MZXW6YTBOI");  // RFC 4648 §10
  auto decoded = totp::base32_decode("mzxw 6ytb-oi======");
  ASSERT_TRUE(decoded);
  EXPECT_EQ(std::string(decoded->begin(), decoded->end()), "foobar");
  EXPECT_FALSE(totp::base32_decode("MZXW1"));  // '1' is not in the alphabet
  auto uri = totp::otpauth_uri("a b@x.org", "MZXW6YTBOI");
  EXPECT_EQ(uri.rfind("otpauth://totp/Haven:a%20b%40x.org?secret=MZXW6YTBOI", 0), 0u);
}

}  // namespace
}  // namespace haven
