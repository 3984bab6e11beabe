// The server's TLS identity: an operator-provided certificate, or on first run a
// self-signed ECDSA P-256 certificate for localhost kept in the data folder.
#pragma once

#include <string>

namespace haven {

// Creates cert_path and key_path (key 0600) if either is missing. Certificate: ECDSA P-256,
// SHA-256, random 128-bit serial, valid from 1 day ago for 825 days, SAN localhost,
// 127.0.0.1 and ::1. Returns true when it created them.
bool ensure_self_signed_certificate(const std::string& cert_path, const std::string& key_path);

// SHA-256 fingerprint of the certificate in a PEM file, "AB:CD:..." (for the operator).
std::string certificate_fingerprint(const std::string& cert_path);

}  // namespace haven
