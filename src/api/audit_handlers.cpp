// The tamper-evident audit log for admins (with MFA): the latest signed checkpoint, the
// inclusion proof of one entry, and the consistency proof between two tree sizes
// (RFC 9162 §2.1.3, §2.1.4). Every answer can be checked without trusting the server:
// see docs/API.md "Audit log" and tests/integration/audit-verify.test.mjs.
#include <charconv>

#include "api/handler_support.h"
#include "api/route_table.h"
#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "audit/proof_json.h"

namespace haven {
namespace {

const ApiError kNoCheckpoint{404, "no_checkpoint", "The audit log has no checkpoint yet."};
const ApiError kLogUnavailable{503, "audit_unavailable",
                               "The audit log cannot sign or prove right now; run haven audit "
                               "verify on the server."};

std::optional<nlohmann::json> checkpoint_of(audit::AuditLog& log, std::uint64_t size) {
  auto found = log.checkpoint_of_size(size);
  if (!found) return std::nullopt;
  return audit::checkpoint_json(*found);
}

// The newest checkpoint, signing one first when it does not yet cover `needed` entries.
std::optional<audit::StoredCheckpoint> checkpoint_covering(audit::AuditLog& log,
                                                           std::uint64_t needed, std::int64_t now) {
  auto latest = log.latest_checkpoint();
  if (latest && static_cast<std::uint64_t>(latest->tree_size) >= needed) return latest;
  return log.checkpoint_now(now);
}

ApiResult checkpoint(const RequestContext& ctx, Services& s) {
  if (!s.audit_log || !s.audit_log->healthy()) return error_result(kLogUnavailable);
  auto latest = checkpoint_covering(*s.audit_log, 1, ctx.now);
  if (!latest) return error_result(kNoCheckpoint);
  nlohmann::json body{
      {"checkpoint", audit::checkpoint_json(*latest)},
      {"verifier_key", audit::verifier_key(s.audit_log->origin(), s.audit_log->public_key())}};
  return {200, body, {}, "audit.checkpoint_read", std::to_string(latest->tree_size), "audit_log"};
}

ApiResult proof(const RequestContext& ctx, Services& s) {
  if (!s.audit_log || !s.audit_log->healthy()) return error_result(kLogUnavailable);
  std::int64_t seq = 0;
  const auto& id = ctx.path_param;
  auto [end, ec] = std::from_chars(id.data(), id.data() + id.size(), seq);
  if (ec != std::errc{} || end != id.data() + id.size() || seq < 1 ||
      static_cast<std::uint64_t>(seq) > s.audit_log->sync()) {
    return error_result(errors::not_found());
  }
  auto cp = checkpoint_covering(*s.audit_log, static_cast<std::uint64_t>(seq), ctx.now);
  if (!cp) return error_result(kLogUnavailable);
  auto p = s.audit_log->prove_inclusion(seq, static_cast<std::uint64_t>(cp->tree_size));
  if (!p) return error_result(kLogUnavailable);
  return {200, audit::inclusion_json(*p, audit::checkpoint_json(*cp)),
          {},  "audit.proof_read",
          id,  "audit_entry"};
}

ApiResult consistency(const RequestContext& ctx, Services& s) {
  if (!s.audit_log || !s.audit_log->healthy()) return error_result(kLogUnavailable);
  const auto from = ctx.body["from"].get<std::int64_t>();
  const auto to = ctx.body["to"].get<std::int64_t>();
  if (from > to) {
    return error_result({400, "invalid_field", "Field 'from' must not be larger than 'to'."});
  }
  if (static_cast<std::uint64_t>(to) > s.audit_log->sync()) {
    return error_result({400, "invalid_field", "Field 'to' is larger than the audit log."});
  }
  auto p = s.audit_log->prove_consistency(static_cast<std::uint64_t>(from),
                                          static_cast<std::uint64_t>(to));
  if (!p) return error_result(kLogUnavailable);
  auto& log = *s.audit_log;
  return {200,
          audit::consistency_json(*p, checkpoint_of(log, p->from), checkpoint_of(log, p->to)),
          {},
          "audit.consistency_read",
          std::to_string(from) + "-" + std::to_string(to),
          "audit_log"};
}

}  // namespace

std::vector<Route> audit_routes() {
  constexpr std::int64_t kMaxSize = std::numeric_limits<std::int64_t>::max();
  return {
      {http::verb::get, "/api/audit/checkpoint", Action::audit_read, std::nullopt, checkpoint},
      {http::verb::get, "/api/audit/entries/:id/proof", Action::audit_read, std::nullopt, proof},
      {http::verb::post, "/api/audit/consistency", Action::audit_read,
       Schema{{{"from", FieldType::integer, true, 0, 0, 1, kMaxSize},
               {"to", FieldType::integer, true, 0, 0, 1, kMaxSize}}},
       consistency},
  };
}

}  // namespace haven
