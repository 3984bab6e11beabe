// One simulated browser for haven-loadgen, its signaling half: the channel on Haven's
// in-process MediaWorker, or the calls Janus mode makes (janus_run.cpp); both end in
// the same two WebRtcClient legs. See sim_client.h.
#include <boost/asio/post.hpp>
#include <nlohmann/json.hpp>
#include <random>

#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"
#include "sim_client.h"

namespace haven::loadgen {

namespace rooms = sfu::rooms;
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

void SimClient::apply_publish_answer(const std::string& sdp) {
  on_publish_answer(sdp);
}

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

}  // namespace haven::loadgen
