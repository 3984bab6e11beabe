import { useEffect, useState } from 'preact/hooks';
import { messageOf } from '../api';
import { listDevices, revokeDevice } from '../api-account';
import type { Device } from '../api-account';
import { deviceFingerprint } from '../device-fingerprint';
import { ErrorMessage, StatusMessage } from './ErrorMessage';
import { LoadedList } from './Section';
import { useSubmit } from './useSubmit';

/** "12 March 2026, 14:05" for Unix seconds; '' when unknown. */
function when(at: number | null): string {
  if (!at) return '';
  const d = new Date(at * 1000);
  if (Number.isNaN(d.getTime())) return '';
  return d.toLocaleString(undefined, { year: 'numeric', month: 'long', day: 'numeric', hour: '2-digit', minute: '2-digit' });
}

/** Active devices first, newest first; then revoked ones, most recently revoked first. */
function ordered(list: Device[]): Device[] {
  return [...list].sort((a, b) => {
    const revoked = Number(a.revoked_at !== null) - Number(b.revoked_at !== null);
    if (revoked) return revoked;
    return (b.revoked_at ?? 0) - (a.revoked_at ?? 0) || b.created_at - a.created_at;
  });
}

function unusedKeys(n: number): string {
  if (n === 0) return 'No unused encryption keys';
  return n === 1 ? '1 unused encryption key' : `${n} unused encryption keys`;
}

/** Fingerprints by device id; each computed once. */
function useFingerprints(devices: Device[] | null): Record<string, string> {
  const [prints, setPrints] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!devices) return;
    let live = true;
    const missing = devices.filter((d) => prints[d.id] === undefined);
    if (!missing.length) return;
    void Promise.all(missing.map(async (d) => [d.id, await deviceFingerprint(d.signature_key).catch(() => '')] as const)).then(
      (pairs) => {
        if (live) setPrints((old) => ({ ...old, ...Object.fromEntries(pairs) }));
      },
    );
    return () => {
      live = false;
    };
  }, [devices]);
  return prints;
}

/**
 * The browsers registered for encrypted calls: each one's key fingerprint (to compare with
 * a call's security panel), when it was added and last used, and revoking one (asks first).
 */
export function DevicesPanel() {
  const [devices, setDevices] = useState<Device[] | null>(null);
  const [loadError, setLoadError] = useState('');
  const [confirming, setConfirming] = useState('');
  const { busy, error, status, setStatus, run } = useSubmit();
  const prints = useFingerprints(devices);

  const load = async () => {
    setLoadError('');
    try {
      setDevices(ordered(await listDevices()));
    } catch (err) {
      setLoadError(messageOf(err));
    }
  };

  useEffect(() => {
    void load();
  }, []);

  useEffect(() => {
    if (confirming) document.getElementById(`device-revoke-yes-${confirming}`)?.focus();
  }, [confirming]);

  const cancel = (id: string) => {
    setConfirming('');
    window.setTimeout(() => document.getElementById(`device-revoke-${id}`)?.focus(), 0);
  };

  const onRevoke = (id: string) =>
    void run(async () => {
      const revoked = await revokeDevice(id);
      setConfirming('');
      setDevices((list) => ordered((list ?? []).map((d) => (d.id === id ? revoked : d))));
      setStatus('Device revoked. It can no longer be admitted to encrypted calls.');
      document.getElementById('devices-heading')?.focus();
    });

  return (
    <section class="card" aria-labelledby="devices-heading" data-testid="devices">
      <div class="section-head">
        <h2 id="devices-heading" tabIndex={-1}>
          Devices for encrypted calls
        </h2>
        <button type="button" class="button" onClick={() => void load()} data-testid="devices-refresh">
          Refresh
        </button>
      </div>
      <p>
        Each browser you join encrypted calls from has its own key. To check that a call is really with your
        devices, compare a key fingerprint below with the one the call’s security panel shows. Revoke a device
        you no longer use or do not recognise.
      </p>
      <ErrorMessage message={error || loadError} testId="devices-error" />
      <StatusMessage message={status} testId="devices-status" />
      <LoadedList
        items={devices}
        loadError={loadError}
        none="No devices yet — a browser registers itself the first time you join an encrypted call."
        noneTestId="devices-none"
      >
        {(list) => (
          <ul class="session-list" data-testid="device-list">
            {list.map((d) => {
              const active = d.revoked_at === null;
              const print = prints[d.id];
              const infoId = `device-info-${d.id}`;
              return (
                <li
                  key={d.id}
                  class="session-row"
                  data-testid="device-item"
                  data-device-id={d.id}
                  data-state={active ? 'active' : 'revoked'}
                >
                  <div class="session-info" id={infoId}>
                    <span class="session-name">{when(d.created_at) ? `Added ${when(d.created_at)}` : 'Added at an unknown time'}</span>
                    <span>
                      Key fingerprint:{' '}
                      <code class="fingerprint" data-testid="device-fingerprint">
                        {print === undefined ? '…' : print || 'unreadable key'}
                      </code>
                    </span>
                    {active ? (
                      <>
                        <span class="muted" data-testid="device-last-seen">
                          {when(d.last_seen_at) ? `Last used ${when(d.last_seen_at)}` : 'Not used since it was added'}
                        </span>
                        <span class="muted" data-testid="device-key-packages">
                          {unusedKeys(d.key_packages)}
                        </span>
                      </>
                    ) : (
                      <span class="badges">
                        <span class="badge badge-warn" data-testid="device-revoked">
                          Revoked {when(d.revoked_at) || 'at an unknown time'}
                        </span>
                      </span>
                    )}
                  </div>
                  {active && confirming !== d.id ? (
                    <button
                      type="button"
                      id={`device-revoke-${d.id}`}
                      class="button"
                      onClick={() => setConfirming(d.id)}
                      aria-describedby={infoId}
                      disabled={busy}
                      data-testid="device-revoke"
                    >
                      Revoke
                    </button>
                  ) : null}
                  {active && confirming === d.id ? (
                    <div class="row-panel confirm" role="group" aria-labelledby={`device-confirm-${d.id}`} data-testid="device-revoke-confirm">
                      <p id={`device-confirm-${d.id}`} class="notice">
                        Revoking signs this device out of encrypted sessions: it can no longer be admitted to calls.
                        Messages it already received stay on it.
                      </p>
                      <div class="dialog-actions">
                        <button
                          type="button"
                          id={`device-revoke-yes-${d.id}`}
                          class="button danger"
                          onClick={() => onRevoke(d.id)}
                          aria-describedby={infoId}
                          disabled={busy}
                          data-testid="device-revoke-yes"
                        >
                          {busy ? 'Revoking…' : 'Revoke this device'}
                        </button>
                        <button
                          type="button"
                          class="button"
                          onClick={() => cancel(d.id)}
                          disabled={busy}
                          data-testid="device-revoke-cancel"
                        >
                          Cancel
                        </button>
                      </div>
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        )}
      </LoadedList>
    </section>
  );
}
