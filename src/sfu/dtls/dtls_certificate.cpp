#include "sfu/dtls/dtls_certificate.h"

#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/x509v3.h>

#include <stdexcept>
#include <utility>

#include "sfu/dtls/dtls_handles.h"

namespace haven::sfu {

namespace {

constexpr long kOneDay = 24L * 60 * 60;
constexpr long kNotBeforeOffset = -kOneDay;  // tolerate a peer whose clock runs behind
constexpr long kNotAfterOffset = 30 * kOneDay;
constexpr int kSerialBits = 128;

}  // namespace

DtlsCertificate::DtlsCertificate(ossl::PKey key, ossl::X509Ptr certificate, Fingerprint fingerprint)
    : key_(std::move(key)),
      certificate_(std::move(certificate)),
      fingerprint_(std::move(fingerprint)),
      fingerprint_hex_(format_fingerprint_hex(fingerprint_.digest)) {}

DtlsCertificate DtlsCertificate::generate() {
  // EVP_EC_gen sets OPENSSL_EC_NAMED_CURVE, so the certificate names the curve (browsers
  // reject explicit curve parameters).
  ossl::PKey key(EVP_EC_gen("P-256"));
  ossl::check(key != nullptr, "DTLS certificate: EC P-256 key generation");

  ossl::X509Ptr cert(X509_new());
  ossl::check(cert != nullptr, "DTLS certificate: X509_new");
  ossl::check(X509_set_version(cert.get(), X509_VERSION_3) == 1, "DTLS certificate: version");

  // Random positive serial (RFC 5280 §4.1.2.2: unique per issuer, at most 20 octets). A
  // fixed serial would make two SFU restarts issue distinct certs with the same
  // issuer+serial, which some stacks treat as the same certificate.
  ossl::BigNum serial(BN_new());
  ossl::check(serial != nullptr, "DTLS certificate: BN_new");
  ossl::check(BN_rand(serial.get(), kSerialBits, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) == 1,
              "DTLS certificate: serial");
  ossl::check(BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) != nullptr,
              "DTLS certificate: serial to ASN1");

  ossl::check(X509_gmtime_adj(X509_getm_notBefore(cert.get()), kNotBeforeOffset) != nullptr,
              "DTLS certificate: notBefore");
  ossl::check(X509_gmtime_adj(X509_getm_notAfter(cert.get()), kNotAfterOffset) != nullptr,
              "DTLS certificate: notAfter");

  // Self-signed: subject == issuer.
  X509_NAME* name = X509_get_subject_name(cert.get());
  ossl::check(
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("haven"), -1, -1, 0) == 1,
      "DTLS certificate: subject");
  ossl::check(X509_set_issuer_name(cert.get(), name) == 1, "DTLS certificate: issuer");
  ossl::check(X509_set_pubkey(cert.get(), key.get()) == 1, "DTLS certificate: public key");
  ossl::check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "DTLS certificate: sign");

  auto fp = compute_fingerprint(cert.get(), FingerprintAlgorithm::sha256);
  ossl::check(fp.has_value(), "DTLS certificate: fingerprint");
  return DtlsCertificate(std::move(key), std::move(cert), std::move(*fp));
}

}  // namespace haven::sfu
