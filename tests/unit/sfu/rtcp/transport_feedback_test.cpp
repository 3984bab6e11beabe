#include "sfu/rtcp/transport_feedback.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "sfu/rtcp/compound.h"

namespace haven::sfu::rtcp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// base seq 100, 17 statuses, reference time 258 (x 64 ms), feedback count 5.
// Chunk 1, run length:     0 | 01 | 0000000001010   = 0x200A  (10 x small delta)
// Chunk 2, 2-bit vector:   1 | 1 | 10 00 01 00 00 00 01 = 0xE101
//   -> seq 110 large delta, 111 lost, 112 small, 113..115 lost, 116 small.
// Deltas: 10 x 0x04 (1 ms), 0xFFFC (-1 ms), 0x08 (2 ms), 0x00; two bytes of zero padding.
const Bytes kTwcc = {0x8F, 205,  0x00, 0x09, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                     0x00, 0x02, 0x00, 0x64, 0x00, 0x11, 0x00, 0x01, 0x02, 0x05,
                     0x20, 0x0A, 0xE1, 0x01, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04,
                     0x04, 0x04, 0x04, 0x04, 0xFF, 0xFC, 0x08, 0x00, 0x00, 0x00};

// base seq 0, 14 statuses in one 1-bit vector: 1 | 0 | 11001000000001 = 0xB201.
const Bytes kTwccOneBit = {0x8F, 205,  0x00, 0x06, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                           0x00, 0x02, 0x00, 0x00, 0x00, 0x0E, 0x00, 0x00, 0x00, 0x00,
                           0xB2, 0x01, 0x01, 0x02, 0x03, 0x04, 0x00, 0x00};

TransportFeedback parse_one(const Bytes& bytes) {
  auto parsed = parse_compound(bytes);
  EXPECT_TRUE(parsed);
  if (!parsed || parsed->size() != 1) return {};
  return std::get<TransportFeedback>((*parsed)[0]);
}

TEST(RtcpTransportFeedback, RunLengthAndTwoBitVector) {
  auto fb = parse_one(kTwcc);
  EXPECT_EQ(fb.sender_ssrc, 1u);
  EXPECT_EQ(fb.media_ssrc, 2u);
  EXPECT_EQ(fb.base_seq, 100);
  EXPECT_EQ(fb.status_count, 17);
  EXPECT_EQ(fb.reference_time, 258u);
  EXPECT_EQ(fb.fb_pkt_count, 5);
  ASSERT_EQ(fb.received.size(), 13u);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(fb.received[i], (TwccReceived{std::uint16_t(100 + i), 4}));
  EXPECT_EQ(fb.received[10], (TwccReceived{110, -4}));
  EXPECT_EQ(fb.received[11], (TwccReceived{112, 8}));
  EXPECT_EQ(fb.received[12], (TwccReceived{116, 0}));

  auto arrivals = twcc_arrivals(fb);
  ASSERT_EQ(arrivals.size(), 13u);
  EXPECT_EQ(arrivals[0].arrival_us, 258 * 64000 + 1000);
  EXPECT_EQ(arrivals[9].arrival_us, 258 * 64000 + 10000);
  EXPECT_EQ(arrivals[10].arrival_us, 258 * 64000 + 9000);  // reordered: negative delta
  EXPECT_EQ(arrivals[12].seq, 116);

  auto bytes = serialize_compound(CompoundPacket{fb});
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, kTwcc);  // the encoder picks the same chunks
}

TEST(RtcpTransportFeedback, OneBitVector) {
  auto fb = parse_one(kTwccOneBit);
  EXPECT_EQ(fb.status_count, 14);
  const std::vector<TwccReceived> expected = {{0, 1}, {1, 2}, {4, 3}, {13, 4}};
  EXPECT_EQ(fb.received, expected);
  auto bytes = serialize_compound(CompoundPacket{fb});
  ASSERT_TRUE(bytes);
  EXPECT_EQ(*bytes, kTwccOneBit);
}

