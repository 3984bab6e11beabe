// Fuzz target: the SFU's SDP negotiators (src/sfu/negotiation/) on descriptions a browser
// sends — the offer on the SEND connection and the answer on the RECV connection both come
// from the client. `make fuzz` runs it under libFuzzer; `make test` replays
// tests/fuzz/corpus/negotiation (captured Chromium offers and answers).
// Invariants: never crashes; a refusal always says why; an accepted offer's answer is SDP
// that parses; a refused answer leaves the negotiator able to offer again.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "sfu/negotiation/recv_negotiator.h"
#include "sfu/negotiation/send_negotiator.h"
#include "sfu/sdp/parser.h"
#include "sfu/sdp/writer.h"

namespace {

using namespace haven::sfu;

negotiation::TransportInfo local() {
  return {"SfuUfrag1", "SfuPasswordWith22Chars+/",
          "0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:D7:E8:F9:0A:1B:2C:3D:4E:5F:60:71:82:93:A4:B5:C6:"
          "D7:E8:F9",
          "127.0.0.1", 40000};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  auto sd = sdp::parse_sdp(input);
  if (!sd) return 0;

  negotiation::SendNegotiator send(local(), "1");
  std::string error;
  if (auto answer = send.answer(*sd, &error)) {
    if (!sdp::parse_sdp(sdp::write_sdp(answer->answer))) __builtin_trap();
    send.answer(*sd, &error);  // the same offer again is a re-offer
  } else if (error.empty()) {
    __builtin_trap();
  }

  negotiation::RecvNegotiator recv(local(), "2");
  recv.add_consumer({"peer", "mic", MediaKind::audio, "cname", negotiation::ServerCodec::opus, 11, 0});
  recv.add_consumer({"peer", "cam", MediaKind::video, "cname", negotiation::ServerCodec::vp8, 22, 23});
  recv.offer();
  std::string answer_error;
  if (!recv.apply_answer(*sd, &answer_error)) {
    if (answer_error.empty()) __builtin_trap();
    if (!sdp::parse_sdp(sdp::write_sdp(recv.offer()))) __builtin_trap();
  }
  return 0;
}
