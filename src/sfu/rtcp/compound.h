// Compound RTCP parsing and serialization (RFC 3550 §6.1, A.2; RFC 5506 reduced size).
//
// Parsing is lenient where Chrome is and strict where memory safety is: every packet must
// have version 2 and a length inside the datagram, and the packets must tile the datagram
// exactly; a known packet whose body is malformed rejects the datagram. Unknown packet
// types and unknown feedback formats (APP, XR, SLI, RPSI, TMMBR, non-REMB AFB, ...) are
// skipped. The first packet need not be an SR/RR (RFC 5506 §3.1 reduced-size; libwebrtc
// also batches several feedback messages), and, like libwebrtc, the padding bit is honoured
// on any packet, not only the last (its count must be 1..body length). SR/RR profile
// extensions and SDES/BYE trailing bytes are not kept.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "sfu/rtcp/rtcp_packets.h"

namespace haven::sfu::rtcp {

// nullopt for an empty datagram, one above kMaxDatagram, or any structural error.
std::optional<CompoundPacket> parse_compound(std::span<const std::uint8_t> datagram);

// Appends one packet (header included, no padding bit) to `out`. False when the value
// cannot be encoded (too many report blocks/chunks/SSRCs for the 5-bit count, an SDES
// item or BYE reason over 255 bytes, SDES item type 0, empty NACK or FIR, invalid
// transport feedback); `out` is then left as it was.
bool serialize_packet(const Packet& packet, std::vector<std::uint8_t>& out);

// The whole compound packet, or nullopt if any packet cannot be encoded.
std::optional<std::vector<std::uint8_t>> serialize_compound(const CompoundPacket& packets);

// Into a caller buffer: bytes written, or 0 when a packet cannot be encoded or `out` is
// too small.
std::size_t serialize_compound(const CompoundPacket& packets, std::span<std::uint8_t> out);

}  // namespace haven::sfu::rtcp