TEST(RtcpTransportFeedback, RejectsMalformed) {
  Bytes no_statuses = kTwccOneBit;
  no_statuses[15] = 0;  // status count 0
  EXPECT_FALSE(parse_compound(no_statuses));
  Bytes reserved = kTwccOneBit;
  reserved[20] = 0x60;  // run-length chunk with the reserved symbol 3
  reserved[21] = 0x0E;
  EXPECT_FALSE(parse_compound(reserved));
  // 32 statuses, but the chunk list (a 14-symbol vector, then an empty run) ends first.
  const Bytes chunks_cut = {0x8F, 205,  0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
                            0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00, 0xB2, 0x01, 0x00, 0x00};
  EXPECT_FALSE(parse_compound(chunks_cut));
  Bytes short_deltas = kTwcc;
  short_deltas[21] = 0x20;  // run of 32 small deltas: more delta bytes than present
  short_deltas[15] = 0x27;
  EXPECT_FALSE(parse_compound(short_deltas));
  Bytes truncated(kTwcc.begin(), kTwcc.begin() + 12);  // fixed fields cut
  truncated[3] = 0x02;
  EXPECT_FALSE(parse_compound(truncated));
}

TEST(RtcpTransportFeedback, SerializeRejectsInvalid) {
  TransportFeedback fb;
  std::vector<std::uint8_t> out;
  EXPECT_FALSE(serialize_transport_feedback(fb, out));  // status_count 0
  fb.status_count = 3;
  fb.received = {{2, 1}, {1, 1}};  // not increasing
  EXPECT_FALSE(serialize_transport_feedback(fb, out));
  fb.received = {{3, 1}};  // beyond status count
  EXPECT_FALSE(serialize_transport_feedback(fb, out));
  fb.received = {{1, 1}};
  fb.reference_time = 0x1000000;
  EXPECT_FALSE(serialize_transport_feedback(fb, out));
}

TEST(RtcpTransportFeedback, RandomFeedbackRoundTrips) {
  std::mt19937 rng(1234);
  for (int round = 0; round < 300; ++round) {
    TransportFeedback fb;
    fb.sender_ssrc = rng();
    fb.media_ssrc = rng();
    fb.base_seq = static_cast<std::uint16_t>(rng());
    fb.reference_time = rng() & 0xFFFFFF;
    fb.fb_pkt_count = static_cast<std::uint8_t>(rng());
    fb.status_count = static_cast<std::uint16_t>(1 + rng() % 400);
    const int mode = round % 3;  // mostly received / bursty loss / many large deltas
    for (std::uint16_t off = 0; off < fb.status_count; ++off) {
      const bool got = mode == 1 ? (rng() % 40) < 20 : (rng() % 10) != 0;
      if (!got) continue;
      std::int16_t delta = static_cast<std::int16_t>(rng() % 256);
      if (mode == 2 && rng() % 3 == 0) delta = static_cast<std::int16_t>(rng());
      fb.received.push_back({static_cast<std::uint16_t>(fb.base_seq + off), delta});
    }
    auto bytes = serialize_compound(CompoundPacket{fb});
    ASSERT_TRUE(bytes);
    auto parsed = parse_compound(*bytes);
    ASSERT_TRUE(parsed) << "round " << round;
    ASSERT_EQ(parsed->size(), 1u);
    EXPECT_EQ(std::get<TransportFeedback>((*parsed)[0]), fb) << "round " << round;
  }
}

TEST(RtcpTransportFeedback, RunInsertionMatchesSymbolBySymbol) {
  std::mt19937 rng(99);
  for (int round = 0; round < 200; ++round) {
    detail::TwccChunkEncoder one_by_one;
    detail::TwccChunkEncoder by_runs;
    std::vector<std::uint16_t> a;
    std::vector<std::uint16_t> b;
    for (int runs = 0; runs < 30; ++runs) {
      const auto symbol = static_cast<std::uint8_t>(rng() % 3);
      const std::size_t count = (rng() % 4 == 0) ? rng() % 20000 : rng() % 20;
      for (std::size_t i = 0; i < count; ++i) one_by_one.add(symbol, &a);
      by_runs.add_run(symbol, count, &b);
      ASSERT_EQ(one_by_one.chunk_count(), by_runs.chunk_count());
    }
    one_by_one.finish(&a);
    by_runs.finish(&b);
    ASSERT_EQ(a, b) << "round " << round;
  }
}

