// haven-loadgen's media: the RTP a publisher sends (Opus-sized audio every 20 ms, VP8
// frames at a chosen bitrate) and the probe inside every payload that lets a subscriber
// measure latency and loss end to end.
//
// Packets look like Chrome's to the SFU: the extension ids of the browser offer
// (sfu/client/browser_sdp.h) with mid, abs-send-time, a transport-wide sequence number
// (one counter for the send connection) and, for audio, the RFC 6464 level. Video carries
// a VP8 payload descriptor (RFC 7741, 15-bit PictureID) and a VP8 payload header on the
// first packet of each frame, so the SFU's key-frame logic sees real key frames: the first
// frame, then one every keyframe_interval and after every PLI/FIR.
//
// The probe (17 bytes, big-endian) follows the codec bytes: "LG", publisher id (16 bits),
// kind (0 audio, 1 video), the stream's own sequence number (32 bits, so loss is counted
// from the publisher's numbering, not the SFU's rewritten one) and the steady-clock time
// the packet was built (ns, 64 bits).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace haven::loadgen {

enum class StreamKind : std::uint8_t { audio = 0, video = 1 };

inline constexpr std::size_t kProbeSize = 17;
// Bytes after the VP8 descriptor reserved for the VP8 payload header (10 on a key frame).
inline constexpr std::size_t kVp8HeaderRoom = 10;

struct Probe {
  std::uint16_t publisher = 0;
  StreamKind kind = StreamKind::audio;
  std::uint32_t seq = 0;
  std::int64_t send_ns = 0;
};

void write_probe(std::uint8_t* at, const Probe& probe) noexcept;
// The probe of a received payload: at 0 for Opus, after the VP8 descriptor and header room
// for VP8 (`video`). nullopt when the payload is too short or carries no probe.
std::optional<Probe> read_probe(std::span<const std::uint8_t> payload, bool video) noexcept;

struct MediaConfig {
  bool audio = true;
  std::uint32_t video_kbps = 1000;  // 0: no video
  std::uint32_t fps = 30;
  std::size_t video_packet_payload = 1100;  // largest video payload
  std::size_t audio_payload = 100;
  std::int64_t keyframe_interval_ns = 2'000'000'000;
  std::uint8_t audio_level = 30;  // -dBov (RFC 6464), for active-speaker detection
  // Spread a frame's packets at 2.5 x the video bitrate, as Chrome's pacer does, instead
  // of sending them back to back.
  bool pacing = true;
};

// steady_clock now in ns, the time base of every probe.
std::int64_t now_ns() noexcept;

// One publisher's packets, built into a caller buffer one at a time (client thread only).
class SyntheticPublisher {
 public:
  struct Counters {
    std::uint64_t audio_packets = 0;
    std::uint64_t video_packets = 0;
    std::uint64_t keyframes = 0;
    std::uint64_t keyframe_requests = 0;  // PLI/FIR received
    std::uint64_t nacks = 0;              // NACK entries received (loss before the SFU)
  };

  SyntheticPublisher(std::uint16_t publisher_id, std::uint32_t audio_ssrc, std::uint32_t video_ssrc,
                     std::string cname, MediaConfig config);

  const MediaConfig& config() const noexcept { return config_; }
  std::uint32_t audio_ssrc() const noexcept { return audio_ssrc_; }
  std::uint32_t video_ssrc() const noexcept { return video_ssrc_; }

  // The next 20 ms audio packet; returns its length.
  std::size_t audio_packet(std::span<std::uint8_t> buffer, std::int64_t now) noexcept;

  // Starts the next video frame (a key frame when one is due or was requested) and returns
  // how many packets it has; video_packet(i) builds packet i (the last has the marker).
  std::size_t begin_video_frame(std::int64_t now) noexcept;
  std::size_t video_packet(std::span<std::uint8_t> buffer, std::size_t index,
                           std::int64_t now) noexcept;

  // RTCP from the SFU on the send connection: PLI/FIR make the next frame a key frame.
  void on_rtcp(std::span<const std::uint8_t> compound);
  // A compound SR for each stream + SDES CNAME, as Chrome sends about once a second;
  // returns its length (0 if it did not fit).
  std::size_t sender_reports(std::span<std::uint8_t> buffer, std::int64_t now) const;

  const Counters& counters() const noexcept { return counters_; }

 private:
  std::size_t header(std::span<std::uint8_t> buffer, bool video, bool marker,
                     std::int64_t now) noexcept;

  std::uint16_t publisher_id_;
  std::uint32_t audio_ssrc_;
  std::uint32_t video_ssrc_;
  std::string cname_;
  MediaConfig config_;
  Counters counters_;
  std::uint16_t twcc_seq_ = 0;
  std::uint16_t audio_rtp_seq_;
  std::uint16_t video_rtp_seq_;
  std::uint32_t audio_ts_;
  std::uint32_t video_ts_;
  std::uint32_t audio_probe_seq_ = 0;
  std::uint32_t video_probe_seq_ = 0;
  std::uint16_t picture_id_ = 0;
  std::size_t frame_packets_ = 0;
  std::size_t frame_payload_ = 0;
  bool frame_is_key_ = false;
  bool keyframe_wanted_ = true;  // the first frame
  std::int64_t last_keyframe_ns_ = 0;
  std::int64_t last_audio_ns_ = 0;
  std::int64_t last_video_ns_ = 0;
  std::uint64_t audio_octets_ = 0;
  std::uint64_t video_octets_ = 0;
};

}  // namespace haven::loadgen
