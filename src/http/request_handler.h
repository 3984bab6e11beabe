// The socket-independent core of HTTP: request in, response out. Finds the route,
// resolves the actor from the session cookie, checks Origin, validates the body, calls
// authorize(), runs the handler, and puts the security headers on every answer.
#pragma once

#include <string>

#include "api/route_table.h"

namespace haven {

class StaticFiles;

struct HandledRequest {
  HttpResponse response;
  std::string route;  // route template for metrics and logs ("/api/session", "static")
};

class RequestHandler {
 public:
  RequestHandler(Services& services, const StaticFiles& static_files);

  HandledRequest handle(const HttpRequest& request, const std::string& request_id,
                        const std::string& client_ip = {}) const;

  // For the WebSocket upgrade: same Origin and session rules as the API.
  bool origin_allowed(std::string_view origin) const;
  // The outputs are set only when there is a live session (token hash, absolute limit)
  // or a pending second factor (its challenge hash).
  Actor actor_for(const HttpRequest& request, std::string* token_hash_out,
                  std::string* mfa_hash_out = nullptr,
                  std::int64_t* session_expires_out = nullptr) const;
  // Whether the session behind an open WebSocket still stands (see SessionManager::is_live).
  bool session_live(const std::string& token_hash) const;
  Services& services() const { return services_; }

 private:
  HandledRequest handle_api(const HttpRequest& request, const Route* route, bool method_ok,
                            const std::string& request_id, const std::string& client_ip,
                            const std::string& path_param) const;
  // Appends the audit record inside the request's unit of work (same transaction).
  void record_audit(const ApiResult& result, const Actor& actor, const std::string& request_id,
                    const std::string& client_ip, std::int64_t now) const;
  void log_audit(const ApiResult& result, const Actor& actor, const std::string& request_id) const;

  Services& services_;
  const StaticFiles& static_files_;
};

// Headers every response carries (docs/SECURITY.md lists them); api adds no-store.
void apply_security_headers(HttpResponse& response, bool api);

HttpResponse error_response(const ApiError& error, unsigned version, bool keep_alive);

}  // namespace haven
