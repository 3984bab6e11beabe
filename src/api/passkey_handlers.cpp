// Passkeys (WebAuthn): registration while signed in, use as the second sign-in factor,
// and passwordless sign-in with a discoverable credential and user verification (the
// phishing-resistant option). Verification is in auth/webauthn.h; this file holds
// challenges and storage.
#include "api/handler_support.h"
#include "api/mfa_sign_in.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/rate_limiter.h"
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
              // Discoverable, so the same passkey also signs in without a password.
              {{"residentKey", "required"},
               {"requireResidentKey", true},
               {"userVerification", "preferred"}}},
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
  auto token = start_session(ctx, s, user);
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

const ApiError kPasswordlessFailed{401, "passkey_invalid", "The passkey could not be verified."};

bool passwordless_allowed(const RequestContext& ctx, Services& s) {
  return s.limiter.allow("signin-ip:" + ctx.client_ip,
                         static_cast<int>(s.config.signin_per_ip_per_minute), ctx.now);
}

ApiResult passwordless_options(const RequestContext& ctx, Services& s) {
  if (!passwordless_allowed(ctx, s)) return error_result(errors::rate_limited());
  auto bytes = random_bytes(32);
  auto challenge = to_base64url(bytes.data(), bytes.size());
  s.store.put_signin_challenge(challenge, ctx.now + kCeremonySeconds);
  // No allowCredentials: the authenticator offers its discoverable credentials for this
  // rpId, so nobody's account is named before they have proven anything (§5.4.5).
  return {200,
          {{"publicKey",
            {{"challenge", challenge},
             {"rpId", s.config.rp_id()},
             {"timeout", kCeremonySeconds * 1000},
             {"userVerification", "required"},
             {"allowCredentials", nlohmann::json::array()}}}}};
}

// Which issued challenge the client claims to answer. Only used to find the challenge;
// verify_assertion then checks clientDataJSON (type, origin, challenge) in full.
std::string claimed_challenge(const std::vector<std::uint8_t>& client_data) {
  auto parsed = nlohmann::json::parse(client_data.begin(), client_data.end(), nullptr, false);
  if (!parsed.is_object() || !parsed.contains("challenge") || !parsed["challenge"].is_string()) {
    return {};
  }
  auto challenge = parsed["challenge"].get<std::string>();
  return challenge.size() <= 128 ? challenge : std::string{};
}

// Without a password: the passkey must be discoverable and user-verified (PIN or
// biometric), which makes it two factors on its own (NIST SP 800-63B AAL2/3).
ApiResult sign_in_passwordless(const RequestContext& ctx, Services& s) {
  if (!passwordless_allowed(ctx, s)) return error_result(errors::rate_limited());
  auto client_data = b64(ctx.body, "client_data_json");
  auto challenge = claimed_challenge(client_data);
  if (challenge.empty() || !s.store.take_signin_challenge(challenge, ctx.now)) {
    return audited_error(kPasswordlessFailed, "session.passwordless_failed", "");
  }
  auto passkey = s.store.find_passkey(ctx.body["credential_id"].get<std::string>());
  auto user = passkey ? s.store.find_user(passkey->user_id) : std::nullopt;
  if (!user) return audited_error(kPasswordlessFailed, "session.passwordless_failed", "");
  if (user->disabled || user->locked) {
    return audited_error(kPasswordlessFailed, "session.sign_in_refused", user->id);
  }
  // The authenticator's user handle, when sent, must be the account the credential is
  // registered to (§7.2 step 6).
  if (ctx.body.contains("user_handle") &&
      ctx.body["user_handle"].get<std::string>() !=
          to_base64url(reinterpret_cast<const std::uint8_t*>(user->id.data()), user->id.size())) {
    return audited_error(kPasswordlessFailed, "session.passwordless_failed", user->id);
  }
  auto outcome = webauthn::verify_assertion(
      relying_party(s.config),
      std::string_view(reinterpret_cast<const char*>(client_data.data()), client_data.size()),
      b64(ctx.body, "authenticator_data"), b64(ctx.body, "signature"),
      from_base64url(challenge).value_or(std::vector<std::uint8_t>{}),
      from_base64url(passkey->public_key).value_or(std::vector<std::uint8_t>{}),
      static_cast<std::uint32_t>(passkey->sign_count), true);
  if (auto* error = std::get_if<webauthn::Error>(&outcome)) {
    return audited_error(
        kPasswordlessFailed,
        std::string("session.passwordless_rejected.") + webauthn::error_code(*error), user->id);
  }
  const auto& result = std::get<webauthn::AssertionResult>(outcome);
  s.store.record_passkey_use(passkey->id, result.new_sign_count, result.backed_up, ctx.now);
  s.store.clear_signin_failures(user->id);
  auto token = start_session(ctx, s, *user);
  return {200,
          {{"user", user_json(*user)}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "session.signed_in_passwordless",
          user->id};
}

Schema b64_fields(std::initializer_list<std::pair<const char*, std::size_t>> fields) {
  Schema schema;
  for (auto [name, max] : fields) schema.fields.push_back({name, FieldType::string, true, 1, max});
  return schema;
}

Schema assertion_schema() {
  return b64_fields({{"credential_id", 1400},
                     {"client_data_json", 4096},
                     {"authenticator_data", 4096},
                     {"signature", 1024}});
}

Schema passwordless_schema() {
  auto schema = assertion_schema();
  schema.fields.push_back({"user_handle", FieldType::string, false, 1, 256});
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
      {http::verb::post, "/api/session/webauthn", Action::mfa_verify, assertion_schema(),
       sign_in_with_passkey},
      {http::verb::post, "/api/session/passkey/options", Action::session_create, std::nullopt,
       passwordless_options},
      {http::verb::post, "/api/session/passkey", Action::session_create, passwordless_schema(),
       sign_in_passwordless},
  };
}

}  // namespace haven
