#include "api/handler_support.h"

#include <set>
#include <sstream>

#include "auth/password.h"
#include "auth/password_policy.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "delivery/delivery_service.h"

namespace haven {

bool link_redeem_allowed(const RequestContext& ctx, Services& s, const char* scope) {
  std::string key(scope);
  key.append("-ip:").append(ctx.client_ip);
  return s.limiter.allow(key, static_cast<int>(s.config.invitation_redeem_per_ip_per_minute),
                         ctx.now);
}

std::string start_session(const RequestContext& ctx, Services& s, const User& user) {
  return s.sessions.start(user, ctx.now, ctx.request[http::field::user_agent]);
}

ApiResult error_result(const ApiError& error) {
  return {error.status, nlohmann::json::parse(error_body(error)), {}, {}, {}};
}

ApiResult audited_error(const ApiError& error, std::string event, std::string subject) {
  auto result = error_result(error);
  result.audit_event = std::move(event);
  result.audit_subject = std::move(subject);
  return result;
}

std::optional<ApiError> weak_password_error(const std::string& password) {
  auto reason = password_weakness(password);
  if (!reason) return std::nullopt;
  return ApiError{400, "password_weak", "Choose a less common password: " + *reason + "."};
}

std::optional<ApiError> new_password_error(const User& user, const std::string& password) {
  const std::size_t minimum =
      user.mfa_enabled ? kMinPasswordLengthWithMfa : kMinPasswordLengthWithoutMfa;
  if (utf8_length(password) < minimum) {
    std::ostringstream message;
    message << "Field 'new_password' must be at least " << minimum << " characters.";
    return ApiError{400, "invalid_field", message.str()};
  }
  return weak_password_error(password);
}

std::optional<ApiResult> reauthentication_error(const RequestContext& ctx, Services& s,
                                                const char* field, const char* failure_event) {
  const User& user = *ctx.actor.user;
  if (!s.limiter.allow("reauth-account:" + user.id,
                       static_cast<int>(s.config.signin_per_account_per_minute), ctx.now)) {
    return error_result(errors::rate_limited());
  }
  if (!verify_password(ctx.body[field].get<std::string>(), user.password_hash)) {
    return audited_error({401, "reauth_failed", "That password is not correct."}, failure_event,
                         user.id);
  }
  return std::nullopt;
}

ApiError decision_error(Decision decision) {
  switch (decision) {
    case Decision::deny_unauthenticated:
      return errors::unauthenticated();
    case Decision::deny_mfa_required:
      return {403, "mfa_required", "Set up two-step verification first."};
    default:
      return errors::forbidden();
  }
}

std::optional<Room> room_for(const RequestContext& ctx, Services& s, const std::string& room_id,
                             Action action, ApiResult& refusal, bool ended_ok) {
  auto room = s.store.find_room(room_id);
  const User& actor = *ctx.actor.user;
  if (!room || !room->admits(actor.id) || (room->ended_at && !ended_ok)) {
    refusal = error_result(errors::not_found());
    return std::nullopt;
  }
  if (auto decision = authorize(ctx.actor, action, room_ref(*room, actor.id));
      decision != Decision::allow) {
    refusal = error_result(decision_error(decision));
    return std::nullopt;
  }
  // Someone the host removed from the call keeps out of its files and keys too.
  if (s.calls && room->owner_id != actor.id && s.calls->removed_from(room->id, actor.id)) {
    refusal = error_result({403, "removed_from_call", "The host removed you from this call."});
    return std::nullopt;
  }
  return room;
}

std::optional<std::vector<std::string>> practice_participants(const nlohmann::json& ids,
                                                              const User& owner, Services& s) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (const auto& item : ids) {
    const auto& id = item.get_ref<const std::string&>();
    if (id == owner.id || !seen.insert(id).second) return std::nullopt;
    auto user = s.store.find_user(id);
    // A guest belongs to the one appointment they were invited to (docs/SESSIONS.md).
    if (!user || user->disabled || user->org_id != owner.org_id || user->role == Role::guest) {
      return std::nullopt;
    }
    out.push_back(id);
  }
  return out;
}

bool end_room_everywhere(Services& s, const std::string& room_id, std::int64_t now) {
  if (!s.store.end_room(room_id, now)) return false;
  auto room = s.store.find_room(room_id);
  if (s.calls && room && room->parent_id) {
    // A private check-in that ends on its own sends its people back to the session; one
    // ending with its session does not (docs/SESSIONS.md "Private check-in").
    auto parent = s.store.find_room(*room->parent_id);
    if (parent && !parent->ended_at) {
      s.calls->announce_breakout(parent->id, room_id, {}, false);
    }
  }
  if (s.calls) s.calls->end_call(room_id);
  if (s.delivery) s.delivery->end_group(room_id);
  // A session's end ends its check-in too.
  if (auto breakout = s.store.open_breakout_of(room_id)) end_room_everywhere(s, breakout->id, now);
  return true;
}

}  // namespace haven
