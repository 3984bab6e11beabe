// The API as data: every endpoint with its method, path, action (for authorize()), body
// schema and handler. A handler is a function of (request context, services) -> result,
// independent of sockets, so tests can call it directly.
#pragma once

#include <boost/beast/http.hpp>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "access/authorize.h"
#include "api/json_body.h"

namespace haven {

class Store;
class SessionManager;
class Metrics;
class RateLimiter;
class FieldCipher;
struct Config;
namespace audit {
class AuditLog;
}

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

namespace delivery {
class DeliveryService;
}
namespace sfu::rooms {
class MediaWorker;
}

// What the HTTP side asks of running calls (implemented by the media worker, sfu/rooms/).
class CallControl {
 public:
  virtual ~CallControl() = default;
  // The room ended: everyone in its call leaves (room.left "ended").
  virtual void end_call(const std::string& room_id) = 0;
  // The host took this person out of the room's call (room.remove): until the room ends
  // they may not join it, nor use its group, files or device directory. Any thread.
  virtual bool removed_from(const std::string& room_id, const std::string& user_id) const = 0;
  // A private check-in (docs/SESSIONS.md) started (`running`, with the people moved) or
  // ended: the parent's call is told (its host and the moved people learn the breakout's
  // room, the others only that one is running); on the end, the breakout's own call is
  // told to go back to the parent before end_call() closes it.
  virtual void announce_breakout(const std::string& parent_id, const std::string& breakout_id,
                                 const std::vector<std::string>& moved_user_ids, bool running) = 0;
};

struct Services {
  const Config& config;
  Store& store;
  SessionManager& sessions;
  Metrics& metrics;
  RateLimiter& limiter;
  const FieldCipher& totp_cipher;                 // PHI is sealed by the store itself, not here
  audit::AuditLog* audit_log = nullptr;           // the tamper-evident log's tree and checkpoints
  CallControl* calls = nullptr;                   // null when the SFU is off (tests, CLI)
  sfu::rooms::MediaWorker* media = nullptr;       // the same worker, for call signaling on /ws
  delivery::DeliveryService* delivery = nullptr;  // MLS groups on /ws; null: E2EE off
};

struct RequestContext {
  const HttpRequest& request;
  const nlohmann::json& body;  // validated against the route's schema; {} without a body
  const Actor& actor;
  const std::string& session_token_hash;  // empty when anonymous
  const std::string& mfa_challenge_hash;  // pending second factor, else empty
  const std::string& request_id;
  const std::string& client_ip;
  std::int64_t now;                     // unix seconds
  std::string path_param;               // the ":id" segment of the route path, if it has one
  std::int64_t session_expires_at = 0;  // the session's absolute limit; 0 when anonymous
};

struct ApiResult {
  int status = 200;
  nlohmann::json body;  // null: no body (204)
  std::vector<std::pair<std::string, std::string>> headers;
  std::string audit_event;                 // what happened ("session.signed_in"): log + audit table
  std::string audit_subject;               // the opaque id it happened to (a user id)
  std::string audit_object_type = "user";  // what audit_subject names: "user", "patient"…
  // Further entries the same action writes in the same unit (an erasure also records the
  // data key it destroyed): same actor, time, request and outcome.
  struct AlsoAudited {
    std::string event, object_type, subject;
  };
  std::vector<AlsoAudited> also_audit;
  // Instead of a JSON body: a download (CSV export), with its content type and file name.
  std::string download_body;
  std::string download_type;
  std::string download_name;
  // After the commit, fold the WAL into the database and truncate it (crypto-shredding:
  // no old frame keeps a destroyed data key).
  bool checkpoint_after_commit = false;
};

using Handler = std::function<ApiResult(const RequestContext&, Services&)>;

struct Route {
  http::verb method;
  std::string path;
  Action action;
  std::optional<Schema> body;  // nullopt: the endpoint takes no body
  Handler handler;
  // An opaque upload (application/octet-stream) up to files.max_bytes instead of JSON:
  // the handler reads the request body itself.
  bool raw_body = false;
};

const std::vector<Route>& api_routes();

// Matches a route path with at most one ":name" segment ("/api/patients/:id") against a
// request path; the segment must be 1-64 characters of [A-Za-z0-9_-] (ids, never text).
bool match_route_path(std::string_view pattern, std::string_view path, std::string* param);

// Whether (method, request target) is an upload route (Route::raw_body): the HTTP session
// then allows a body up to files.max_bytes instead of server.max_body_bytes.
bool accepts_upload(http::verb method, std::string_view target);

// Route groups, one file each under api/.
std::vector<Route> health_routes();
std::vector<Route> enrollment_routes();
std::vector<Route> session_routes();
std::vector<Route> mfa_routes();
std::vector<Route> invitation_routes();
std::vector<Route> user_admin_routes();
std::vector<Route> passkey_routes();
std::vector<Route> care_team_routes();
std::vector<Route> cohort_routes();
std::vector<Route> room_routes();
std::vector<Route> safety_routes();
std::vector<Route> appointment_routes();
std::vector<Route> guest_routes();
std::vector<Route> device_routes();
std::vector<Route> file_routes();
std::vector<Route> patient_routes();
std::vector<Route> account_routes();
std::vector<Route> password_reset_routes();
std::vector<Route> audit_routes();
std::vector<Route> audit_search_routes();
std::vector<Route> erasure_routes();

// What handlers share (errors, re-authentication, sessions): api/handler_support.h.

}  // namespace haven
