#include "config/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <toml++/toml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <set>

extern char** environ;

namespace haven {
namespace {

enum class Kind { string, integer, string_list };

struct Setting {
  const char* key;  // "section.name"
  Kind kind;
  std::int64_t min = 0, max = 0;  // integers only
  // Validates and stores a textual value; returns an error message or empty.
  std::function<std::string(Config&, const std::string&)> set;
  std::function<std::string(const Config&)> get;
};

std::string set_int(std::int64_t& field, const std::string& text, std::int64_t lo,
                    std::int64_t hi) {
  std::int64_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size()) return "expects an integer";
  if (v < lo || v > hi) {
    return "expects an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  }
  field = v;
  return {};
}

std::string check_listen(const std::string& text, bool allow_empty) {
  if (allow_empty && text.empty()) return {};
  if (!parse_host_port(text)) return "expects HOST:PORT, for example 127.0.0.1:8443";
  return {};
}

std::string check_url(const std::string& text) {
  if (text.empty()) return {};
  if (text.rfind("https://", 0) != 0) return "expects an https:// URL";
  if (text.find_first_of(" \t\r\n\"'<>") != std::string::npos) return "is not a valid URL";
  return {};
}

#define HAVEN_STRING(KEY, FIELD, CHECK)         \
  Setting {                                     \
    KEY, Kind::string, 0, 0,                    \
        [](Config& c, const std::string& v) {   \
          auto err = CHECK(v);                  \
          if (err.empty()) c.FIELD = v;         \
          return err;                           \
        },                                      \
        [](const Config& c) { return c.FIELD; } \
  }
#define HAVEN_INT(KEY, FIELD, LO, HI)                                                \
  Setting {                                                                          \
    KEY, Kind::integer, LO, HI,                                                      \
        [](Config& c, const std::string& v) { return set_int(c.FIELD, v, LO, HI); }, \
        [](const Config& c) { return std::to_string(c.FIELD); }                      \
  }

std::string any_string(const std::string&) {
  return {};
}
std::string listen_required(const std::string& v) {
  return check_listen(v, false);
}
std::string listen_optional(const std::string& v) {
  return check_listen(v, true);
}
std::string check_log_level(const std::string& v) {
  static const std::set<std::string> levels{"debug", "info", "warn", "error"};
  return levels.count(v) ? std::string{} : "expects one of debug, info, warn, error";
}
std::string not_empty(const std::string& v) {
  return v.empty() ? "must not be empty" : "";
}
bool is_ip_literal(const std::string& v) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, v.c_str(), buf) == 1 || inet_pton(AF_INET6, v.c_str(), buf) == 1;
}
// 0.0.0.0, ::, 0:0::0 ...: a bind-anywhere address, never one a peer can send to.
bool is_unspecified_ip(const std::string& v) {
  unsigned char buf[sizeof(in6_addr)] = {};
  if (inet_pton(AF_INET, v.c_str(), buf) == 1)
    return std::all_of(buf, buf + 4, [](auto b) { return b == 0; });
  if (inet_pton(AF_INET6, v.c_str(), buf) == 1) {
    return std::all_of(std::begin(buf), std::end(buf), [](auto b) { return b == 0; });
  }
  return false;
}
std::string ip_literal(const std::string& v) {
  return is_ip_literal(v) ? "" : "expects an IP address, for example 0.0.0.0 or 192.0.2.10";
}
std::string ip_literal_optional(const std::string& v) {
  return v.empty() ? "" : ip_literal(v);
}

