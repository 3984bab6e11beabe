// Passkeys (WebAuthn): registration while signed in, and use as the second sign-in
// factor. Verification is in auth/webauthn.h; this file holds challenges and storage.
#include "api/mfa_sign_in.h"
#include "api/route_table.h"
#include "auth/session_manager.h"
#include "auth/webauthn.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

constexpr std::int64_t kCeremonySeconds = 180;
const ApiError kPasskeyInvalid{400, "passkey_invalid", "The passkey could not be verified."};

webauthn::RelyingParty relying_party(const Config& cfg) {
  return {cfg.rp_id(), cfg.public_origin()};
}

std::string new_challenge(Services& s, const std::string& user_id, const char* purpose,
                          std::int64_t now) {
  auto bytes = random_bytes(32);  // ≥16 bytes of randomness per ceremony (WebAuthn §13.4.3)
  auto challenge = to_base64url(bytes.data(), bytes.size());
  s.store.put_challenge(user_id, purpose, challenge, now + kCeremonySeconds);
  return challenge;
}

std::vector<std::uint8_t> b64(const nlohmann::json& body, const char* field) {
  return from_base64url(body[field].get<std::string>()).value_or(std::vector<std::uint8_t>{});
}

nlohmann::json credential_list(Services& s, const std::string& user_id) {
  nlohmann::json list = nlohmann::json::array();
  for (auto& p : s.store.passkeys_of(user_id))
    list.push_back({{"type", "public-key"}, {"id", p.id}});
  return list;
}

ApiResult register_options(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  auto challenge = new_challenge(s, user.id, "register", ctx.now);
  // user.id is the opaque account id, never an email (it is stored on the authenticator).
  auto handle = to_base64url(reinterpret_cast<const std::uint8_t*>(user.id.data()), user.id.size());
  return {200,
          {{"publicKey",
            {{"challenge", challenge},
             {"rp", {{"id", s.config.rp_id()}, {"name", "Haven"}}},
             {"user", {{"id", handle}, {"name", user.email}, {"displayName", user.display_name}}},
             {"pubKeyCredParams",
              {{{"type", "public-key"}, {"alg", -8}}, {{"type", "public-key"}, {"alg", -7}}}},
             {"timeout", kCeremonySeconds * 1000},
             {"attestation", "none"},
             {"authenticatorSelection",
              {{"residentKey", "preferred"}, {"userVerification", "preferred"}}},
             {"excludeCredentials", credential_list(s, user.id)}}}}};
}

ApiResult register_passkey(const RequestContext& ctx, Services& s) {
  const User& user = *ctx.actor.user;
  auto challenge = s.store.take_challenge(user.id, "register", ctx.now);
  if (!challenge) return error_result(kPasskeyInvalid);
  auto expected = from_base64url(*challenge).value_or(std::vector<std::uint8_t>{});
  auto client_data = b64(ctx.body, "client_data_json");
  auto outcome = webauthn::verify_registration(
      relying_party(s.config),
      std::string_view(reinterpret_cast<const char*>(client_data.data()), client_data.size()),
      b64(ctx.body, "attestation_object"), expected, false);
  if (auto* error = std::get_if<webauthn::Error>(&outcome)) {
    return audited_error(kPasskeyInvalid,
                         std::string("passkey.rejected.") + webauthn::error_code(*error), user.id);
  }
  const auto& cred = std::get<webauthn::Credential>(outcome);
  Passkey passkey{to_base64url(cred.id.data(), cred.id.size()),
                  user.id,
                  to_base64url(cred.public_key_cose.data(), cred.public_key_cose.size()),
                  cred.alg,
                  cred.sign_count,
                  cred.backed_up,
                  ctx.body["name"].get<std::string>(),
                  ctx.now};
  if (!s.store.add_passkey(passkey)) {
    return error_result({409, "passkey_exists", "This passkey is already registered."});
  }
  nlohmann::json body{{"passkey", {{"id", passkey.id}, {"name", passkey.name}}}};
  if (s.store.recovery_codes_left(user.id) == 0) {
    auto [codes, hashes] = new_recovery_codes();
    s.store.replace_recovery_codes(user.id, hashes);
    body["recovery_codes"] = codes;  // first factor of this kind: codes shown once
  }
  // A privilege change gets a fresh session token (ASVS V7).
  s.sessions.end_by_hash(ctx.session_token_hash);
  auto token = s.sessions.start(user, ctx.now);
  return {201,
          body,
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "mfa.passkey_added",
          user.id};
}

ApiResult sign_in_options(const RequestContext& ctx, Services& s) {
  const std::string& user_id = ctx.actor.pending_mfa_user_id;
  auto challenge = new_challenge(s, user_id, "sign_in", ctx.now);
  return {200,
          {{"publicKey",
            {{"challenge", challenge},
             {"rpId", s.config.rp_id()},
             {"timeout", kCeremonySeconds * 1000},
             {"userVerification", "preferred"},
             {"allowCredentials", credential_list(s, user_id)}}}}};
}

ApiResult sign_in_with_passkey(const RequestContext& ctx, Services& s) {
  auto pending = pending_mfa_user(ctx, s);
  if (auto* error = std::get_if<ApiResult>(&pending)) return *error;
  const User& user = std::get<User>(pending);
  auto challenge = s.store.take_challenge(user.id, "sign_in", ctx.now);
  const auto id = ctx.body["credential_id"].get<std::string>();
  std::optional<Passkey> passkey;
  for (auto& p : s.store.passkeys_of(user.id)) {
    if (p.id == id) passkey = p;  // only this user's own credentials count
  }
  if (!challenge || !passkey) return mfa_failure(s, user, kPasskeyInvalid);
  auto client_data = b64(ctx.body, "client_data_json");
  auto outcome = webauthn::verify_assertion(
      relying_party(s.config),
      std::string_view(reinterpret_cast<const char*>(client_data.data()), client_data.size()),
      b64(ctx.body, "authenticator_data"), b64(ctx.body, "signature"),
      from_base64url(*challenge).value_or(std::vector<std::uint8_t>{}),
      from_base64url(passkey->public_key).value_or(std::vector<std::uint8_t>{}),
      static_cast<std::uint32_t>(passkey->sign_count), false);
  if (std::holds_alternative<webauthn::Error>(outcome))
    return mfa_failure(s, user, kPasskeyInvalid);
  const auto& result = std::get<webauthn::AssertionResult>(outcome);
  s.store.record_passkey_use(passkey->id, result.new_sign_count, result.backed_up, ctx.now);
  return finish_mfa_sign_in(ctx, s, user, "session.signed_in_passkey");
}

Schema b64_fields(std::initializer_list<std::pair<const char*, std::size_t>> fields) {
  Schema schema;
  for (auto [name, max] : fields) schema.fields.push_back({name, FieldType::string, true, 1, max});
  return schema;
}

}  // namespace

std::vector<Route> passkey_routes() {
  return {
      {http::verb::post, "/api/webauthn/register/options", Action::mfa_manage, std::nullopt,
       register_options},
      {http::verb::post, "/api/webauthn/register", Action::mfa_manage,
       b64_fields({{"name", 64}, {"client_data_json", 4096}, {"attestation_object", 16384}}),
       register_passkey},
      {http::verb::post, "/api/session/webauthn/options", Action::mfa_verify, std::nullopt,
       sign_in_options},
      {http::verb::post, "/api/session/webauthn", Action::mfa_verify,
       b64_fields({{"credential_id", 1400},
                   {"client_data_json", 4096},
                   {"authenticator_data", 4096},
                   {"signature", 1024}}),
       sign_in_with_passkey},
  };
}

}  // namespace haven
