// DtlsCertificate shape (what browsers accept) and SDP fingerprint parsing/matching
// (RFC 8122 §5).
#include "sfu/dtls/dtls_certificate.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <array>
#include <ctime>

#include "sfu/dtls/dtls_handles.h"
#include "sfu/dtls/fingerprint.h"

namespace haven::sfu {
namespace {

class DtlsCertificateTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    a_ = new DtlsCertificate(DtlsCertificate::generate());
    b_ = new DtlsCertificate(DtlsCertificate::generate());
  }
  static void TearDownTestSuite() {
    delete a_;
    delete b_;
  }
  static DtlsCertificate* a_;
  static DtlsCertificate* b_;
};
DtlsCertificate* DtlsCertificateTest::a_ = nullptr;
DtlsCertificate* DtlsCertificateTest::b_ = nullptr;

std::string lowercase(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

TEST_F(DtlsCertificateTest, IsASelfSignedP256X509v3CertificateForHaven) {
  X509* cert = a_->x509();
  EXPECT_EQ(X509_get_version(cert), X509_VERSION_3);

  EVP_PKEY* pub = X509_get0_pubkey(cert);
  ASSERT_NE(pub, nullptr);
  EXPECT_EQ(EVP_PKEY_get_base_id(pub), EVP_PKEY_EC);
  std::array<char, 64> group{};
  std::size_t group_len = 0;
  ASSERT_EQ(EVP_PKEY_get_group_name(pub, group.data(), group.size(), &group_len), 1);
  EXPECT_STREQ(group.data(), "prime256v1");
  EXPECT_EQ(EVP_PKEY_eq(pub, a_->private_key()), 1);

  EXPECT_EQ(X509_get_signature_nid(cert), NID_ecdsa_with_SHA256);
  EXPECT_EQ(X509_verify(cert, pub), 1);  // signed by its own key
  EXPECT_EQ(X509_NAME_cmp(X509_get_subject_name(cert), X509_get_issuer_name(cert)), 0);
  std::array<char, 64> cn{};
  ASSERT_GT(X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, cn.data(),
                                      static_cast<int>(cn.size())),
            0);
  EXPECT_STREQ(cn.data(), "haven");
}

TEST_F(DtlsCertificateTest, ValidFromYesterdayForThirtyDays) {
  X509* cert = a_->x509();
  int days = 0;
  int seconds = 0;
  // now - notBefore ≈ 1 day; notAfter - now ≈ 30 days.
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, X509_get0_notBefore(cert), nullptr), 1);
  EXPECT_EQ(days, 1);
  ASSERT_EQ(ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert)), 1);
  EXPECT_TRUE(days == 30 || (days == 29 && seconds > 86000)) << days << "d " << seconds << "s";
}

TEST_F(DtlsCertificateTest, SerialsAreRandomAndPositive) {
  ossl::BigNum sa(ASN1_INTEGER_to_BN(X509_get0_serialNumber(a_->x509()), nullptr));
  ossl::BigNum sb(ASN1_INTEGER_to_BN(X509_get0_serialNumber(b_->x509()), nullptr));
  ASSERT_TRUE(sa && sb);
  EXPECT_FALSE(BN_is_negative(sa.get()));
  EXPECT_EQ(BN_num_bits(sa.get()), 128);
  EXPECT_NE(BN_cmp(sa.get(), sb.get()), 0);
}

