import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The SPA is served by the Python package (pulseboard/api/web.py), which ships the build.
const outDir = fileURLToPath(new URL('../pulseboard/web', import.meta.url));

export default defineConfig({
  // Preact's automatic JSX runtime through Vite's own transformer (Oxc, which replaced esbuild
  // for this in Vite 8): no framework plugin needed.
  oxc: {
    jsx: { runtime: 'automatic', importSource: 'preact' },
  },
  build: {
    outDir,
    emptyOutDir: true,
    target: 'es2022',
    // Hashed names are cached for a year by the server; index.html is never cached.
    assetsDir: 'assets',
    reportCompressedSize: true,
    chunkSizeWarningLimit: 200,
  },
  server: {
    // `npm run dev` against a running server: `pulseboard serve` on its default port.
    proxy: {
      '/api': { target: 'http://127.0.0.1:9400', ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
