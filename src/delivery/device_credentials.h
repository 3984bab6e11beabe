// How a KeyPackage is tied to a registered device (docs/E2EE.md): its leaf carries the
// device's registered Ed25519 key and a BasicCredential "haven:<user id>:<device id>".
// The server refuses any other KeyPackage on upload, so a claimed KeyPackage always
// names the device it came from; members' clients check the same binding on their side.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "delivery/mls_framing.h"

namespace haven::delivery {

// Ed25519 public keys are 32 bytes (RFC 8032 §5.1.5).
inline constexpr std::size_t kSignatureKeyBytes = 32;

std::string device_credential_identity(const std::string& user_id, const std::string& device_id);

enum class KeyPackageProblem { none, not_a_key_package, wrong_cipher_suite, wrong_device };

// Whether `bytes` is a KeyPackage of cipher suite 1 for exactly this device.
KeyPackageProblem check_device_key_package(std::span<const std::uint8_t> bytes,
                                           const std::string& user_id,
                                           const std::string& device_id,
                                           std::span<const std::uint8_t> signature_key);

}  // namespace haven::delivery
