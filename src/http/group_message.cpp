#include "http/group_message.h"

#include <cstdint>
#include <set>

#include "api/json_body.h"
#include "http/message_fields.h"
#include "util/secret_bytes.h"

namespace haven {

namespace {

using delivery::ContentType;
using delivery::WireFormat;

CallMessageError invalid(std::string why) {
  return {"invalid_message", std::move(why)};
}

// The base64 field `name` holding one MLSMessage, decoded and framed, or why not.
std::optional<CallMessageError> read_mls(const nlohmann::json& message, const char* name,
                                         std::vector<std::uint8_t>& bytes,
                                         delivery::MlsMessageInfo& info) {
  auto it = message.find(name);
  // Checked on the text first, so an oversized value is never decoded.
  if (it == message.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > (delivery::kMaxMlsMessageBytes + 2) / 3 * 4) {
    return invalid(std::string("This message needs ") + name + " (base64, at most 48 KiB).");
  }
  auto decoded = from_base64(it->get_ref<const std::string&>());
  if (!decoded) return invalid(std::string(name) + " must be standard base64.");
  auto parsed = delivery::parse_mls_message(*decoded);
  if (!parsed.info) {
    return CallMessageError{"invalid_mls_message",
                            std::string("The MLS message could not be read (") +
                                delivery::framing_error_name(*parsed.error) + ")."};
  }
  bytes = std::move(*decoded);
  info = std::move(*parsed.info);
  return std::nullopt;
}

bool is_handshake_or_application(const delivery::MlsMessageInfo& info) {
  return info.wire_format == WireFormat::public_message ||
         info.wire_format == WireFormat::private_message;
}

// The group of a room is the room id's bytes (docs/E2EE.md).
bool for_room(const delivery::MlsMessageInfo& info, const std::string& room_id) {
  return std::string(info.group_id.begin(), info.group_id.end()) == room_id;
}

std::optional<CallMessageError> read_welcome(const nlohmann::json& message, GroupCommand& command) {
  if (!message.contains("welcome")) {
    if (message.contains("welcome_to")) return invalid("welcome_to needs a welcome.");
    return std::nullopt;
  }
  delivery::MlsMessageInfo info;
  if (auto refused = read_mls(message, "welcome", command.welcome, info)) return refused;
  if (info.wire_format != WireFormat::welcome ||
      info.cipher_suite != delivery::kCipherSuiteX25519Ed25519) {
    return CallMessageError{"invalid_mls_message", "welcome must be an MLS Welcome of suite 1."};
  }
  auto to = message.find("welcome_to");
  if (to == message.end() || !to->is_array() || to->empty() || to->size() > kMaxWelcomeRecipients) {
    return invalid("A welcome needs welcome_to: 1 to 15 device ids.");
  }
  std::set<std::string> seen;
  for (const auto& id : *to) {
    if (!id.is_string() || !is_opaque_id(id.get_ref<const std::string&>()) ||
        !seen.insert(id.get<std::string>()).second) {
      return invalid("welcome_to holds distinct device ids.");
    }
    command.welcome_to.push_back(id.get<std::string>());
  }
  return std::nullopt;
}

}  // namespace

std::optional<CallMessageError> parse_group_message(const nlohmann::json& message,
                                                    GroupCommand& command) {
  using Kind = GroupCommand::Kind;
  const auto& type = message.at("type").get_ref<const std::string&>();
  command.type = type;
  if (!read_request_id(message, command.request)) return invalid("The id must be an integer.");
  const auto* room_id = opaque_id_field(message, "room_id");
  if (!room_id) return invalid(type + " needs a room_id.");
  command.room_id = *room_id;

  if (type == "mls.subscribe") {
    const auto* device_id = opaque_id_field(message, "device_id");
    if (!device_id) return invalid("mls.subscribe needs a device_id.");
    command.device_id = *device_id;
    if (auto after = message.find("after_seq"); after != message.end()) {
      if (!after->is_number_integer() || after->get<std::int64_t>() < 0) {
        return invalid("after_seq must be a non-negative integer.");
      }
      command.after_seq = after->get<std::int64_t>();
    }
    command.kind = Kind::subscribe;
  } else if (type == "mls.create") {
    command.kind = Kind::create;
  } else if (type == "mls.commit" || type == "mls.send") {
    const bool commit = type == "mls.commit";
    if (auto refused =
            read_mls(message, commit ? "commit" : "message", command.message, command.framing)) {
      return refused;
    }
    const auto& info = command.framing;
    const bool right_kind =
        is_handshake_or_application(info) && (commit ? info.content_type == ContentType::commit
                                                     : info.content_type != ContentType::commit);
    if (!right_kind) {
      return CallMessageError{"invalid_mls_message",
                              commit ? "mls.commit carries an MLS commit."
                                     : "mls.send carries an MLS application message or proposal."};
    }
    if (info.epoch > static_cast<std::uint64_t>(INT64_MAX)) {
      return CallMessageError{"invalid_mls_message", "The MLS epoch is out of range."};
    }
    if (!for_room(info, command.room_id)) {
      return CallMessageError{"wrong_group", "The MLS message is for another group."};
    }
    if (commit) {
      if (auto refused = read_welcome(message, command)) return refused;
    }
    command.kind = commit ? Kind::commit : Kind::send;
  } else {
    return CallMessageError{"unknown_type", "This message type is not known."};
  }
  return std::nullopt;
}

}  // namespace haven
