// What the host sees of the safety check (docs/SESSIONS.md "Safety check at the start"):
// where each person confirmed they are and whom to call in an emergency, or that they have
// not confirmed yet. On the host's call page, and in short beside each waiting person.
import type { SafetyPerson } from '../api-safety';
import type { RoomSafety } from './useRoomSafety';

const timeOf = (seconds: number) => new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** One person's confirmation, in a few lines (also used in the waiting room). */
/** `person` undefined: not read yet (they just arrived). */
export function SafetyDetails({ person }: { person: SafetyPerson | undefined }) {
  if (!person) {
    return (
      <p class="muted small" data-testid="safety-loading">
        Loading the safety check…
      </p>
    );
  }
  const s = person.safety;
  if (!s) {
    return (
      <p class="safety-missing" data-testid="safety-missing">
        Not confirmed yet: no location or emergency contact.
      </p>
    );
  }
  return (
    <dl class="safety-details" data-testid="safety-details">
      <div>
        <dt>Location</dt>
        <dd data-testid="safety-location">{s.location}</dd>
      </div>
      <div>
        <dt>Emergency contact</dt>
        <dd data-testid="safety-contact">{`${s.contact_name}, ${s.contact_phone}`}</dd>
      </div>
      <div>
        <dt>Confirmed</dt>
        <dd>{`at ${timeOf(s.confirmed_at)}`}</dd>
      </div>
    </dl>
  );
}

export function SafetyPanel({ safety }: { safety: RoomSafety }) {
  const confirmed = safety.list.filter((p) => p.safety !== null).length;
  return (
    <section class="card safety-panel" aria-labelledby="safety-heading" data-testid="safety-panel">
      <h2 id="safety-heading">Safety check</h2>
      <p class="muted small" role="status" data-testid="safety-status">
        {safety.failed
          ? 'The safety check could not be loaded. It will be tried again when someone joins.'
          : !safety.loaded
            ? 'Loading…'
            : `${confirmed} of ${safety.list.length} confirmed where they are and an emergency contact before joining.`}
      </p>
      {safety.list.length > 0 ? (
        <ul class="safety-list" aria-label="Safety check by person">
          {safety.list.map((p) => (
            <li key={p.user_id} class="safety-person" data-testid="safety-person" data-user-id={p.user_id}>
              <span class="safety-name">{p.display_name || 'Someone'}</span>
              {p.guest ? <span class="badge badge-warn">Unverified guest</span> : null}
              <SafetyDetails person={p} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
