#include "cli/commands.h"

#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <iostream>

#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "auth/rate_limiter.h"
#include "auth/session_manager.h"
#include "backup/backup_schedule.h"
#include "backup/data_files.h"
#include "cli/runtime.h"
#include "crypto/field_cipher.h"
#include "crypto/key_files.h"
#include "crypto/tls_identity.h"
#include "delivery/delivery_service.h"
#include "http/request_handler.h"
#include "http/server.h"
#include "http/static_files.h"
#include "http/tls_context.h"
#include "log/logger.h"
#include "metrics/metrics.h"
#include "sessions/attendance_recorder.h"
#include "sfu/rooms/media_worker.h"
#include "store/sqlite_audit.h"

namespace haven::cli {
namespace {

const std::vector<FlagSpec> kServeFlags = {
    {"--config", nullptr},
    {"--data", "storage.data_dir"},
    {"--listen", "server.listen"},
    {"--metrics-listen", "metrics.listen"},
    {"--public-url", "server.public_url"},
    {"--web-root", "server.web_root"},
    {"--log-level", "log.level"},
};

const std::vector<FlagSpec> kEnrollFlags = {
    {"--config", nullptr},
    {"--data", "storage.data_dir"},
    {"--listen", "server.listen"},
    {"--public-url", "server.public_url"},
};

std::string default_web_root() {
  // build/haven -> <repo>/web/dist; an installed /usr/bin/haven can set server.web_root.
  std::error_code ec;
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return "web/dist";
  return (exe.parent_path().parent_path() / "web" / "dist").string();
}

// A scheduled backup is an installation-level event: audited with the "system" role and
// the archive's name (a timestamp), logged, and counted for alerting.
void record_scheduled_backup(const backup::ScheduledBackup& done, std::int64_t at, Store& store,
                             Metrics& metrics) {
  metrics.backup_finished(done.ok, at);
  if (done.ok) {
    log::info("backup.scheduled_written",
              {{"file", done.name},
               {"bytes", static_cast<std::int64_t>(done.bytes)},
               {"removed", static_cast<std::int64_t>(done.removed.size())}});
  } else {
    log::error("backup.scheduled_failed", {{"file", done.name}, {"what", done.error}});
  }
  try {
    store.append_audit({at, "", done.ok ? "backup.created" : "backup.failed", "backup", done.name,
                        done.ok ? "success" : "failure", "", "system", ""});
    for (const auto& name : done.removed) {
      store.append_audit(
          {at, "", "backup.removed_by_retention", "backup", name, "success", "", "system", ""});
    }
  } catch (const std::exception& e) {
    log::error("audit.append_failed", {{"what", e.what()}});
  }
}

}  // namespace

int run_serve(const std::vector<std::string>& args) {
  auto cfg = load_for_command("serve", args, kServeFlags);
  if (!cfg) return 2;
  try {
    log::Level level{};
    log::parse_level(cfg->log_level, level);
    log::set_level(level);
    if (!cfg->log_file.empty()) log::set_output_file(cfg->log_file);

    std::shared_ptr<const audit::AuditKey> audit_key;
    // Shared with other servers, exclusive for `haven restore`: no restore under a server.
    ensure_private_dir(cfg->data_dir);
    auto dir_lock = backup::DataDirLock::try_acquire(cfg->data_dir, /*exclusive=*/false);
    if (!dir_lock) {
      std::cerr << "haven serve: a restore is running on " << cfg->data_dir << "\n";
      return 1;
    }
    auto folder = open_data_folder(*cfg, &audit_key);
    auto& store = folder.store;
    std::string cert = cfg->tls_cert_file, key = cfg->tls_key_file;
    if (cert.empty() || key.empty()) {
      ensure_private_dir(cfg->data_dir + "/tls");
      cert = cfg->data_dir + "/tls/cert.pem";
      key = cfg->data_dir + "/tls/key.pem";
      if (ensure_self_signed_certificate(cert, key)) {
        log::info("tls.self_signed_created", {{"fingerprint", certificate_fingerprint(cert)}});
      }
    }
    auto tls = make_server_tls_context(cert, key);
    if (cfg->web_root.empty()) cfg->web_root = default_web_root();
    if (!std::filesystem::exists(cfg->web_root + "/index.html")) {
      log::warn("static.missing", {{"hint", "run 'make build' to build the web client"}});
    }

    Metrics metrics;
    SessionManager sessions(*store, *store, cfg->idle_timeout_seconds(),
                            cfg->session_absolute_hours * 3600);
    RateLimiter limiter;
    auto totp_cipher = store->field_cipher("totp");
    SqliteAuditLedger audit_ledger(cfg->data_dir + "/haven.db",
                                   static_cast<int>(cfg->busy_timeout_ms),
                                   sql::OpenMode::read_write);
    audit::AuditLog audit_log(
        audit_ledger, *audit_key,
        {audit_origin(*cfg), cfg->audit_checkpoint_every_entries,
         cfg->audit_checkpoint_every_minutes * 60, cfg->audit_retention_years},
        static_cast<std::int64_t>(std::time(nullptr)));
    log::info("audit.ready",
              {{"entries", audit_log.size()},
               {"verifier_key", audit::verifier_key(audit_log.origin(), audit_log.public_key())}});
    // Attendance (docs/SESSIONS.md): rows a stop or crash left open end now, the latest
    // they can have ended; then every join and leave is written off the media thread.
    store->close_open_attendance(static_cast<std::int64_t>(std::time(nullptr)));
    AttendanceRecorder attendance(*store);
    // The media plane: its own thread and UDP port (docs/SFU.md, docs/SIGNALING.md).
    // Declared after the recorder, so it stops (and stops sending events) first.
    sfu::rooms::MediaWorker media(sfu::WebRtcServerOptions::from_config(*cfg),
                                  cfg->sfu_test_payload_sample_file);
    metrics.set_extra_source([&media] { return media.render_metrics(); });
    media.set_event_listener(&attendance);
    log::info("sfu.listening", {{"port", media.port()}});
    // The MLS delivery service (docs/E2EE.md): groups' order and storage, no secrets.
    delivery::DeliveryService delivery(*store);
    Services services{*cfg,         *store,     sessions, metrics, limiter,
                      *totp_cipher, &audit_log, &media,   &media,  &delivery};
    StaticFiles static_files(cfg->web_root);
    RequestHandler handler(services, static_files);
    Server server(services, handler, tls);
    server.bind();
    backup::BackupSchedule backups({cfg->data_dir, cfg->effective_backup_directory(),
                                    std::chrono::seconds(cfg->backup_interval_seconds()),
                                    cfg->backup_keep, static_cast<int>(cfg->busy_timeout_ms)},
                                   [&](const backup::ScheduledBackup& done, std::int64_t at) {
                                     record_scheduled_backup(done, at, *store, metrics);
                                   });
    backups.start();
    attendance.start();
    media.start();

    std::cout << "Haven is running at " << cfg->effective_public_url() << "\n";
    if (store->count_users() == 0) {
      std::cout << "Open this one-time link to create the first administrator:\n  "
                << issue_enrollment_link(*cfg, *store) << "\n";
    }
    std::cout.flush();
    server.run();
    media.stop();
    attendance.stop();
    backups.stop();
    return 0;
  } catch (const KeyFileError& e) {
    // A missing or exposed master key: refuse to start, one line saying what to do.
    std::cerr << "haven serve: " << e.what() << "\n";
    return 1;
  } catch (const std::exception& e) {
    log::error("server.failed", {{"what", e.what()}});
    std::cerr << "haven serve: " << e.what() << "\n";
    return 1;
  }
}

int run_admin_enroll(const std::vector<std::string>& args) {
  auto cfg = load_for_command("admin enroll", args, kEnrollFlags);
  if (!cfg) return 2;
  try {
    auto folder = open_data_folder(*cfg);
    auto& store = folder.store;
    if (store->count_users() > 0) {
      std::cerr << "note: this practice already has accounts; the link creates another "
                   "administrator.\n";
    }
    std::cout << issue_enrollment_link(*cfg, *store) << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "haven admin enroll: " << e.what() << "\n";
    return 1;
  }
}

int run_version() {
  std::cout << "haven " << HAVEN_VERSION << "\n";
  return 0;
}

int run_help() {
  std::cout << "usage:\n"
               "  haven serve [--config FILE] [--data DIR] [--listen HOST:PORT]\n"
               "              [--metrics-listen HOST:PORT] [--public-url URL] [--web-root DIR]\n"
               "              [--log-level debug|info|warn|error]\n"
               "  haven admin enroll [--config FILE] [--data DIR] [--listen HOST:PORT]\n"
               "                     [--public-url URL]\n"
               "  haven audit verify --data DIR [--checkpoint FILE]\n"
               "  haven audit checkpoint --data DIR\n"
               "  haven audit prove --data DIR --seq N [--size M]\n"
               "  haven audit consistency --data DIR --from M --to N\n"
               "  haven audit public-key --data DIR\n"
               "  haven keys list|rotate [--config FILE] [--data DIR]\n"
               "  haven keys retire --kek ID [--config FILE] [--data DIR]\n"
               "  haven backup --out FILE [--config FILE] [--data DIR]\n"
               "  haven restore --in FILE [--force] [--config FILE] [--data DIR]\n"
               "  haven version\n"
               "Settings: haven.example.toml; environment HAVEN_<SECTION>_<KEY> overrides it.\n";
  return 0;
}

}  // namespace haven::cli
