// A Janus client over its HTTP transport, for haven-loadgen's Janus mode: one session,
// handles attached to janus.plugin.videoroom, plugin requests, and the session's event
// stream read by long polling (GET /janus/<session>) on a thread of its own.
//
// Why one session for every simulated client: Janus delivers the events of all a
// session's handles on one long poll, so one poller thread serves the whole run, and
// the control plane stays out of the measured work (it is idle during the window except
// for keepalives). Requests are synchronous (Boost.Beast, one connection each): setup is
// a few hundred of them and latency there is not measured.
//
// Threading: every public call may be made from any one thread at a time (the run's main
// thread); the poller thread only fills the event mailbox.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace haven::loadgen {

// An error Janus answered, or an unusable answer; what() says which request failed.
struct JanusError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// "http://host:port/path" split up (only plain HTTP: the benchmark network is private).
struct JanusUrl {
  std::string host;
  std::string port = "80";
  std::string path = "/janus";
  static std::optional<JanusUrl> parse(const std::string& url, std::string& error);
};

// Pure helpers (no I/O), for the JSON Janus sends.
// The events of one long-poll answer: an object or, with maxev > 1, an array of them.
std::vector<nlohmann::json> janus_events(const std::string& body);
// The error a response or event carries, if any: {"janus":"error","error":{code,reason}}
// or a plugin's {"plugindata":{"data":{"error_code":..,"error":..}}}.
std::optional<std::string> janus_error(const nlohmann::json& message);

class JanusApi {
 public:
  explicit JanusApi(JanusUrl url);
  ~JanusApi();  // destroys the session (best effort) and stops the poller
  JanusApi(const JanusApi&) = delete;
  JanusApi& operator=(const JanusApi&) = delete;

  // Creates the session and starts the poller (which also sends a keepalive every 25 s:
  // Janus drops a session after 60 s without one).
  void create_session();
  // A new handle on janus.plugin.videoroom.
  std::uint64_t attach_videoroom();
  // A synchronous plugin request (create, destroy): the plugin's data, or JanusError.
  nlohmann::json request(std::uint64_t handle, const nlohmann::json& body);
  // An asynchronous plugin request (join, publish, start), with an optional JSEP; waits
  // for the event that answers it (same transaction) and returns the whole event, or
  // throws JanusError (an error, or nothing within `timeout`).
  nlohmann::json request_async(std::uint64_t handle, const nlohmann::json& body,
                               const nlohmann::json& jsep, std::chrono::milliseconds timeout);
  // Trickle ICE "completed": the clients put no candidates in their SDP (Janus learns
  // their address from their checks, as peer-reflexive candidates).
  void end_of_candidates(std::uint64_t handle);
  void destroy_session() noexcept;
  // Waits for Janus's "webrtcup" on `handle` (its PeerConnection is up): the videoroom
  // refuses subscriptions to a feed whose publisher is not connected yet.
  bool wait_webrtcup(std::uint64_t handle, std::chrono::milliseconds timeout);

  std::uint64_t events_received() const noexcept { return events_.load(); }

 private:
  nlohmann::json post(const std::string& target, nlohmann::json message);
  std::string next_transaction();
  void poll_loop();

  JanusUrl url_;
  std::uint64_t session_ = 0;
  std::uint64_t transactions_ = 0;

  std::mutex mutex_;  // guards mailbox_ and poll_fd_
  std::condition_variable arrived_;
  std::map<std::string, nlohmann::json> mailbox_;  // answered events, by transaction
  std::map<std::uint64_t, bool> up_;               // handles that got "webrtcup"
  int poll_fd_ = -1;                               // the poller's socket, to interrupt it
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> events_{0};
  std::thread poller_;
};

}  // namespace haven::loadgen
