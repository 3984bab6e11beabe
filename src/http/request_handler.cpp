#include "http/request_handler.h"

#include <chrono>

#include "api/handler_support.h"
#include "auth/session_manager.h"
#include "config/config.h"
#include "http/static_files.h"
#include "log/logger.h"
#include "store/repositories.h"
#include "store/unit_of_work.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

bool starts_with_ci(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  }
  return true;
}

HttpResponse json_response(int status, const nlohmann::json& body, unsigned version) {
  HttpResponse res{static_cast<http::status>(status), version};
  if (!body.is_null()) {
    res.set(http::field::content_type, "application/json");
    res.body() = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  res.prepare_payload();
  return res;
}

// A file the browser saves (audit CSV): attachment, never rendered as a page.
HttpResponse download_response(const ApiResult& result, unsigned version) {
  HttpResponse res{static_cast<http::status>(result.status), version};
  res.set(http::field::content_type, result.download_type);
  res.set(http::field::content_disposition,
          "attachment; filename=\"" + result.download_name + "\"");
  res.body() = result.download_body;
  res.prepare_payload();
  return res;
}

}  // namespace

void apply_security_headers(HttpResponse& res, bool api) {
  // No inline script or style anywhere: the client is built to external files only.
  res.set("Content-Security-Policy",
          "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
          "media-src 'self' blob:; connect-src 'self'; worker-src 'self' blob:; "
          "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
          "frame-ancestors 'none'");
  res.set(http::field::strict_transport_security, "max-age=63072000; includeSubDomains");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("Referrer-Policy", "no-referrer");
  res.set("X-Frame-Options", "DENY");
  res.set("Cross-Origin-Opener-Policy", "same-origin");
  res.set("Cross-Origin-Resource-Policy", "same-origin");
  res.set("Permissions-Policy",
          "camera=(self), microphone=(self), display-capture=(self), geolocation=(), "
          "payment=(), usb=(), interest-cohort=()");
  if (api) res.set(http::field::cache_control, "no-store");
}

HttpResponse error_response(const ApiError& error, unsigned version, bool keep_alive) {
  auto res = json_response(error.status, nlohmann::json::parse(error_body(error)), version);
  apply_security_headers(res, true);
  res.keep_alive(keep_alive);
  return res;
}

RequestHandler::RequestHandler(Services& services, const StaticFiles& static_files)
    : services_(services), static_files_(static_files) {}

bool RequestHandler::origin_allowed(std::string_view origin) const {
  if (origin == services_.config.public_origin()) return true;
  for (auto& allowed : services_.config.allowed_origins) {
    if (origin == allowed) return true;
  }
  return false;
}

bool RequestHandler::session_live(const std::string& token_hash) const {
  return services_.sessions.is_live(token_hash, static_cast<std::int64_t>(std::time(nullptr)));
}

Actor RequestHandler::actor_for(const HttpRequest& request, std::string* token_hash_out,
                                std::string* mfa_hash_out,
                                std::int64_t* session_expires_out) const {
  Actor actor;
  auto cookie_header = request[http::field::cookie];
  if (cookie_header.empty()) return actor;
  auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (auto token = cookie_value(cookie_header, kSessionCookie)) {
    if (auto resolved = services_.sessions.resolve(*token, now)) {
      actor.user = resolved->user;
      if (token_hash_out) *token_hash_out = resolved->token_hash;
      if (session_expires_out) *session_expires_out = resolved->expires_at;
    }
  }
  if (auto pending = cookie_value(cookie_header, kMfaCookie); pending && pending->size() == 43) {
    if (auto user_id = services_.store.find_mfa_challenge(token_hash(*pending), now)) {
      actor.pending_mfa_user_id = *user_id;
      if (mfa_hash_out) *mfa_hash_out = token_hash(*pending);
    }
  }
  return actor;
}

namespace {
const char* audit_outcome(const ApiResult& result) {
  if (result.audit_event.rfind("access.denied", 0) == 0) return "denied";
  return result.status < 400 ? "success" : "failure";
}
}  // namespace

void RequestHandler::record_audit(const ApiResult& result, const Actor& actor,
                                  const std::string& request_id, const std::string& client_ip,
                                  std::int64_t now) const {
  if (result.audit_event.empty()) return;
  // Between password and second factor the actor is known by the pending challenge only.
  std::optional<User> pending;
  if (!actor.user && !actor.pending_mfa_user_id.empty()) {
    pending = services_.store.find_user(actor.pending_mfa_user_id);
  }
  const User* who = actor.user ? &*actor.user : pending ? &*pending : nullptr;
  // Only opaque ids and names: the event, the actor's id and role, the subject's type and
  // id, the request id and the client address; never content.
  const std::string actor_id = actor.user ? actor.user->id : actor.pending_mfa_user_id;
  const std::string role = who ? role_name(who->role) : "";
  services_.store.append_audit({now, actor_id, result.audit_event, result.audit_object_type,
                                result.audit_subject, audit_outcome(result), request_id, role,
                                client_ip});
  for (const auto& also : result.also_audit) {
    services_.store.append_audit({now, actor_id, also.event, also.object_type, also.subject,
                                  audit_outcome(result), request_id, role, client_ip});
  }
}

