// Fuzz target: the STUN parser, builder, integrity check and the ICE-lite server on
// arbitrary datagrams. `make fuzz` runs it under libFuzzer; `make test` replays
// tests/fuzz/corpus/stun (seeded with the RFC 5769 vectors).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "sfu/ice/ice_lite_server.h"
#include "sfu/limits.h"
#include "sfu/stun/builder.h"
#include "sfu/stun/integrity.h"
#include "sfu/stun/message.h"

namespace {

using namespace haven::sfu;

// Everything parse() understands, i.e. what MessageBuilder::from() re-serializes.
bool same_attributes(const stun::Message& a, const stun::Message& b) {
  return a.message_class == b.message_class && a.method == b.method &&
         a.transaction_id == b.transaction_id && a.username == b.username && a.realm == b.realm &&
         a.nonce == b.nonce && a.software == b.software && a.error_code == b.error_code &&
         a.unknown_attributes == b.unknown_attributes &&
         a.xor_mapped_address == b.xor_mapped_address && a.priority == b.priority &&
         a.use_candidate == b.use_candidate && a.ice_controlling == b.ice_controlling &&
         a.ice_controlled == b.ice_controlled && a.nomination == b.nomination;
}

struct NullListener : ice::IceLiteServer::Listener {
  void on_selected_tuple(const Tuple&) override {}
  void on_connected() override {}
  void on_disconnected() override {}
};

// RFC 5769's credentials, so the seed request gets past authentication.
constexpr std::string_view kKey = "VOkJxbRl1RmTxUk/WvJxBt";

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::span<const std::uint8_t> input(data, size);
  stun::ParseError error{};
  const auto m = stun::parse(input, &error);
  const bool mac_ok = stun::verify_message_integrity(input, kKey);

  if (!m) {
    if (error == stun::ParseError::none) __builtin_trap();
  } else {
    if (error != stun::ParseError::none) __builtin_trap();
    if (size < stun::kHeaderSize || size > kMaxDatagram || size % 4 != 0) __builtin_trap();
    if (m->integrity_offset && (*m->integrity_offset < stun::kHeaderSize ||
                                *m->integrity_offset + stun::kIntegrityAttributeSize > size)) {
      __builtin_trap();
    }
    if (mac_ok && !m->has_integrity()) __builtin_trap();
    if (m->username && m->username->size() > stun::kMaxUsername) __builtin_trap();

    // Re-serialize what we understood, seal it with our key, and parse it again.
    auto rebuilt = stun::MessageBuilder::from(*m).message_integrity(kKey).fingerprint().finish();
    if (!rebuilt) {
      // Only possible when the original had no room for the trailers we add.
      if (size + stun::kIntegrityAttributeSize + stun::kFingerprintAttributeSize <= kMaxDatagram) {
        __builtin_trap();
      }
    } else {
      const auto again = stun::parse(*rebuilt);
      if (!again || !same_attributes(*m, *again)) __builtin_trap();
      if (!again->has_fingerprint || !again->unknown_required.empty()) __builtin_trap();
      if (!stun::verify_message_integrity(*rebuilt, kKey)) __builtin_trap();
      // Serialization is canonical: parse∘serialize is the identity on our own output.
      const auto twice =
          stun::MessageBuilder::from(*again).message_integrity(kKey).fingerprint().finish();
      if (!twice || *twice != *rebuilt) __builtin_trap();
    }
  }

  // The ICE server: whatever it answers is a well-formed STUN response with FINGERPRINT,
  // to the same transaction.
  static NullListener listener;
  static ice::IceLiteServer server(listener, ice::IceCredentials{"evtj", std::string(kKey)});
  static auto now = std::chrono::steady_clock::time_point{};
  now += std::chrono::seconds(1);
  const auto from = Tuple::v4({192, 0, 2, 1}, 32853);
  const auto response = server.handle_binding_request(input, from, now);
  if (response) {
    const auto r = stun::parse(*response);
    if (!m || !r || !r->has_fingerprint || r->transaction_id != m->transaction_id) __builtin_trap();
    if (r->message_class == stun::MessageClass::success_response &&
        (r->xor_mapped_address != from || !stun::verify_message_integrity(*response, kKey))) {
      __builtin_trap();
    }
  }
  server.tick(now);
  (void)ice::IceLiteServer::parse_username_ufrag(input);
  return 0;
}
