// Video rooms (docs/SIGNALING.md): a therapist opens a room for named people of the
// practice; the owner and those people see it and may join its call over /ws.
#include <algorithm>
#include <map>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "sessions/presence.h"
#include "store/repositories.h"

namespace haven {
namespace {

// One call holds the owner and up to 15 others: the SFU's 16-publisher design limit.
constexpr std::int64_t kMaxRoomParticipants = 15;
// A session note: about ten pages of text.
constexpr std::size_t kMaxNoteLength = 20000;

// The owner sees who is invited; anyone else sees only themselves and how many are invited:
// who else attends a group (or a couple's session) is not theirs to read before the call.
nlohmann::json room_json(const Room& r, const std::string& viewer_id) {
  const bool owner = r.owner_id == viewer_id;
  return {{"id", r.id},
          {"owner_id", r.owner_id},
          {"participant_ids", owner ? r.participant_ids : std::vector<std::string>{viewer_id}},
          {"participant_count", r.participant_ids.size()},
          {"created_at", r.created_at},
          {"ended_at", r.ended_at ? nlohmann::json(*r.ended_at) : nlohmann::json(nullptr)},
          {"parent_id", r.parent_id ? nlohmann::json(*r.parent_id) : nlohmann::json(nullptr)}};
}

ApiError invalid_participants() {
  return {400, "invalid_participants",
          "Choose 1 to 15 different active people of your practice, other than yourself."};
}

ApiResult create(const RequestContext& ctx, Services& s) {
  const User& owner = *ctx.actor.user;
  auto ids = practice_participants(ctx.body["participant_ids"], owner, s);
  if (!ids) return error_result(invalid_participants());
  auto id = s.store.create_room(owner.org_id, owner.id, *ids, ctx.now);
  return {201,   {{"room", room_json(*s.store.find_room(id), owner.id)}}, {}, "room.created", id,
          "room"};
}

// One room the actor may join (its owner or someone invited; not ended, not removed from
// it): the call page asks before the pre-join step and to know whether it hosts the call.
// A private check-in is found here too, though the list leaves it out.
ApiResult find(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_join, refusal, false);
  if (!room) return refusal;
  auto out = room_json(*room, ctx.actor.user->id);
  // The room's clinicians, for a clinician's page: which of them stands in for the host in
  // the MLS group while the host is away (docs/E2EE.md "Stand-in"). Patients are not told.
  const Role role = ctx.actor.user->role;
  if (role == Role::therapist || role == Role::staff) {
    nlohmann::json clinicians = nlohmann::json::array();
    for (const auto& id : room->participant_ids) {
      auto user = s.store.find_user(id);
      if (user && (user->role == Role::therapist || user->role == Role::staff)) {
        clinicians.push_back(id);
      }
    }
    out["clinician_ids"] = clinicians;
  }
  return {200, {{"room", out}}};
}

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& room : s.store.open_rooms_of(ctx.actor.user->id))
    out.push_back(room_json(room, ctx.actor.user->id));
  return {200, {{"rooms", out}}};
}

ApiResult end(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_end, refusal, true);
  if (!room) return refusal;
  if (room->ended_at)
    return {200, {{"room", room_json(*room, ctx.actor.user->id)}}};  // already ended: same answer
  end_room_everywhere(s, room->id, ctx.now);
  return {200,      {{"room", room_json(*s.store.find_room(room->id), ctx.actor.user->id)}},
          {},       "room.ended",
          room->id, "room"};
}

// A private check-in (docs/SESSIONS.md "Private check-in"): the host moves some of the
// session's people into a room of their own, with its own call and MLS group; the host's
// page goes with them. The rest of the session is told only that one is running. Ending
// the check-in's room (POST /api/rooms/<it>/end) brings everyone back.
ApiResult breakout(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_breakout, refusal, false);
  if (!room) return refusal;
  if (room->parent_id) {
    return error_result({409, "breakout_nested", "A private check-in cannot have its own."});
  }
  std::vector<std::string> ids;
  for (const auto& item : ctx.body["user_ids"]) {
    const auto& id = item.get_ref<const std::string&>();
    const bool removed = s.calls && s.calls->removed_from(room->id, id);
    if (id == room->owner_id || !room->admits(id) || removed ||
        std::find(ids.begin(), ids.end(), id) != ids.end()) {
      return error_result(
          {400, "participant_not_found", "Choose people of this session, other than yourself."});
    }
    ids.push_back(id);
  }
  const std::string id = s.store.create_breakout(*room, ids, ctx.now);
  if (id.empty()) {
    return error_result(
        {409, "breakout_running", "A private check-in is already running in this session."});
  }
  if (s.calls) s.calls->announce_breakout(room->id, id, ids, true);
  return {201,      {{"room", room_json(*s.store.find_room(id), ctx.actor.user->id)}},
          {},       "call.breakout_started",
          room->id, "room"};
}

