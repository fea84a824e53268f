// Builds the renderer (src-renderer) into dist/renderer with relative asset paths,
// so the same files load from Electron's file/app protocol and from the browser host.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = import.meta.dirname;

export default defineConfig({
  root: `${here}/src-renderer`,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}/dist/renderer`,
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
  },
});
