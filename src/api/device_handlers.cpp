// Browser devices and their MLS KeyPackages (docs/E2EE.md, docs/API.md): a device
// registers its Ed25519 public key, uploads single-use KeyPackages bound to it, and can be
// revoked from the account page; a room's host claims its people's KeyPackages to add
// them to the room's MLS group, and every member reads the room's device keys to check
// the roster. Only public keys and ids pass through here.
#include "api/handler_support.h"
#include "api/route_table.h"
#include "auth/rate_limiter.h"
#include "delivery/device_credentials.h"
#include "store/repositories.h"
#include "util/secret_bytes.h"

namespace haven {
namespace {

namespace delivery = haven::delivery;

constexpr std::int64_t kMaxActiveDevices = 10;
constexpr int kMaxOutstandingKeyPackages = 20;
constexpr std::int64_t kMaxKeyPackageBytes = 2048;  // one is about 300 bytes
constexpr int kClaimsPerMinute = 60;

nlohmann::json device_json(const Device& d, Services& s) {
  auto optional_time = [](const std::optional<std::int64_t>& t) {
    return t ? nlohmann::json(*t) : nlohmann::json(nullptr);
  };
  return {{"id", d.id},
          {"signature_key", to_base64(d.signature_key.data(), d.signature_key.size())},
          {"created_at", d.created_at},
          {"last_seen_at", optional_time(d.last_seen_at)},
          {"revoked_at", optional_time(d.revoked_at)},
          {"key_packages", d.active() ? s.store.count_key_packages(d.id) : 0}};
}

ApiError device_not_found() {
  return {404, "device_not_found", "This device is not registered to your account."};
}

// The actor's own device named by the path, or why not (another person's device is
// answered like a missing one).
std::optional<Device> own_device(const RequestContext& ctx, Services& s, ApiResult& refusal) {
  auto device = s.store.find_device(ctx.path_param);
  ObjectRef ref{"device", ctx.path_param, ""};
  ref.actor_is_owner = device && device->user_id == ctx.actor.user->id;
  if (!device || !ref.actor_is_owner) {
    refusal = error_result(device_not_found());
    return std::nullopt;
  }
  if (auto decision = authorize(ctx.actor, Action::device_manage, ref);
      decision != Decision::allow) {
    refusal = error_result(decision_error(decision));
    return std::nullopt;
  }
  return device;
}

ApiResult register_device(const RequestContext& ctx, Services& s) {
  auto key = from_base64(ctx.body["signature_key"].get_ref<const std::string&>());
  std::int64_t active = 0;
  for (const auto& d : s.store.devices_of(ctx.actor.user->id)) active += d.active() ? 1 : 0;
  if (active >= kMaxActiveDevices) {
    return error_result({409, "too_many_devices",
                         "This account has 10 active devices. Revoke one on the account page."});
  }
  auto id = s.store.register_device(ctx.actor.user->id, *key, ctx.now);
  return {201, {{"device", device_json(*s.store.find_device(id), s)}},
          {},  "device.registered",
          id,  "device"};
}

ApiResult list_devices(const RequestContext& ctx, Services& s) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& d : s.store.devices_of(ctx.actor.user->id)) out.push_back(device_json(d, s));
  return {200, {{"devices", out}}};
}

ApiResult revoke_device(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto device = own_device(ctx, s, refusal);
  if (!device) return refusal;
  if (!device->active()) return {200, {{"device", device_json(*device, s)}}};  // same answer
  s.store.revoke_device(device->id, ctx.now);
  return {200,        {{"device", device_json(*s.store.find_device(device->id), s)}},
          {},         "device.revoked",
          device->id, "device"};
}

ApiResult upload_key_packages(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto device = own_device(ctx, s, refusal);
  if (!device) return refusal;
  if (!device->active()) {
    return error_result({409, "device_revoked", "This device was revoked. Sign in again."});
  }
  std::vector<ByteVector> packages;
  for (const auto& item : ctx.body["key_packages"]) {
    auto bytes = *from_base64(item.get_ref<const std::string&>());
    auto problem = delivery::check_device_key_package(bytes, device->user_id, device->id,
                                                      device->signature_key);
    if (problem != delivery::KeyPackageProblem::none) {
      return error_result({400, "invalid_key_package",
                           "Each KeyPackage must be an MLS KeyPackage of cipher suite 1 for this "
                           "device's key and credential."});
    }
    packages.push_back(std::move(bytes));
  }
  auto outstanding =
      s.store.add_key_packages(device->id, packages, kMaxOutstandingKeyPackages, ctx.now);
  if (!outstanding) {
    return error_result({409, "too_many_key_packages",
                         "A device keeps at most 20 unused KeyPackages on the server."});
  }
  s.store.touch_device(device->id, ctx.now);
  return {200, {{"outstanding", *outstanding}}};
}

