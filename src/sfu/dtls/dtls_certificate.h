// The SFU's DTLS identity: one ECDSA P-256 self-signed certificate per process, advertised
// in every SDP as `a=fingerprint:sha-256 ...`. Peers authenticate it only through that
// fingerprint (RFC 8827 §6.5), so its subject and validity carry no meaning; they only have
// to be acceptable to browsers (MS DtlsTransport.cpp; JG dtls.c use the same shape).
#pragma once

#include <string>

#include "crypto/openssl_handles.h"
#include "sfu/dtls/fingerprint.h"

namespace haven::sfu {

class DtlsCertificate {
 public:
  // Fresh key pair and certificate: X509v3, random 128-bit serial, CN "haven", valid from
  // now - 1 day (clock skew) to now + 30 days, signed ecdsa-with-SHA256. Throws
  // std::runtime_error if OpenSSL fails (setup path: the SFU cannot start without it).
  static DtlsCertificate generate();

  DtlsCertificate(DtlsCertificate&&) noexcept = default;
  DtlsCertificate& operator=(DtlsCertificate&&) noexcept = default;

  X509* x509() const noexcept { return certificate_.get(); }
  EVP_PKEY* private_key() const noexcept { return key_.get(); }

  // "AB:CD:..." (32 uppercase hex pairs, RFC 8122 §5).
  const std::string& fingerprint_sha256() const noexcept { return fingerprint_hex_; }
  // The same as a parsed value, and as the SDP attribute value "sha-256 AB:CD:...".
  const Fingerprint& fingerprint() const noexcept { return fingerprint_; }
  std::string sdp_fingerprint() const { return fingerprint_.to_sdp(); }

 private:
  DtlsCertificate(ossl::PKey key, ossl::X509Ptr certificate, Fingerprint fingerprint);

  ossl::PKey key_;
  ossl::X509Ptr certificate_;
  Fingerprint fingerprint_;
  std::string fingerprint_hex_;
};

}  // namespace haven::sfu
