// The SFU inside `haven serve`: one media thread running its own io_context with the
// WebRtcServer (the UDP port), every Room and their 20 ms timers (tick_phases.h). The HTTP
// side talks to it only through this class, whose public calls are thread-safe: each posts
// a closure to the media thread, so rooms, participants and the packet path need no locks.
//
// A signaling channel is one WebSocket connection: open_channel() when it opens,
// submit() for each call message it received (already validated and authorized by
// http/call_signaling), close_channel() when it closes (the participant leaves).
// Replies go back through the channel's SignalingSink.
#pragma once

#include <array>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "api/route_table.h"
#include "sfu/dtls/dtls_certificate.h"
#include "sfu/dtls/dtls_context.h"
#include "sfu/rooms/call_command.h"
#include "sfu/rooms/call_events.h"
#include "sfu/rooms/lobby.h"
#include "sfu/rooms/room.h"
#include "sfu/rooms/tick_phases.h"
#include "sfu/transport/webrtc_server.h"
#include "util/io_thread.h"

namespace haven::sfu::rooms {

class MediaWorker final : public CallControl {
 public:
  using ChannelId = std::uint64_t;

  // Creates the DTLS certificate and binds the UDP port (throws std::runtime_error naming
  // the address when it cannot). Nothing runs until start().
  // `payload_sample_file` (sfu.test_payload_sample_file, tests only): where samples of the
  // forwarded payloads go (routing/payload_sampler.h); empty: nothing is sampled.
  explicit MediaWorker(WebRtcServerOptions options, std::string payload_sample_file = {});
  ~MediaWorker() override;  // stop()
  MediaWorker(const MediaWorker&) = delete;
  MediaWorker& operator=(const MediaWorker&) = delete;

  // Who joins and leaves calls, for attendance; set before start(), outlives the worker.
  void set_event_listener(CallEventListener* listener) { events_ = listener; }
  void start();
  // Everyone leaves (transports send close_notify), then the thread ends. Idempotent.
  void stop();

  ChannelId open_channel(std::shared_ptr<SignalingSink> sink);
  void submit(ChannelId channel, CallCommand command);
  void close_channel(ChannelId channel);
  // CallControl: the room ended (POST /api/rooms/:id/end).
  void end_call(const std::string& room_id) override;
  bool removed_from(const std::string& room_id, const std::string& user_id) const override;
  // CallControl: a private check-in started or ended (media_worker_breakout.cpp).
  void announce_breakout(const std::string& parent_id, const std::string& breakout_id,
                         const std::vector<std::string>& moved_user_ids, bool running) override;

  std::uint16_t port() const noexcept { return port_; }
  // CPU time the media thread has used so far (its CLOCK_THREAD_CPUTIME_ID), for
  // benchmarks; 0 before start() and after stop().
  double cpu_seconds() const noexcept;
  // Benchmarks: the media port's dwell counts so far (WebRtcServerOptions::measure_dwell;
  // all zero otherwise). Any thread.
  DwellHistogram::Counts dwell_snapshot() const noexcept;
  // Prometheus text: haven_sfu_* (any thread).
  std::string render_metrics() const;

 private:
  struct Channel {
    std::shared_ptr<SignalingSink> sink;
    std::string room_id;  // empty: in no room
    std::string peer_id;
    std::string waiting_for;  // the room whose waiting room this channel is in, or empty
    JoinRequest join;         // the last join's (who, and whether host)
  };

  void handle(ChannelId id, CallCommand& command);
  // Into the call (a room is made for the first one in); false when it is full.
  bool enter(Channel& channel, const std::string& room_id, const JoinRequest& join,
             RequestId request);
  void leave_room(Channel& channel, const char* reason, RequestId reply_to = std::nullopt);
  void remove(Channel& host, const CallCommand& command);
  void ask_unmute(Channel& host, const CallCommand& command);
  std::pair<Participant*, Participant*> host_and_target(Channel& host, const CallCommand& command);
  // The waiting room (media_worker_lobby.cpp).
  void wait(ChannelId id, Channel& channel, const std::string& room_id, const JoinRequest& join,
            RequestId request, const char* reason);
  bool stop_waiting(ChannelId id, Channel& channel);
  void run_lobby(Channel& sender, const CallCommand& command);
  void admit(Channel& host, const CallCommand& command);
  void send_back(Channel& host, const CallCommand& command);
  void relay_lobby_message(Channel& sender, const CallCommand& command);
  void notify_hosts(const std::string& room_id);
  void tell_waiting(const std::string& room_id);
  bool host_present(const std::string& room_id) const;
  std::string waiting_message(const std::string& room_id, const JoinRequest& join,
                              const char* reason, RequestId request) const;
  void end_waiting(const std::string& room_id);
  void emit(CallEvent::Kind kind, const std::string& room_id, const std::string& user_id,
            const std::string& peer_id);
  Participant* participant_of(Channel& channel);
  Participant* participant_in(const std::string& room_id, const std::string& peer_id);
  void schedule_tick();
  static void send_error(SignalingSink& sink, const CallCommand& command, const char* code,
                         const std::string& message);
  static void send_error(SignalingSink& sink, const std::string& type, RequestId request,
                         const char* code, const std::string& message);

  boost::asio::io_context ioc_;
  DtlsCertificate certificate_;
  DtlsContext dtls_context_;
  std::unique_ptr<WebRtcServer> server_;
  std::uint16_t port_ = 0;
  boost::asio::steady_timer tick_timer_;
  IoThread thread_;
  std::atomic<bool> stopped_{false};  // read by cpu_seconds() on other threads
  std::atomic<ChannelId> next_channel_{1};
  // Media thread only.
  std::unordered_map<ChannelId, Channel> channels_;
  std::unordered_map<std::string, std::unique_ptr<Room>> rooms_;
  std::unordered_map<std::string, Lobby>
      lobbies_;  // by room id, while anyone waits or a host is in
  // People the host removed, per room id, kept until the room ends (not when it empties:
  // the call goes on when the host comes back). Written on the media thread, read by the
  // HTTP threads too (removed_from), hence the lock.
  mutable std::mutex removed_mutex_;
  std::unordered_map<std::string, std::unordered_set<std::string>> removed_;
  CallEventListener* events_ = nullptr;
  std::string payload_sample_file_;
  std::unique_ptr<routing::PayloadSampler> payload_sampler_;  // null unless sampling
  std::int64_t next_sample_flush_ns_ = 0;
  TickPhases tick_phases_;
  // Figures the media thread publishes on every tick for render_metrics().
  std::atomic<std::uint64_t> rooms_open_{0}, participants_{0}, datagrams_received_{0};
  std::array<std::atomic<std::uint64_t>, kDropReasonCount> drops_{};
};

}  // namespace haven::sfu::rooms
