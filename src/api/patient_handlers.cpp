// Patients as clinicians see them: the caseload of one's care teams, one patient's
// record, and break-glass emergency access (HIPAA 164.312(a)(2)(ii)). Every read of a
// record is audited; break-glass reads are flagged.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "api/user_view.h"
#include "config/config.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

constexpr std::int64_t kBreakGlassSeconds = 60 * 60;

nlohmann::json patient_json(const User& p) {
  return {{"id", p.id}, {"display_name", p.display_name}, {"email", p.email}};
}

// The patient with the actor's relationship to them, or nullopt (unknown or another
// practice's: both look "not found").
std::optional<std::pair<User, ObjectRef>> patient_object(const RequestContext& ctx, Services& s,
                                                         const std::string& id) {
  auto patient = s.store.find_user(id);
  if (!patient || patient->role != Role::patient || patient->org_id != ctx.actor.user->org_id) {
    return std::nullopt;
  }
  ObjectRef ref{"patient", patient->id, patient->org_id};
  ref.in_actors_care_team = s.store.shares_care_team(ctx.actor.user->id, patient->id);
  ref.break_glass_active = s.store.break_glass_active(ctx.actor.user->id, patient->id, ctx.now);
  return std::pair{*patient, ref};
}

ApiResult list(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& p : s.store.patients_of(ctx.actor.user->id)) out.push_back(patient_json(p));
  return {200, {{"patients", out}}, {}, "patient.list_read", ctx.actor.user->id};
}

// Audit records of these name the patient as their subject (accounting of disclosures).
ApiResult about_patient(ApiResult result) {
  result.audit_object_type = "patient";
  return result;
}

ApiResult read(const RequestContext& ctx, Services& s) {
  auto found = patient_object(ctx, s, ctx.path_param);
  if (!found) return error_result(errors::not_found());
  auto& [patient, ref] = *found;
  auto decision = authorize(ctx.actor, Action::patient_record_read, ref);
  if (decision != Decision::allow) {
    return about_patient(
        audited_error(decision_error(decision), "access.denied.patient_record_read", patient.id));
  }
  const bool via_break_glass = !ref.in_actors_care_team && ctx.actor.user->role != Role::patient;
  return about_patient({200,
                        {{"patient", patient_json(patient)}, {"break_glass", via_break_glass}},
                        {},
                        via_break_glass ? "patient.record_read_break_glass" : "patient.record_read",
                        patient.id});
}

// The patient named by id, or by exact email address: in an emergency the clinician may
// know only how the patient signs in. Either way another practice's patient is not found.
std::string requested_patient_id(const RequestContext& ctx, Services& s) {
  if (ctx.body.contains("patient_id")) return ctx.body["patient_id"].get<std::string>();
  auto email = normalize_email(ctx.body["patient_email"].get<std::string>());
  auto user = email ? s.store.find_user_by_email(*email) : std::nullopt;
  return user ? user->id : std::string{};
}

ApiResult break_glass(const RequestContext& ctx, Services& s) {
  if (ctx.body.contains("patient_id") == ctx.body.contains("patient_email")) {
    return error_result(
        {400, "invalid_field", "Give exactly one of 'patient_id' and 'patient_email'."});
  }
  auto found = patient_object(ctx, s, requested_patient_id(ctx, s));
  if (!found) return error_result(errors::not_found());
  const User& actor = *ctx.actor.user;
  BreakGlassGrant grant{random_id(),
                        actor.org_id,
                        actor.id,
                        found->first.id,
                        "",
                        ctx.now,
                        ctx.now + kBreakGlassSeconds};
  grant.reason = ctx.body["reason"].get<std::string>();  // the store seals it
  s.store.create_break_glass(grant);
  return about_patient(
      {201,
       {{"break_glass",
         {{"id", grant.id}, {"patient_id", grant.patient_id}, {"expires_at", grant.expires_at}}}},
       {},
       "break_glass.granted",
       found->first.id});
}

ApiResult review(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (auto& g : s.store.list_break_glass(ctx.actor.user->org_id)) {
    out.push_back({{"id", g.id},
                   {"user_id", g.user_id},
                   {"patient_id", g.patient_id},
                   {"reason", g.reason},
                   {"created_at", g.created_at},
                   {"expires_at", g.expires_at}});
  }
  return {200, {{"break_glass", out}}, {}, "break_glass.reviewed", ctx.actor.user->id};
}

}  // namespace

std::vector<Route> patient_routes() {
  return {
      {http::verb::get, "/api/patients", Action::patient_list, std::nullopt, list},
      {http::verb::get, "/api/patients/:id", Action::patient_record_read, std::nullopt, read},
      {http::verb::post, "/api/break-glass", Action::break_glass_request,
       Schema{{{"patient_id", FieldType::string, false, 1, 64},
               {"patient_email", FieldType::string, false, 3, 254},
               {"reason", FieldType::string, true, 20, 500}}},
       break_glass},
      {http::verb::get, "/api/break-glass", Action::break_glass_review, std::nullopt, review},
  };
}

}  // namespace haven
