#include "sfu/rtcp/compound.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

namespace haven::sfu::rtcp {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

// Known byte layouts, written out from the RFC figures.
const Bytes kSr = {0x81, 200,  0x00, 0x0C,                          // V=2 RC=1 PT=SR length=12
                   0x11, 0x22, 0x33, 0x44,                          // SSRC of sender
                   0xE1, 0x23, 0x45, 0x67, 0x89, 0xAB, 0xCD, 0xEF,  // NTP timestamp
                   0x00, 0x00, 0x0B, 0xB8,                          // RTP timestamp 3000
                   0x00, 0x00, 0x00, 0x0A,                          // packet count 10
                   0x00, 0x00, 0x03, 0xE8,                          // octet count 1000
                   0x55, 0x66, 0x77, 0x88,                          // report block: SSRC
                   0x40, 0xFF, 0xFF, 0xFE,   // fraction 64/256, cumulative lost -2
                   0x00, 0x01, 0x00, 0x05,   // extended highest seq (1 cycle, 5)
                   0x00, 0x00, 0x00, 0x20,   // jitter 32
                   0xCD, 0xEF, 0x01, 0x02,   // LSR
                   0x00, 0x01, 0x80, 0x00};  // DLSR 1.5 s
const Bytes kRr = {0x80, 201, 0x00, 0x01, 0x11, 0x22, 0x33, 0x44};
const Bytes kSdes = {0x81, 202, 0x00, 0x04, 0x11, 0x22, 0x33, 0x44, 0x01, 0x09,
                     'u',  's', 'e',  'r',  '@',  'h',  'o',  's',  't',  0x00};
const Bytes kBye = {0x81, 203, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x03, 'b', 'y', 'e'};
const Bytes kPli = {0x81, 206, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02};
const Bytes kFir = {0x84, 206,  0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00,
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x07, 0x00, 0x00, 0x00};
const Bytes kNack = {0x81, 205,  0x00, 0x03, 0x00, 0x00, 0x00, 0x01,
                     0x00, 0x00, 0x00, 0x02, 0x00, 0x64, 0x00, 0x05};  // PID 100, BLP 0x0005
// 1 Mbit/s = 250000 << 2: exponent 2, mantissa 0x3D090.
const Bytes kRemb = {0x8F, 206, 0x00, 0x05, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                     'R',  'E', 'M',  'B',  0x01, 0x0B, 0xD0, 0x90, 0x00, 0x00, 0x00, 0x02};

template <typename T>
T only(const Bytes& bytes) {
  auto parsed = parse_compound(bytes);
  EXPECT_TRUE(parsed);
  if (!parsed || parsed->size() != 1 || !std::holds_alternative<T>((*parsed)[0])) {
    ADD_FAILURE() << "expected exactly one packet of the requested type";
    return T{};
  }
  return std::get<T>((*parsed)[0]);
}

// parse -> serialize gives the same bytes, and parse again gives the same value.
void expect_round_trip(const Bytes& bytes) {
  auto parsed = parse_compound(bytes);
  ASSERT_TRUE(parsed);
  auto out = serialize_compound(*parsed);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, bytes);
  auto again = parse_compound(*out);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *parsed);
}

TEST(RtcpCompound, SenderReport) {
  auto sr = only<SenderReport>(kSr);
  EXPECT_EQ(sr.ssrc, 0x11223344u);
  EXPECT_EQ(sr.ntp_timestamp, 0xE123456789ABCDEFull);
  EXPECT_EQ(sr.rtp_timestamp, 3000u);
  EXPECT_EQ(sr.packet_count, 10u);
  EXPECT_EQ(sr.octet_count, 1000u);
  ASSERT_EQ(sr.reports.size(), 1u);
  const ReportBlock& b = sr.reports[0];
  EXPECT_EQ(b.ssrc, 0x55667788u);
  EXPECT_EQ(b.fraction_lost, 0x40);
  EXPECT_EQ(b.cumulative_lost, -2);
  EXPECT_EQ(b.extended_highest_seq, 0x10005u);
  EXPECT_EQ(b.jitter, 32u);
  EXPECT_EQ(b.lsr, 0xCDEF0102u);
  EXPECT_EQ(b.dlsr, 0x18000u);
  expect_round_trip(kSr);
}

