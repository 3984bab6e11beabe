// The process-wide SSL_CTX for DTLS-SRTP: built once from the SFU certificate at start;
// every DtlsTransport creates its SSL* from it. Settings follow RFC 8827 §6.5 and the
// interop checklist (section 2): DTLS 1.2 only, peer certificate required but accepted as
// is (it is authenticated by the SDP fingerprint afterwards), no tickets/renegotiation,
// use_srtp with GCM preferred.
#pragma once

#include <string>
#include <vector>

#include "crypto/openssl_handles.h"
#include "sfu/dtls/dtls_certificate.h"
#include "sfu/srtp/srtp_profile.h"

namespace haven::sfu {

class DtlsContext {
 public:
  struct Options {
    // use_srtp profiles, most preferred first. As DTLS server OpenSSL picks the first of
    // *this* list that the client offered (ssl/d1_srtp.c), so order matters. Empty means
    // supported_srtp_profiles() (GCM first when libsrtp has it, then AES_CM_128_SHA1_80).
    std::vector<SrtpProfile> srtp_profiles;
    // TLS 1.2 cipher suites (OpenSSL names). Our certificate is ECDSA, so as server only
    // the ECDSA suites apply; the RSA ones let us be client to an RSA-certified peer.
    std::string cipher_list =
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:"
        "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305";
  };

  // Throws std::runtime_error on any OpenSSL failure (setup path).
  explicit DtlsContext(const DtlsCertificate& certificate) : DtlsContext(certificate, Options{}) {}
  DtlsContext(const DtlsCertificate& certificate, Options options);

  SSL_CTX* get() const noexcept { return ctx_.get(); }
  // Our own fingerprint, for the SDP we send.
  const Fingerprint& local_fingerprint() const noexcept { return fingerprint_; }
  const std::vector<SrtpProfile>& srtp_profiles() const noexcept { return profiles_; }

 private:
  ossl::SslCtx ctx_;
  Fingerprint fingerprint_;
  std::vector<SrtpProfile> profiles_;
};

}  // namespace haven::sfu