const std::vector<Setting>& settings() {
  static const std::vector<Setting> table = {
      HAVEN_STRING("server.listen", listen, listen_required),
      HAVEN_STRING("server.public_url", public_url, check_url),
      HAVEN_STRING("server.web_root", web_root, any_string),
      Setting{"server.allowed_origins", Kind::string_list, 0, 0,
              [](Config& c, const std::string& v) {
                std::vector<std::string> out;
                std::size_t start = 0;
                while (start <= v.size() && !v.empty()) {
                  auto comma = v.find(',', start);
                  auto item = v.substr(start, comma - start);
                  if (auto err = check_url(item); !err.empty() || item.empty()) {
                    return std::string("expects https:// origins");
                  }
                  out.push_back(item);
                  if (comma == std::string::npos) break;
                  start = comma + 1;
                }
                c.allowed_origins = out;
                return std::string{};
              },
              [](const Config& c) {
                std::string out;
                for (auto& o : c.allowed_origins) out += (out.empty() ? "" : ",") + o;
                return out;
              }},
      HAVEN_INT("server.max_body_bytes", max_body_bytes, 1024, 64 * 1024 * 1024),
      HAVEN_INT("server.threads", threads, 1, 64),
      HAVEN_INT("server.shutdown_grace_seconds", shutdown_grace_seconds, 0, 300),
      HAVEN_STRING("tls.cert_file", tls_cert_file, any_string),
      HAVEN_STRING("tls.key_file", tls_key_file, any_string),
      HAVEN_STRING("metrics.listen", metrics_listen, listen_optional),
      HAVEN_STRING("storage.data_dir", data_dir, not_empty),
      HAVEN_INT("storage.busy_timeout_ms", busy_timeout_ms, 0, 600000),
      HAVEN_INT("websocket.max_message_bytes", ws_max_message_bytes, 256, 16 * 1024 * 1024),
      HAVEN_INT("files.max_bytes", max_file_bytes, 1024, 256 * 1024 * 1024),
      HAVEN_INT("files.max_per_room_bytes", max_room_file_bytes, 1024, 4LL * 1024 * 1024 * 1024),
      HAVEN_INT("websocket.max_messages_per_second", ws_max_messages_per_second, 1, 10000),
      HAVEN_INT("websocket.ping_interval_seconds", ws_ping_interval_seconds, 1, 3600),
      HAVEN_INT("session.idle_minutes", session_idle_minutes, 1, 24 * 60),
      HAVEN_INT("session.idle_seconds", session_idle_seconds, 0, 24 * 3600),
      HAVEN_INT("session.absolute_hours", session_absolute_hours, 1, 24 * 30),
      HAVEN_INT("enrollment.ttl_hours", enrollment_ttl_hours, 1, 24 * 30),
      HAVEN_INT("invitations.ttl_hours", invitation_ttl_hours, 1, 24 * 30),
      HAVEN_INT("limits.signin_per_ip_per_minute", signin_per_ip_per_minute, 1, 100000),
      HAVEN_INT("limits.signin_per_account_per_minute", signin_per_account_per_minute, 1, 100000),
      HAVEN_INT("limits.lockout_threshold", lockout_threshold, 1, 1000),
      HAVEN_INT("limits.invitation_redeem_per_ip_per_minute", invitation_redeem_per_ip_per_minute,
                1, 100000),
      HAVEN_INT("audit.checkpoint_every_entries", audit_checkpoint_every_entries, 1, 1000000),
      HAVEN_INT("audit.checkpoint_every_minutes", audit_checkpoint_every_minutes, 1, 24 * 60),
      HAVEN_INT("audit.retention_years", audit_retention_years, 0, 100),
      HAVEN_STRING("backup.directory", backup_directory, any_string),
      HAVEN_INT("backup.every_hours", backup_every_hours, 0, 24 * 365),
      HAVEN_INT("backup.every_seconds", backup_every_seconds, 0, 24 * 3600),
      HAVEN_INT("backup.keep", backup_keep, 1, 10000),
      HAVEN_INT("retention.clinical_record_years", retention_clinical_record_years, 0, 100),
      HAVEN_STRING("sfu.listen_address", sfu_listen_address, ip_literal),
      HAVEN_INT("sfu.port", sfu_port, 0, 65535),
      HAVEN_STRING("sfu.announced_address", sfu_announced_address, ip_literal_optional),
      HAVEN_INT("sfu.announced_port", sfu_announced_port, 0, 65535),
      HAVEN_INT("sfu.consent_timeout_seconds", sfu_consent_timeout_seconds, 5, 120),
      HAVEN_INT("sfu.max_packets_per_second_per_peer", sfu_max_packets_per_second_per_peer, 0,
                1000000),
      HAVEN_STRING("sfu.test_payload_sample_file", sfu_test_payload_sample_file, any_string),
      HAVEN_STRING("log.level", log_level, check_log_level),
      HAVEN_STRING("log.file", log_file, any_string),
  };
  return table;
}

