// The safety check at the start of a session (docs/SESSIONS.md "Safety check at the
// start"): in the pre-join step a patient or guest confirms where they are right now and an
// emergency contact; the room's owner (the clinician) reads them in the waiting room and the
// call, so that help can be sent to the right place in a crisis. The texts are PHI: sealed
// by the store, never logged or audited (ids only), never echoed in an error.
#include <algorithm>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "store/repositories.h"
#include "util/text.h"

namespace haven {
namespace {

// Limits in code points (the schema counts them): an address with a flat and a postcode
// fits in 200; a name in 100; an international number with spaces in 40.
constexpr std::size_t kMaxLocation = 200;
constexpr std::size_t kMaxContactName = 100;
constexpr std::size_t kMaxContactPhone = 40;
// A phone number anyone could dial has at least this many digits (emergency short codes
// such as 112 included).
constexpr int kMinPhoneDigits = 3;

std::string trimmed(const std::string& text) {
  return std::string(text::trim_blanks(text));
}

// One line of text: no control characters (a newline would also break the clinician's
// one-line view), and something other than spaces.
bool one_line(const std::string& text) {
  if (text.empty()) return false;
  return std::none_of(text.begin(), text.end(),
                      [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Digits and the separators people write numbers with; no letters (nothing to misdial).
bool dialable(const std::string& phone) {
  int digits = 0;
  for (unsigned char c : phone) {
    if (c >= '0' && c <= '9') {
      ++digits;
    } else if (std::string_view(" +-().").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return digits >= kMinPhoneDigits;
}

ApiError invalid_text(const char* field) {
  return {400, "invalid_field",
          std::string("The field '") + field + "' must be one line of text, not only spaces."};
}

// POST /api/rooms/:id/safety: the person's confirmation for this room (the latest counts).
ApiResult confirm(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = open_room_for(ctx, s, ctx.path_param, Action::room_safety_confirm, refusal);
  if (!room) return refusal;
  SafetyCheck check;
  check.room_id = room->id;
  check.user_id = ctx.actor.user->id;
  check.location = trimmed(ctx.body["location"].get_ref<const std::string&>());
  check.contact_name = trimmed(ctx.body["contact_name"].get_ref<const std::string&>());
  check.contact_phone = trimmed(ctx.body["contact_phone"].get_ref<const std::string&>());
  check.confirmed_at = ctx.now;
  if (!one_line(check.location)) return error_result(invalid_text("location"));
  if (!one_line(check.contact_name)) return error_result(invalid_text("contact_name"));
  if (!dialable(check.contact_phone)) {
    return error_result({400, "invalid_phone",
                         "The emergency contact's phone number needs at least 3 digits and may "
                         "only have spaces, +, -, ( ) and dots besides."});
  }
  s.store.save_safety_check(*ctx.actor.user, check);
  return {200,      {{"safety", {{"room_id", room->id}, {"confirmed_at", check.confirmed_at}}}},
          {},       "call.safety_confirmed",
          room->id, "room"};
}

nlohmann::json check_json(const SafetyCheck& c) {
  return {{"location", c.location},
          {"contact_name", c.contact_name},
          {"contact_phone", c.contact_phone},
          {"confirmed_at", c.confirmed_at}};
}

// GET /api/rooms/:id/safety: the owner sees every patient and guest of the room with their
// latest confirmation, or null for someone who has not confirmed yet. Still readable after
// the room ended, for the session's notes; a check-in answers its session's.
ApiResult read_room(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_safety_read, refusal, true);
  if (!room) return refusal;
  // A private check-in was entered without a pre-join: its people confirmed for the
  // session it was made from (docs/SESSIONS.md "Private check-in").
  const auto checks = s.store.safety_checks_of_room(room->parent_id.value_or(room->id));
  nlohmann::json people = nlohmann::json::array();
  for (const auto& user_id : room->participant_ids) {
    auto user = s.store.find_user(user_id);
    auto found = std::find_if(checks.begin(), checks.end(),
                              [&](const SafetyCheck& c) { return c.user_id == user_id; });
    // Only patients and guests are asked (a co-therapist is not): listing a clinician as
    // "not confirmed" would cry wolf. One who confirmed anyway is shown.
    if (user && role_requires_mfa(user->role) && found == checks.end()) continue;
    people.push_back(
        {{"user_id", user_id},
         {"display_name", user ? user->display_name : ""},
         {"guest", user && user->role == Role::guest},
         {"safety", found == checks.end() ? nlohmann::json(nullptr) : check_json(*found)}});
  }
  return {200, {{"people", people}}, {}, "call.safety_read", room->id, "room"};
}

// GET /api/account/safety-contact: one's own most recent emergency contact, to prefill the
// pre-join. The location is never answered: it is asked afresh every session.
ApiResult read_own_contact(const RequestContext& ctx, Services& s) {
  const User& me = *ctx.actor.user;
  auto latest = s.store.latest_safety_check(me.id);
  nlohmann::json contact = nullptr;
  if (latest) {
    contact = {{"name", latest->contact_name},
               {"phone", latest->contact_phone},
               {"confirmed_at", latest->confirmed_at}};
  }
  return {200, {{"contact", contact}}, {}, "safety_contact.read", me.id, "user"};
}

}  // namespace

std::vector<Route> safety_routes() {
  return {
      {http::verb::post, "/api/rooms/:id/safety", Action::room_safety_confirm,
       Schema{{{"location", FieldType::string, true, 1, kMaxLocation},
               {"contact_name", FieldType::string, true, 1, kMaxContactName},
               {"contact_phone", FieldType::string, true, 1, kMaxContactPhone}}},
       confirm},
      {http::verb::get, "/api/rooms/:id/safety", Action::room_safety_read, std::nullopt, read_room},
      {http::verb::get, "/api/account/safety-contact", Action::safety_contact_read, std::nullopt,
       read_own_contact},
  };
}

}  // namespace haven
