#include "delivery/device_credentials.h"

#include <sodium.h>

namespace haven::delivery {

std::string device_credential_identity(const std::string& user_id, const std::string& device_id) {
  return "haven:" + user_id + ":" + device_id;
}

KeyPackageProblem check_device_key_package(std::span<const std::uint8_t> bytes,
                                           const std::string& user_id,
                                           const std::string& device_id,
                                           std::span<const std::uint8_t> signature_key) {
  auto parsed = parse_mls_message(bytes);
  if (!parsed.info || !parsed.info->key_package) return KeyPackageProblem::not_a_key_package;
  const auto& kp = *parsed.info->key_package;
  if (kp.cipher_suite != kCipherSuiteX25519Ed25519) return KeyPackageProblem::wrong_cipher_suite;
  const auto identity = device_credential_identity(user_id, device_id);
  const bool same_identity =
      kp.credential_type == kCredentialBasic &&
      std::string(kp.identity.begin(), kp.identity.end()) == identity;
  // Public values, but compared like secrets anyway: one habit for every key comparison.
  const bool same_key = kp.signature_key.size() == signature_key.size() &&
                        sodium_memcmp(kp.signature_key.data(), signature_key.data(),
                                      signature_key.size()) == 0;
  return same_identity && same_key ? KeyPackageProblem::none : KeyPackageProblem::wrong_device;
}

}  // namespace haven::delivery
