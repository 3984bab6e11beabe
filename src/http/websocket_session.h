// One signaling WebSocket (wss://host/ws): JSON text messages, size- and rate-limited,
// pinged when idle. Later issues route room signaling through on_message.
#pragma once

#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include "api/route_table.h"
#include "http/call_signaling.h"
#include "http/group_signaling.h"
#include "http/connection_registry.h"

namespace haven {

namespace beast = boost::beast;
namespace net = boost::asio;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

struct WebSocketLimits {
  std::size_t max_message_bytes;
  int max_messages_per_second;
  std::chrono::seconds ping_interval;
  // How often the session behind the socket is checked: a connection ends soon after its
  // sign-in session does (sign-out, revocation, idle timeout, a disabled account).
  std::chrono::seconds session_check_interval{5};
};

// Asked on every session check; false closes the socket with kCloseSignedOut.
using SessionLiveness = std::function<bool()>;
// Application close code (RFC 6455 §7.4.2, 4000-4999 private use): the client goes to
// the sign-in page instead of reconnecting.
inline constexpr std::uint16_t kCloseSignedOut = 4001;

class WebSocketSession : public Drainable, public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(TlsStream&& stream, WebSocketLimits limits, Services& services,
                   std::string user_id, std::string request_id, SessionLiveness session_live);
  ~WebSocketSession() override;
  void start(HttpRequest upgrade_request);
  void drain() override;

 private:
  // Delivers the media thread's and the delivery service's messages on this session's
  // strand (dropped once closed).
  class Sink;
  // A client that reads nothing while the server keeps sending is cut off instead of
  // queuing without bound.
  static constexpr std::size_t kMaxQueuedMessages = 512;

  void on_accept(beast::error_code ec);
  void read();
  void on_read(beast::error_code ec, std::size_t bytes);
  void handle_message(const std::string& text);
  void send(std::string text);
  void write_next();
  void close(beast::websocket::close_code code, const char* reason);
  void send_close();
  void schedule_session_check();

  beast::websocket::stream<TlsStream> ws_;
  beast::flat_buffer buffer_;
  std::deque<std::string> outbox_;
  WebSocketLimits limits_;
  Services& services_;
  Metrics& metrics_;
  std::string user_id_;
  std::string request_id_;
  std::chrono::steady_clock::time_point window_start_;
  int messages_in_window_ = 0;
  bool closing_ = false;
  bool writing_ = false;  // Beast allows one write (or close) in flight at a time
  beast::websocket::close_reason close_reason_;
  SessionLiveness session_live_;
  net::steady_timer session_timer_;
  std::unique_ptr<CallSignaling> call_;     // created once the handshake is done
  std::unique_ptr<GroupSignaling> groups_;  // likewise
};

}  // namespace haven
