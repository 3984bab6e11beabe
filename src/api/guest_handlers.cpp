// Guests (docs/SESSIONS.md "Guests"): the therapist invites a person without an account to
// one appointment; the single-use link (token in the fragment, never in a server log) plus
// a 6-digit code shared out of band signs them in as that appointment's guest. Links
// expire with the appointment, carry no PHI, and five wrong codes burn them.
#include <sodium.h>

#include <cstdio>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

constexpr int kMaxCodeFailures = 5;
constexpr std::size_t kMaxCallPeople = 16;  // sfu/rooms/room.h kMaxParticipants

const ApiError kGuestLinkInvalid{
    409, "guest_link_invalid",
    "This guest link is not valid: it was used already, it has expired, or it was taken back. "
    "Ask your therapist for a new one."};

// "123456" from what a person typed ("123 456", "123-456"); empty when it is not 6 digits.
std::string normalize_code(const std::string& typed) {
  std::string digits;
  for (char c : typed) {
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-') {
      return {};
    }
  }
  return digits.size() == 6 ? digits : std::string{};
}

// What the database keeps to check a code: useless without the link's token.
std::string code_check(const std::string& token, const std::string& code) {
  return token_hash(token + ":" + code);
}

const char* guest_status(const GuestInvite& g, std::int64_t now) {
  if (g.revoked_at) return "revoked";
  if (g.used_at) return "joined";
  if (g.expires_at <= now || g.failed_codes >= kMaxCodeFailures) return "expired";
  return "invited";
}

nlohmann::json guest_json(const GuestInvite& g, std::int64_t now) {
  return {{"id", g.guest_id},
          {"display_name", g.display_name},
          {"status", guest_status(g, now)},
          {"expires_at", g.expires_at}};
}

// The appointment at the path if the actor owns it; one "not found" otherwise.
std::optional<Appointment> owned_appointment(const RequestContext& ctx, Services& s,
                                             const std::string& id, ApiResult& refusal) {
  auto a = s.store.find_appointment(id);
  const User& actor = *ctx.actor.user;
  if (!a || !a->admits(actor.id)) {
    refusal = error_result(errors::not_found());
    return std::nullopt;
  }
  if (auto decision =
          authorize(ctx.actor, Action::appointment_manage, appointment_ref(*a, actor.id));
      decision != Decision::allow) {
    refusal = error_result(decision == Decision::deny_forbidden ? errors::not_found()
                                                                : decision_error(decision));
    return std::nullopt;
  }
  return a;
}

ApiResult invite(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto a = owned_appointment(ctx, s, ctx.path_param, refusal);
  if (!a) return refusal;
  if (a->cancelled_at) {
    return error_result({409, "appointment_cancelled", "This appointment was cancelled."});
  }
  if (ctx.now >= a->ends_at())
    return error_result({409, "appointment_over", "This session is over."});
  if (1 + a->participant_ids.size() + a->guest_ids.size() >= kMaxCallPeople) {
    return error_result({409, "too_many_guests",
                         "A call holds 16 people: this session has no room for another guest."});
  }
  const std::string token = random_token();
  char code[8];
  std::snprintf(code, sizeof code, "%06u", static_cast<unsigned>(randombytes_uniform(1000000)));
  GuestInvite g;
  g.guest_id = random_id();
  g.appointment_id = a->id;
  g.org_id = a->org_id;
  g.display_name = ctx.body["display_name"].get<std::string>();
  g.token_hash = token_hash(token);
  g.code_check = code_check(token, code);
  g.invited_by = ctx.actor.user->id;
  g.expires_at = a->ends_at();
  s.store.create_guest(g, ctx.now);
  return {201,
          {{"guest", guest_json(g, ctx.now)},
           {"link", s.config.effective_public_url() + "/guest#token=" + token},
           {"code", std::string(code, 3) + " " + std::string(code + 3, 3)}},
          {},
          "guest.invited",
          g.guest_id};
}

ApiResult revoke(const RequestContext& ctx, Services& s) {
  auto g = s.store.find_guest(ctx.path_param);
  if (!g) return error_result(errors::not_found());
  ApiResult refusal;
  if (!owned_appointment(ctx, s, g->appointment_id, refusal)) return refusal;
  // Taken back already: the same answer, with the first revocation's time.
  if (s.store.revoke_guest(g->guest_id, ctx.now)) g->revoked_at = ctx.now;
  return {200, {{"guest", guest_json(*g, ctx.now)}}, {}, "guest.revoked", g->guest_id};
}

ApiResult accept(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "guest")) return error_result(errors::rate_limited());
  const auto& token = ctx.body["token"].get_ref<const std::string&>();
  const std::string code = normalize_code(ctx.body["code"].get<std::string>());
  if (code.empty()) {
    return error_result({400, "invalid_code", "The code has 6 digits, like 123 456."});
  }
  GuestInvite g;
  switch (s.store.redeem_guest_link(token_hash(token), code_check(token, code), ctx.now,
                                    kMaxCodeFailures, g)) {
    case GuestCodeOutcome::invalid:
      return error_result(kGuestLinkInvalid);
    case GuestCodeOutcome::wrong_code:
      return audited_error({400, "wrong_code",
                            "That code is not right. Check the code your therapist gave you; "
                            "after five wrong tries the link stops working."},
                           "guest.code_refused", g.guest_id);
    case GuestCodeOutcome::accepted:
      break;
  }
  auto user = s.store.find_user(g.guest_id);
  if (!user || user->disabled) return error_result(kGuestLinkInvalid);
  auto session = start_session(ctx, s, *user);
  return {201,
          {{"user", user_json(*user)}, {"appointment_id", g.appointment_id}},
          {{"Set-Cookie", session_cookie(session, s.sessions.absolute_seconds())}},
          "guest.signed_in",
          user->id};
}

}  // namespace

nlohmann::json guests_json(Services& s, const std::string& appointment_id, std::int64_t now) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& g : s.store.guests_of(appointment_id)) out.push_back(guest_json(g, now));
  return out;
}

std::vector<Route> guest_routes() {
  return {
      {http::verb::post, "/api/appointments/:id/guests", Action::appointment_manage,
       Schema{{{"display_name", FieldType::string, true, 1, 100}}}, invite},
      {http::verb::post, "/api/guests/:id/revoke", Action::appointment_manage, std::nullopt,
       revoke},
      {http::verb::post, "/api/guests/accept", Action::invitation_use,
       Schema{
           {{"token", FieldType::string, true, 1, 128}, {"code", FieldType::string, true, 1, 16}}},
       accept},
  };
}

}  // namespace haven
