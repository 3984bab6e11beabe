// A Janus client over its HTTP transport; see janus_api.h.
#include "janus_api.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <functional>

namespace haven::loadgen {

namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Janus's long poll answers after at most 30 s; a keepalive this often keeps the session
// (60 s timeout) alive even while nothing happens.
constexpr auto kKeepalive = std::chrono::seconds(25);

// One request on a fresh connection. `on_socket` sees the socket's descriptor while the
// exchange runs (then -1), so another thread can interrupt a long poll with shutdown(2).
std::string exchange(const JanusUrl& url, http::verb verb, const std::string& target,
                     const std::string& body, const std::function<void(int)>& on_socket = {}) {
  boost::asio::io_context ioc;
  tcp::resolver resolver(ioc);
  tcp::socket socket(ioc);
  boost::asio::connect(socket, resolver.resolve(url.host, url.port));
  struct Forget {
    const std::function<void(int)>& f;
    ~Forget() {
      if (f) f(-1);
    }
  } forget{on_socket};
  if (on_socket) on_socket(socket.native_handle());

  http::request<http::string_body> request{verb, target, 11};
  request.set(http::field::host, url.host);
  request.set(http::field::content_type, "application/json");
  if (verb == http::verb::post) request.body() = body;
  request.prepare_payload();
  http::write(socket, request);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> response;
  http::read(socket, buffer, response);
  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_both, ignored);
  if (response.result() != http::status::ok) {
    throw JanusError("HTTP " + std::to_string(response.result_int()) + " for " + target);
  }
  return std::move(response.body());
}

}  // namespace

std::optional<JanusUrl> JanusUrl::parse(const std::string& url, std::string& error) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) {
    error = "the Janus URL must start with http:// (got '" + url + "')";
    return std::nullopt;
  }
  JanusUrl out;
  const std::string rest = url.substr(scheme.size());
  const auto slash = rest.find('/');
  const std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.path = rest.substr(slash);
  while (out.path.size() > 1 && out.path.back() == '/') out.path.pop_back();
  const auto colon = authority.rfind(':');
  out.host = authority.substr(0, colon);
  if (colon != std::string::npos) out.port = authority.substr(colon + 1);
  if (out.host.empty() || out.port.empty() ||
      out.port.find_first_not_of("0123456789") != std::string::npos) {
    error = "the Janus URL wants http://HOST[:PORT]/PATH (got '" + url + "')";
    return std::nullopt;
  }
  return out;
}

std::vector<nlohmann::json> janus_events(const std::string& body) {
  const auto parsed = nlohmann::json::parse(body, nullptr, false);
  if (parsed.is_discarded()) throw JanusError("Janus sent something that is not JSON");
  if (parsed.is_array()) return {parsed.begin(), parsed.end()};
  if (parsed.is_object()) return {parsed};
  throw JanusError("Janus sent JSON that is neither an event nor a list of them");
}

std::optional<std::string> janus_error(const nlohmann::json& message) {
  if (!message.is_object()) return "not a JSON object";
  if (message.value("janus", "") == "error") {
    const auto& e = message.contains("error") ? message["error"] : nlohmann::json::object();
    return "Janus error " + std::to_string(e.value("code", 0)) + ": " + e.value("reason", "?");
  }
  if (message.contains("plugindata") && message["plugindata"].is_object()) {
    const auto& data = message["plugindata"].value("data", nlohmann::json::object());
    if (data.is_object() && data.contains("error")) {
      return "videoroom error " + std::to_string(data.value("error_code", 0)) + ": " +
             data.value("error", "?");
    }
  }
  return std::nullopt;
}

JanusApi::JanusApi(JanusUrl url) : url_(std::move(url)) {}

JanusApi::~JanusApi() {
  destroy_session();
}

std::string JanusApi::next_transaction() {
  return "lg-" + std::to_string(++transactions_);
}

nlohmann::json JanusApi::post(const std::string& target, nlohmann::json message) {
  const std::string what = message.value("janus", "?");
  message["transaction"] = next_transaction();
  std::string body;
  try {
    body = exchange(url_, http::verb::post, target, message.dump());
  } catch (const JanusError&) {
    throw;
  } catch (const boost::system::system_error& e) {
    // code().message(): what() would add Boost's source location.
    throw JanusError("Janus '" + what + "' to " + url_.host + ":" + url_.port + target +
                     " failed: " + e.code().message());
  } catch (const std::exception& e) {
    throw JanusError("Janus '" + what + "' to " + url_.host + ":" + url_.port + target +
                     " failed: " + e.what());
  }
  auto answer = nlohmann::json::parse(body, nullptr, false);
  if (answer.is_discarded() || !answer.is_object()) {
    throw JanusError("Janus answered '" + what + "' with something that is not a JSON object");
  }
  if (auto error = janus_error(answer)) throw JanusError("'" + what + "': " + *error);
  return answer;
}

