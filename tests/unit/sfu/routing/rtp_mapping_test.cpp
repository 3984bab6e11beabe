#include "sfu/routing/rtp_mapping.h"

#include <gtest/gtest.h>

namespace haven::sfu::routing {
namespace {

CodecParameters codec(std::uint8_t pt, std::string name, std::uint32_t clock, std::uint8_t ch = 0,
                      std::string fmtp = "", std::optional<std::uint8_t> rtx = std::nullopt) {
  return CodecParameters{pt, std::move(name), clock, ch, std::move(fmtp), rtx, {}};
}

TEST(RtpMapping, MapsPayloadTypesByCodec) {
  RtpParameters pub, sub;
  pub.codecs = {codec(96, "VP8", 90000, 0, "", 97),
                codec(102, "H264", 90000, 0, "packetization-mode=1", 103)};
  sub.codecs = {codec(120, "H264", 90000, 0, "packetization-mode=0"),
                codec(121, "h264", 90000, 0, "profile-level-id=42e01f;packetization-mode=1", 122),
                codec(100, "vp8", 90000, 0, "", 101)};
  const auto map = map_payload_types(pub, sub);
  ASSERT_TRUE(map);
  EXPECT_EQ(map->media[96], 100);
  EXPECT_EQ(map->media[102], 121);  // same packetization-mode
  EXPECT_EQ(map->rtx[100], 101);
  EXPECT_EQ(map->rtx[121], 122);
  EXPECT_EQ(map->media[97], kNoPayloadType);
  EXPECT_EQ(map->rtx[120], kNoPayloadType);

  RtpParameters opus_only;
  opus_only.codecs = {codec(111, "opus", 48000, 2)};
  EXPECT_FALSE(map_payload_types(pub, opus_only));
}

TEST(RtpMapping, ChannelsAndClockMustMatch) {
  EXPECT_TRUE(same_codec(codec(0, "PCMU", 8000, 0), codec(0, "pcmu", 8000, 1)));
  EXPECT_FALSE(same_codec(codec(0, "opus", 48000, 2), codec(0, "opus", 48000, 1)));
  EXPECT_FALSE(same_codec(codec(0, "VP8", 90000), codec(0, "VP8", 48000)));
  EXPECT_FALSE(same_codec(codec(0, "red", 48000), codec(0, "ulpfec", 48000)));
}

TEST(RtpMapping, ExtensionsBothSidesNegotiated) {
  HeaderExtensionIds pub{.mid = 4,
                         .rid = 10,
                         .repaired_rid = 11,
                         .abs_send_time = 2,
                         .transport_cc = 3,
                         .audio_level = 1,
                         .video_orientation = 13};
  HeaderExtensionIds sub{.mid = 9,
                         .rid = 0,
                         .repaired_rid = 0,
                         .abs_send_time = 5,
                         .transport_cc = 0,
                         .audio_level = 7,
                         .video_orientation = 0};
  const auto map = map_extensions(pub, sub);
  EXPECT_EQ(map.output_id(4), 9);
  EXPECT_EQ(map.output_id(2), 5);
  EXPECT_EQ(map.output_id(1), 7);
  EXPECT_EQ(map.output_id(3), 0);   // subscriber has no transport-cc
  EXPECT_EQ(map.output_id(10), 0);  // rid never forwarded
  EXPECT_EQ(map.output_id(11), 0);
  EXPECT_EQ(map.output_id(13), 0);
}

TEST(RtpMapping, PayloadTypeInfo) {
  RtpParameters pub;
  pub.codecs = {codec(96, "VP8", 90000, 0, "", 97)};
  const auto info = payload_type_info(pub);
  EXPECT_TRUE(info.known[96]);
  EXPECT_FALSE(info.known[97]);
  EXPECT_EQ(info.kind[96], CodecKind::vp8);
  EXPECT_EQ(info.rtx_apt[97], 96);
  EXPECT_EQ(info.rtx_apt[96], kNoPayloadType);
}

}  // namespace
}  // namespace haven::sfu::routing
