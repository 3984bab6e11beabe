#include "http/server.h"

#include <csignal>
#include <ctime>
#include <thread>
#include <vector>

#include "audit/audit_log.h"
#include "config/config.h"
#include "http/http_session.h"
#include "http/listener.h"
#include "http/metrics_session.h"
#include "log/logger.h"
#include "metrics/metrics.h"
#include "store/repositories.h"

namespace haven {

Server::Server(Services& services, const RequestHandler& handler, net::ssl::context& tls)
    : services_(services),
      handler_(handler),
      tls_(tls),
      ioc_(static_cast<int>(services.config.threads)),
      signals_(ioc_, SIGINT, SIGTERM),
      grace_timer_(ioc_),
      audit_timer_(ioc_) {}

Server::~Server() = default;

void Server::bind() {
  const Config& cfg = services_.config;
  HttpLimits limits{static_cast<std::size_t>(cfg.max_body_bytes),
                    static_cast<std::size_t>(cfg.max_file_bytes)};
  WebSocketLimits ws_limits{static_cast<std::size_t>(cfg.ws_max_message_bytes),
                            static_cast<int>(cfg.ws_max_messages_per_second),
                            std::chrono::seconds(cfg.ws_ping_interval_seconds)};
  https_ = std::make_unique<Listener>(
      ioc_, cfg.listen_address(), [this, limits, ws_limits](net::ip::tcp::socket&& socket) {
        std::make_shared<HttpSession>(std::move(socket), tls_, handler_, services_.metrics,
                                      registry_, limits, ws_limits)
            ->start();
      });
  if (!cfg.metrics_listen.empty()) {
    metrics_ = std::make_unique<Listener>(
        ioc_, *parse_host_port(cfg.metrics_listen), [this](net::ip::tcp::socket&& socket) {
          serve_metrics_connection(std::move(socket), services_.metrics);
        });
  }
}

void Server::run() {
  https_->start();
  if (metrics_) metrics_->start();
  signals_.async_wait([this](boost::system::error_code ec, int) {
    if (!ec) begin_shutdown();
  });
  schedule_audit_tick();
  log::info("server.listening", {{"url", services_.config.effective_public_url()},
                                 {"metrics", services_.config.metrics_listen}});

  std::vector<std::thread> threads;
  for (int i = 1; i < services_.config.threads; ++i) threads.emplace_back([this] { ioc_.run(); });
  ioc_.run();
  for (auto& t : threads) t.join();

  // A last signed checkpoint covers every entry written before the stop.
  if (services_.audit_log) {
    try {
      services_.audit_log->checkpoint_now(static_cast<std::int64_t>(std::time(nullptr)));
    } catch (const std::exception& e) {
      log::error("audit.checkpoint_failed", {{"what", e.what()}});
    }
  }
  services_.store.checkpoint();
  log::info("server.stopped");
}

void Server::schedule_audit_tick() {
  if (!services_.audit_log) return;
  audit_timer_.expires_after(std::chrono::seconds(1));
  audit_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec) return;
    try {
      services_.audit_log->tick(static_cast<std::int64_t>(std::time(nullptr)));
    } catch (const std::exception& e) {
      log::error("audit.checkpoint_failed", {{"what", e.what()}});
    }
    schedule_audit_tick();
  });
}

void Server::begin_shutdown() {
  log::info("server.draining");
  audit_timer_.cancel();
  https_->stop();
  if (metrics_) metrics_->stop();
  registry_.drain_all();
  wait_for_drain(std::chrono::steady_clock::now() +
                 std::chrono::seconds(services_.config.shutdown_grace_seconds));
}

void Server::wait_for_drain(std::chrono::steady_clock::time_point deadline) {
  if (services_.metrics.open_connections() == 0) return ioc_.stop();
  if (std::chrono::steady_clock::now() >= deadline) {
    log::warn("server.grace_expired", {{"open", services_.metrics.open_connections()}});
    return ioc_.stop();
  }
  grace_timer_.expires_after(std::chrono::milliseconds(50));
  grace_timer_.async_wait([this, deadline](boost::system::error_code ec) {
    if (!ec) wait_for_drain(deadline);
  });
}

}  // namespace haven
