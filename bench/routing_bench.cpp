// Routing figure (reported, never asserted): packets forwarded per second through
// Router::receive_rtp for one publisher and N subscribers, each packet rewritten per
// subscriber (SSRC/PT/seq/ts, extension ids, MID, abs-send-time, transport-wide seq),
// stored in the consumer's retransmission buffer and handed to a sink that drops it. No
// SRTP: that cost belongs to the transport.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <span>
#include <vector>

#include "sfu/routing/router.h"
#include "sfu/rtp/byte_order.h"
#include "sfu/rtp/rtp_packet.h"

namespace haven::sfu::routing {
namespace {

struct NullSink : PeerSink {
  void send_rtp(std::span<std::uint8_t> buffer, std::size_t len) override {
    benchmark::DoNotOptimize(buffer.data());
    bytes += len;
  }
  void send_rtcp(std::span<const std::uint8_t>) override {}
  std::uint64_t bytes = 0;
};

HeaderExtensionIds publisher_ids() {
  HeaderExtensionIds ids;
  ids.mid = 4;
  ids.abs_send_time = 2;
  ids.transport_cc = 3;
  ids.audio_level = 1;
  return ids;
}

HeaderExtensionIds subscriber_ids() {
  HeaderExtensionIds ids;
  ids.mid = 9;
  ids.abs_send_time = 5;
  ids.transport_cc = 6;
  ids.audio_level = 7;
  return ids;
}

RtpParameters params(MediaKind kind, std::uint8_t pt, std::uint32_t ssrc, std::uint32_t rtx_ssrc,
                     HeaderExtensionIds ids, std::string mid) {
  RtpParameters p;
  p.kind = kind;
  p.mid = std::move(mid);
  p.extensions = ids;
  CodecParameters c;
  c.payload_type = pt;
  if (kind == MediaKind::video) {
    c.name = "VP8";
    c.clock_rate = 90000;
    c.rtx_payload_type = static_cast<std::uint8_t>(pt + 1);
    c.rtcp_feedback = {"nack", "nack pli", "transport-cc"};
  } else {
    c.name = "opus";
    c.clock_rate = 48000;
    c.channels = 2;
    c.rtcp_feedback = {"transport-cc"};
  }
  p.codecs = {c};
  p.encodings = {Encoding{ssrc, rtx_ssrc, ""}};
  p.cname = "bench";
  return p;
}

// A publisher packet: one-byte extensions mid "1", abs-send-time, transport-wide seq
// (and audio level for audio), then `payload_size` bytes starting like a VP8 key frame.
std::vector<std::uint8_t> packet(std::uint8_t pt, std::uint32_t ssrc, std::size_t payload_size,
                                 bool audio) {
  std::vector<std::uint8_t> b = {0x90, pt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xBE, 0xDE, 0, 0};
  store_be32(&b[8], ssrc);
  const std::vector<std::uint8_t> elements = {0x40, '1', 0x22, 1, 2, 3, 0x31, 0, 0, 0x10, 0x90};
  std::vector<std::uint8_t> block(elements.begin(), elements.end() - (audio ? 0 : 2));
  while (block.size() % 4 != 0) block.push_back(0);
  store_be16(&b[14], static_cast<std::uint16_t>(block.size() / 4));
  b.insert(b.end(), block.begin(), block.end());
  std::vector<std::uint8_t> payload(payload_size, 0x5A);
  payload[0] = 0x10;
  payload[1] = 0x00;
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

void run(benchmark::State& state, MediaKind kind, std::size_t payload_size) {
  const auto subscribers = static_cast<PeerId>(state.range(0));
  Router router(Router::Config{.random_seed = 1});
  std::vector<NullSink> sinks(subscribers + 1);
  router.set_sink(1, &sinks[0]);
  const bool audio = kind == MediaKind::audio;
  const std::uint8_t pub_pt = audio ? 111 : 96;
  Producer* producer = router.add_producer(
      1, params(kind, pub_pt, 0x1000, audio ? 0 : 0x1001, publisher_ids(), "1"));
  for (PeerId sub = 2; sub < subscribers + 2; ++sub) {
    router.set_sink(sub, &sinks[sub - 1]);
    const auto ssrc = static_cast<std::uint32_t>(sub << 8);
    router.add_consumer(sub, producer->id(),
                        params(kind, audio ? 109 : 100, ssrc, audio ? 0 : ssrc + 1,
                               subscriber_ids(), "m" + std::to_string(sub)));
  }
  auto bytes = packet(pub_pt, 0x1000, payload_size, audio);
  auto pkt = rtp::RtpPacket::parse(bytes);
  std::uint16_t seq = 0;
  std::int64_t now = 0;
  for (auto _ : state) {
    pkt->set_sequence_number(seq);
    pkt->set_timestamp(seq * 3000u);
    pkt->set_extension_value(3, std::span<const std::uint8_t>(&bytes[2], 2));
    ++seq;
    now += 100'000;
    benchmark::DoNotOptimize(router.receive_rtp(1, *pkt, now));
    if ((seq & 0x3FF) == 0) router.tick(now);  // keeps RTCP state realistic
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(subscribers));
  state.counters["forwarded/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * static_cast<std::int64_t>(subscribers)),
      benchmark::Counter::kIsRate);
}

void BM_ForwardVideo(benchmark::State& state) {
  run(state, MediaKind::video, 1100);
}
BENCHMARK(BM_ForwardVideo)->Arg(1)->Arg(15);

void BM_ForwardAudio(benchmark::State& state) {
  run(state, MediaKind::audio, 100);
}
BENCHMARK(BM_ForwardAudio)->Arg(15);

}  // namespace
}  // namespace haven::sfu::routing
BENCHMARK_MAIN();
