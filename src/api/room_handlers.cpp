// Video rooms (docs/SIGNALING.md): a therapist opens a room for named people of the
// practice; the owner and those people see it and may join its call over /ws.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "store/repositories.h"

namespace haven {
namespace {

// One call holds the owner and up to 15 others: the SFU's 16-publisher design limit.
constexpr std::int64_t kMaxRoomParticipants = 15;

nlohmann::json room_json(const Room& r) {
  return {{"id", r.id},
          {"owner_id", r.owner_id},
          {"participant_ids", r.participant_ids},
          {"created_at", r.created_at},
          {"ended_at", r.ended_at ? nlohmann::json(*r.ended_at) : nlohmann::json(nullptr)}};
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
  return {201, {{"room", room_json(*s.store.find_room(id))}}, {}, "room.created", id, "room"};
}

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& room : s.store.open_rooms_of(ctx.actor.user->id)) out.push_back(room_json(room));
  return {200, {{"rooms", out}}};
}

ApiResult end(const RequestContext& ctx, Services& s) {
  auto room = s.store.find_room(ctx.path_param);
  const User& actor = *ctx.actor.user;
  // Rooms the actor may not see are not found, whoever owns them.
  if (!room || !room->admits(actor.id)) return error_result(errors::not_found());
  if (auto decision = authorize(ctx.actor, Action::room_end, room_ref(*room, actor.id));
      decision != Decision::allow) {
    return error_result(decision_error(decision));
  }
  if (room->ended_at) return {200, {{"room", room_json(*room)}}};  // already ended: same answer
  end_room_everywhere(s, room->id, ctx.now);
  return {200, {{"room", room_json(*s.store.find_room(room->id))}}, {}, "room.ended", room->id,
          "room"};
}

}  // namespace

std::vector<Route> room_routes() {
  return {
      {http::verb::post, "/api/rooms", Action::room_create,
       Schema{{{"participant_ids", FieldType::id_list, true, 0, 0, 1, kMaxRoomParticipants}}},
       create},
      {http::verb::get, "/api/rooms", Action::room_list, std::nullopt, list},
      {http::verb::post, "/api/rooms/:id/end", Action::room_end, std::nullopt, end},
  };
}

}  // namespace haven
