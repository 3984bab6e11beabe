// One simulated browser for haven-loadgen: a signaling channel on the in-process
// MediaWorker (the messages of docs/SIGNALING.md, as the call page sends them) and the two
// peer connections of docs/SFU.md "Negotiation", each a WebRtcClient — the SEND leg
// publishes synthetic audio and video (synthetic_media.h), the RECV leg answers the SFU's
// offers and counts what arrives.
//
// Without a MediaWorker (Janus mode, janus_run.h) the signaling is driven from outside
// through publish_offer / apply_publish_answer / answer_offer; the media and the counting
// are the same code, so both servers get the same packets and are judged the same way.
//
// Threading: a SimClient lives on one ClientThread and is only touched there (the load
// run posts its calls), except ready(), which any thread may read. The MediaWorker calls
// the client's SignalingSink on the media thread; the sink posts each message to the
// client's thread.
#pragma once

#include <atomic>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "sfu/client/browser_sdp.h"
#include "sfu/client/webrtc_client.h"
#include "sfu/dtls/dtls_certificate.h"
#include "sfu/dtls/dtls_context.h"
#include "sfu/rooms/media_worker.h"
#include "stats.h"
#include "synthetic_media.h"
#include "util/io_thread.h"

namespace haven::loadgen {

// A thread of simulated clients (implemented in load_run.cpp): its io_context, one client
// certificate (as a browser has one per profile) and the latency histogram of the measurement
// window.
struct ClientThread {
  // `srtp`: the DTLS-SRTP profiles the clients offer (empty: both, GCM first, as Chrome).
  explicit ClientThread(std::vector<sfu::SrtpProfile> srtp = {});
  ~ClientThread();                      // stop() and join
  void start(const std::string& name);  // the thread's name (15 characters at most)
  void stop();
  double cpu_seconds() const noexcept;

  boost::asio::io_context ioc;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work;
  sfu::DtlsCertificate certificate;
  sfu::DtlsContext dtls;
  LatencyHistogram latency;
  bool in_window = false;
  IoThread thread;
};

struct ClientPlan {
  std::string room_id;
  std::string user_id;
  std::optional<std::uint16_t> publisher;  // its probe id, when it publishes
  bool receives = true;                    // answers the SFU's RECV offers
  std::vector<std::uint16_t> expected;     // publishers it must receive from
  std::size_t total_publishers = 0;        // probe ids are below this
  MediaConfig media;
  std::string local_address = "127.0.0.1";  // the clients' side of the test network
  // The server runs full ICE (Janus): answer its checks, be the controlled agent on the
  // connections it offers, and take the DTLS role its answer's a=setup gives us.
  bool full_ice_server = false;
};

// What one client did in the measurement window.
struct ClientWindow {
  ReceiverSummary received;
  std::uint64_t audio_sent = 0;
  std::uint64_t video_sent = 0;
  std::uint64_t keyframes = 0;
  std::uint64_t keyframe_requests = 0;
  std::uint64_t nacks = 0;
  std::uint64_t send_failures = 0;  // packets the send leg could not send
  // Since the start: video streams whose first packet was not a key frame's first.
  std::uint64_t started_without_keyframe = 0;
  std::int64_t keyframe_wait_max_ns = 0;  // from such a stream's PLI to its first key frame
};

class SimClient : public std::enable_shared_from_this<SimClient> {
 public:
  // `worker`: Haven's SFU in this process, or nullptr when signaling is driven from outside.
  SimClient(ClientThread& thread, sfu::rooms::MediaWorker* worker, ClientPlan plan);
  ~SimClient();
  SimClient(const SimClient&) = delete;
  SimClient& operator=(const SimClient&) = delete;

  // Client thread only.
  void start();  // opens the channel and joins the room
  void stop();   // closes the channel (the participant leaves) and both legs
  void begin_window();
  ClientWindow end_window();
  std::string describe() const;  // state, for a setup that does not complete

  // Client thread only; signaling driven from outside (no MediaWorker).
  void set_joined();            // counts as joined for ready()
  std::string publish_offer();  // the SEND leg's offer (empty if nothing to publish)
  void apply_publish_answer(const std::string& sdp);  // creates and starts the SEND leg
  // The answer to the server's offer for the RECV leg (nullopt: failed, see describe());
  // the leg starts its checks at start_receiving(), once the server has the answer.
  std::optional<std::string> answer_offer(const std::string& sdp);
  void start_receiving();
  const ClientPlan& plan() const noexcept { return plan_; }
  // The SRTP profiles the two legs negotiated ("-" for a leg that is not connected), as
  // "send/recv": which cipher each server chose matters to its CPU figure.
  std::string srtp_profiles() const;

  // Any thread: joined, published and connected, and something arrived from every
  // expected stream.
  bool ready() const noexcept { return ready_.load(std::memory_order_acquire); }
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }

 private:
  class Sink;

  void on_message(const std::string& text);
  void publish();
  sfu::BrowserOffer build_offer();
  void on_publish_answer(const std::string& sdp);
  void on_offer(const std::string& sdp);
  void submit(sfu::rooms::CallCommand::Kind kind, const char* type, std::string sdp = {});
  void fail(std::string why);
  void check_ready();

  void start_media();
  void send_audio();
  void send_video();
  void wait_for_audio();  // until next_audio_
  void wait_for_video();  // until next_video_
  void send_frame_packets(bool all);
  void send_reports();
  void on_media(sfu::rtp::RtpPacket& packet);
  void watch_video_start(StreamCounter& stream, const sfu::rtp::RtpPacket& packet,
                         std::int64_t now);

  ClientThread& thread_;
  sfu::rooms::MediaWorker* worker_;
  ClientPlan plan_;
  sfu::rooms::MediaWorker::ChannelId channel_ = 0;
  bool channel_open_ = false;
  std::int64_t next_request_ = 1;
  bool joined_ = false;
  std::string failure_;
  std::uint64_t errors_ = 0;
  std::uint64_t offers_ = 0;

  sfu::BrowserTransport send_local_;
  sfu::BrowserTransport recv_local_;
  std::unique_ptr<sfu::WebRtcClient> send_;
  std::unique_ptr<sfu::WebRtcClient> recv_;
  std::optional<SyntheticPublisher> media_;
  boost::asio::steady_timer audio_timer_;
  boost::asio::steady_timer video_timer_;
  boost::asio::steady_timer pacer_timer_;
  boost::asio::steady_timer report_timer_;
  boost::asio::steady_timer::time_point next_audio_;
  boost::asio::steady_timer::time_point next_video_;
  std::uint64_t send_failures_ = 0;
  std::size_t frame_packets_ = 0;  // of the current video frame
  std::size_t frame_sent_ = 0;
  std::chrono::nanoseconds pace_{0};
  std::array<std::uint8_t, sfu::kMaxDatagram + sfu::kSrtpMaxTrailer> buffer_{};

  std::vector<StreamCounter> streams_;  // by publisher * 2 + kind
  std::size_t streams_seen_ = 0;
  std::size_t streams_expected_ = 0;
  std::uint64_t unexpected_ = 0;
  std::uint64_t started_without_keyframe_ = 0;
  std::int64_t keyframe_wait_max_ns_ = 0;
  SyntheticPublisher::Counters window_start_{};
  std::uint64_t window_send_failures_ = 0;

  std::atomic<bool> ready_{false};
  std::atomic<bool> failed_{false};
};

}  // namespace haven::loadgen
