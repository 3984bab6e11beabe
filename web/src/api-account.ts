// One's own account and signing in without a password (docs/API.md "Own account",
// "Password reset", "Passkey sign-in"): the session clock of GET /api/me, active sessions,
// password and email changes, admin-issued reset links, passwordless passkey sign-in, and
// the browsers registered for encrypted calls (docs/E2EE.md "Devices and KeyPackages").
// Never log request or response bodies: they hold credentials and personal data.
import { ApiError, GENERIC_MESSAGE, request, userOf } from './api';
import type { User, UserEnvelope } from './api';

function badResponse(): ApiError {
  return new ApiError(500, 'bad_response', GENERIC_MESSAGE);
}

const isNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

// ---------------------------------------------------------------------------
// GET /api/me with the session clock

/** The session's timeouts, in the server's clock (Unix seconds). */
export interface SessionClock {
  idle_seconds: number;
  idle_expires_at: number;
  absolute_expires_at: number;
  /** The server's "now", to measure the rest against (the device clock may be off). */
  now: number;
}

export interface Me {
  user: User;
  /** null from a server that does not send it. */
  session: SessionClock | null;
}

function clockOf(raw: unknown): SessionClock | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const c = raw as Partial<Record<keyof SessionClock, unknown>>;
  if (!isNumber(c.idle_seconds) || !isNumber(c.idle_expires_at) || !isNumber(c.now) || c.idle_seconds <= 0) return null;
  return {
    idle_seconds: c.idle_seconds,
    idle_expires_at: c.idle_expires_at,
    absolute_expires_at: isNumber(c.absolute_expires_at) ? c.absolute_expires_at : Number.POSITIVE_INFINITY,
    now: c.now,
  };
}

/** GET /api/me: the user and the session clock. Every call restarts the idle clock. */
export async function getMeSession(): Promise<Me> {
  const data = await request<UserEnvelope & { session?: unknown }>('GET', '/api/me');
  return { user: userOf(data), session: clockOf(data?.session) };
}

// ---------------------------------------------------------------------------
// Active sessions

export interface ActiveSession {
  /** 16 hex characters: names the session, is not a credential. */
  id: string;
  /** Unix seconds. */
  created_at: number;
  last_seen_at: number;
  /** A coarse label from the browser at sign-in: "Chrome on Android"; "Browser" if unknown. */
  device: string;
  /** The session of this browser. */
  current: boolean;
}

export async function listSessions(): Promise<ActiveSession[]> {
  const data = await request<{ sessions?: unknown }>('GET', '/api/account/sessions');
  if (!data || !Array.isArray(data.sessions)) throw badResponse();
  return (data.sessions as Partial<Record<keyof ActiveSession, unknown>>[]).map((s) => ({
    id: String(s.id ?? ''),
    created_at: isNumber(s.created_at) ? s.created_at : 0,
    last_seen_at: isNumber(s.last_seen_at) ? s.last_seen_at : 0,
    device: typeof s.device === 'string' && s.device ? s.device : 'Browser',
    current: s.current === true,
  }));
}

export async function revokeSession(id: string): Promise<void> {
  await request<unknown>('POST', '/api/account/sessions/revoke', { id });
}

/** Ends every session of the account, this one included (the cookie is cleared). */
export async function signOutEverywhere(): Promise<void> {
  await request<null>('POST', '/api/account/sign-out-everywhere');
}

// ---------------------------------------------------------------------------
// Devices for encrypted calls (docs/E2EE.md "Devices and KeyPackages (HTTP)")

/** A browser registered for encrypted calls: only its public key is on the server. */
export interface Device {
  id: string;
  /** The device's Ed25519 public key, base64 (32 bytes). */
  signature_key: string;
  /** Unix seconds. */
  created_at: number;
  /** Unix seconds; null when it has not been used since it registered. */
  last_seen_at: number | null;
  /** Unix seconds; null while the device is active. */
  revoked_at: number | null;
  /** Unused KeyPackages (single-use encryption keys) the device left for being added to calls. */
  key_packages: number;
}

const optionalTime = (v: unknown): number | null => (isNumber(v) && v > 0 ? v : null);

