// One simulated browser for haven-loadgen, its media half (sending, receiving, counting);
// the signaling half is sim_client_signaling.cpp. See sim_client.h.
#include "sim_client.h"

#include <algorithm>
#include <boost/asio/post.hpp>
#include <chrono>
#include <random>

#include "sfu/negotiation/codec_policy.h"
#include "sfu/rtcp/compound.h"
#include "sfu/rtp/vp8_descriptor.h"
#include "sfu/srtp/srtp_profile.h"

namespace haven::loadgen {

namespace rooms = sfu::rooms;
using Clock = boost::asio::steady_timer::clock_type;
using namespace std::chrono_literals;

// ---- media ----

void SimClient::start_media() {
  if (!media_) return;
  // Browsers in one call joined at different moments, so their 20 ms audio and 33 ms video
  // clocks run at unrelated phases. Starting every publisher on its own "connected" (all
  // within a few ms) would send every publisher's packet in the same instant, a burst no
  // real call has (docs/PERFORMANCE.md "The latency tail"). The phase is a fixed function
  // of the publisher's id, so runs repeat.
  std::minstd_rand phase(*plan_.publisher + 1u);
  const auto now = Clock::now();
  next_audio_ = now + std::chrono::microseconds(phase() % 20'000);
  next_video_ = now + std::chrono::microseconds(phase() % (1'000'000 / media_->config().fps));
  if (plan_.media.audio) wait_for_audio();
  if (plan_.media.video_kbps > 0) wait_for_video();
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
  wait_for_audio();
}

void SimClient::wait_for_audio() {
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
  wait_for_video();
}

void SimClient::wait_for_video() {
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
