// Builds the SFrame loopback smoke page (scripts/sframe-smoke/run.mjs) into build/sframe-smoke.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

export default defineConfig({
  root: import.meta.dirname,
  logLevel: 'warn',
  build: {
    outDir: resolve(import.meta.dirname, '../../build/sframe-smoke'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    modulePreload: { polyfill: false },
  },
});
