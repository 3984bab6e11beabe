// The tests-only payload sampler: heads of what producers forward, drained once, oldest
// first, with older samples overwritten rather than growing.
#include "sfu/routing/payload_sampler.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

namespace haven::sfu::routing {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

TEST(PayloadSampler, DrainsHeadsOnceOldestFirst) {
  PayloadSampler sampler;
  std::vector<std::uint8_t> big(100, 0xAB);
  big[0] = 0x90;
  const std::uint8_t small[] = {0x01, 0x02};
  sampler.offer(MediaKind::video, CodecKind::vp8, 7, big);
  sampler.offer(MediaKind::audio, CodecKind::opus, 9, small);
  const auto lines = lines_of(sampler.drain_json_lines());
  ASSERT_EQ(lines.size(), 2u);
  std::string head = "90";
  for (int i = 1; i < 48; ++i) head += "ab";  // 48 bytes kept of 100
  EXPECT_EQ(lines[0],
            R"({"kind":"video","codec":"vp8","ssrc":7,"size":100,"head":")" + head + "\"}");
  EXPECT_EQ(lines[1], R"({"kind":"audio","codec":"opus","ssrc":9,"size":2,"head":"0102"})");
  EXPECT_EQ(sampler.drain_json_lines(), "");
}

TEST(PayloadSampler, KeepsOnlyTheNewestWhenNotDrained) {
  PayloadSampler sampler;
  for (std::uint32_t i = 0; i < PayloadSampler::kCapacity + 10; ++i) {
    const std::uint8_t byte = 1;
    sampler.offer(MediaKind::audio, CodecKind::opus, i, std::span(&byte, 1));
  }
  const auto lines = lines_of(sampler.drain_json_lines());
  ASSERT_EQ(lines.size(), PayloadSampler::kCapacity);
  EXPECT_NE(lines.front().find(R"("ssrc":10,)"), std::string::npos) << lines.front();
}

}  // namespace
}  // namespace haven::sfu::routing
