// Reading the audit trail: admins search it and export it as CSV; a patient sees who
// accessed their record (HIPAA 164.528 accounting of disclosures). Searching is itself
// audited. Entries hold opaque ids only; names are looked up for display here.
#include <sstream>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "store/repositories.h"

namespace haven {
namespace {

constexpr std::int64_t kMaxSearchResults = 5000;

Schema search_schema() {
  return {{
      {"actor_id", FieldType::string, false, 1, 64},
      {"subject_id", FieldType::string, false, 1, 64},
      {"action", FieldType::string, false, 1, 64},
      {"from", FieldType::integer, false, 0, 0, 0, 4102444800},  // up to 2100-01-01
      {"to", FieldType::integer, false, 0, 0, 0, 4102444800},
      {"limit", FieldType::integer, false, 0, 0, 1, kMaxSearchResults},
  }};
}

std::string text_field(const nlohmann::json& body, const char* name) {
  return body.contains(name) ? body[name].get<std::string>() : std::string{};
}

std::int64_t int_field(const nlohmann::json& body, const char* name, std::int64_t fallback) {
  return body.contains(name) ? body[name].get<std::int64_t>() : fallback;
}

// Action names are [a-z0-9._]; anything else cannot match and is refused as a typo.
bool action_filter_ok(const std::string& action) {
  for (char ch : action) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '.' || ch == '_')) {
      return false;
    }
  }
  return true;
}

std::variant<AuditQuery, ApiError> query_of(const RequestContext& ctx) {
  AuditQuery q;
  q.org_id = ctx.actor.user->org_id;
  q.actor_id = text_field(ctx.body, "actor_id");
  q.object_id = text_field(ctx.body, "subject_id");
  q.action_prefix = text_field(ctx.body, "action");
  q.from = int_field(ctx.body, "from", 0);
  q.to = int_field(ctx.body, "to", 0);
  q.limit = int_field(ctx.body, "limit", 1000);
  if (!action_filter_ok(q.action_prefix)) {
    return ApiError{400, "invalid_field", "Field 'action' is not an action name."};
  }
  if (q.to != 0 && q.to <= q.from) {
    return ApiError{400, "invalid_field", "Field 'to' must be after 'from'."};
  }
  return q;
}

nlohmann::json entry_json(const AuditEntry& e) {
  const auto& r = e.record;
  return {{"seq", e.seq},
          {"at", r.at},
          {"actor_id", r.actor_id},
          {"action", r.action},
          {"subject_type", r.object_type},
          {"subject_id", r.object_id},
          {"outcome", r.outcome},
          {"request_id", r.request_id}};
}

ApiResult search(const RequestContext& ctx, Services& s) {
  auto q = query_of(ctx);
  if (auto* error = std::get_if<ApiError>(&q)) return error_result(*error);
  nlohmann::json events = nlohmann::json::array();
  for (auto& e : s.store.search_audit(std::get<AuditQuery>(q))) events.push_back(entry_json(e));
  return {200, {{"events", events}}, {}, "audit.searched", ctx.actor.user->id};
}

// RFC 4180: every field quoted, quotes doubled, CRLF line ends. Fields are ids, action
// names and numbers, but quoting keeps a spreadsheet from reading any as a formula.
std::string csv_field(const std::string& value) {
  std::string out = "\"";
  if (!value.empty() && (value[0] == '=' || value[0] == '+' || value[0] == '-' || value[0] == '@'))
    out += '\'';
  for (char ch : value) {
    if (ch == '"') out += '"';
    out += ch;
  }
  return out + "\"";
}

ApiResult export_csv(const RequestContext& ctx, Services& s) {
  auto q = query_of(ctx);
  if (auto* error = std::get_if<ApiError>(&q)) return error_result(*error);
  std::ostringstream csv;
  csv << "seq,at,actor_id,action,subject_type,subject_id,outcome,request_id\r\n";
  for (auto& e : s.store.search_audit(std::get<AuditQuery>(q))) {
    const auto& r = e.record;
    csv << e.seq << ',' << r.at << ',' << csv_field(r.actor_id) << ',' << csv_field(r.action) << ','
        << csv_field(r.object_type) << ',' << csv_field(r.object_id) << ',' << csv_field(r.outcome)
        << ',' << csv_field(r.request_id) << "\r\n";
  }
  ApiResult result{200, nullptr, {}, "audit.exported", ctx.actor.user->id};
  result.download_body = csv.str();
  result.download_type = "text/csv; charset=utf-8";
  result.download_name = "haven-audit.csv";
  return result;
}

// Who has read the patient's record, and who opened emergency access to it. Their own
// reads and failed attempts are left out: this is what others saw.
ApiResult disclosures(const RequestContext& ctx, Services& s) {
  const User& me = *ctx.actor.user;
  nlohmann::json out = nlohmann::json::array();
  AuditQuery q;
  q.org_id = me.org_id;
  q.object_id = me.id;
  for (auto& e : s.store.search_audit(q)) {
    const auto& r = e.record;
    const bool disclosure = r.action == "patient.record_read" ||
                            r.action == "patient.record_read_break_glass" ||
                            r.action == "break_glass.granted";
    if (!disclosure || r.outcome != "success" || r.actor_id == me.id) continue;
    auto actor = s.store.find_user(r.actor_id);
    out.push_back({{"at", r.at},
                   {"action", r.action},
                   {"by", actor ? actor->display_name : std::string{}},
                   {"by_role", actor ? role_name(actor->role) : ""},
                   {"emergency", r.action != "patient.record_read"}});
  }
  return {200, {{"disclosures", out}}, {}, "patient.disclosures_read", me.id};
}

}  // namespace

std::vector<Route> audit_search_routes() {
  return {
      {http::verb::post, "/api/audit/search", Action::audit_search, search_schema(), search},
      {http::verb::post, "/api/audit/export", Action::audit_search, search_schema(), export_csv},
      {http::verb::get, "/api/me/disclosures", Action::disclosure_read, std::nullopt, disclosures},
  };
}

}  // namespace haven
