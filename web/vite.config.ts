// Vite config for the Haven browser client (run as `vite build web`).
// The server sends a CSP without 'unsafe-inline', so the build must not emit inline
// scripts or styles: no module-preload polyfill, CSS in a separate file.
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    cssCodeSplit: false,
    assetsInlineLimit: 0,
    sourcemap: false,
  },
});
