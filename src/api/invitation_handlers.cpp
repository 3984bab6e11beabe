// Invitations: admins invite staff, therapists and admins; therapists invite patients.
// The link is single-use, expires, carries no PHI, and its token sits in the fragment.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "auth/password.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

const ApiError kInvitationInvalid{409, "invitation_invalid",
                                  "This invitation link is not valid or was already used."};

ApiResult create(const RequestContext& ctx, Services& s) {
  const User& inviter = *ctx.actor.user;
  auto role = parse_role(ctx.body["role"].get<std::string>());
  if (!role) return error_result({400, "invalid_field", "Field 'role' is not a role."});
  auto decision =
      authorize(ctx.actor, Action::invitation_create, {"role", role_name(*role), inviter.org_id});
  if (decision != Decision::allow) {
    return audited_error(decision_error(decision), "access.denied.invitation_create", "");
  }
  auto token = random_token();
  Invitation inv{random_id(),
                 token_hash(token),
                 inviter.org_id,
                 *role,
                 ctx.body["display_name"].get<std::string>(),
                 inviter.id,
                 ctx.now,
                 ctx.now + s.config.invitation_ttl_hours * 3600};
  s.store.create_invitation(inv);
  return {201,
          {{"invitation",
            {{"id", inv.id}, {"role", role_name(inv.role)}, {"expires_at", inv.expires_at}}},
           {"link", s.config.effective_public_url() + "/invite#token=" + token}},
          {},
          "invitation.created",
          inv.id};
}

ApiResult check(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "invite")) return error_result(errors::rate_limited());
  auto inv =
      s.store.find_valid_invitation(token_hash(ctx.body["token"].get<std::string>()), ctx.now);
  if (!inv) return error_result(kInvitationInvalid);
  return {200,
          {{"valid", true}, {"role", role_name(inv->role)}, {"display_name", inv->display_name}}};
}

ApiResult accept(const RequestContext& ctx, Services& s) {
  if (!link_redeem_allowed(ctx, s, "invite")) return error_result(errors::rate_limited());
  auto email = normalize_email(ctx.body["email"].get<std::string>());
  if (!email) return error_result({400, "invalid_field", "Field 'email' is not an email address."});
  if (auto weak = weak_password_error(ctx.body["password"].get<std::string>())) {
    return error_result(*weak);
  }
  User user;
  user.email = *email;
  user.password_hash = hash_password(ctx.body["password"].get<std::string>());
  switch (
      s.store.accept_invitation(token_hash(ctx.body["token"].get<std::string>()), ctx.now, user)) {
    case AcceptOutcome::invalid:
      return error_result(kInvitationInvalid);
    case AcceptOutcome::email_taken:
      return error_result({409, "email_taken", "An account with this email already exists."});
    case AcceptOutcome::accepted:
      break;
  }
  auto token = start_session(ctx, s, user);
  return {201,
          {{"user", user_json(user)}},
          {{"Set-Cookie", session_cookie(token, s.sessions.absolute_seconds())}},
          "invitation.accepted",
          user.id};
}

}  // namespace

std::vector<Route> invitation_routes() {
  return {
      {http::verb::post, "/api/invitations", Action::invitation_create,
       Schema{{{"role", FieldType::string, true, 1, 16},
               {"display_name", FieldType::string, true, 1, 100}}},
       create},
      {http::verb::post, "/api/invitations/check", Action::invitation_use,
       Schema{{{"token", FieldType::string, true, 1, 128}}}, check},
      {http::verb::post, "/api/invitations/accept", Action::invitation_use,
       Schema{{{"token", FieldType::string, true, 1, 128},
               {"email", FieldType::string, true, 3, 254},
               {"password", FieldType::string, true, kMinPasswordLengthWithoutMfa,
                kMaxPasswordLength}}},
       accept},
  };
}

}  // namespace haven
