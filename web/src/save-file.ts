/** How long a download's Blob URL lives (the browser has read it long before). */
const REVOKE_AFTER_MS = 10_000;

/**
 * Saves a Blob under `name` through a temporary hidden <a download>; the blob: URL is
 * revoked after. Used for the audit CSV, the cohort attendance CSV and files shared in a call.
 */
export function saveFile(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
