// Erasure by crypto-shredding (issue 4, item 6): an administrator with MFA erases a
// patient by destroying their data key, so every sealed copy of their PHI (database,
// WAL, backups) becomes unreadable. Clinical-record retention is respected: inside the
// period (retention.clinical_record_years after the patient's last activity or the
// account's creation, whichever is later) the erasure is refused with the date it ends.
#include <ctime>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "config/config.h"
#include "store/repositories.h"

namespace haven {
namespace {

// The same calendar date `years` later (29 February becomes 1 March), UTC.
std::int64_t add_years(std::int64_t at, std::int64_t years) {
  const auto t = static_cast<std::time_t>(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  tm.tm_year += static_cast<int>(years);
  return static_cast<std::int64_t>(timegm(&tm));
}

std::string date_of(std::int64_t at) {
  const auto t = static_cast<std::time_t>(at);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char out[16];
  std::strftime(out, sizeof out, "%Y-%m-%d", &tm);
  return out;
}

ApiResult erase(const RequestContext& ctx, Services& s) {
  auto patient = s.store.find_user(ctx.path_param);
  // Another practice's patient, or not a patient: "not found" (ids cannot be probed).
  if (!patient || patient->role != Role::patient ||
      authorize(ctx.actor, Action::patient_erase, {"patient", patient->id, patient->org_id}) !=
          Decision::allow) {
    return error_result(errors::not_found());
  }
  const std::int64_t years = s.config.retention_clinical_record_years;
  if (years > 0) {
    const std::int64_t ends = add_years(s.store.last_activity_of(patient->id), years);
    if (ctx.now < ends) {
      ApiResult refused{409,
                        {{"error",
                          {{"code", "retention_period"},
                           {"message", "This record is inside its retention period until " +
                                           date_of(ends) + " and cannot be erased yet."}}},
                         {"retention_ends", date_of(ends)},
                         {"retention_ends_at", ends}}};
      refused.audit_event = "patient.erase_refused_retention";
      refused.audit_subject = patient->id;
      refused.audit_object_type = "patient";
      return refused;
    }
  }
  auto key_id = s.store.erase_patient(patient->id, ctx.now);
  if (!key_id) {
    return error_result({409, "already_erased", "This patient has already been erased."});
  }
  ApiResult done{200,
                 {{"erased", true}, {"patient_id", patient->id}, {"key_id", *key_id}},
                 {},
                 "patient.erased",
                 patient->id};
  done.audit_object_type = "patient";
  // Which key was destroyed, as its own entry: an auditor can match it to the erasure
  // ledger and to backups (the key id is opaque, not PHI).
  done.also_audit.push_back({"data_key.destroyed", "data_key", *key_id});
  done.checkpoint_after_commit = true;
  return done;
}

}  // namespace

std::vector<Route> erasure_routes() {
  return {
      // The reason is required (a deliberate act) but not stored: it would be PHI about a
      // person whose PHI is being destroyed. The audit entry records who, whom and when.
      {http::verb::post, "/api/patients/:id/erase", Action::patient_erase,
       Schema{{{"reason", FieldType::string, true, 1, 500}}}, erase},
  };
}

}  // namespace haven
