#include "auth/password.h"

#include <sodium.h>

#include <stdexcept>

namespace haven {
namespace {

constexpr unsigned long long kOps = crypto_pwhash_OPSLIMIT_INTERACTIVE;
constexpr std::size_t kMem = crypto_pwhash_MEMLIMIT_INTERACTIVE;

const std::string& dummy_hash() {
  static const std::string hash = hash_password("haven-dummy-password-for-timing");
  return hash;
}

}  // namespace

std::string hash_password(std::string_view password) {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), kOps, kMem,
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("password hashing ran out of memory");
  }
  return out;
}

bool verify_password(std::string_view password, const std::string& stored_hash) {
  const std::string& hash = stored_hash.empty() ? dummy_hash() : stored_hash;
  bool ok = crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
  return ok && !stored_hash.empty();
}

std::size_t utf8_length(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char ch : text) {
    if ((ch & 0xC0) != 0x80) ++n;
  }
  return n;
}

}  // namespace haven
