// One simulated browser for haven-loadgen; see sim_client.h.
#include "sim_client.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <random>

#include "sfu/negotiation/codec_policy.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtp/vp8_descriptor.h"
#include "sfu/sdp/parser.h"
#include "sfu/srtp/srtp_profile.h"
#include "sfu/sdp/writer.h"

namespace haven::loadgen {

namespace rooms = sfu::rooms;
using Clock = boost::asio::steady_timer::clock_type;
using namespace std::chrono_literals;

// ---- signaling ----

// Called on the media thread: hands the message to the client's thread.
class SimClient::Sink final : public rooms::SignalingSink {
 public:
  Sink(boost::asio::io_context& ioc, std::weak_ptr<SimClient> client)
      : ioc_(ioc), client_(std::move(client)) {}
  void deliver(std::string json_text) override {
    boost::asio::post(ioc_, [client = client_, text = std::move(json_text)] {
      if (auto c = client.lock()) c->on_message(text);
    });
  }

 private:
  boost::asio::io_context& ioc_;
  std::weak_ptr<SimClient> client_;
};

SimClient::SimClient(ClientThread& thread, rooms::MediaWorker* worker, ClientPlan plan)
    : thread_(thread),
      worker_(worker),
      plan_(std::move(plan)),
      send_local_{sfu::ice::IceCredentials::generate(), thread.dtls.local_fingerprint()},
      recv_local_{sfu::ice::IceCredentials::generate(), thread.dtls.local_fingerprint()},
      audio_timer_(thread.ioc),
      video_timer_(thread.ioc),
      pacer_timer_(thread.ioc),
      report_timer_(thread.ioc),
      streams_(plan_.total_publishers * 2) {
  for (const std::uint16_t p : plan_.expected) {
    if (p >= plan_.total_publishers) continue;
    streams_[p * 2].expected = plan_.media.audio;
    streams_[p * 2 + 1].expected = plan_.media.video_kbps > 0;
  }
  for (const auto& s : streams_) streams_expected_ += s.expected ? 1 : 0;
}

SimClient::~SimClient() = default;

void SimClient::start() {
  if (!worker_) return;  // signaling is driven from outside
  channel_ = worker_->open_channel(std::make_shared<Sink>(thread_.ioc, weak_from_this()));
  channel_open_ = true;
  rooms::CallCommand join;
  join.kind = rooms::CallCommand::Kind::join;
  join.type = "room.join";
  join.request = next_request_++;
  join.room_id = plan_.room_id;
  join.join = {plan_.user_id, plan_.user_id};
  worker_->submit(channel_, std::move(join));
}

void SimClient::stop() {
  audio_timer_.cancel();
  video_timer_.cancel();
  pacer_timer_.cancel();
  report_timer_.cancel();
  if (channel_open_) worker_->close_channel(channel_);
  channel_open_ = false;
  if (send_) send_->close();
  if (recv_) recv_->close();
}

void SimClient::fail(std::string why) {
  if (failure_.empty()) failure_ = std::move(why);
  failed_.store(true, std::memory_order_release);
}

void SimClient::on_message(const std::string& text) {
  const auto message = nlohmann::json::parse(text, nullptr, false);
  if (message.is_discarded() || !message.is_object() || !message.contains("type")) {
    return fail("signaling message is not JSON");
  }
  const std::string type = message.value("type", "");
  const std::string sdp = message.value("sdp", "");
  if (type == "room.joined") {
    joined_ = true;
    if (plan_.publisher) publish();
    check_ready();
  } else if (type == "media.publish_answer") {
    on_publish_answer(sdp);
  } else if (type == "media.offer") {
    on_offer(sdp);
  } else if (type == "error") {
    ++errors_;
    fail("signaling error " + message.value("code", "?") + " on " +
         message.value("request_type", "?") + ": " + message.value("message", ""));
  }
  // room.participant_joined/left, room.mute, room.active_speaker: nothing to do.
}

sfu::BrowserOffer SimClient::build_offer() {
  std::mt19937 rng(std::random_device{}());
  std::uniform_int_distribution<std::uint32_t> any(1, 0xFFFFFFFFu);
  const std::uint32_t audio_ssrc = any(rng);
  std::uint32_t video_ssrc = any(rng), rtx_ssrc = any(rng);
  while (video_ssrc == audio_ssrc) video_ssrc = any(rng);
  while (rtx_ssrc == audio_ssrc || rtx_ssrc == video_ssrc) rtx_ssrc = any(rng);

  sfu::BrowserOffer offer;
  offer.transport = send_local_;
  offer.cname = "lg-" + plan_.user_id;
  offer.stream_id = plan_.user_id;
  if (plan_.media.audio) {
    offer.tracks.push_back({sfu::sdp::MediaKind::audio, "0", "mic", audio_ssrc, 0});
  }
  if (plan_.media.video_kbps > 0) {
    offer.tracks.push_back({sfu::sdp::MediaKind::video, "1", "cam", video_ssrc, rtx_ssrc});
  }
  if (!offer.tracks.empty()) {
    media_.emplace(*plan_.publisher, audio_ssrc, video_ssrc, offer.cname, plan_.media);
  }
  return offer;
}

void SimClient::publish() {
  const sfu::BrowserOffer offer = build_offer();
  if (offer.tracks.empty()) return;
  rooms::CallCommand command;
  for (const auto& track : offer.tracks) {
    command.sources[track.mid] = track.kind == sfu::sdp::MediaKind::audio
                                     ? rooms::TrackSource::microphone
                                     : rooms::TrackSource::camera;
  }
  command.kind = rooms::CallCommand::Kind::publish;
  command.type = "media.publish";
  command.request = next_request_++;
  command.sdp = sfu::sdp::write_sdp(sfu::make_browser_offer(offer));
  worker_->submit(channel_, std::move(command));
}

void SimClient::set_joined() {
  joined_ = true;
  check_ready();
}

std::string SimClient::publish_offer() {
  if (!plan_.publisher) return {};
  const sfu::BrowserOffer offer = build_offer();
  if (offer.tracks.empty()) return {};
  return sfu::sdp::write_sdp(sfu::make_browser_offer(offer));
}

void SimClient::apply_publish_answer(const std::string& sdp) { on_publish_answer(sdp); }

void SimClient::on_publish_answer(const std::string& text) {
  std::string error;
  auto answer = sfu::sdp::parse_sdp(text, &error);
  if (!answer) return fail("publish answer does not parse: " + error);
  auto remote = sfu::sfu_remote_from_sdp(*answer, &error);
  if (!remote) return fail("publish answer: " + error);
  if (send_) return;  // a re-answer (nothing re-offers here)
  sfu::WebRtcClient::Callbacks callbacks;
  callbacks.on_connected = [this] { start_media(); };
  callbacks.on_failed = [this](std::string_view why) { fail("send leg: " + std::string(why)); };
  callbacks.on_rtcp = [this](std::span<const std::uint8_t> compound) {
    if (media_) media_->on_rtcp(compound);
  };
  sfu::WebRtcClientOptions options;
  options.local_ice = send_local_.ice;
  options.local_address = plan_.local_address;
  if (plan_.full_ice_server) {
    options.answer_ice_checks = true;
    // Our offer says actpass; a server that answers active (Janus) is the DTLS client.
    if (text.find("a=setup:active") != std::string::npos) options.dtls_role = sfu::DtlsRole::server;
  }
  try {
    send_ = std::make_unique<sfu::WebRtcClient>(thread_.ioc, thread_.dtls, std::move(*remote),
                                                std::move(callbacks), std::move(options));
  } catch (const std::exception& e) {
    return fail(std::string("send leg: ") + e.what());
  }
  send_->start();
}

void SimClient::on_offer(const std::string& text) {
  auto answer = answer_offer(text);
  if (!answer) return;
  rooms::CallCommand command;
  command.kind = rooms::CallCommand::Kind::answer;
  command.type = "media.answer";
  command.sdp = std::move(*answer);
  worker_->submit(channel_, std::move(command));
  start_receiving();
}

std::optional<std::string> SimClient::answer_offer(const std::string& text) {
  if (!plan_.receives) return std::nullopt;  // like a page that never answers
  ++offers_;
  std::string error;
  auto offer = sfu::sdp::parse_sdp(text, &error);
  if (!offer) {
    fail("offer does not parse: " + error);
    return std::nullopt;
  }
  auto answer = sfu::make_browser_answer(*offer, recv_local_, &error);
  if (!answer) {
    fail("offer cannot be answered: " + error);
    return std::nullopt;
  }
  std::string answer_sdp = sfu::sdp::write_sdp(*answer);
  if (recv_) return answer_sdp;  // a re-offer: same transport

  auto remote = sfu::sfu_remote_from_sdp(*offer, &error);
  if (!remote) {
    fail("offer: " + error);
    return std::nullopt;
  }
  sfu::WebRtcClient::Callbacks callbacks;
  callbacks.on_connected = [this] { check_ready(); };
  callbacks.on_failed = [this](std::string_view why) { fail("recv leg: " + std::string(why)); };
  callbacks.on_rtp = [this](sfu::rtp::RtpPacket& packet) { on_media(packet); };
  sfu::WebRtcClientOptions options;
  options.local_ice = recv_local_.ice;
  options.local_address = plan_.local_address;
  if (plan_.full_ice_server) {
    // The server offered, so it controls (RFC 8445 §6.1.1) and checks us too.
    options.ice_controlling = false;
    options.answer_ice_checks = true;
  }
  try {
    recv_ = std::make_unique<sfu::WebRtcClient>(thread_.ioc, thread_.dtls, std::move(*remote),
                                                std::move(callbacks), std::move(options));
  } catch (const std::exception& e) {
    fail(std::string("recv leg: ") + e.what());
    return std::nullopt;
  }
  return answer_sdp;
}

void SimClient::start_receiving() {
  if (recv_ && recv_->state() == sfu::WebRtcClient::State::new_) recv_->start();
}

void SimClient::check_ready() {
  if (ready() || !joined_) return;
  if (plan_.publisher && !(send_ && send_->connected())) return;
  if (streams_seen_ < streams_expected_) return;
  ready_.store(true, std::memory_order_release);
}

// ---- media ----

void SimClient::start_media() {
  if (!media_) return;
  const auto now = Clock::now();
  next_audio_ = now;
  next_video_ = now;
  if (plan_.media.audio) send_audio();
  if (plan_.media.video_kbps > 0) send_video();
  send_reports();
  check_ready();
}

namespace {
// Keeps a schedule without drift; a thread that fell far behind (overloaded) skips ahead
// instead of sending a burst of everything it missed.
void step_schedule(Clock::time_point& next, Clock::duration period) {
  next += period;
  const auto now = Clock::now();
  if (next < now - 100ms) next = now;
}
}  // namespace

void SimClient::send_audio() {
  if (!send_ || !send_->connected()) return;
  const std::size_t length = media_->audio_packet(buffer_, now_ns());
  if (!send_->send_rtp(buffer_, length)) ++send_failures_;
  step_schedule(next_audio_, 20ms);
  audio_timer_.expires_at(next_audio_);
  audio_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->send_audio();
  });
}

