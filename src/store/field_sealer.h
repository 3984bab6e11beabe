// The store boundary of envelope encryption: SqliteStore seals every PHI column with it
// on the way in and opens it on the way out, so handlers only ever see clear values and
// the database file only ever holds sealed ones (DESIGN.md: a thief with the database
// learns no PHI; HIPAA 164.312(a)(2)(iv) encryption at rest).
//
// Subjects and their data keys (data_keys, one per subject, created on first use):
//   user:<id>             a patient's own PHI (so erasing a patient can destroy one key)
//   org:<id>              the practice's PHI: staff names and emails, invitations,
//                         care team and cohort names
//   system:email-index    the key of the email blind index (users.email_index)
//   system:fields         the key FieldCipher derives its subkeys from (TOTP secrets)
// The system keys are wrapped like any data key, so rotating the master key re-wraps
// them and changes neither the blind index nor any sealed value.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "crypto/keyring.h"
#include "crypto/sealing.h"
#include "store/repositories.h"
#include "store/sqlite.h"

namespace haven {

// A sealed value that does not open: wrong key, moved, or altered. The message names
// the table and column only.
struct SealError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

inline constexpr const char* kEmailIndexSubject = "system:email-index";
inline constexpr const char* kFieldCipherSubject = "system:fields";
// What a field sealed under an erased patient's destroyed data key reads as.
inline constexpr const char* kErasedPlaceholder = "[erased]";

class FieldSealer {
 public:
  FieldSealer(sql::Connection& conn, Keyring& keyring) : conn_(conn), keyring_(keyring) {}

  // Patients' fields go under their own key; everyone else's under the practice's.
  static std::string user_subject(Role role, const std::string& user_id, const std::string& org_id);
  static std::string org_subject(const std::string& org_id) { return "org:" + org_id; }

  // Seals plaintext for this place under subject's data key (created if it has none).
  std::string seal(const std::string& subject, const FieldRef& where, std::string_view plaintext);
  // Opens a sealed value from this place; kErasedPlaceholder when its data key was
  // destroyed by an erasure. Throws SealError when it does not open.
  std::string open(const FieldRef& where, std::string_view sealed);

  // users.email_index for an address (normalised first).
  std::string email_index(std::string_view email);
  // The data key of subject, created (random, wrapped under the current KEK) if missing.
  std::shared_ptr<const SecretKey> key_of(const std::string& subject,
                                          std::string* key_id = nullptr);

 private:
  sql::Connection& conn_;
  Keyring& keyring_;
};

}  // namespace haven
