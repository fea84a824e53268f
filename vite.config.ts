// Builds the renderer (src-renderer) into dist/renderer with relative asset paths,
// so the same files load from Electron's file/app protocol and from the browser host.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';
import { faceAssets } from './tools/vite-face-assets.ts';

const here = import.meta.dirname;

export default defineConfig({
  root: `${here}/src-renderer`,
  base: './',
  plugins: [react(), faceAssets()],
  // The doccam worker imports opencv.js as a chunk of its own, on demand: code splitting
  // needs ES module workers (`new Worker(…, { type: 'module' })`).
  worker: { format: 'es' },
  build: {
    outDir: `${here}/dist/renderer`,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
  },
});
