// The one policy point: every request is checked here, by action, before its handler runs.
// The authorization matrix test (tests/unit/authorization_matrix_test.cpp) lists every
// route with its action and the expected answer for every kind of actor.
#pragma once

#include <optional>
#include <string>

#include "store/repositories.h"

namespace haven {

struct Actor {
  std::optional<User> user;  // nullopt: anonymous
  bool authenticated() const { return user.has_value() && !user->disabled; }
};

enum class Action {
  health_read,       // /healthz, /readyz, /api/version
  enrollment_use,    // check or complete a first-admin enrollment token
  session_create,    // sign in
  session_delete,    // sign out
  own_profile_read,  // /api/me
  signaling_connect, // the /ws WebSocket
};
const char* action_name(Action action);

// What an action is performed on. Empty for actions on the actor's own account; later
// issues add patients, care teams, appointments and their owners here.
struct ObjectRef {
  std::string type;
  std::string id;
  std::string org_id;
};

enum class Decision { allow, deny_unauthenticated, deny_forbidden };

Decision authorize(const Actor& actor, Action action, const ObjectRef& object = {});

}  // namespace haven