TEST_F(DtlsCertificateTest, FingerprintIsUppercaseColonHexOfTheDerSha256) {
  const std::string& fp = a_->fingerprint_sha256();
  // ([0-9A-F]{2}:){31}[0-9A-F]{2}
  ASSERT_EQ(fp.size(), 32u * 3 - 1) << fp;
  for (std::size_t i = 0; i < fp.size(); ++i) {
    const char c = fp[i];
    if (i % 3 == 2) {
      EXPECT_EQ(c, ':') << fp;
    } else {
      EXPECT_TRUE((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F')) << fp;
    }
  }

  std::array<unsigned char, 32> md{};
  unsigned int len = 0;
  ASSERT_EQ(X509_digest(a_->x509(), EVP_sha256(), md.data(), &len), 1);
  ASSERT_EQ(len, 32u);
  EXPECT_EQ(fp, format_fingerprint_hex(md));
  EXPECT_EQ(a_->sdp_fingerprint(), "sha-256 " + fp);
  EXPECT_NE(a_->fingerprint_sha256(), b_->fingerprint_sha256());
}

TEST(FingerprintFormat, HexPairs) {
  const std::array<std::uint8_t, 3> bytes{0xab, 0x0c, 0xff};
  EXPECT_EQ(format_fingerprint_hex(bytes), "AB:0C:FF");
  EXPECT_EQ(format_fingerprint_hex({}), "");
}

TEST_F(DtlsCertificateTest, ParsesTheSdpValueCaseInsensitively) {
  const std::string fp = a_->fingerprint_sha256();
  for (const std::string& value : {"sha-256 " + fp, "SHA-256 " + fp, "sha-256 " + lowercase(fp),
                                   "  Sha-256\t" + fp + " \r\n"}) {
    auto parsed = parse_fingerprint(value);
    ASSERT_TRUE(parsed.has_value()) << value;
    EXPECT_EQ(*parsed, a_->fingerprint());
    EXPECT_TRUE(fingerprint_matches(*parsed, a_->x509()));
    EXPECT_FALSE(fingerprint_matches(*parsed, b_->x509()));
  }
  EXPECT_EQ(parse_fingerprint("sha-256 " + lowercase(fp))->to_sdp(), "sha-256 " + fp);
}

TEST_F(DtlsCertificateTest, Sha384And512AreSupported) {
  for (auto algorithm : {FingerprintAlgorithm::sha384, FingerprintAlgorithm::sha512}) {
    auto computed = compute_fingerprint(a_->x509(), algorithm);
    ASSERT_TRUE(computed.has_value());
    EXPECT_EQ(computed->digest.size(), fingerprint_digest_length(algorithm));
    auto parsed = parse_fingerprint(lowercase(computed->to_sdp()));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(parsed->algorithm, algorithm);
    EXPECT_TRUE(fingerprint_matches(*parsed, a_->x509()));
    EXPECT_FALSE(fingerprint_matches(*parsed, b_->x509()));
  }
}

TEST_F(DtlsCertificateTest, RejectsMalformedOrWeakFingerprints) {
  const std::string fp = a_->fingerprint_sha256();
  const std::string sha1 = "sha-1 4A:AD:B9:B1:3F:82:18:3B:54:02:12:DF:3E:5D:49:6B:19:E5:7C:AB";
  const std::string cases[] = {
      "",
      "sha-256",
      fp,                                                  // no hash function
      sha1,                                                // weak algorithm
      "md5 " + fp.substr(0, 47),                           // weak algorithm
      "sha-256 " + fp.substr(3),                           // 31 bytes
      "sha-256 " + fp + ":00",                             // 33 bytes
      "sha-256 " + fp + ":",                               // trailing colon
      "sha-384 " + fp,                                     // length of another algorithm
      "sha-256 " + std::string("G") + fp.substr(1),        // not hex
      "sha-256 " + fp.substr(0, 2) + "-" + fp.substr(3),   // wrong separator
      "sha-256 " + fp.substr(0, 2) + fp.substr(3) + "00",  // missing separator
      "sha-256 " + fp.substr(0, 5) + " " + fp.substr(6),   // space inside
      "sha-256 " + std::string(600, 'A'),                  // oversized
  };
  for (const auto& value : cases) EXPECT_FALSE(parse_fingerprint(value).has_value()) << value;
}

TEST_F(DtlsCertificateTest, DigestOfTheWrongLengthNeverMatches) {
  Fingerprint truncated = a_->fingerprint();
  truncated.digest.pop_back();
  EXPECT_FALSE(fingerprint_matches(truncated, a_->x509()));
  EXPECT_FALSE(fingerprint_matches(a_->fingerprint(), nullptr));
}

}  // namespace
}  // namespace haven::sfu
