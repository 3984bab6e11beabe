#include "sfu/dtls/dtls_context.h"

#include <openssl/ssl.h>

#include <string>
#include <utility>

#include "sfu/srtp/srtp_session.h"

namespace haven::sfu {

namespace {

// The peer's certificate is self-signed and would fail any chain check; it is
// authenticated instead by comparing its digest with the SDP fingerprint once the
// handshake completes (DtlsTransport). VERIFY_PEER still makes OpenSSL request and
// require a certificate from a client (MS DtlsTransport.cpp onSslCertificateVerify).
int accept_any_chain(int /*preverify_ok*/, X509_STORE_CTX* /*ctx*/) {
  return 1;
}

}  // namespace

DtlsContext::DtlsContext(const DtlsCertificate& certificate, Options options)
    : fingerprint_(certificate.fingerprint()), profiles_(std::move(options.srtp_profiles)) {
  if (profiles_.empty()) profiles_ = supported_srtp_profiles();

  // DTLS_method() negotiates the highest common version; pinning min and max to 1.2
  // rejects DTLS 1.0 (RFC 8827 §6.5 requires 1.2) and documents that OpenSSL 3.0 has no
  // DTLS 1.3 (a DTLS 1.3-capable ClientHello from Chrome negotiates down to 1.2).
  ctx_.reset(SSL_CTX_new(DTLS_method()));
  ossl::check(ctx_ != nullptr, "DTLS context: SSL_CTX_new");
  SSL_CTX* ctx = ctx_.get();
  ossl::check(SSL_CTX_set_min_proto_version(ctx, DTLS1_2_VERSION) == 1, "DTLS context: min");
  ossl::check(SSL_CTX_set_max_proto_version(ctx, DTLS1_2_VERSION) == 1, "DTLS context: max");

  ossl::check(SSL_CTX_use_certificate(ctx, certificate.x509()) == 1, "DTLS context: certificate");
  ossl::check(SSL_CTX_use_PrivateKey(ctx, certificate.private_key()) == 1,
              "DTLS context: private key");
  ossl::check(SSL_CTX_check_private_key(ctx) == 1, "DTLS context: key mismatch");

  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, accept_any_chain);
  // RFC 8827 §6.5 / interop checklist: we set the MTU ourselves (no kernel socket to query),
  // tickets and renegotiation have no use for one-shot WebRTC associations.
  SSL_CTX_set_options(ctx, SSL_OP_NO_QUERY_MTU | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_read_ahead(ctx, 1);  // DTLS reads whole datagrams; explicit for clarity

  ossl::check(SSL_CTX_set_cipher_list(ctx, options.cipher_list.c_str()) == 1,
              "DTLS context: cipher list");
  // P-256 first (universally supported by WebRTC stacks, LDC), X25519 as an alternative.
  ossl::check(SSL_CTX_set1_groups_list(ctx, "P-256:X25519") == 1, "DTLS context: groups");

  std::string srtp;
  for (SrtpProfile p : profiles_) {
    if (!srtp.empty()) srtp.push_back(':');
    srtp += srtp_profile_openssl_name(p);
  }
  // Unlike nearly every other OpenSSL call this one returns 0 on success (LDC comment;
  // OpenSSL docs: SSL_CTX_set_tlsext_use_srtp).
  ossl::check(SSL_CTX_set_tlsext_use_srtp(ctx, srtp.c_str()) == 0, "DTLS context: use_srtp");
}

}  // namespace haven::sfu
