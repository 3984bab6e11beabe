// What the request handlers under api/ share: error results, the password rules for a new
// password, re-authentication before sensitive changes, starting a session, and the
// per-IP limit on one-time links. Handlers stay functions of (request, actor) -> result.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "api/route_table.h"

namespace haven {

// Per-IP limit on redeeming one-time links (enrollment, invitation, password reset): the
// tokens are 256-bit, the limit keeps guessing and scanning loud. scope names the bucket.
bool link_redeem_allowed(const RequestContext& ctx, Services& s, const char* scope);

// A new sign-in session for user, named after the request's device; answers the token.
std::string start_session(const RequestContext& ctx, Services& s, const User& user);

ApiResult error_result(const ApiError& error);
// error_result plus an audit event (failures worth recording: sign-in, MFA).
ApiResult audited_error(const ApiError& error, std::string event, std::string subject);
// 400 password_weak with cracklib's reason, or nullopt when the password is acceptable.
std::optional<ApiError> weak_password_error(const std::string& password);
// For a new password of an existing account (field 'new_password'): too short for the
// account (NIST SP 800-63B: 8 characters behind a second factor, 15 without), or weak.
std::optional<ApiError> new_password_error(const User& user, const std::string& password);
// Sensitive changes (password, email, MFA) need the current password again, from body
// field `field` (ASVS V6.2.3); attempts are limited like sign-in so a walk-up attacker
// cannot guess it here instead. nullopt when it matches.
std::optional<ApiResult> reauthentication_error(const RequestContext& ctx, Services& s,
                                                const char* field, const char* failure_event);
// The ApiError for a non-allow decision of authorize().
ApiError decision_error(Decision decision);
// The room `room_id` if the actor may do `action` with it; otherwise fills `refusal` (a
// room the actor may not see is not found, and so is an ended one unless `ended_ok`).
std::optional<Room> room_for(const RequestContext& ctx, Services& s, const std::string& room_id,
                             Action action, ApiResult& refusal, bool ended_ok);
// room_for an open room.
inline std::optional<Room> open_room_for(const RequestContext& ctx, Services& s,
                                         const std::string& room_id, Action action,
                                         ApiResult& refusal) {
  return room_for(ctx, s, room_id, action, refusal, false);
}

// The participants of a new room or appointment, from a validated id_list: distinct active
// people of the owner's practice other than the owner; nullopt when one is not (unknown,
// disabled and another practice's people look the same).
std::optional<std::vector<std::string>> practice_participants(const nlohmann::json& ids,
                                                              const User& owner, Services& s);
// An appointment's guests as its owner sees them (api/guest_handlers.cpp): id, name,
// status (invited, joined, expired, revoked) and when the link expires.
nlohmann::json guests_json(Services& s, const std::string& appointment_id, std::int64_t now);
// Ends a room everywhere: the store (its group and files go too), its call and its MLS
// subscribers. False when it was already ended. A session's running check-in ends with it,
// and a check-in ending alone sends its people back to the session.
bool end_room_everywhere(Services& s, const std::string& room_id, std::int64_t now);

}  // namespace haven