const Setting* find_setting(const std::string& key) {
  for (auto& s : settings()) {
    if (key == s.key) return &s;
  }
  return nullptr;
}

// "server.max_body_bytes" -> "HAVEN_SERVER_MAX_BODY_BYTES"
std::string env_name(const std::string& key) {
  std::string out = "HAVEN_";
  for (char ch : key) out.push_back(ch == '.' ? '_' : static_cast<char>(std::toupper(ch)));
  return out;
}

std::optional<ConfigError> apply(Config& cfg, const std::string& key, const std::string& value) {
  const Setting* s = find_setting(key);
  if (!s) return ConfigError{key, "is not a known setting"};
  if (auto err = s->set(cfg, value); !err.empty()) return ConfigError{key, err};
  return std::nullopt;
}

std::optional<ConfigError> apply_toml_value(Config& cfg, const std::string& key,
                                            const toml::node& node) {
  const Setting* s = find_setting(key);
  if (!s) return ConfigError{key, "is not a known setting"};
  switch (s->kind) {
    case Kind::string:
      if (auto v = node.value_exact<std::string>()) return apply(cfg, key, *v);
      return ConfigError{key, "expects a string"};
    case Kind::integer:
      if (auto v = node.value_exact<std::int64_t>()) return apply(cfg, key, std::to_string(*v));
      return ConfigError{key, "expects an integer"};
    case Kind::string_list: {
      const auto* arr = node.as_array();
      if (!arr) return ConfigError{key, "expects an array of strings"};
      std::string joined;
      for (auto& item : *arr) {
        auto v = item.value_exact<std::string>();
        if (!v || v->find(',') != std::string::npos) {
          return ConfigError{key, "expects an array of strings"};
        }
        joined += (joined.empty() ? "" : ",") + *v;
      }
      return apply(cfg, key, joined);
    }
  }
  return std::nullopt;
}

