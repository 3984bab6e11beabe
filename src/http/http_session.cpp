#include "http/http_session.h"

#include <algorithm>

#include "http/request_handler.h"
#include "log/logger.h"
#include "metrics/metrics.h"
#include "util/secret_bytes.h"

namespace haven {

namespace websocket = beast::websocket;

HttpSession::HttpSession(net::ip::tcp::socket&& socket, net::ssl::context& tls,
                         const RequestHandler& handler, Metrics& metrics,
                         ConnectionRegistry& registry, HttpLimits limits, WebSocketLimits ws_limits)
    : stream_(std::move(socket), tls),
      handler_(handler),
      metrics_(metrics),
      registry_(registry),
      limits_(limits),
      ws_limits_(ws_limits) {
  metrics_.connection_opened(false);
}

HttpSession::~HttpSession() {
  metrics_.connection_closed(false);
}

void HttpSession::start() {
  beast::error_code ec;
  auto remote = beast::get_lowest_layer(stream_).socket().remote_endpoint(ec);
  if (!ec) client_ip_ = remote.address().to_string();
  registry_.add(shared_from_this());
  net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
    beast::get_lowest_layer(self->stream_).expires_after(self->limits_.read_timeout);
    self->stream_.async_handshake(net::ssl::stream_base::server,
                                  beast::bind_front_handler(&HttpSession::on_handshake, self));
  });
}

void HttpSession::drain() {
  net::post(stream_.get_executor(), [self = shared_from_this()] {
    self->draining_ = true;
    // An idle keep-alive connection has nothing in flight: close it now. A busy one
    // closes after its response (handle_request checks draining_).
    if (self->idle_) beast::get_lowest_layer(self->stream_).cancel();
  });
}

void HttpSession::on_handshake(beast::error_code ec) {
  if (ec) return;  // scanners and plain-HTTP clients end here; nothing to log
  read_header();
}

void HttpSession::read_header() {
  if (draining_) return close();
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
  // Beast checks Content-Length against this limit while it reads the header, before
  // on_header can tell an upload route from any other: start with the larger limit and
  // narrow it there.
  parser_->body_limit(std::max(limits_.max_body_bytes, limits_.max_upload_bytes));
  idle_ = true;
  beast::get_lowest_layer(stream_).expires_after(limits_.read_timeout);
  http::async_read_header(stream_, buffer_, *parser_,
                          beast::bind_front_handler(&HttpSession::on_header, shared_from_this()));
}

void HttpSession::on_header(beast::error_code ec, std::size_t) {
  idle_ = false;
  started_ = std::chrono::steady_clock::now();
  if (ec == http::error::end_of_stream || ec == net::error::operation_aborted) return close();
  if (ec == http::error::body_limit) return reject_and_close(errors::body_too_large());
  if (ec == http::error::header_limit) {
    return reject_and_close({431, "headers_too_large", "The request headers are too large."});
  }
  if (ec) {
    if (ec != beast::error::timeout && ec != net::ssl::error::stream_truncated) {
      return reject_and_close({400, "bad_request", "The request could not be parsed."});
    }
    return close();
  }
  // Refuse an oversized body before reading a byte of it.
  std::size_t body_limit = limits_.max_body_bytes;
  if (limits_.max_upload_bytes > 0 &&
      accepts_upload(parser_->get().method(), parser_->get().target())) {
    body_limit = limits_.max_upload_bytes;
    beast::get_lowest_layer(stream_).expires_after(limits_.upload_timeout);
  }
  parser_->body_limit(body_limit);  // also bounds a chunked body
  auto length = parser_->content_length();
  if (length && *length > body_limit) {
    return reject_and_close(errors::body_too_large());
  }
  if (parser_->is_done()) return handle_request();
  http::async_read(stream_, buffer_, *parser_,
                   beast::bind_front_handler(&HttpSession::on_body, shared_from_this()));
}

void HttpSession::on_body(beast::error_code ec, std::size_t) {
  if (ec == http::error::body_limit) return reject_and_close(errors::body_too_large());
  if (ec) return close();
  handle_request();
}