// One KeyPackage per active device of a person in the room (RFC 9420 §16.8: each used
// once). A device with none left is listed, so the host can say who must come back.
ApiResult claim_key_packages(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = open_room_for(ctx, s, ctx.path_param, Action::room_admit, refusal);
  if (!room) return refusal;
  const auto& user_id = ctx.body["user_id"].get_ref<const std::string&>();
  if (!room->admits(user_id) || user_id == ctx.actor.user->id) {
    return error_result({400, "not_in_room", "That person is not invited to this room."});
  }
  // A clinician standing in for the host adds only people the host let in (docs/E2EE.md
  // "Stand-in"): the waiting room stays the host's.
  if (room->owner_id != ctx.actor.user->id && user_id != room->owner_id &&
      !room->admitted(user_id)) {
    return error_result({400, "not_admitted", "The host has not let that person in yet."});
  }
  if (!s.limiter.allow("account:" + ctx.actor.user->id + "|kp_claim", kClaimsPerMinute, ctx.now)) {
    return error_result(errors::rate_limited());
  }
  nlohmann::json claimed = nlohmann::json::array(), exhausted = nlohmann::json::array();
  for (const auto& device : s.store.devices_of(user_id)) {
    if (!device.active()) continue;
    if (auto kp = s.store.claim_key_package(device.id)) {
      claimed.push_back({{"device_id", device.id},
                         {"user_id", user_id},
                         {"key_package", to_base64(kp->data(), kp->size())}});
    } else {
      exhausted.push_back(device.id);
    }
  }
  return {200,      {{"key_packages", claimed}, {"devices_without_key_packages", exhausted}},
          {},       "room.key_packages_claimed",
          room->id, "room"};
}

// Every device key of the room's people, revoked ones marked: members' clients refuse a
// leaf whose key is not here (docs/E2EE.md), and announce a changed key.
ApiResult room_devices(const RequestContext& ctx, Services& s) {
  ApiResult refusal;
  auto room = open_room_for(ctx, s, ctx.path_param, Action::room_devices_read, refusal);
  if (!room) return refusal;
  nlohmann::json out = nlohmann::json::array();
  std::vector<std::string> people{room->owner_id};
  people.insert(people.end(), room->participant_ids.begin(), room->participant_ids.end());
  for (const auto& user_id : people) {
    // A guest's key is registered by the link's holder, not behind an account's sign-in:
    // members show it as "unverified guest" (docs/SESSIONS.md "Guests").
    auto person = s.store.find_user(user_id);
    const bool guest = person && person->role == Role::guest;
    for (const auto& d : s.store.devices_of(user_id)) {
      out.push_back({{"device_id", d.id},
                     {"user_id", user_id},
                     {"signature_key", to_base64(d.signature_key.data(), d.signature_key.size())},
                     {"revoked", !d.active()},
                     {"guest", guest}});
    }
  }
  return {200, {{"devices", out}}};
}

// The device keys of the people one is in care with — a patient's clinicians (of their
// care teams), a clinician's patients — so their browser can announce a key it has not
// seen before, outside any call (docs/E2EE.md "New device keys of your contacts"). A
// server that slipped in a device for a therapist to listen in would be announced here.
ApiResult contact_devices(const RequestContext& ctx, Services& s) {
  const User& me = *ctx.actor.user;
  const auto contacts =
      me.role == Role::patient ? s.store.clinicians_of(me.id) : s.store.patients_of(me.id);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& person : contacts) {
    if (me.role == Role::patient && person.disabled) continue;  // a clinician who left
    nlohmann::json devices = nlohmann::json::array();
    for (const auto& d : s.store.devices_of(person.id)) {
      devices.push_back(
          {{"device_id", d.id},
           {"signature_key", to_base64(d.signature_key.data(), d.signature_key.size())},
           {"created_at", d.created_at},
           {"revoked", !d.active()}});
    }
    out.push_back(
        {{"user_id", person.id}, {"display_name", person.display_name}, {"devices", devices}});
  }
  return {200, {{"contacts", out}}, {}, "contact.devices_read", me.id};
}

}  // namespace

std::vector<Route> device_routes() {
  const auto signature_key = FieldSpec{"signature_key", FieldType::base64, true,
                                       delivery::kSignatureKeyBytes, delivery::kSignatureKeyBytes};
  const auto key_packages = FieldSpec{"key_packages",
                                      FieldType::base64_list,
                                      true,
                                      1,
                                      kMaxKeyPackageBytes,
                                      1,
                                      kMaxOutstandingKeyPackages};
  return {
      {http::verb::post, "/api/devices", Action::device_manage, Schema{{signature_key}},
       register_device},
      {http::verb::get, "/api/devices", Action::device_manage, std::nullopt, list_devices},
      {http::verb::post, "/api/devices/:id/revoke", Action::device_manage, std::nullopt,
       revoke_device},
      {http::verb::post, "/api/devices/:id/key-packages", Action::device_manage,
       Schema{{key_packages}}, upload_key_packages},
      {http::verb::post, "/api/rooms/:id/key-packages/claim", Action::room_admit,
       Schema{{{"user_id", FieldType::string, true, 1, 64}}}, claim_key_packages},
      {http::verb::get, "/api/rooms/:id/devices", Action::room_devices_read, std::nullopt,
       room_devices},
      {http::verb::get, "/api/contacts/devices", Action::contact_devices_read, std::nullopt,
       contact_devices},
  };
}

}  // namespace haven
