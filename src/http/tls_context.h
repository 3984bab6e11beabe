// The HTTPS server's TLS settings: TLS 1.2 and 1.3 only, AEAD ECDHE suites, no
// compression, no renegotiation (Mozilla "intermediate" profile).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <string>

namespace haven {

boost::asio::ssl::context make_server_tls_context(const std::string& cert_file,
                                                  const std::string& key_file);

}  // namespace haven