void SimClient::send_video() {
  if (!send_ || !send_->connected()) return;
  send_frame_packets(true);  // what is left of the last frame (an overloaded thread)
  frame_packets_ = media_->begin_video_frame(now_ns());
  frame_sent_ = 0;
  const auto interval = std::chrono::nanoseconds(1'000'000'000 / media_->config().fps);
  if (media_->config().pacing && frame_packets_ > 0) {
    // Chrome paces at 2.5 x the target bitrate; the frame still ends within its interval.
    const auto bits = static_cast<double>(media_->config().video_packet_payload) * 8;
    const auto rate = 2.5 * 1000 * static_cast<double>(media_->config().video_kbps);
    pace_ = std::min(std::chrono::nanoseconds(static_cast<std::int64_t>(bits / rate * 1e9)),
                     interval / static_cast<std::int64_t>(frame_packets_ + 1));
  } else {
    pace_ = std::chrono::nanoseconds(0);
  }
  send_frame_packets(pace_.count() == 0);
  step_schedule(next_video_, interval);
  video_timer_.expires_at(next_video_);
  video_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->send_video();
  });
}

// Sends the current frame's next packet (or all that are left), then waits `pace_`.
void SimClient::send_frame_packets(bool all) {
  while (frame_sent_ < frame_packets_) {
    const std::size_t length = media_->video_packet(buffer_, frame_sent_++, now_ns());
    if (!send_->send_rtp(buffer_, length)) ++send_failures_;
    if (!all) break;
  }
  if (frame_sent_ >= frame_packets_) return;
  pacer_timer_.expires_after(pace_);
  pacer_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->send_frame_packets(false);
  });
}

