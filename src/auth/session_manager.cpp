#include "auth/session_manager.h"

#include <algorithm>

#include "util/secret_bytes.h"

namespace haven {

SessionManager::SessionManager(SessionRepository& sessions, UserRepository& users,
                               std::int64_t idle_seconds, std::int64_t absolute_seconds)
    : sessions_(sessions),
      users_(users),
      idle_seconds_(idle_seconds),
      absolute_seconds_(absolute_seconds) {}

std::string SessionManager::start(const User& user, std::int64_t now, std::string_view user_agent) {
  auto token = random_token();
  sessions_.create_session(
      {token_hash(token), user.id, now, now, now + absolute_seconds_, device_label(user_agent)});
  return token;
}

std::optional<ResolvedSession> SessionManager::resolve(std::string_view token, std::int64_t now) {
  if (token.size() != 43) return std::nullopt;  // not one of ours; skip the lookup
  // Looked up by hash: the index compare runs on a digest, not on the secret itself.
  auto hash = token_hash(token);
  auto session = sessions_.find_session(hash);
  if (!session) return std::nullopt;
  if (expired(*session, now)) {
    sessions_.delete_session(hash);
    return std::nullopt;
  }
  auto user = users_.find_user(session->user_id);
  if (!user || user->disabled) return std::nullopt;
  // Refresh at most once a minute (sooner for short timeouts): a write per request is
  // wasted work, and the clock is then at most that much early, never late.
  if (now - session->last_seen_at >= std::min<std::int64_t>(60, idle_seconds_ / 4)) {
    sessions_.touch_session(hash, now);
  }
  return ResolvedSession{*user, hash, session->expires_at};
}

void SessionManager::end_by_hash(const std::string& token_hash) {
  sessions_.delete_session(token_hash);
}

bool SessionManager::expired(const SessionRecord& session, std::int64_t now) const {
  return now >= session.expires_at || now - session.last_seen_at >= idle_seconds_;
}

bool SessionManager::is_live(const std::string& token_hash, std::int64_t now) {
  auto session = sessions_.find_session(token_hash);
  if (!session || expired(*session, now)) return false;
  auto user = users_.find_user(session->user_id);
  return user && !user->disabled;
}

std::string device_label(std::string_view ua) {
  auto has = [ua](std::string_view token) { return ua.find(token) != std::string_view::npos; };
  // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
  const char* browser = has("Edg/")                       ? "Edge"
                        : has("OPR/")                     ? "Opera"
                        : has("Firefox/") || has("FxiOS") ? "Firefox"
                        : has("Chrome/") || has("CriOS")  ? "Chrome"
                        : has("Safari/")                  ? "Safari"
                                                          : "Browser";
  const char* os = has("Android")    ? "Android"
                   : has("iPhone")   ? "iPhone"
                   : has("iPad")     ? "iPad"
                   : has("Windows")  ? "Windows"
                   : has("CrOS")     ? "ChromeOS"
                   : has("Mac OS X") ? "macOS"
                   : has("Linux")    ? "Linux"
                                     : nullptr;
  std::string label = browser;
  if (os) label.append(" on ").append(os);
  return label;
}

void SessionManager::touch(const std::string& token_hash, std::int64_t now) {
  sessions_.touch_session(token_hash, now);
}

std::string secure_cookie(std::string_view name, const std::string& value,
                          std::int64_t max_age_seconds) {
  return std::string(name) + "=" + value + "; Path=/; Max-Age=" + std::to_string(max_age_seconds) +
         "; Secure; HttpOnly; SameSite=Strict";
}

std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  std::optional<std::string> found;
  std::size_t pos = 0;
  while (pos < header.size()) {
    auto end = header.find(';', pos);
    if (end == std::string_view::npos) end = header.size();
    auto part = header.substr(pos, end - pos);
    while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && part.substr(0, eq) == name) {
      if (found) return std::nullopt;  // ambiguous: refuse rather than guess
      found = std::string(part.substr(eq + 1));
    }
    pos = end + 1;
  }
  return found;
}

}  // namespace haven