TEST(RtcpCompound, ReceiverReportSdesBye) {
  EXPECT_EQ(only<ReceiverReport>(kRr).ssrc, 0x11223344u);
  auto sdes = only<Sdes>(kSdes);
  ASSERT_EQ(sdes.chunks.size(), 1u);
  EXPECT_EQ(sdes.chunks[0].ssrc, 0x11223344u);
  ASSERT_EQ(sdes.chunks[0].items.size(), 1u);
  EXPECT_EQ(sdes.chunks[0].items[0].type, kSdesCname);
  EXPECT_EQ(sdes.chunks[0].items[0].value, "user@host");
  auto bye = only<Bye>(kBye);
  EXPECT_EQ(bye.ssrcs, std::vector<std::uint32_t>{0x11223344});
  EXPECT_EQ(bye.reason, "bye");
  expect_round_trip(kRr);
  expect_round_trip(kSdes);
  expect_round_trip(kBye);
}

TEST(RtcpCompound, PliFirNackRemb) {
  auto pli = only<Pli>(kPli);
  EXPECT_EQ(pli.sender_ssrc, 1u);
  EXPECT_EQ(pli.media_ssrc, 2u);
  auto fir = only<Fir>(kFir);
  ASSERT_EQ(fir.entries.size(), 1u);
  EXPECT_EQ(fir.entries[0], (FirEntry{2, 7}));
  auto nack = only<Nack>(kNack);
  EXPECT_EQ(nack.media_ssrc, 2u);
  EXPECT_EQ(nack.seqs, (std::vector<std::uint16_t>{100, 101, 103}));
  auto remb = only<Remb>(kRemb);
  EXPECT_EQ(remb.bitrate_bps, 1'000'000u);
  EXPECT_EQ(remb.ssrcs, std::vector<std::uint32_t>{2});
  for (const Bytes* b : {&kPli, &kFir, &kNack, &kRemb}) expect_round_trip(*b);
}

TEST(RtcpCompound, CompoundOfSeveralPackets) {
  const Bytes compound = cat({kSr, kSdes, kNack, kRemb});
  auto parsed = parse_compound(compound);
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 4u);
  EXPECT_TRUE(std::holds_alternative<SenderReport>((*parsed)[0]));
  EXPECT_TRUE(std::holds_alternative<Sdes>((*parsed)[1]));
  EXPECT_TRUE(std::holds_alternative<Nack>((*parsed)[2]));
  EXPECT_TRUE(std::holds_alternative<Remb>((*parsed)[3]));
  expect_round_trip(compound);
}

TEST(RtcpCompound, ReducedSizeSinglePacketIsValid) {
  // RFC 5506: a lone feedback message without a leading SR/RR.
  EXPECT_EQ(only<Pli>(kPli).media_ssrc, 2u);
}

TEST(RtcpCompound, SkipsUnknownPacketsAndFormats) {
  const Bytes app = {0x80, 204, 0x00, 0x02, 0, 0, 0, 1, 'n', 'a', 'm', 'e'};
  const Bytes xr = {0x80, 207, 0x00, 0x01, 0, 0, 0, 1};
  const Bytes tmmbr = {0x83, 205, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0};  // RTPFB FMT 3
  const Bytes sli = {0x82, 206, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 0};
  const Bytes other_afb = {0x8F, 206, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 0, 'A', 'B', 'C', 'D'};
  const Bytes short_afb = {0x8F, 206, 0x00, 0x00};  // unknown AFB, too short to be REMB
  auto parsed = parse_compound(cat({kRr, app, xr, tmmbr, sli, other_afb, short_afb, kPli}));
  ASSERT_TRUE(parsed);
  ASSERT_EQ(parsed->size(), 2u);
  EXPECT_TRUE(std::holds_alternative<ReceiverReport>((*parsed)[0]));
  EXPECT_TRUE(std::holds_alternative<Pli>((*parsed)[1]));
  auto only_unknown = parse_compound(app);
  ASSERT_TRUE(only_unknown);
  EXPECT_TRUE(only_unknown->empty());
}

TEST(RtcpCompound, HonoursPadding) {
  // RR with P set: 4 padding octets, the last one counting them.
  const Bytes padded = {0xA0, 201, 0x00, 0x02, 0x11, 0x22, 0x33, 0x44, 0x00, 0x00, 0x00, 0x04};
  EXPECT_EQ(only<ReceiverReport>(padded).ssrc, 0x11223344u);
}