void SimClient::send_reports() {
  if (!send_ || !send_->connected()) return;
  if (const std::size_t length = media_->sender_reports(buffer_, now_ns())) {
    send_->send_rtcp(buffer_, length);
  }
  report_timer_.expires_after(1s);
  report_timer_.async_wait([weak = weak_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->send_reports();
  });
}

void SimClient::on_media(sfu::rtp::RtpPacket& packet) {
  const std::int64_t now = now_ns();
  const std::uint8_t pt = packet.payload_type();
  const bool video = pt == sfu::negotiation::kVp8PayloadType;
  if (!video && pt != sfu::negotiation::kOpusPayloadType) {
    ++unexpected_;
    return;
  }
  const auto probe = read_probe(packet.payload(), video);
  if (!probe || probe->publisher >= plan_.total_publishers ||
      (probe->kind == StreamKind::video) != video) {
    ++unexpected_;
    return;
  }
  StreamCounter& stream = streams_[probe->publisher * 2 + static_cast<std::size_t>(probe->kind)];
  if (!stream.expected) {
    ++unexpected_;
    return;
  }
  stream.on_packet(probe->seq, thread_.in_window);
  if (thread_.in_window) thread_.latency.record_ns(now - probe->send_ns);
  if (video && !stream.decodable) watch_video_start(stream, packet, now);
  if (stream.total == 1) {
    ++streams_seen_;
    check_ready();
  }
}

