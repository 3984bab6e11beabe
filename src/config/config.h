// Haven's configuration: defaults < TOML file < environment (HAVEN_SECTION_KEY) < CLI flags.
// Every setting is declared once in config.cpp with its default, type and range, so
// docs, validation and error messages come from one table.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven {

struct HostPort {
  std::string host;  // IP literal or "localhost" (no brackets)
  std::uint16_t port = 0;
};

// "127.0.0.1:8443", "[::1]:8443", "localhost:8443". Returns nullopt for anything else.
std::optional<HostPort> parse_host_port(const std::string& text);

struct Config {
  // [server]
  std::string listen = "127.0.0.1:8443";
  std::string public_url;  // empty: https://localhost:<listen port>
  std::string web_root;    // empty: <binary dir>/../web/dist
  std::vector<std::string> allowed_origins;
  std::int64_t max_body_bytes = 64 * 1024;
  std::int64_t threads = 2;
  std::int64_t shutdown_grace_seconds = 10;
  // [tls]
  std::string tls_cert_file;  // empty: <data_dir>/tls/cert.pem, self-signed on first run
  std::string tls_key_file;
  // [metrics]
  std::string metrics_listen = "127.0.0.1:9464";  // empty: metrics off
  // [storage]
  std::string data_dir = "./var";
  std::int64_t busy_timeout_ms = 5000;
  // [websocket]
  std::int64_t ws_max_message_bytes = 64 * 1024;
  // [files] end-to-end encrypted files shared in a session (docs/E2EE.md)
  std::int64_t max_file_bytes = 25 * 1024 * 1024;
  std::int64_t max_room_file_bytes = 250 * 1024 * 1024;
  std::int64_t ws_max_messages_per_second = 50;
  std::int64_t ws_ping_interval_seconds = 20;
  // [session]
  std::int64_t session_idle_minutes = 15;
  std::int64_t session_idle_seconds = 0;  // > 0 overrides idle_minutes (tests, kiosks)
  std::int64_t session_absolute_hours = 12;
  // [enrollment]
  std::int64_t enrollment_ttl_hours = 72;
  // [invitations]
  std::int64_t invitation_ttl_hours = 72;
  // [limits]
  std::int64_t signin_per_ip_per_minute = 20;
  std::int64_t signin_per_account_per_minute = 10;
  std::int64_t lockout_threshold = 10;
  std::int64_t invitation_redeem_per_ip_per_minute = 20;
  // [audit]
  std::int64_t audit_checkpoint_every_entries = 100;
  std::int64_t audit_checkpoint_every_minutes = 10;
  // Entries older than this many years are emptied (their hashes stay, so the log still
  // verifies); 0 keeps every entry. At least retention.clinical_record_years when set.
  std::int64_t audit_retention_years = 0;
  // [backup]
  std::string backup_directory;           // empty: <data_dir>/backups
  std::int64_t backup_every_hours = 24;   // 0: no scheduled backups
  std::int64_t backup_every_seconds = 0;  // > 0 overrides every_hours (tests)
  std::int64_t backup_keep = 14;          // scheduled archives kept, newest first
  // [retention]
  // Clinical records are kept this many years after the patient's last activity (or the
  // account's creation): erasing a patient inside that period is refused. 0: no period.
  std::int64_t retention_clinical_record_years = 7;
  // [sfu] media plane: one UDP port for every peer (ICE-lite host candidate)
  std::string sfu_listen_address = "127.0.0.1";   // IP literal; 0.0.0.0 or :: in production
  std::int64_t sfu_port = 10000;                  // 0: a free port (tests)
  std::string sfu_announced_address;              // the a=candidate IP; empty: listen_address
  std::int64_t sfu_announced_port = 0;            // the a=candidate port; 0: sfu.port
  std::int64_t sfu_consent_timeout_seconds = 30;  // RFC 7675 consent expiry
  std::int64_t sfu_max_packets_per_second_per_peer = 2000;  // 0: unlimited
  std::string sfu_test_payload_sample_file;                 // tests only; empty: off
  // [log]
  std::string log_level = "info";
  std::string log_file;  // empty: stderr

  HostPort listen_address() const;                 // valid after load
  std::string effective_public_url() const;        // public_url or the localhost default
  std::string public_origin() const;               // scheme://host[:port] of the public URL
  std::string rp_id() const;                       // WebAuthn relying party id: the public host
  std::int64_t idle_timeout_seconds() const;       // session.idle_seconds, else idle_minutes
  std::string effective_backup_directory() const;  // backup.directory or <data_dir>/backups
  std::int64_t backup_interval_seconds() const;    // 0: scheduled backups are off
};

struct ConfigError {
  std::string key;      // "server.listen"
  std::string message;  // "expects HOST:PORT"
  std::string to_string() const { return "config: " + key + ": " + message; }
};

// One setting's name and value as text, from a flag ("--listen" -> "server.listen").
struct Override {
  std::string key;
  std::string value;
};

// Loads file (may be empty: no file), then HAVEN_* variables from environ, then
// overrides. Returns the first error; cfg is only meaningful when no error.
std::optional<ConfigError> load_config(Config& cfg, const std::string& file,
                                       const std::vector<Override>& overrides);

// All keys with their defaults, for `haven config defaults` and the docs test.
std::vector<std::pair<std::string, std::string>> config_defaults();

}  // namespace haven
