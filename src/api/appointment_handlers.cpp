// Appointments (docs/SESSIONS.md): a therapist schedules a 1:1, couples or group session;
// the people in it see it on their page and join its video room from 15 minutes before
// the start until its end. The calendar file names nobody.
#include <ctime>
#include <sstream>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "store/repositories.h"

namespace haven {
namespace {

constexpr std::int64_t kJoinEarlySeconds = 15 * 60;
constexpr std::int64_t kPastSlackSeconds = 5 * 60;      // a start typed "now" is still fine
constexpr std::int64_t kMaxAheadSeconds = 366 * 86400;  // scheduling is for the coming year
constexpr std::int64_t kListPastSeconds = 86400;
constexpr std::int64_t kListAheadSeconds = 60 * 86400;
constexpr int kListLimit = 500;
constexpr std::int64_t kMinDuration = 15;
constexpr std::int64_t kMaxDuration = 240;

// How many people besides the therapist each kind takes (a group is an IOP cohort's
// session; the call holds 16 in all).
struct KindRule {
  const char* kind;
  std::size_t min, max;
};
constexpr KindRule kKinds[] = {{"individual", 1, 1}, {"couples", 2, 2}, {"group", 2, 15}};

const KindRule* kind_rule(const std::string& kind) {
  for (const auto& rule : kKinds) {
    if (kind == rule.kind) return &rule;
  }
  return nullptr;
}

ApiError invalid_participants() {
  return {400, "invalid_participants",
          "Choose one person for a 1:1 session, two for couples, or 2 to 15 for a group: "
          "different active people of your practice, other than yourself."};
}

ApiError invalid_time() {
  return {400, "invalid_time",
          "Choose a start from now to a year ahead and a length of 15 to 240 minutes."};
}

bool time_ok(std::int64_t starts_at, std::int64_t duration, std::int64_t now) {
  return starts_at >= now - kPastSlackSeconds && starts_at <= now + kMaxAheadSeconds &&
         duration >= kMinDuration && duration <= kMaxDuration;
}

// What the actor may see: the therapist sees everyone invited; a patient sees the
// therapist's name and themselves, never the other patients of a group.
nlohmann::json appointment_json(const Appointment& a, const User& actor, Services& s) {
  const bool owner = a.owner_id == actor.id;
  nlohmann::json ids = nlohmann::json::array();
  nlohmann::json people = nlohmann::json::array();
  for (const auto& id : a.participant_ids) {
    if (!owner && id != actor.id) continue;
    auto user = s.store.find_user(id);
    ids.push_back(id);
    people.push_back({{"id", id}, {"display_name", user ? user->display_name : ""}});
  }
  auto owner_user = owner ? std::optional<User>(actor) : s.store.find_user(a.owner_id);
  nlohmann::json out{{"id", a.id},
                     {"kind", a.kind},
                     {"owner_id", a.owner_id},
                     {"owner_name", owner_user ? owner_user->display_name : ""},
                     {"participant_ids", ids},
                     {"participants", people},
                     {"starts_at", a.starts_at},
                     {"duration_minutes", a.duration_minutes},
                     {"ends_at", a.ends_at()},
                     {"join_opens_at", a.starts_at - kJoinEarlySeconds},
                     {"status", a.cancelled_at ? "cancelled" : "scheduled"},
                     {"room_id", a.room_id ? nlohmann::json(*a.room_id) : nlohmann::json(nullptr)}};
  // Guests and the cohort are the owner's to see; a guest sees the therapist and the time.
  if (owner) {
    out["guests"] = guests_json(s, a.id, std::time(nullptr));
    out["cohort_id"] = a.cohort_id ? nlohmann::json(*a.cohort_id) : nlohmann::json(nullptr);
  }
  return out;
}

// The appointment at the path if the actor may do `action` to it; one "not found" for
// those they may not see.
std::optional<Appointment> appointment_for(const RequestContext& ctx, Services& s, Action action,
                                           ApiResult& refusal) {
  auto a = s.store.find_appointment(ctx.path_param);
  const User& actor = *ctx.actor.user;
  if (!a || !a->admits(actor.id)) {
    refusal = error_result(errors::not_found());
    return std::nullopt;
  }
  if (auto decision = authorize(ctx.actor, action, appointment_ref(*a, actor.id));
      decision != Decision::allow) {
    refusal = error_result(decision_error(decision));
    return std::nullopt;
  }
  return a;
}

// The appointment as stored now, answered with status `status` and audited as `event`.
ApiResult appointment_result(int status, const std::string& id, const char* event,
                             const RequestContext& ctx, Services& s) {
  return {status,
          {{"appointment", appointment_json(*s.store.find_appointment(id), *ctx.actor.user, s)}},
          {},
          event,
          id,
          "appointment"};
}

ApiError cancelled_error() {
  return {409, "appointment_cancelled", "This appointment was cancelled."};
}

// A group session may be one of an IOP cohort's (its weekly attendance report counts it):
// a cohort of the practice that the therapist is a clinician of. Nullopt when it may not.
std::optional<std::string> cohort_of_session(const RequestContext& ctx, Services& s,
                                             const std::string& kind) {
  auto cohort = s.store.find_cohort(ctx.body["cohort_id"].get<std::string>());
  if (kind != "group" || !cohort) return std::nullopt;
  const auto ref = cohort_ref(*cohort, s.store.clinician_team_ids(ctx.actor.user->id));
  if (authorize(ctx.actor, Action::cohort_list, ref) != Decision::allow) return std::nullopt;
  return cohort->id;
}

ApiResult create(const RequestContext& ctx, Services& s) {
  const User& owner = *ctx.actor.user;
  const auto& kind = ctx.body["kind"].get_ref<const std::string&>();
  const KindRule* rule = kind_rule(kind);
  if (!rule) return error_result({400, "invalid_kind", "Choose individual, couples or group."});
  const auto& ids = ctx.body["participant_ids"];
  auto people = practice_participants(ids, owner, s);
  if (!people || people->size() < rule->min || people->size() > rule->max) {
    return error_result(invalid_participants());
  }
  Appointment a;
  a.org_id = owner.org_id;
  a.owner_id = owner.id;
  a.kind = kind;
  a.participant_ids = *people;
  a.starts_at = ctx.body["starts_at"].get<std::int64_t>();
  a.duration_minutes = ctx.body["duration_minutes"].get<std::int64_t>();
  a.created_at = ctx.now;
  if (!time_ok(a.starts_at, a.duration_minutes, ctx.now)) return error_result(invalid_time());
  if (ctx.body.contains("cohort_id")) {
    a.cohort_id = cohort_of_session(ctx, s, kind);
    if (!a.cohort_id) {
      return error_result({400, "invalid_cohort",
                           "Only a group session belongs to a cohort, and only to a cohort of "
                           "one of your care teams."});
    }
  }
  return appointment_result(201, s.store.create_appointment(a), "appointment.created", ctx, s);
}

ApiResult list(const RequestContext& ctx, Services& s) {
  const User& actor = *ctx.actor.user;
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : s.store.appointments_of(actor.id, ctx.now - kListPastSeconds,
                                               ctx.now + kListAheadSeconds, kListLimit)) {
    out.push_back(appointment_json(a, actor, s));
  }
  return {200, {{"appointments", out}}};
}

ApiResult reschedule(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto a = appointment_for(ctx, s, Action::appointment_manage, refusal);
  if (!a) return refusal;
  const auto starts_at = ctx.body["starts_at"].get<std::int64_t>();
  const auto duration = ctx.body["duration_minutes"].get<std::int64_t>();
  if (a->cancelled_at) return error_result(cancelled_error());
  if (!time_ok(starts_at, duration, ctx.now)) return error_result(invalid_time());
  s.store.reschedule_appointment(a->id, starts_at, duration, ctx.now);
  return appointment_result(200, a->id, "appointment.rescheduled", ctx, s);
}

// Cancelling also ends a call already running for it: nobody should stay in a session
// that no longer exists.
ApiResult cancel(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto a = appointment_for(ctx, s, Action::appointment_manage, refusal);
  if (!a) return refusal;
  if (a->cancelled_at) return {200, {{"appointment", appointment_json(*a, *ctx.actor.user, s)}}};
  s.store.cancel_appointment(a->id, ctx.now);
  // Read again after the cancel: a join just before it may have made the room; none can now.
  if (auto current = s.store.find_appointment(a->id); current && current->room_id) {
    end_room_everywhere(s, *current->room_id, ctx.now);
  }
  return appointment_result(200, a->id, "appointment.cancelled", ctx, s);
}

ApiResult join(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto a = appointment_for(ctx, s, Action::appointment_join, refusal);
  if (!a) return refusal;
  if (a->cancelled_at) return error_result(cancelled_error());
  if (ctx.now < a->starts_at - kJoinEarlySeconds) {
    return error_result({409, "too_early",
                         "This session opens 15 minutes before it starts. Please come back then."});
  }
  const ApiError over{409, "appointment_over", "This session is over."};
  if (ctx.now >= a->ends_at()) return error_result(over);
  const std::string room_id = s.store.appointment_room(a->id, ctx.now);
  if (room_id.empty()) return error_result(cancelled_error());  // cancelled meanwhile
  auto room = s.store.find_room(room_id);
  if (!room || room->ended_at) return error_result(over);  // the therapist ended its call
  return {200, {{"room_id", room_id}}};
}

// RFC 5545 UTC date-time (§3.3.5, form #2).
std::string ics_time(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  return buf;
}

// An iCalendar event (RFC 5545) that names nobody and says nothing of what the session is
// for: calendars are synced to phones and shared with family and employers.
ApiResult ics(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto a = appointment_for(ctx, s, Action::appointment_join, refusal);
  if (!a) return refusal;
  std::ostringstream out;
  out << "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Haven//Haven//EN\r\nBEGIN:VEVENT\r\n"
      << "UID:" << a->id << "@haven\r\n"
      << "DTSTAMP:" << ics_time(a->updated_at) << "\r\n"
      << "SEQUENCE:" << (a->updated_at - a->created_at) << "\r\n"
      << "DTSTART:" << ics_time(a->starts_at) << "\r\n"
      << "DTEND:" << ics_time(a->ends_at()) << "\r\n"
      << "SUMMARY:Haven video session\r\n"
      << "DESCRIPTION:Join from your Haven home page.\r\n"
      << "STATUS:" << (a->cancelled_at ? "CANCELLED" : "CONFIRMED") << "\r\n"
      << "END:VEVENT\r\nEND:VCALENDAR\r\n";
  ApiResult result;
  result.download_body = out.str();
  result.download_type = "text/calendar; charset=utf-8";
  result.download_name = "haven-session.ics";
  return result;
}

Schema time_fields(Schema schema) {
  schema.fields.push_back({"starts_at", FieldType::integer, true, 0, 0, 0, INT64_C(1) << 40});
  schema.fields.push_back({"duration_minutes", FieldType::integer, true, 0, 0, 1, 24 * 60});
  return schema;
}

}  // namespace

std::vector<Route> appointment_routes() {
  const Schema create_schema = time_fields(Schema{{
      {"kind", FieldType::string, true, 1, 16},
      {"participant_ids", FieldType::id_list, true, 0, 0, 1, 15},
      {"cohort_id", FieldType::string, false, 1, 64},
  }});
  return {
      {http::verb::post, "/api/appointments", Action::appointment_create, create_schema, create},
      {http::verb::get, "/api/appointments", Action::appointment_list, std::nullopt, list},
      {http::verb::post, "/api/appointments/:id/reschedule", Action::appointment_manage,
       time_fields(Schema{}), reschedule},
      {http::verb::post, "/api/appointments/:id/cancel", Action::appointment_manage, std::nullopt,
       cancel},
      {http::verb::post, "/api/appointments/:id/join", Action::appointment_join, std::nullopt,
       join},
      {http::verb::get, "/api/appointments/:id/ics", Action::appointment_join, std::nullopt, ics},
  };
}

}  // namespace haven
