// Sign-in sessions: opaque 256-bit tokens in a cookie, only their SHA-256 stored, with an
// idle and an absolute timeout (OWASP ASVS V7).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "store/repositories.h"

namespace haven {

inline constexpr const char* kSessionCookie = "haven_session";
// Between password and second factor: names a pending MFA challenge, never a session.
inline constexpr const char* kMfaCookie = "haven_mfa";
inline constexpr std::int64_t kMfaChallengeSeconds = 5 * 60;

struct ResolvedSession {
  User user;
  std::string token_hash;
  std::int64_t expires_at = 0;  // the absolute limit (unix seconds)
};

class SessionManager {
 public:
  SessionManager(SessionRepository& sessions, UserRepository& users, std::int64_t idle_seconds,
                 std::int64_t absolute_seconds);

  // A fresh token for user (never reused; a new one on every sign-in). user_agent only
  // names the device in the sessions list (device_label).
  std::string start(const User& user, std::int64_t now, std::string_view user_agent = {});
  // The signed-in user, if token names a live session of an enabled account. Refreshes the
  // idle clock. Expired sessions are deleted.
  std::optional<ResolvedSession> resolve(std::string_view token, std::int64_t now);
  void end_by_hash(const std::string& token_hash);
  // Whether a session is still live (not expired, idle, ended, or of a disabled account),
  // without touching its idle clock: open WebSockets ask this periodically.
  bool is_live(const std::string& token_hash, std::int64_t now);
  // An explicit "I am still here" (GET /api/me): restarts the idle clock now, unthrottled.
  void touch(const std::string& token_hash, std::int64_t now);

  std::int64_t absolute_seconds() const { return absolute_seconds_; }
  std::int64_t idle_seconds() const { return idle_seconds_; }

 private:
  // Past the absolute limit or idle too long: the one rule resolve() and is_live() share.
  bool expired(const SessionRecord& session, std::int64_t now) const;

  SessionRepository& sessions_;
  UserRepository& users_;
  std::int64_t idle_seconds_;
  std::int64_t absolute_seconds_;
};

// "Chrome on Android", "Safari on iPhone", "Firefox on Windows"; "Browser" when unknown.
// Coarse on purpose: enough for a person to recognise a device, nothing to fingerprint.
std::string device_label(std::string_view user_agent);

// Set-Cookie values. Secure + HttpOnly + SameSite=Strict, host-only, whole site;
// max_age 0 clears the cookie.
std::string secure_cookie(std::string_view name, const std::string& value,
                          std::int64_t max_age_seconds);
inline std::string session_cookie(const std::string& token, std::int64_t max_age_seconds) {
  return secure_cookie(kSessionCookie, token, max_age_seconds);
}
inline std::string cleared_session_cookie() {
  return secure_cookie(kSessionCookie, "", 0);
}

// The value of cookie `name` in a Cookie header, if present exactly once.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name);

}  // namespace haven
