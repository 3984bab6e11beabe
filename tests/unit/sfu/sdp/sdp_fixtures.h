// Loads the Chromium offers captured by scripts/capture-chromium-sdp.mjs.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "sfu/sdp/parser.h"

namespace haven::sfu::sdp::testing {

inline const std::vector<std::string>& fixture_names() {
  static const std::vector<std::string> names = {
      "a-sendrecv.sdp", "b-simulcast-sendonly.sdp",  "c-recvonly.sdp",
      "d-initial.sdp",  "d-reoffer-screenshare.sdp", "e-candidates.sdp",
  };
  return names;
}

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(std::string(HAVEN_SOURCE_DIR "/tests/fixtures/sdp/") + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// Parses a fixture, failing the test (with the parser's message) if it does not parse.
inline SessionDescription parse_fixture(const std::string& name) {
  std::string text = read_fixture(name);
  EXPECT_FALSE(text.empty()) << name << " missing";
  std::string error;
  auto sd = parse_sdp(text, &error);
  EXPECT_TRUE(sd.has_value()) << name << ": " << error;
  return sd.value_or(SessionDescription{});
}

}  // namespace haven::sfu::sdp::testing
