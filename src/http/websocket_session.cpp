#include "http/websocket_session.h"

#include "api/json_body.h"
#include "http/request_handler.h"
#include "log/logger.h"
#include "metrics/metrics.h"

namespace haven {

namespace websocket = beast::websocket;

class WebSocketSession::Sink final : public sfu::rooms::SignalingSink {
 public:
  explicit Sink(const std::shared_ptr<WebSocketSession>& session)
      : session_(session), executor_(session->ws_.get_executor()) {}
  void deliver(std::string json_text) override {
    net::post(executor_, [session = session_, text = std::move(json_text)]() mutable {
      if (auto s = session.lock(); s && !s->closing_) s->send(std::move(text));
    });
  }

 private:
  std::weak_ptr<WebSocketSession> session_;
  net::any_io_executor executor_;
};

WebSocketSession::WebSocketSession(TlsStream&& stream, WebSocketLimits limits, Services& services,
                                   std::string user_id, std::string request_id,
                                   SessionLiveness session_live)
    : ws_(std::move(stream)),
      limits_(limits),
      services_(services),
      metrics_(services.metrics),
      user_id_(std::move(user_id)),
      request_id_(std::move(request_id)),
      session_live_(std::move(session_live)),
      session_timer_(ws_.get_executor()) {
  metrics_.connection_opened(true);
}

WebSocketSession::~WebSocketSession() {
  metrics_.connection_closed(true);
}

void WebSocketSession::start(HttpRequest upgrade_request) {
  // The socket's own deadline is replaced by the WebSocket's: idle peers get pings, and
  // one that does not answer within the idle timeout is closed.
  beast::get_lowest_layer(ws_).expires_never();
  websocket::stream_base::timeout timeout{};
  timeout.handshake_timeout = std::chrono::seconds(30);
  timeout.idle_timeout = limits_.ping_interval * 2;
  timeout.keep_alive_pings = true;
  ws_.set_option(timeout);
  ws_.read_message_max(limits_.max_message_bytes);
  ws_.set_option(websocket::stream_base::decorator(
      [](websocket::response_type& res) { res.set(http::field::server, "haven"); }));
  ws_.async_accept(upgrade_request,
                   beast::bind_front_handler(&WebSocketSession::on_accept, shared_from_this()));
}

void WebSocketSession::on_accept(beast::error_code ec) {
  if (ec) return;
  log::info("ws.opened", {{"request_id", request_id_}, {"user", user_id_}});
  window_start_ = std::chrono::steady_clock::now();
  std::weak_ptr<WebSocketSession> weak = shared_from_this();
  auto reply = [weak](std::string text) {
    if (auto s = weak.lock()) s->send(std::move(text));
  };
  auto sink = std::make_shared<Sink>(shared_from_this());
  call_ = std::make_unique<CallSignaling>(services_, user_id_, request_id_, services_.media, sink,
                                          reply);
  groups_ = std::make_unique<GroupSignaling>(services_, user_id_, request_id_, services_.delivery,
                                             sink, reply);
  send(nlohmann::json{{"type", "hello"}, {"user_id", user_id_}}.dump());
  read();
  schedule_session_check();
}

void WebSocketSession::schedule_session_check() {
  session_timer_.expires_after(limits_.session_check_interval);
  session_timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
    if (ec || self->closing_ || !self->ws_.is_open()) return;
    if (!self->session_live_()) {
      return self->close(static_cast<websocket::close_code>(kCloseSignedOut), "signed out");
    }
    self->schedule_session_check();
  });
}

void WebSocketSession::drain() {
  net::post(ws_.get_executor(), [self = shared_from_this()] {
    self->close(websocket::close_code::going_away, "shutdown");
  });
}

void WebSocketSession::read() {
  ws_.async_read(buffer_,
                 beast::bind_front_handler(&WebSocketSession::on_read, shared_from_this()));
}

void WebSocketSession::on_read(beast::error_code ec, std::size_t) {
  if (ec == websocket::error::message_too_big) {
    metrics_.ws_dropped("message_too_big");
    return close(websocket::close_code::too_big, "message too big");
  }
  if (ec) {
    log::info("ws.closed", {{"request_id", request_id_}});
    session_timer_.cancel();
    return;
  }
  metrics_.ws_message_received();
  auto now = std::chrono::steady_clock::now();
  if (now - window_start_ >= std::chrono::seconds(1)) {
    window_start_ = now;
    messages_in_window_ = 0;
  }
  if (++messages_in_window_ > limits_.max_messages_per_second) {
    metrics_.ws_dropped("rate_limited");
    return close(websocket::close_code::policy_error, "rate limited");
  }
  if (!ws_.got_text()) {
    metrics_.ws_dropped("binary");
    return close(websocket::close_code::unknown_data, "text frames only");
  }
  handle_message(beast::buffers_to_string(buffer_.data()));
  buffer_.consume(buffer_.size());
  if (!closing_) read();
}

void WebSocketSession::handle_message(const std::string& text) {
  nlohmann::json msg;
  if (json_depth_ok(text)) msg = nlohmann::json::parse(text, nullptr, false);
  if (!msg.is_object() || !msg.contains("type") || !msg["type"].is_string()) {
    send(R"({"type":"error","code":"invalid_message"})");
    return;
  }
  const auto& type = msg["type"].get_ref<const std::string&>();
  if (type == "ping") {
    nlohmann::json pong{{"type", "pong"}};
    if (msg.contains("id") && msg["id"].is_number_integer()) pong["id"] = msg["id"];
    send(pong.dump());
    return;
  }
  if (call_ && CallSignaling::handles(type)) return call_->handle(msg);
  if (groups_ && GroupSignaling::handles(type)) return groups_->handle(msg);
  send(R"({"type":"error","code":"unknown_type"})");
}

void WebSocketSession::send(std::string text) {
  if (closing_) return;
  if (outbox_.size() >= kMaxQueuedMessages) {
    metrics_.ws_dropped("slow_reader");
    return close(websocket::close_code::policy_error, "too many unread messages");
  }
  outbox_.push_back(std::move(text));
  if (!writing_) write_next();
}

void WebSocketSession::write_next() {
  if (closing_) return send_close();
  if (outbox_.empty()) return;
  writing_ = true;
  ws_.text(true);
  ws_.async_write(net::buffer(outbox_.front()),
                  [self = shared_from_this()](beast::error_code ec, std::size_t) {
                    self->writing_ = false;
                    if (ec) return;
                    self->outbox_.pop_front();
                    self->write_next();
                  });
}

void WebSocketSession::close(websocket::close_code code, const char* reason) {
  if (closing_) return;
  closing_ = true;
  session_timer_.cancel();  // a pending check would hold the session (and shutdown) open
  close_reason_ = websocket::close_reason(code, reason);
  log::info("ws.closing", {{"request_id", request_id_}, {"reason", reason}});
  if (!writing_) send_close();
}

void WebSocketSession::send_close() {
  if (writing_ || !ws_.is_open()) return;
  writing_ = true;
  ws_.async_close(close_reason_, [self = shared_from_this()](beast::error_code) {});
}

}  // namespace haven
