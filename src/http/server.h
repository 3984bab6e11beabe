// The running server: Asio threads, the HTTPS+WSS listener, the plain-HTTP metrics
// listener, signal handling and graceful shutdown.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <memory>

#include "api/route_table.h"
#include "http/connection_registry.h"
#include "http/request_handler.h"

namespace haven {

class Listener;

class Server {
 public:
  Server(Services& services, const RequestHandler& handler, boost::asio::ssl::context& tls);
  ~Server();
  // Binds both listeners; throws std::runtime_error naming the address on failure.
  void bind();
  // Runs until SIGTERM/SIGINT, then drains connections (up to the grace period) and returns.
  void run();

 private:
  void begin_shutdown();
  // Once a second: sign the audit checkpoints that are due (audit/audit_log.h).
  void schedule_audit_tick();
  void wait_for_drain(std::chrono::steady_clock::time_point deadline);

  Services& services_;
  const RequestHandler& handler_;
  boost::asio::ssl::context& tls_;
  boost::asio::io_context ioc_;
  ConnectionRegistry registry_;
  std::unique_ptr<Listener> https_;
  std::unique_ptr<Listener> metrics_;
  boost::asio::signal_set signals_;
  boost::asio::steady_timer grace_timer_;
  boost::asio::steady_timer audit_timer_;
};

}  // namespace haven
