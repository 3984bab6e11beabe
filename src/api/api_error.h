// The stable error answer: {"error":{"code","message"}}. Codes are listed in docs/API.md.
#pragma once

#include <string>

namespace haven {

struct ApiError {
  int status = 400;
  std::string code;
  std::string message;  // for people; never echoes input, PHI or secrets
};

std::string error_body(const ApiError& error);

namespace errors {
ApiError invalid_json();
ApiError body_too_large();
ApiError unsupported_media_type();
ApiError unauthenticated();
ApiError forbidden();
ApiError origin_forbidden();
ApiError not_found();
ApiError method_not_allowed();
ApiError rate_limited();
ApiError internal();
}  // namespace errors

}  // namespace haven