std::optional<ConfigError> load_file(Config& cfg, const std::string& file) {
  toml::table root;
  try {
    root = toml::parse_file(file);
  } catch (const toml::parse_error& e) {
    // The message names line and column; it never echoes values (they could be secrets).
    auto line = std::to_string(e.source().begin.line);
    return ConfigError{file, "is not valid TOML (line " + line + ")"};
  } catch (const std::exception&) {
    return ConfigError{file, "cannot be read"};
  }
  for (auto&& [section, node] : root) {
    const auto* table = node.as_table();
    if (!table) return ConfigError{std::string(section.str()), "expects a [section]"};
    for (auto&& [name, value] : *table) {
      auto key = std::string(section.str()) + "." + std::string(name.str());
      if (auto err = apply_toml_value(cfg, key, value)) return err;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<HostPort> parse_host_port(const std::string& text) {
  HostPort out;
  std::string port_text;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find("]:");
    if (close == std::string::npos) return std::nullopt;
    out.host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return std::nullopt;
    out.host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  if (out.host.empty() || port_text.empty() || port_text.size() > 5) return std::nullopt;
  for (char ch : out.host) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '.' && ch != ':' && ch != '-') {
      return std::nullopt;
    }
  }
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return std::nullopt;
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

HostPort Config::listen_address() const {
  return parse_host_port(listen).value_or(HostPort{});
}

std::string Config::effective_public_url() const {
  if (!public_url.empty()) {
    return public_url.back() == '/' ? public_url.substr(0, public_url.size() - 1) : public_url;
  }
  return "https://localhost:" + std::to_string(listen_address().port);
}

std::string Config::public_origin() const {
  auto url = effective_public_url();
  auto path = url.find('/', std::string("https://").size());
  return path == std::string::npos ? url : url.substr(0, path);
}

std::string Config::rp_id() const {
  auto host = public_origin().substr(std::string("https://").size());
  if (!host.empty() && host.front() == '[') return host.substr(0, host.find(']') + 1);
  return host.substr(0, host.find(':'));
}

std::int64_t Config::idle_timeout_seconds() const {
  return session_idle_seconds > 0 ? session_idle_seconds : session_idle_minutes * 60;
}

std::string Config::effective_backup_directory() const {
  return backup_directory.empty() ? data_dir + "/backups" : backup_directory;
}

std::int64_t Config::backup_interval_seconds() const {
  return backup_every_seconds > 0 ? backup_every_seconds : backup_every_hours * 3600;
}

namespace {

// Rules between settings, checked once every source has been applied.
std::optional<ConfigError> check_together(const Config& cfg) {
  // The audit trail of a record must outlive the record: erasure's retention check reads
  // a patient's last audited activity.
  if (cfg.audit_retention_years > 0 && cfg.retention_clinical_record_years > 0 &&
      cfg.audit_retention_years < cfg.retention_clinical_record_years) {
    return ConfigError{
        "audit.retention_years",
        "must be 0 (keep every entry) or at least retention.clinical_record_years (" +
            std::to_string(cfg.retention_clinical_record_years) + ")"};
  }
  // Browsers cannot send to 0.0.0.0: a wildcard bind needs the address to announce.
  if (cfg.sfu_announced_address.empty() && is_unspecified_ip(cfg.sfu_listen_address)) {
    return ConfigError{"sfu.announced_address", "must be set when sfu.listen_address is " +
                                                    cfg.sfu_listen_address +
                                                    " (the IP browsers reach the SFU on)"};
  }
  if (is_unspecified_ip(cfg.sfu_announced_address)) {
    return ConfigError{"sfu.announced_address", "must be a reachable address, not a wildcard"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<ConfigError> load_config(Config& cfg, const std::string& file,
                                       const std::vector<Override>& overrides) {
  if (!file.empty()) {
    if (auto err = load_file(cfg, file)) return err;
  }
  // Environment: every HAVEN_* variable must name a setting, so a typo is not silently ignored.
  for (char** env = environ; env && *env; ++env) {
    std::string entry(*env);
    if (entry.rfind("HAVEN_", 0) != 0) continue;
    auto eq = entry.find('=');
    auto name = entry.substr(0, eq);
    const Setting* match = nullptr;
    bool in_known_section = false;
    for (auto& s : settings()) {
      if (env_name(s.key) == name) match = &s;
      auto section = env_name(std::string(s.key).substr(0, std::string(s.key).find('.') + 1));
      in_known_section = in_known_section || name.rfind(section, 0) == 0;
    }
    // HAVEN_<SECTION>_… of a known section must name a setting (a typo stops start-up);
    // other HAVEN_* variables (HAVEN_CONFIG, tools' own) are not ours to judge.
    if (!match && !in_known_section) continue;
    if (!match) return ConfigError{name, "is not a known setting"};
    if (auto err = apply(cfg, match->key, entry.substr(eq + 1))) {
      err->key = name;
      return err;
    }
  }
  for (auto& o : overrides) {
    if (auto err = apply(cfg, o.key, o.value)) return err;
  }
  return check_together(cfg);
}

std::vector<std::pair<std::string, std::string>> config_defaults() {
  Config defaults;
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& s : settings()) out.emplace_back(s.key, s.get(defaults));
  return out;
}

}  // namespace haven
