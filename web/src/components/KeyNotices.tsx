import { useEffect, useState } from 'preact/hooks';
import { contactDevices } from '../api-devices';
import { formatTime } from '../api-admin';
import { keyFingerprint } from '../device-fingerprint';
import { acknowledge, reviewKeys, seenKeysItem, seenOf } from '../e2ee/contact-keys';
import type { ContactKey, KeyNotice } from '../e2ee/contact-keys';

/**
 * A new device key of someone one is in care with (docs/E2EE.md "New device keys of your
 * contacts"): "<name> has a new device for encrypted calls", its fingerprint, and what to
 * do if it was not expected. Shown on the home page until acknowledged in this browser.
 */
export function KeyNotices({ userId, clinician }: { userId: string; clinician: boolean }) {
  const [notices, setNotices] = useState<KeyNotice[] | null>(null);

  useEffect(() => {
    let live = true;
    void (async () => {
      let contacts;
      try {
        contacts = await contactDevices();
      } catch {
        return; // nothing to announce without the list; the next visit looks again
      }
      const current: ContactKey[] = [];
      for (const c of contacts) {
        for (const d of c.devices) {
          const fingerprint = d.signatureKey.length === 32 ? await keyFingerprint(d.signatureKey) : '';
          current.push({ userId: c.userId, displayName: c.displayName, deviceId: d.deviceId, fingerprint, createdAt: d.createdAt, revoked: d.revoked });
        }
      }
      const item = seenKeysItem(userId);
      const review = reviewKeys(
        seenOf(localStorage.getItem(item)),
        contacts.map((c) => c.userId),
        current,
      );
      localStorage.setItem(item, JSON.stringify(review.seen));
      if (live) setNotices(review.notices);
    })();
    return () => {
      live = false;
    };
  }, [userId]);

  const dismiss = (n: KeyNotice) => {
    const item = seenKeysItem(userId);
    localStorage.setItem(item, JSON.stringify(acknowledge(seenOf(localStorage.getItem(item)), n)));
    setNotices((list) => (list ?? []).filter((x) => x !== n));
  };

  // Nothing to announce (or not looked yet): an empty marker says which, for tests.
  if (notices === null || notices.length === 0) {
    return notices === null ? null : <span hidden data-testid="key-notices-none" />;
  }
  return (
    <section class="card notice" aria-labelledby="key-notices-heading" data-testid="key-notices">
      <h2 id="key-notices-heading">New device for encrypted calls</h2>
      <ul class="plain-list">
        {notices.map((n) => (
          <li key={`${n.userId}:${n.deviceId}`} data-testid="key-notice" data-user-id={n.userId}>
            <p>
              <strong>{n.displayName}</strong> set up a new browser or device for encrypted calls on {formatTime(n.createdAt)}. Its key
              fingerprint is <code data-testid="key-notice-fingerprint">{n.fingerprint}</code>.
            </p>
            <p class="hint">
              {clinician
                ? 'If your patient did not expect this, ask them before your next session; a device they do not know could listen in.'
                : 'If you were not told about a new device, ask your therapist or your practice before your next session: a device they do not know could listen in.'}
            </p>
            <button type="button" class="button" onClick={() => dismiss(n)} aria-label={`OK: I know about ${n.displayName}'s new device`} data-testid="key-notice-ok">
              OK
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}
