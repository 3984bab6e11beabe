// One HTTPS connection: TLS handshake, keep-alive request loop with header and body
// limits and read deadlines, hand-off to WebSocketSession on an authorised upgrade.
#pragma once

#include <boost/beast/http.hpp>
#include <optional>

#include "http/connection_registry.h"
#include "http/websocket_session.h"

namespace haven {

class RequestHandler;

struct HttpLimits {
  std::size_t max_body_bytes;
  std::size_t max_upload_bytes = 0;  // upload routes (Route::raw_body); files.max_bytes
  std::size_t max_header_bytes = 16 * 1024;
  std::chrono::seconds read_timeout{30};
  // A 25 MB file over a slow home uplink takes minutes, not seconds.
  std::chrono::seconds upload_timeout{600};
};

class HttpSession : public Drainable, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(net::ip::tcp::socket&& socket, net::ssl::context& tls, const RequestHandler& handler,
              Metrics& metrics, ConnectionRegistry& registry, HttpLimits limits,
              WebSocketLimits ws_limits);
  ~HttpSession() override;
  void start();
  void drain() override;

 private:
  void on_handshake(beast::error_code ec);
  void read_header();
  void on_header(beast::error_code ec, std::size_t);
  void on_body(beast::error_code ec, std::size_t);
  void handle_request();
  void upgrade_to_websocket(const std::string& request_id);
  void write(HttpResponse response, const std::string& route);
  void reject_and_close(const ApiError& error);
  void discard_input(std::size_t discarded);
  void close();

  TlsStream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  const RequestHandler& handler_;
  Metrics& metrics_;
  ConnectionRegistry& registry_;
  HttpLimits limits_;
  WebSocketLimits ws_limits_;
  std::string client_ip_;
  std::chrono::steady_clock::time_point started_;
  bool idle_ = false;  // waiting for the next request on a kept-alive connection
  bool draining_ = false;
};

}  // namespace haven
