#include "http/metrics_session.h"

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "metrics/metrics.h"

namespace haven {

namespace beast = boost::beast;
namespace http = beast::http;

namespace {

struct MetricsConnection : std::enable_shared_from_this<MetricsConnection> {
  MetricsConnection(boost::asio::ip::tcp::socket&& s, const Metrics& m)
      : stream(std::move(s)), metrics(m) {}

  void start() {
    parser.header_limit(8 * 1024);
    parser.body_limit(0);
    stream.expires_after(std::chrono::seconds(10));
    http::async_read(stream, buffer, parser,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (!ec) self->answer();
                     });
  }

  void answer() {
    const auto& req = parser.get();
    response.version(req.version());
    response.keep_alive(false);
    if (req.method() == http::verb::get && req.target() == "/metrics") {
      response.result(http::status::ok);
      response.set(http::field::content_type, "text/plain; version=0.0.4");
      response.body() = metrics.render();
    } else {
      response.result(http::status::not_found);
      response.set(http::field::content_type, "text/plain");
      response.body() = "not found\n";
    }
    response.set(http::field::cache_control, "no-store");
    response.prepare_payload();
    http::async_write(
        stream, response, [self = shared_from_this()](beast::error_code, std::size_t) {
          beast::error_code ignored;
          self->stream.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_send, ignored);
        });
  }

  beast::tcp_stream stream;
  const Metrics& metrics;
  beast::flat_buffer buffer;
  http::request_parser<http::empty_body> parser;
  http::response<http::string_body> response;
};

}  // namespace

void serve_metrics_connection(boost::asio::ip::tcp::socket&& socket, const Metrics& metrics) {
  std::make_shared<MetricsConnection>(std::move(socket), metrics)->start();
}

}  // namespace haven
