// Guests (docs/SESSIONS.md "Guests"): a person without an account joins one appointment
// with a single-use link and a short code the therapist shares out of band. The guest's
// users row is made with the invitation (so the appointment and its room admit them from
// the start); the link signs them in once, and only with the right code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace haven {

struct GuestInvite {
  std::string guest_id;  // the guest's users row (role guest)
  std::string appointment_id;
  std::string org_id;
  std::string display_name;  // as the therapist wrote it; sealed under the guest's key
  std::string token_hash;    // SHA-256 of the link's token
  std::string code_check;    // SHA-256 of token ‖ code: the database alone cannot test codes
  std::string invited_by;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;  // the appointment's end
  std::int64_t failed_codes = 0;
  std::optional<std::int64_t> used_at;
  std::optional<std::int64_t> revoked_at;
};

enum class GuestCodeOutcome { invalid, wrong_code, accepted };

class GuestRepository {
 public:
  virtual ~GuestRepository() = default;
  // In one transaction: the guest's users row, the invitation, and, when the appointment's
  // room exists already, the guest among its participants.
  virtual void create_guest(const GuestInvite& invite, std::int64_t now) = 0;
  virtual std::vector<GuestInvite> guests_of(const std::string& appointment_id) = 0;
  virtual std::optional<GuestInvite> find_guest(const std::string& guest_id) = 0;
  // Redeems a link: `invalid` when no live invitation has this token (used, revoked,
  // expired, or too many wrong codes); `wrong_code` counts an attempt and burns the link
  // at max_failures; `accepted` marks it used. Code checks are compared in constant time.
  virtual GuestCodeOutcome redeem_guest_link(const std::string& token_hash,
                                             const std::string& code_check, std::int64_t now,
                                             int max_failures, GuestInvite& out) = 0;
  // The therapist takes an invitation back: the link stops working and the guest's account
  // is disabled (their sessions and calls end). False when it was already revoked.
  virtual bool revoke_guest(const std::string& guest_id, std::int64_t now) = 0;
};

}  // namespace haven