void HttpSession::handle_request() {
  const std::string request_id = random_id();
  const auto& request = parser_->get();
  if (websocket::is_upgrade(request)) return upgrade_to_websocket(request_id);
  HandledRequest handled;
  try {
    handled = handler_.handle(request, request_id, client_ip_);
  } catch (const std::exception& e) {
    // The message is for the operator's log only; the client gets a stable error.
    log::error("http.handler_failed", {{"request_id", request_id}, {"what", e.what()}});
    handled = {error_response(errors::internal(), request.version(), false), "error"};
    handled.response.set("X-Request-Id", request_id);
  }
  if (draining_) handled.response.keep_alive(false);
  auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  metrics_.observe_request(handled.route, handled.response.result_int(), seconds);
  log::info("http.request", {{"request_id", request_id},
                             {"method", std::string(request.method_string())},
                             {"route", handled.route},
                             {"status", handled.response.result_int()},
                             {"ms", static_cast<int>(seconds * 1000)}});
  write(std::move(handled.response), handled.route);
}

void HttpSession::upgrade_to_websocket(const std::string& request_id) {
  auto request = parser_->release();
  std::string_view target = request.target();
  auto reject = [&](const ApiError& err) {
    metrics_.observe_request("/ws", err.status, 0);
    log::info("ws.refused", {{"request_id", request_id}, {"status", err.status}});
    auto res = error_response(err, request.version(), false);
    res.set("X-Request-Id", request_id);
    write(std::move(res), "/ws");
  };
  if (target.substr(0, target.find('?')) != "/ws") return reject(errors::not_found());
  // Browsers always send Origin on a WebSocket handshake; a missing or foreign one is
  // refused (cross-site WebSocket hijacking).
  if (!handler_.origin_allowed(request[http::field::origin])) {
    return reject(errors::origin_forbidden());
  }
  std::string session_hash;
  Actor actor = handler_.actor_for(request, &session_hash);
  if (authorize(actor, Action::signaling_connect) != Decision::allow) {
    return reject(errors::unauthenticated());
  }
  metrics_.observe_request("/ws", 101, 0);
  auto ws = std::make_shared<WebSocketSession>(
      std::move(stream_), ws_limits_, handler_.services(), actor.user->id, request_id,
      [&handler = handler_, session_hash] { return handler.session_live(session_hash); });
  registry_.add(ws);
  ws->start(std::move(request));
}

void HttpSession::write(HttpResponse response, const std::string&) {
  auto shared = std::make_shared<HttpResponse>(std::move(response));
  bool keep_alive = shared->keep_alive();
  beast::get_lowest_layer(stream_).expires_after(limits_.read_timeout);
  http::async_write(
      stream_, *shared,
      [self = shared_from_this(), shared, keep_alive](beast::error_code ec, std::size_t) {
        if (ec || !keep_alive) return self->close();
        self->read_header();
      });
}

void HttpSession::reject_and_close(const ApiError& error) {
  const std::string request_id = random_id();
  auto res = error_response(error, 11, false);
  res.set("X-Request-Id", request_id);
  metrics_.observe_request("rejected", error.status, 0);
  log::info("http.rejected", {{"request_id", request_id}, {"code", error.code}});
  auto shared = std::make_shared<HttpResponse>(std::move(res));
  beast::get_lowest_layer(stream_).expires_after(limits_.read_timeout);
  http::async_write(stream_, *shared,
                    [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
                      if (ec) return self->close();
                      self->discard_input(0);
                    });
}

void HttpSession::discard_input(std::size_t discarded) {
  // Lingering close: a client still sending the body we refused would get a TCP reset
  // (and lose our answer) if we closed with its bytes unread. Read and drop up to
  // kLingerBytes for at most kLinger, then close.
  constexpr std::size_t kLingerBytes = 16 * 1024 * 1024;
  constexpr auto kLinger = std::chrono::seconds(5);
  if (discarded == 0) beast::get_lowest_layer(stream_).expires_after(kLinger);
  if (discarded > kLingerBytes) return close();
  buffer_.consume(buffer_.size());
  stream_.async_read_some(buffer_.prepare(64 * 1024), [self = shared_from_this(), discarded](
                                                          beast::error_code ec, std::size_t n) {
    if (ec) return self->close();
    self->discard_input(discarded + n);
  });
}

void HttpSession::close() {
  beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
  stream_.async_shutdown([self = shared_from_this()](beast::error_code) {
    beast::get_lowest_layer(self->stream_).close();
  });
}

}  // namespace haven
