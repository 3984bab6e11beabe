#include "api/api_error.h"

#include <nlohmann/json.hpp>

namespace haven {

std::string error_body(const ApiError& error) {
  return nlohmann::json{{"error", {{"code", error.code}, {"message", error.message}}}}.dump();
}

namespace errors {
ApiError invalid_json() {
  return {400, "invalid_json", "The request body is not valid JSON."};
}
ApiError body_too_large() {
  return {400, "body_too_large", "The request body is larger than this endpoint accepts."};
}
ApiError unsupported_media_type() {
  return {400, "unsupported_media_type", "The request body must be application/json."};
}
ApiError unauthenticated() {
  return {401, "unauthenticated", "Please sign in."};
}
ApiError forbidden() {
  return {403, "forbidden", "You are not allowed to do this."};
}
ApiError origin_forbidden() {
  return {403, "origin_forbidden", "Requests from this origin are not accepted."};
}
ApiError not_found() {
  return {404, "not_found", "Not found."};
}
ApiError method_not_allowed() {
  return {405, "method_not_allowed", "This method is not allowed here."};
}
ApiError rate_limited() {
  return {429, "rate_limited", "Too many requests. Try again soon."};
}
ApiError internal() {
  return {500, "internal", "Something went wrong. Quote the request id when reporting it."};
}
}  // namespace errors

}  // namespace haven
