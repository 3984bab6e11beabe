// Builds the browser client's pure modules (no DOM needed) as an ES library that node's
// test runner imports: `vite build -c web/vite.unit.config.ts` → build/web-unit/<entry>.js.
// tests/web/*.test.mjs check them against published test vectors (RFC 9605, RFC 9420)
// with node's WebCrypto, which is the same API the browser uses.
import { defineConfig } from 'vite';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export default defineConfig({
  build: {
    outDir: resolve(root, process.env.HAVEN_WEB_UNIT_DIR ?? 'build/web-unit'),
    emptyOutDir: true,
    target: 'es2022',
    minify: false,
    sourcemap: false,
    lib: {
      formats: ['es'],
      // One entry per module group under test; each re-exports what its tests need.
      entry: {
        e2ee: resolve(import.meta.dirname, 'src/e2ee/index.ts'),
        quality: resolve(import.meta.dirname, 'src/call/connection-quality.ts'),
        speaker: resolve(import.meta.dirname, 'src/call/speaker-layout.ts'),
        attendance: resolve(import.meta.dirname, 'src/cohort-attendance.ts'),
        breakout: resolve(import.meta.dirname, 'src/call/breakout.ts'),
        'contact-keys': resolve(import.meta.dirname, 'src/e2ee/contact-keys.ts'),
        safety: resolve(import.meta.dirname, 'src/api-safety.ts'),
      },
    },
    rollupOptions: { external: [/^node:/] },
  },
});
