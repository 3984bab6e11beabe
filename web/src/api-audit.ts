// The audit trail (docs/API.md "Audit log", "Searching the audit trail"), a patient's
// accounting of disclosures, and new recovery codes. Like api.ts: never log request or
// response bodies; ids only in URLs.
import { ApiError, GENERIC_MESSAGE, request, requestDownload } from './api';

function bad(): never {
  throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
}

function seconds(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/** What POST /api/audit/search and /api/audit/export filter by; empty fields are left out. */
export interface AuditFilter {
  actor_id?: string;
  subject_id?: string;
  /** An action-name prefix ([a-z0-9._]). */
  action?: string;
  /** Unix seconds; `to` is exclusive. */
  from?: number;
  to?: number;
}

export interface AuditEvent {
  seq: number;
  at: number;
  actor_id: string;
  action: string;
  subject_type: string;
  subject_id: string;
  outcome: string;
  request_id: string;
}

function eventOf(e: unknown): AuditEvent {
  const o = (e ?? {}) as Record<string, unknown>;
  return {
    seq: seconds(o.seq),
    at: seconds(o.at),
    actor_id: String(o.actor_id ?? ''),
    action: String(o.action ?? ''),
    subject_type: String(o.subject_type ?? ''),
    subject_id: String(o.subject_id ?? ''),
    outcome: String(o.outcome ?? ''),
    request_id: String(o.request_id ?? ''),
  };
}

/** Newest first. */
export async function searchAudit(filter: AuditFilter, limit = 500): Promise<AuditEvent[]> {
  const data = await request<{ events?: unknown }>('POST', '/api/audit/search', { ...filter, limit });
  if (!data || !Array.isArray(data.events)) bad();
  return data.events.map(eventOf);
}

/** The CSV file of every entry that matches (up to 5000). */
export function exportAudit(filter: AuditFilter): Promise<Blob> {
  return requestDownload('POST', '/api/audit/export', { ...filter, limit: 5000 });
}

export interface Checkpoint {
  tree_size: number;
  /** Unix seconds. */
  time: number;
  root_hash: string;
}

/** The newest signed checkpoint, or null while the log is empty. */
export async function getCheckpoint(): Promise<Checkpoint | null> {
  try {
    const data = await request<{ checkpoint?: Record<string, unknown> }>('GET', '/api/audit/checkpoint');
    const c = data?.checkpoint;
    if (!c) bad();
    return { tree_size: seconds(c.tree_size), time: seconds(c.time), root_hash: String(c.root_hash ?? '') };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'no_checkpoint') return null;
    throw err;
  }
}

export interface Disclosure {
  at: number;
  action: string;
  by: string;
  by_role: string;
  emergency: boolean;
}

/** GET /api/me/disclosures (patient): who read the record or opened emergency access, newest first. */
export async function getDisclosures(): Promise<Disclosure[]> {
  const data = await request<{ disclosures?: unknown }>('GET', '/api/me/disclosures');
  if (!data || !Array.isArray(data.disclosures)) bad();
  return data.disclosures.map((d) => {
    const o = (d ?? {}) as Record<string, unknown>;
    return {
      at: seconds(o.at),
      action: String(o.action ?? ''),
      by: String(o.by ?? ''),
      by_role: String(o.by_role ?? ''),
      emergency: o.emergency === true,
    };
  });
}

/** POST /api/mfa/recovery-codes: 10 new codes (shown once); every earlier code stops working. */
export async function renewRecoveryCodes(password: string): Promise<string[]> {
  const data = await request<{ recovery_codes?: unknown }>('POST', '/api/mfa/recovery-codes', { password });
  const codes = data?.recovery_codes;
  if (!Array.isArray(codes) || !codes.every((c) => typeof c === 'string')) bad();
  return codes as string[];
}
