// Imports a module group of the browser client built by web/vite.unit.config.ts.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const repoRoot = resolve(import.meta.dirname, '../..');

export function loadWebUnit(entry) {
  const dir = resolve(repoRoot, process.env.HAVEN_WEB_UNIT_DIR ?? 'build/web-unit');
  return import(pathToFileURL(resolve(dir, `${entry}.js`)).href);
}

// Hex helpers for test vectors.
export const fromHex = (hex) => Uint8Array.from(Buffer.from(hex, 'hex'));
export const toHex = (bytes) => Buffer.from(bytes).toString('hex');
