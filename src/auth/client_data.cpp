#include "auth/client_data.h"

#include <nlohmann/json.hpp>
#include <string>

#include "api/json_body.h"
#include "util/secret_bytes.h"

namespace haven::webauthn {
namespace {

const std::string* string_member(const nlohmann::json& doc, const char* name) {
  auto it = doc.find(name);
  if (it == doc.end() || !it->is_string()) return nullptr;
  return &it->get_ref<const std::string&>();
}

}  // namespace

std::optional<Error> check_client_data(const RelyingParty& rp, std::string_view client_data_json,
                                       std::string_view expected_type,
                                       std::span<const std::uint8_t> expected_challenge) {
  // §7.1 steps 5-6 / §7.2 steps 9-10: UTF-8 decode and JSON parse. The depth check runs first
  // so hostile nesting costs nothing; nlohmann refuses ill-formed UTF-8; no exceptions.
  if (client_data_json.size() > kMaxClientDataJson || !json_depth_ok(client_data_json)) {
    return Error::client_data_invalid;
  }
  auto doc =
      nlohmann::json::parse(client_data_json.begin(), client_data_json.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return Error::client_data_invalid;
  const std::string* type = string_member(doc, "type");
  const std::string* challenge = string_member(doc, "challenge");
  const std::string* origin = string_member(doc, "origin");
  if (type == nullptr || challenge == nullptr || origin == nullptr) {
    return Error::client_data_invalid;
  }

  // §7.1 step 7 / §7.2 step 11: the type keeps a registration from being replayed as a
  // sign-in and the other way round.
  if (*type != expected_type) return Error::type_mismatch;

  // §7.1 step 8 / §7.2 step 12: base64url without padding (§5.8.1), compared in constant time.
  auto received = from_base64url(*challenge);
  if (!received || expected_challenge.size() < kMinChallengeBytes ||
      !secure_equal(
          std::string_view(reinterpret_cast<const char*>(received->data()), received->size()),
          std::string_view(reinterpret_cast<const char*>(expected_challenge.data()),
                           expected_challenge.size()))) {
    return Error::challenge_mismatch;
  }

  // §7.1 step 9 / §7.2 step 13: the origin must be exactly ours (scheme, host and port).
  if (*origin != rp.origin) return Error::origin_mismatch;

  // §7.1 step 10 / §7.2 step 14 (Level 3): Haven never runs inside another site's iframe, so a
  // ceremony started cross-origin is refused outright rather than checked against topOrigin.
  if (auto it = doc.find("crossOrigin"); it != doc.end()) {
    if (!it->is_boolean()) return Error::client_data_invalid;
    if (it->get<bool>()) return Error::cross_origin;
  }
  return std::nullopt;
}

}  // namespace haven::webauthn