/** One device as the API answers it (GET /api/devices, registration, revocation). */
export function deviceOf(raw: unknown): Device {
  if (typeof raw !== 'object' || raw === null) throw badResponse();
  const d = raw as Partial<Record<keyof Device, unknown>>;
  if (typeof d.id !== 'string' || !d.id || typeof d.signature_key !== 'string') throw badResponse();
  return {
    id: d.id,
    signature_key: d.signature_key,
    created_at: isNumber(d.created_at) ? d.created_at : 0,
    last_seen_at: optionalTime(d.last_seen_at),
    revoked_at: optionalTime(d.revoked_at),
    key_packages: isNumber(d.key_packages) && d.key_packages > 0 ? d.key_packages : 0,
  };
}

/** GET /api/devices: the signed-in person's own devices, revoked ones included. */
export async function listDevices(): Promise<Device[]> {
  const data = await request<{ devices?: unknown }>('GET', '/api/devices');
  if (!data || !Array.isArray(data.devices)) throw badResponse();
  return data.devices.map(deviceOf);
}

/** Revokes one's own device (its unused KeyPackages are deleted); answers it as it is now. */
export async function revokeDevice(id: string): Promise<Device> {
  const data = await request<{ device?: unknown }>('POST', `/api/devices/${encodeURIComponent(id)}/revoke`);
  return deviceOf(data?.device);
}

// ---------------------------------------------------------------------------
// Password and email

/** 8 characters are enough behind a second factor, 15 without one (NIST SP 800-63B). */
export function minPasswordLength(mfaOn: boolean): number {
  return mfaOn ? 8 : 15;
}

/** Changes the password; every other session ends and this one gets a new cookie. */
export async function changePassword(current_password: string, new_password: string): Promise<void> {
  await request<unknown>('POST', '/api/account/password', { current_password, new_password });
}

export async function changeEmail(current_password: string, new_email: string): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/account/email', { current_password, new_email }));
}

// ---------------------------------------------------------------------------
// Admin-issued password reset (the link: /reset#token=...)

export interface ResetInfo {
  display_name: string;
  min_length: number;
}

/** Who the reset link is for, or null when it is unknown, used or expired. */
export async function checkPasswordReset(token: string): Promise<ResetInfo | null> {
  try {
    const data = await request<{ valid?: unknown; display_name?: unknown; min_length?: unknown }>(
      'POST',
      '/api/password-reset/check',
      { token },
    );
    if (data?.valid !== true) return null;
    return {
      display_name: typeof data.display_name === 'string' ? data.display_name : '',
      min_length: isNumber(data.min_length) && data.min_length > 0 ? data.min_length : 15,
    };
  } catch (e) {
    if (e instanceof ApiError && e.code === 'reset_invalid') return null;
    throw e;
  }
}

/** Sets the new password. No session is issued: the person signs in (and passes MFA). */
export async function acceptPasswordReset(token: string, new_password: string): Promise<{ mfa_required: boolean }> {
  const data = await request<{ mfa_required?: unknown }>('POST', '/api/password-reset/accept', { token, new_password });
  return { mfa_required: data?.mfa_required === true };
}

// ---------------------------------------------------------------------------
// Passwordless passkey sign-in (the browser ceremony is in webauthn.ts)

/** POST /api/session/passkey/options → raw PublicKeyCredentialRequestOptions JSON. */
export async function passkeyOnlyOptions(): Promise<unknown> {
  const data = await request<{ publicKey?: unknown }>('POST', '/api/session/passkey/options');
  if (!data || typeof data.publicKey !== 'object' || data.publicKey === null) throw badResponse();
  return data.publicKey;
}

export interface DiscoverableAssertion {
  credential_id: string;
  client_data_json: string;
  authenticator_data: string;
  signature: string;
  user_handle?: string;
}

/** Verifies the assertion; the server answers with the user and a session cookie. */
export async function signInPasskeyOnly(assertion: DiscoverableAssertion): Promise<User> {
  return userOf(await request<UserEnvelope>('POST', '/api/session/passkey', assertion));
}