TEST(RtcpCompound, RejectsMalformed) {
  EXPECT_FALSE(parse_compound(Bytes{}));
  Bytes bad_version = kRr;
  bad_version[0] = 0x40;
  EXPECT_FALSE(parse_compound(bad_version));
  Bytes beyond = kRr;
  beyond[3] = 0x02;  // claims 12 bytes, 8 present
  EXPECT_FALSE(parse_compound(beyond));
  EXPECT_FALSE(parse_compound(cat({kRr, Bytes{0x80, 201}})));  // trailing partial header
  Bytes padding_too_big = {0xA0, 201, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0x09};
  EXPECT_FALSE(parse_compound(padding_too_big));
  Bytes padding_zero = {0xA0, 201, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0x00};
  EXPECT_FALSE(parse_compound(padding_zero));
  Bytes rr_missing_block = {0x81, 201, 0x00, 0x01, 0, 0, 0, 1};  // RC = 1, no block
  EXPECT_FALSE(parse_compound(rr_missing_block));
  Bytes sdes_unterminated = {0x81, 202, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 'a', 'b'};
  EXPECT_FALSE(parse_compound(sdes_unterminated));
  Bytes bye_reason_beyond = {0x81, 203, 0x00, 0x02, 0, 0, 0, 1, 0x09, 'x', 'y', 'z'};
  EXPECT_FALSE(parse_compound(bye_reason_beyond));
  Bytes nack_empty = {0x81, 205, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2};
  EXPECT_FALSE(parse_compound(nack_empty));
  Bytes remb_ssrcs_beyond = kRemb;
  remb_ssrcs_beyond[16] = 0x03;  // three SSRCs announced, one present
  EXPECT_FALSE(parse_compound(remb_ssrcs_beyond));
  Bytes fir_empty = {0x84, 206, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0};
  EXPECT_FALSE(parse_compound(fir_empty));
  Bytes oversized(1504, 0);
  for (std::size_t i = 0; i < oversized.size(); i += 8) {
    oversized[i] = 0x80;
    oversized[i + 1] = 201;
    oversized[i + 3] = 0x01;
  }
  EXPECT_FALSE(parse_compound(oversized));
  oversized.resize(1496);
  EXPECT_TRUE(parse_compound(oversized));
}

TEST(RtcpCompound, SerializeRejectsUnencodable) {
  ReceiverReport rr;
  rr.reports.resize(32);  // RC is 5 bits
  std::vector<std::uint8_t> out = {0xAA};
  EXPECT_FALSE(serialize_packet(rr, out));
  EXPECT_EQ(out, (std::vector<std::uint8_t>{0xAA}));  // rolled back
  EXPECT_FALSE(serialize_packet(Nack{1, 2, {}}, out));
  EXPECT_FALSE(serialize_packet(Fir{1, {}}, out));
  Sdes sdes{{SdesChunk{1, {SdesItem{kSdesCname, std::string(256, 'x')}}}}};
  EXPECT_FALSE(serialize_packet(sdes, out));
  Bye bye{{1}, std::string(300, 'r')};
  EXPECT_FALSE(serialize_packet(bye, out));

  std::vector<std::uint8_t> small(8);
  EXPECT_EQ(serialize_compound(CompoundPacket{Pli{1, 2}}, small), 0u);
  std::vector<std::uint8_t> enough(12);
  EXPECT_EQ(serialize_compound(CompoundPacket{Pli{1, 2}}, enough), 12u);
  EXPECT_EQ(enough, kPli);
}

TEST(RtcpCompound, BuiltPacketsRoundTrip) {
  SenderReport sr{7, 0x0102030405060708ull, 90000, 3, 1200, {}};
  sr.reports.push_back({9, 25, -5, 70000, 12, 0x12345678, 0x10000});
  sr.reports.push_back({10, 0, 0x7FFFFF, 1, 0, 0, 0});
  Sdes sdes{{SdesChunk{7, {{kSdesCname, "a"}, {6, "haven"}}}, SdesChunk{8, {}}}};
  Nack nack{1, 2, {65534, 65535, 0, 5, 17, 40, 40, 3}};  // wraps, repeats, goes back
  Remb remb{1, 123'456'789, {1, 2, 3}};
  CompoundPacket packets = {sr,   ReceiverReport{7, sr.reports}, sdes, Bye{{7, 8}, ""}, nack,
                            remb, Fir{1, {{2, 1}, {3, 255}}}};
  auto bytes = serialize_compound(packets);
  ASSERT_TRUE(bytes);
  auto parsed = parse_compound(*bytes);
  ASSERT_TRUE(parsed);
  // REMB rounds the bitrate down to 18 significant bits.
  std::get<Remb>(packets[5]).bitrate_bps = (123'456'789 >> 9) << 9;
  EXPECT_EQ(*parsed, packets);
}

}  // namespace
}  // namespace haven::sfu::rtcp
