import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// Workers are ES modules (tfjs and comlink are ESM). No cross-origin isolation headers: threaded
// wasm hangs in a minified build under COOP/COEP (../shared/design/PLATFORM.md) and gives no
// speed-up on 2 cores, so the app runs tfjs-wasm single-threaded.
export default defineConfig({
  plugins: [react()],
  worker: { format: 'es' },
  build: {
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
  },
  server: { port: 5173, strictPort: true },
  preview: { port: 4173, strictPort: true },
});