void JanusApi::create_session() {
  const auto answer = post(url_.path, {{"janus", "create"}});
  session_ = answer.value("data", nlohmann::json::object()).value("id", std::uint64_t{0});
  if (session_ == 0) throw JanusError("Janus 'create' answered without a session id");
  stopping_ = false;
  poller_ = std::thread([this] { poll_loop(); });
}

std::uint64_t JanusApi::attach_videoroom() {
  const auto answer = post(url_.path + "/" + std::to_string(session_),
                           {{"janus", "attach"}, {"plugin", "janus.plugin.videoroom"}});
  const auto handle = answer.value("data", nlohmann::json::object()).value("id", std::uint64_t{0});
  if (handle == 0) throw JanusError("Janus 'attach' answered without a handle id");
  return handle;
}

nlohmann::json JanusApi::request(std::uint64_t handle, const nlohmann::json& body) {
  const auto answer =
      post(url_.path + "/" + std::to_string(session_) + "/" + std::to_string(handle),
           {{"janus", "message"}, {"body", body}});
  if (!answer.contains("plugindata")) {
    throw JanusError("videoroom '" + body.value("request", "?") + "' got no synchronous answer");
  }
  return answer["plugindata"].value("data", nlohmann::json::object());
}

nlohmann::json JanusApi::request_async(std::uint64_t handle, const nlohmann::json& body,
                                       const nlohmann::json& jsep,
                                       std::chrono::milliseconds timeout) {
  nlohmann::json message = {{"janus", "message"}, {"body", body}};
  if (!jsep.is_null()) message["jsep"] = jsep;
  const std::string what = body.value("request", "?");
  const auto ack =
      post(url_.path + "/" + std::to_string(session_) + "/" + std::to_string(handle), message);
  const std::string transaction = ack.value("transaction", "");
  if (ack.value("janus", "") != "ack" || transaction.empty()) {
    throw JanusError("videoroom '" + what + "' was not acknowledged: " + ack.dump());
  }
  std::unique_lock lock(mutex_);
  if (!arrived_.wait_for(lock, timeout, [&] { return mailbox_.count(transaction) > 0; })) {
    throw JanusError("videoroom '" + what + "': no event within " +
                     std::to_string(timeout.count()) + " ms");
  }
  auto event = std::move(mailbox_[transaction]);
  mailbox_.erase(transaction);
  lock.unlock();
  if (auto error = janus_error(event)) throw JanusError("videoroom '" + what + "': " + *error);
  return event;
}

void JanusApi::end_of_candidates(std::uint64_t handle) {
  post(url_.path + "/" + std::to_string(session_) + "/" + std::to_string(handle),
       {{"janus", "trickle"}, {"candidate", {{"completed", true}}}});
}

void JanusApi::poll_loop() {
  // session_ is the main thread's to change (destroy_session): use this copy.
  const std::string session_path = url_.path + "/" + std::to_string(session_);
  const std::string target = session_path + "?maxev=32";
  auto last_keepalive = Clock::now();
  while (!stopping_) {
    std::string body;
    try {
      body = exchange(url_, http::verb::get, target, {}, [this](int fd) {
        std::lock_guard lock(mutex_);
        poll_fd_ = fd;
      });
      for (auto& event : janus_events(body)) {
        ++events_;
        const std::string transaction = event.value("transaction", "");
        if (event.value("janus", "") == "webrtcup") {
          std::lock_guard lock(mutex_);
          up_[event.value("sender", std::uint64_t{0})] = true;
          arrived_.notify_all();
          continue;
        }
        // Plugin events answering our requests; webrtcup, media, slowlink, hangup and
        // the room's notifications carry no transaction of ours and are not needed.
        if (transaction.empty() || event.value("janus", "") != "event") continue;
        std::lock_guard lock(mutex_);
        mailbox_[transaction] = std::move(event);
        arrived_.notify_all();
      }
      if (Clock::now() - last_keepalive > kKeepalive) {
        last_keepalive = Clock::now();
        exchange(url_, http::verb::post, session_path,
                 nlohmann::json{{"janus", "keepalive"}, {"transaction", "lg-keepalive"}}.dump());
      }
    } catch (const std::exception&) {
      if (stopping_) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));  // Janus restarting?
    }
  }
}

bool JanusApi::wait_webrtcup(std::uint64_t handle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return up_.count(handle) > 0; });
}

void JanusApi::destroy_session() noexcept {
  if (session_ != 0) {
    try {
      post(url_.path + "/" + std::to_string(session_), {{"janus", "destroy"}});
    } catch (...) {
      // Janus may be gone already; its own session timeout cleans up.
    }
    session_ = 0;
  }
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    if (poll_fd_ >= 0) ::shutdown(poll_fd_, SHUT_RDWR);
  }
  if (poller_.joinable()) poller_.join();
}

}  // namespace haven::loadgen