// After the commit: the log never claims an action the database does not hold.
void RequestHandler::log_audit(const ApiResult& result, const Actor& actor,
                               const std::string& request_id) const {
  if (result.audit_event.empty()) return;
  log::info(result.audit_event, {{"request_id", request_id},
                                 {"actor", actor.user ? actor.user->id : ""},
                                 {"subject", result.audit_subject},
                                 {"outcome", audit_outcome(result)}});
  for (const auto& also : result.also_audit) {
    log::info(also.event, {{"request_id", request_id},
                           {"actor", actor.user ? actor.user->id : ""},
                           {"subject", also.subject},
                           {"outcome", audit_outcome(result)}});
  }
}

HandledRequest RequestHandler::handle(const HttpRequest& request, const std::string& request_id,
                                      const std::string& client_ip) const {
  std::string_view target = request.target();
  auto query = target.find('?');
  std::string_view path = target.substr(0, query);

  const Route* match = nullptr;
  bool method_ok = false;
  bool is_api_path = path.rfind("/api/", 0) == 0 || path == "/healthz" || path == "/readyz";
  std::string path_param;
  for (auto& route : api_routes()) {
    if (!match_route_path(route.path, path, &path_param)) continue;
    match = match ? match : &route;
    if (route.method == request.method()) {
      match = &route;
      method_ok = true;
      break;
    }
  }
  HandledRequest out;
  if (is_api_path || path == "/ws") {
    out = handle_api(request, match, method_ok, request_id, client_ip, path_param);
  } else {
    out.route = "static";
    out.response = static_files_.serve(request);
    apply_security_headers(out.response, false);
  }
  out.response.set("X-Request-Id", request_id);
  out.response.keep_alive(request.keep_alive());
  return out;
}

HandledRequest RequestHandler::handle_api(const HttpRequest& request, const Route* route,
                                          bool method_ok, const std::string& request_id,
                                          const std::string& client_ip,
                                          const std::string& path_param) const {
  const unsigned version = request.version();
  if (!route) return {error_response(errors::not_found(), version, true), "unmatched"};
  if (!method_ok) {
    auto res = error_response(errors::method_not_allowed(), version, true);
    return {std::move(res), route->path};
  }
  const bool state_changing =
      request.method() != http::verb::get && request.method() != http::verb::head;
  // CSRF defence in depth beside SameSite=Strict: a browser always sends Origin on a
  // state-changing fetch, and a foreign one is refused before anything else happens.
  auto origin = request[http::field::origin];
  if (state_changing && !origin.empty() && !origin_allowed(origin)) {
    return {error_response(errors::origin_forbidden(), version, true), route->path};
  }

  std::string token_hash, mfa_hash;
  std::int64_t session_expires_at = 0;
  Actor actor = actor_for(request, &token_hash, &mfa_hash, &session_expires_at);
  const auto now = static_cast<std::int64_t>(std::time(nullptr));
  if (auto decision = authorize(actor, route->action); decision != Decision::allow) {
    if (decision != Decision::deny_unauthenticated) {
      ApiResult denied = error_result(decision_error(decision));
      denied.audit_event = std::string("access.denied.") + action_name(route->action);
      record_audit(denied, actor, request_id, client_ip, now);
      log_audit(denied, actor, request_id);
    }
    return {error_response(decision_error(decision), version, true), route->path};
  }

  nlohmann::json body = nlohmann::json::object();
  if (route->raw_body) {
    if (!starts_with_ci(request[http::field::content_type], "application/octet-stream")) {
      return {error_response({400, "unsupported_media_type",
                              "The upload must be application/octet-stream."},
                             version, true),
              route->path};
    }
    if (request.body().empty()) {
      return {error_response({400, "empty_body", "The upload is empty."}, version, true),
              route->path};
    }
  } else if (route->body) {
    if (!starts_with_ci(request[http::field::content_type], "application/json")) {
      return {error_response(errors::unsupported_media_type(), version, true), route->path};
    }
    auto parsed = parse_body(request.body(), *route->body,
                             static_cast<std::size_t>(services_.config.max_body_bytes));
    if (auto* err = std::get_if<ApiError>(&parsed)) {
      return {error_response(*err, version, true), route->path};
    }
    body = std::move(std::get<nlohmann::json>(parsed));
  } else if (!request.body().empty()) {
    return {error_response({400, "unexpected_body", "This endpoint takes no request body."},
                           version, true),
            route->path};
  }

  RequestContext ctx{request,    body,      actor, token_hash, mfa_hash,
                     request_id, client_ip, now,   path_param, session_expires_at};
  ApiResult result;
  {
    UnitOfWork unit(services_.store);
    result = route->handler(ctx, services_);
    record_audit(result, actor, request_id, client_ip, now);
    unit.commit();
  }
  if (result.checkpoint_after_commit) services_.store.checkpoint();
  log_audit(result, actor, request_id);
  auto res = result.download_type.empty() ? json_response(result.status, result.body, version)
                                          : download_response(result, version);
  for (auto& [name, value] : result.headers) res.insert(name, value);
  // Every limit counts per minute (auth/rate_limiter.h): tell clients when to come back
  // instead of letting them retry at once (RFC 9110 §10.2.3).
  if (result.status == 429) res.set(http::field::retry_after, "60");
  apply_security_headers(res, true);
  return {std::move(res), route->path};
}

}  // namespace haven
