// Files shared in a call (docs/E2EE.md "Chat and files"): the server stores ciphertext
// only; the name, type and key travel in an MLS application message. Ids only in URLs,
// never a file's name or key; nothing here logs.
import { ApiError, GENERIC_MESSAGE, NETWORK_MESSAGE } from './api';

/** The server's per-file limit by default (`files.max_bytes`); the UI says so. */
export const MAX_FILE_BYTES = 25 * 1024 * 1024;

async function failure(res: Response): Promise<ApiError> {
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    // not JSON: keep the generic words
  }
  const err = (data as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  const code = typeof err?.code === 'string' ? err.code : 'http_error';
  const message = typeof err?.message === 'string' && err.message ? err.message : GENERIC_MESSAGE;
  return new ApiError(res.status, code, message);
}

async function send(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
}

/** POST /api/rooms/:id/files with the encrypted bytes; answers the new file's id. */
export async function uploadRoomFile(roomId: string, ciphertext: Uint8Array): Promise<{ id: string; size: number }> {
  const res = await send(`/api/rooms/${encodeURIComponent(roomId)}/files`, {
    method: 'POST',
    headers: { Accept: 'application/json', 'Content-Type': 'application/octet-stream' },
    body: ciphertext as Uint8Array<ArrayBuffer>,
  });
  if (!res.ok) throw await failure(res);
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    // handled below
  }
  const file = (data as { file?: { id?: unknown; size?: unknown } } | null)?.file;
  if (typeof file?.id !== 'string' || file.id === '') throw new ApiError(500, 'bad_response', GENERIC_MESSAGE);
  return { id: file.id, size: typeof file.size === 'number' ? file.size : ciphertext.length };
}

/** GET /api/files/:id: the encrypted bytes. */
export async function downloadRoomFile(fileId: string): Promise<Uint8Array> {
  const res = await send(`/api/files/${encodeURIComponent(fileId)}`, { method: 'GET', headers: { Accept: 'application/octet-stream, application/json' } });
  if (!res.ok) throw await failure(res);
  try {
    return new Uint8Array(await res.arrayBuffer());
  } catch {
    throw new ApiError(0, 'network', NETWORK_MESSAGE);
  }
}
