#include "http/tls_context.h"

#include <openssl/ssl.h>

#include "crypto/openssl_handles.h"

namespace haven {

boost::asio::ssl::context make_server_tls_context(const std::string& cert_file,
                                                  const std::string& key_file) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_server);
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                  ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                  ssl::context::no_compression | ssl::context::single_dh_use);
  SSL_CTX* native = ctx.native_handle();
  ossl::check(SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION) == 1, "min TLS version");
  SSL_CTX_set_options(native,
                      SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_TICKET);
  ossl::check(
      SSL_CTX_set_cipher_list(native,
                              "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                              "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
                              "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305") == 1,
      "TLS 1.2 cipher list");
  ossl::check(SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384") == 1, "TLS groups");
  ctx.use_certificate_chain_file(cert_file);
  ctx.use_private_key_file(key_file, ssl::context::pem);
  ossl::clear_errors();
  return ctx;
}

}  // namespace haven
