// Assertions captured from real authenticators and published as test fixtures by the
// duo-labs/py_webauthn project (tests/test_verify_authentication_response.py). They check
// this implementation against bytes no code of ours produced: Chrome-era clientDataJSON with
// extra members, real DER signatures, real COSE keys. RP ID "localhost", origin
// "http://localhost:5000".
#include <gtest/gtest.h>

#include <string>

#include "auth/webauthn.h"
#include "util/secret_bytes.h"

namespace haven::webauthn {
namespace {

const RelyingParty kRp{"localhost", "http://localhost:5000"};

std::vector<std::uint8_t> b64(std::string_view s) {
  auto decoded = from_base64url(s);
  EXPECT_TRUE(decoded) << s;
  return decoded.value_or(std::vector<std::uint8_t>{});
}

std::string b64_text(std::string_view s) {
  auto bytes = b64(s);
  return std::string(bytes.begin(), bytes.end());
}

struct Vector {
  const char* auth_data;
  const char* client_data;
  const char* signature;
  const char* challenge;
  const char* public_key;
};

AssertionOutcome run(const Vector& v, std::uint32_t stored, bool require_uv) {
  return verify_assertion(kRp, b64_text(v.client_data), b64(v.auth_data), b64(v.signature),
                          b64(v.challenge), b64(v.public_key), stored, require_uv);
}

// "test_verify_authentication_response_with_EC2_public_key": ES256, UP only, counter 77 -> 78.
const Vector kEc2{
    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAATg",
    "eyJjaGFsbGVuZ2UiOiJ4aTMwR1BHQUZZUnhWRHBZMXNNMTBEYUx6VlFHNjZudi1fN1JVYXpIMHZJMll2RzhMWWdERW52Tj"
    "VmWlpOVnV2RUR1TWk5dGUzVkxxYjQyTjBma0xHQSIsImNsaWVudEV4dGVuc2lvbnMiOnt9LCJoYXNoQWxnb3JpdGhtIjoi"
    "U0hBLTI1NiIsIm9yaWdpbiI6Imh0dHA6Ly9sb2NhbGhvc3Q6NTAwMCIsInR5cGUiOiJ3ZWJhdXRobi5nZXQifQ",
    "MEUCIGisVZOBapCWbnJJvjelIzwpixxIwkjCCb5aCHafQu68AiEA88v-2pJNNApPFwAKFiNuf82-"
    "2hBxYW5kGwVweeoxCwo",
    "xi30GPGAFYRxVDpY1sM10DaLzVQG66nv-_7RUazH0vI2YvG8LYgDEnvN5fZZNVuvEDuMi9te3VLqb42N0fkLGA",
    "pQECAyYgASFYIIeDTe-gN8A-zQclHoRnGFWN8ehM1b7yAsa8I8KIvmplIlgg4nFGT5px8o6gpPZZhO01wdy9crDSA_"
    "Ngtkx0"
    "vGpvPHI",
};

// "test_verify_authentication_response_with_OKP_public_key": EdDSA, UP only, counter 3 -> 7.
const Vector kOkp{
    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAABw",
    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiZVo0ZWVBM080ank1Rkl6cURhU0o2SkROR3UwYkJjNXpJMU"
    "RqUV9rTHNvMVdOcWtHNms1bUNZZjFkdFFoVlVpQldaV2xaa3pSNU1GZWVXQ3BKUlVOWHciLCJvcmlnaW4iOiJodHRwOi8v"
    "bG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
    "RRWV8mYDRvK7YdQgdtZD4pJ2dh1D_IWZ_D6jsZo6FHJBoenbj0CVT5nA20vUzlRhN4R6dOEUHmUwP1F8eRBhBg",
    "eZ4eeA3O4jy5FIzqDaSJ6JDNGu0bBc5zI1DjQ_kLso1WNqkG6k5mCYf1dtQhVUiBWZWlZkzR5MFeeWCpJRUNXw",
    "pAEBAycgBiFYIMz6_SUFLiDid2Yhlq0YboyJ-CDrIrNpkPUGmJp4D3Dp",
};

// "test_verify_authentication_response_with_RSA_public_key": RS256, which Haven does not take.
const Vector kRsa{
    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MFAAAAAQ",
    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiaVBtQWkxUHAxWEw2b0FncTNQV1p0WlBuWmExekZVRG9HYm"
    "FRMF9LdlZHMWxGMnMzUnRfM280dVN6Y2N5MHRtY1RJcFRUVDRCVTFULUk0bWFhdm5kalEiLCJvcmlnaW4iOiJodHRwOi8v"
    "bG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
    "iOHKX3erU5_OYP_r_9HLZ-CexCE4bQRrxM8WmuoKTDdhAnZSeTP0sjECjvjfeS8MJzN1ArmvV0H0C3yy_"
    "FdRFfcpUPZzdZ7b"
    "BcmPh1XPdxRwY747OrIzcTLTFQUPdn1U-izCZtP_"
    "78VGw9pCpdMsv4CUzZdJbEcRtQuRS03qUjqDaovoJhOqEBmxJn9Wu8tB"
    "i_Qx7A33RbYjlfyLm_EDqimzDZhyietyop6XUcpKarKqVH0M6mMrM5zTjp8xf3W7odFCadXEJg-ERZqFM0-"
    "9Uup6kJNLbr6C"
    "5J4NDYmSm3HCSA6lp2iEiMPKU8Ii7QZ61kybXLxsX4w4Dm3fOLjmDw",
    "iPmAi1Pp1XL6oAgq3PWZtZPnZa1zFUDoGbaQ0_KvVG1lF2s3Rt_3o4uSzccy0tmcTIpTTT4BU1T-I4maavndjQ",
    "pAEDAzkBACBZAQDfV20epzvQP-HtcdDpX-cGzdOxy73WQEvsU7Dnr9UWJophEfpngouvgnRLXaEUn_d8HGkp_"
    "HIx8rrpkx4B"
    "Vs6X_B6ZjhLlezjIdJbLbVeb92BaEsmNn1HW2N9Xj2QM8cH-yx28_vCjf82ahQ9gyAr552Bn96G22n8jqFRQKdVpO-f-"
    "bvpv"
    "aP3IQ9F5LCX7CUaxptgbog1SFO6FI6ob5SlVVB00lVXsaYg8cIDZxCkkENkGiFPgwEaZ7995SCbiyCpUJbMqToLMgojPkA"
    "hW"
    "eyktu7TlK6UBWdJMHc3FPAIs0lH_2_2hKS-mGI1uZAFVAfW1X-mzKL0czUm2P1UlUox7IUMBAAE",
};

// "test_raises_exception_on_uv_required_but_false": ES256, UP only, counter 33.
const Vector kNoUv{
    "SZYN5YgOjGh0NBcPZHZgW4_krrmihjLHmVzzuoMdl2MBAAAAIQ",
    "eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoidW1HZW1YSklQQlhQeGtEOEhqYW51djlCRG9yOFo3TzNhUG"
    "R0T2dNQ2RXNFBBZnFEWDQzRUZsaHJzRjBQVzkwZGY1enJnYnQ3WVZNUkFhMjd0Q2RIenciLCJvcmlnaW4iOiJodHRwOi8v"
    "bG9jYWxob3N0OjUwMDAiLCJjcm9zc09yaWdpbiI6ZmFsc2V9",
    "MEUCIGp5ADnU_SFvT4J_bKvQJ4Pc1GmANhbYq5GioOLjyUrxAiEA6Kk5qAZb8MLY-jyTiJLr_"
    "R9Fke02UHkxsRB0dnZt2X8",
    "umGemXJIPBXPxkD8Hjanuv9BDor8Z7O3aPdtOgMCdW4PAfqDX43EFlhrsF0PW90df5zrgbt7YVMRAa27tCdHzw",
    "pQECAyYgASFYIOQ5TKpXJR2cV76Wgfge9BkLkEhLxVjhFjM1jKHYOcqpIlggaiNy1blt3OU8Hsmg041HUYP7eajgL7fk3n"
    "Su"
    "TEjYCwU",
};

TEST(WebAuthnPublishedVectors, Es256AssertionVerifies) {
  auto outcome = run(kEc2, 77, false);
  ASSERT_TRUE(std::holds_alternative<AssertionResult>(outcome))
      << error_code(std::get<Error>(outcome));
  EXPECT_EQ(std::get<AssertionResult>(outcome).new_sign_count, 78u);
  EXPECT_FALSE(std::get<AssertionResult>(outcome).user_verified);
  EXPECT_EQ(std::get<Error>(run(kEc2, 78, false)), Error::counter_regressed);
  EXPECT_EQ(std::get<Error>(run(kEc2, 77, true)), Error::user_not_verified);
}

TEST(WebAuthnPublishedVectors, EdDsaAssertionVerifies) {
  auto outcome = run(kOkp, 3, false);
  ASSERT_TRUE(std::holds_alternative<AssertionResult>(outcome))
      << error_code(std::get<Error>(outcome));
  EXPECT_EQ(std::get<AssertionResult>(outcome).new_sign_count, 7u);
}

TEST(WebAuthnPublishedVectors, RefusalsMatchThePublishedExpectations) {
  EXPECT_EQ(std::get<Error>(run(kRsa, 0, true)), Error::unsupported_algorithm);
  EXPECT_EQ(std::get<Error>(run(kNoUv, 32, true)), Error::user_not_verified);
  // The same response under Haven's real origin and another RP ID.
  Vector v = kEc2;
  auto cd = b64_text(v.client_data);
  EXPECT_EQ(std::get<Error>(verify_assertion({"localhost", "https://localhost:8443"}, cd,
                                             b64(v.auth_data), b64(v.signature), b64(v.challenge),
                                             b64(v.public_key), 77, false)),
            Error::origin_mismatch);
  EXPECT_EQ(std::get<Error>(verify_assertion({"example.com", "http://localhost:5000"}, cd,
                                             b64(v.auth_data), b64(v.signature), b64(v.challenge),
                                             b64(v.public_key), 77, false)),
            Error::rp_id_mismatch);
  // Another authenticator's key: the UV vector's key against the EC2 response.
  EXPECT_EQ(std::get<Error>(verify_assertion(kRp, cd, b64(v.auth_data), b64(v.signature),
                                             b64(v.challenge), b64(kNoUv.public_key), 77, false)),
            Error::bad_signature);
}

}  // namespace
}  // namespace haven::webauthn
