#include "sfu/ice/ice_credentials.h"

#include <sodium.h>

#include <algorithm>

#include "util/secret_bytes.h"

namespace haven::sfu::ice {
namespace {

constexpr std::string_view kIceChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static_assert(kIceChars.size() == 64);

}  // namespace

std::string random_ice_chars(std::size_t n) {
  init_sodium();  // idempotent; randombytes needs it to have run
  std::string out(n, '\0');
  for (char& c : out) c = kIceChars[randombytes_uniform(kIceChars.size())];
  return out;
}

IceCredentials IceCredentials::generate() {
  return {random_ice_chars(kGeneratedCredentialLength),
          random_ice_chars(kGeneratedCredentialLength)};
}

bool is_ice_chars(std::string_view s) noexcept {
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return kIceChars.find(c) != std::string_view::npos; });
}

}  // namespace haven::sfu::ice
