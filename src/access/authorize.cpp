#include "access/authorize.h"

namespace haven {

const char* action_name(Action action) {
  switch (action) {
    case Action::health_read: return "health_read";
    case Action::enrollment_use: return "enrollment_use";
    case Action::session_create: return "session_create";
    case Action::session_delete: return "session_delete";
    case Action::own_profile_read: return "own_profile_read";
    case Action::signaling_connect: return "signaling_connect";
  }
  return "unknown";
}

Decision authorize(const Actor& actor, Action action, const ObjectRef& object) {
  // Tenant boundary: nothing crosses an organisation, whatever the action.
  if (actor.authenticated() && !object.org_id.empty() && object.org_id != actor.user->org_id) {
    return Decision::deny_forbidden;
  }
  switch (action) {
    case Action::health_read:
    case Action::enrollment_use:
    case Action::session_create:
      return Decision::allow;  // public by design; abuse limits apply instead
    case Action::session_delete:
    case Action::own_profile_read:
    case Action::signaling_connect:
      return actor.authenticated() ? Decision::allow : Decision::deny_unauthenticated;
  }
  return Decision::deny_forbidden;  // an action without a rule is denied
}

}  // namespace haven