// Like a browser's decoder: it can only start on a key frame, and asks for one (PLI) when
// a stream begins without it. The SFU should start every video stream with a key frame.
void SimClient::watch_video_start(StreamCounter& stream, const sfu::rtp::RtpPacket& packet,
                                  std::int64_t now) {
  if (sfu::rtp::is_vp8_keyframe(packet.payload())) {
    stream.decodable = true;
    if (stream.pli_ns != 0)
      keyframe_wait_max_ns_ = std::max(keyframe_wait_max_ns_, now - stream.pli_ns);
    return;
  }
  if (stream.pli_ns != 0) return;
  ++started_without_keyframe_;
  stream.pli_ns = now;
  std::array<std::uint8_t, 64 + sfu::kSrtpMaxTrailer> rtcp{};
  // Chrome's RTCP sender SSRC on a connection that sends no media is 1.
  const std::size_t length =
      sfu::rtcp::serialize_compound({sfu::rtcp::Pli{1, packet.ssrc()}}, rtcp);
  if (length > 0 && recv_) recv_->send_rtcp(rtcp, length);
}

// ---- measurement ----

void SimClient::begin_window() {
  for (auto& s : streams_) s.begin_window();
  if (media_) window_start_ = media_->counters();
  window_send_failures_ = send_failures_;
}

ClientWindow SimClient::end_window() {
  ClientWindow w;
  w.received = summarize(streams_, unexpected_);
  if (media_) {
    const auto& c = media_->counters();
    w.audio_sent = c.audio_packets - window_start_.audio_packets;
    w.video_sent = c.video_packets - window_start_.video_packets;
    w.keyframes = c.keyframes - window_start_.keyframes;
    w.keyframe_requests = c.keyframe_requests - window_start_.keyframe_requests;
    w.nacks = c.nacks - window_start_.nacks;
  }
  w.send_failures = send_failures_ - window_send_failures_;
  w.started_without_keyframe = started_without_keyframe_;
  w.keyframe_wait_max_ns = keyframe_wait_max_ns_;
  return w;
}

std::string SimClient::srtp_profiles() const {
  const auto leg = [](const std::unique_ptr<sfu::WebRtcClient>& c) -> std::string {
    const auto profile = c ? c->srtp_profile() : std::nullopt;
    return profile ? std::string(sfu::srtp_profile_openssl_name(*profile)) : "-";
  };
  return leg(send_) + "/" + leg(recv_);
}

std::string SimClient::describe() const {
  const auto leg = [](const std::unique_ptr<sfu::WebRtcClient>& c) -> std::string {
    return c ? sfu::to_string(c->state()) : "none";
  };
  std::string s = plan_.user_id + " in " + plan_.room_id + ": " +
                  (joined_ ? "joined" : "not joined") + ", send leg " + leg(send_) + ", recv leg " +
                  leg(recv_) + ", offers " + std::to_string(offers_) + ", streams " +
                  std::to_string(streams_seen_) + "/" + std::to_string(streams_expected_);
  if (!failure_.empty()) s += ", failed: " + failure_;
  return s;
}

}  // namespace haven::loadgen