TEST(RtcpTransportFeedback, LongGapsStayCompact) {
  TransportFeedback fb;
  fb.base_seq = 65000;
  fb.status_count = 65535;
  fb.received = {{65000, 1}, {static_cast<std::uint16_t>(65000 + 65534), 2}};
  std::vector<std::uint8_t> body;
  ASSERT_TRUE(serialize_transport_feedback(fb, body));
  // One vector chunk for the start, run-length chunks of 8191 for the gap, deltas.
  EXPECT_LE(body.size(), 16u + 2 * 10 + 2 + 3);
  auto parsed = parse_transport_feedback(body);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed, fb);
}

TEST(RtcpTransportFeedback, BuilderProducesArrivalTimes) {
  TransportFeedbackBuilder builder(0xAAAA, 0xBBBB, 0);
  EXPECT_TRUE(builder.empty());
  const std::int64_t t0 = 1'000'000'123;  // µs
  ASSERT_TRUE(builder.add(65534, t0));
  ASSERT_TRUE(builder.add(65535, t0 + 5'000));
  // 65536 (wire 0) lost.
  ASSERT_TRUE(builder.add(65537, t0 + 4'000));        // arrived earlier than its predecessor
  ASSERT_TRUE(builder.add(65560, t0 + 200'000));      // 196 ms later: a large delta
  EXPECT_FALSE(builder.add(65560, t0 + 200'001));     // not newer
  EXPECT_FALSE(builder.add(65561, t0 + 10'000'000));  // beyond the int16 delta range
  TransportFeedback fb = builder.take();
  EXPECT_TRUE(builder.empty());
  EXPECT_EQ(fb.base_seq, 65534);
  EXPECT_EQ(fb.status_count, 27);
  EXPECT_EQ(fb.reference_time, static_cast<std::uint32_t>(t0 / 64000));
  ASSERT_EQ(fb.received.size(), 4u);
  EXPECT_EQ(fb.received[2].seq, 1);

  auto bytes = serialize_compound(CompoundPacket{fb});
  ASSERT_TRUE(bytes);
  auto parsed = parse_compound(*bytes);
  ASSERT_TRUE(parsed);
  auto arrivals = twcc_arrivals(std::get<TransportFeedback>((*parsed)[0]));
  ASSERT_EQ(arrivals.size(), 4u);
  // 250 µs resolution, truncated: each arrival within one tick of the truth.
  const std::int64_t truth[] = {t0, t0 + 5'000, t0 + 4'000, t0 + 200'000};
  for (int i = 0; i < 4; ++i) {
    EXPECT_LE(arrivals[i].arrival_us, truth[i]);
    EXPECT_GT(arrivals[i].arrival_us, truth[i] - 250);
  }

  // The next feedback starts right after the last reported seq, so 65561..65562 show as lost.
  ASSERT_TRUE(builder.add(65563, t0 + 10'000'000));
  TransportFeedback next = builder.take();
  EXPECT_EQ(next.fb_pkt_count, 1);
  EXPECT_EQ(next.base_seq, static_cast<std::uint16_t>(65561));
  EXPECT_EQ(next.status_count, 3);
  ASSERT_EQ(next.received.size(), 1u);
  EXPECT_EQ(next.received[0].seq, static_cast<std::uint16_t>(65563));
}

TEST(RtcpTransportFeedback, BuilderStopsBeforeTheSizeLimit) {
  TransportFeedbackBuilder builder(1, 2, 0);
  std::int64_t seq = 0;
  // Alternating large deltas defeat run-length chunks: the body grows ~2.3 bytes/packet.
  while (builder.add(seq, 1'000'000 + (seq % 2 ? 100'000 * seq : 100'000 * seq - 50'000))) ++seq;
  EXPECT_GT(seq, 300);
  TransportFeedback fb = builder.take();
  auto bytes = serialize_compound(CompoundPacket{fb});
  ASSERT_TRUE(bytes);
  EXPECT_LE(bytes->size(), TransportFeedbackBuilder::kMaxBodyBytes + 4);
  auto parsed = parse_compound(*bytes);
  ASSERT_TRUE(parsed);
  EXPECT_EQ(std::get<TransportFeedback>((*parsed)[0]), fb);
}

}  // namespace
}  // namespace haven::sfu::rtcp
