// The call's encryption, as the people in it see it (docs/E2EE.md "In the call"): whether
// media is end-to-end encrypted, the security code everyone compares aloud, and who holds
// the keys (each device, verified or with a changed key). Ids and public values only.
import type { E2eeView, RosterMember } from '../e2ee/call-e2ee';
import type { MemberStatus } from '../e2ee/directory';

const STATUS_TEXT: Record<MemberStatus, string> = {
  verified: 'verified account',
  guest: 'unverified guest (came with a guest link)',
  changed: 'key changed — check the code',
  unverified: 'not verified',
};

interface Props {
  view: E2eeView | null;
  /** Display names by user id (the others in the call). */
  names: Map<string, string>;
}

function memberName(m: RosterMember, names: Map<string, string>): string {
  if (m.self) return 'You (this browser)';
  return names.get(m.userId) || 'Someone in this room';
}

export function SecurityPanel({ view, names }: Props) {
  if (!view) {
    return (
      <section class="security-panel" aria-label="Encryption" data-testid="e2ee-panel" data-state="joining">
        <p data-testid="e2ee-state">Setting up encryption…</p>
      </section>
    );
  }
  if (view.state !== 'secure' || !view.code) {
    return (
      <section class="security-panel" aria-label="Encryption" data-testid="e2ee-panel" data-state={view.state}>
        <p class="notice" role="status" data-testid="e2ee-state">
          {view.state === 'waiting-for-host'
            ? 'Waiting for the host to admit you. You will see and hear the others once you are in; nothing is sent until then.'
            : 'Setting up encryption…'}
        </p>
      </section>
    );
  }
  return (
    <section class="security-panel" aria-label="Encryption" data-testid="e2ee-panel" data-state="secure">
      {/* One line when closed: on a phone the tiles below must stay in view. */}
      <details open={view.host}>
        {/* A summary keeps its own role (it is the disclosure's button); the live region is inside it. */}
        <summary data-testid="e2ee-state">
          <span role="status">
            <strong>Encrypted</strong> end to end · security code
          </span>
        </summary>
        <p class="muted">Only the devices listed below can see and hear this call.</p>
        {view.host ? (
          <p class="muted" data-testid="e2ee-prompt">
            Read this code aloud; everyone should see the same. If someone sees a different code, end the call.
          </p>
        ) : (
          <p class="muted">The host will read this code aloud; yours should be the same.</p>
        )}
        <p class="security-code" data-testid="e2ee-code-digits" data-epoch={view.epoch ?? ''}>
          {view.code.groups.map((g, i) => (
            <span key={i}>{g} </span>
          ))}
        </p>
        <p class="security-words" data-testid="e2ee-code-words">
          {view.code.words.join(' ')}
        </p>
        <ul class="security-roster" aria-label="Who holds the keys" data-testid="e2ee-roster">
          {view.roster.map((m) => (
            <li key={m.leafIndex} data-testid="e2ee-member" data-user-id={m.userId} data-status={m.status}>
              {memberName(m, names)}: <span class={m.status === 'changed' ? 'notice' : ''}>{STATUS_TEXT[m.status]}</span>
              {m.fingerprint ? (
                <>
                  {' '}
                  <span class="muted key-fingerprint" title="Device key fingerprint (also on the Security page)">
                    key {m.fingerprint}
                  </span>
                </>
              ) : null}
            </li>
          ))}
        </ul>
      </details>
    </section>
  );
}