// The room's owner sees who was in its call and when (docs/SESSIONS.md "Attendance").
ApiResult attendance(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_attendance_read, refusal, true);
  if (!room) return refusal;
  nlohmann::json rows = nlohmann::json::array();
  std::map<std::string, std::vector<std::pair<std::int64_t, std::int64_t>>> by_person;
  std::vector<std::string> order;
  std::map<std::string, std::string> names;
  for (const auto& row : s.store.attendance_of_room(room->id)) {
    if (!names.count(row.user_id)) {
      auto user = s.store.find_user(row.user_id);
      names[row.user_id] = user ? user->display_name : "";
      order.push_back(row.user_id);
    }
    rows.push_back(
        {{"user_id", row.user_id},
         {"display_name", names[row.user_id]},
         {"joined_at", row.joined_at},
         {"left_at", row.left_at ? nlohmann::json(*row.left_at) : nlohmann::json(nullptr)}});
    // A join still open counts up to now.
    by_person[row.user_id].push_back({row.joined_at, row.left_at.value_or(ctx.now)});
  }
  nlohmann::json people = nlohmann::json::array();
  for (const auto& user_id : order) {
    people.push_back({{"user_id", user_id},
                      {"display_name", names[user_id]},
                      {"seconds", seconds_present(by_person[user_id])}});
  }
  return {200, {{"attendance", rows}, {"people", people}}};
}

nlohmann::json note_json(const std::optional<SessionNote>& note) {
  if (!note) return nullptr;
  return {{"text", note->text}, {"updated_at", note->updated_at}};
}

// The therapist's note on a session (docs/SESSIONS.md "Notes"): reading it is access to a
// clinical record, so both reading and writing are audited (ids only).
ApiResult read_note(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_note, refusal, true);
  if (!room) return refusal;
  return {200,      {{"note", note_json(s.store.find_session_note(room->id))}},
          {},       "session_note.read",
          room->id, "room"};
}

ApiResult save_note(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = room_for(ctx, s, ctx.path_param, Action::room_note, refusal, true);
  if (!room) return refusal;
  s.store.save_session_note(*room, ctx.actor.user->id,
                            ctx.body["text"].get_ref<const std::string&>(), ctx.now);
  return {200,      {{"note", note_json(s.store.find_session_note(room->id))}},
          {},       "session_note.saved",
          room->id, "room"};
}

}  // namespace

std::vector<Route> room_routes() {
  return {
      {http::verb::post, "/api/rooms", Action::room_create,
       Schema{{{"participant_ids", FieldType::id_list, true, 0, 0, 1, kMaxRoomParticipants}}},
       create},
      {http::verb::get, "/api/rooms", Action::room_list, std::nullopt, list},
      // Route level: anyone signed in; the handler asks again with the room (room_join).
      {http::verb::get, "/api/rooms/:id", Action::room_list, std::nullopt, find},
      {http::verb::post, "/api/rooms/:id/end", Action::room_end, std::nullopt, end},
      {http::verb::post, "/api/rooms/:id/breakout", Action::room_breakout,
       Schema{{{"user_ids", FieldType::id_list, true, 0, 0, 1, kMaxRoomParticipants}}}, breakout},
      {http::verb::get, "/api/rooms/:id/attendance", Action::room_attendance_read, std::nullopt,
       attendance},
      {http::verb::get, "/api/rooms/:id/note", Action::room_note, std::nullopt, read_note},
      {http::verb::post, "/api/rooms/:id/note", Action::room_note,
       Schema{{{"text", FieldType::string, true, 0, kMaxNoteLength}}}, save_note},
  };
}

}  // namespace haven
