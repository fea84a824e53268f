// A Vite plugin of the renderer's build (vite.config.ts), also used by the face bench's
// page (bench/face.ts).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { FACE_MODELS } from '../src-main/devices/face/matcher.ts';

/**
 * 人证比对's assets, served by the app itself and never fetched from the network: Human's
 * models for the matcher (FACE_MODELS, from the package's own folder) into `face/models/`,
 * and the tfjs WebAssembly binaries its wasm backend loads into `face/wasm/` (the plain and
 * SIMD builds; the threaded one needs a cross-origin-isolated page, which ours is not).
 * face-client.ts finds them beside index.html.
 */
export function faceAssets(): Plugin {
  const require = createRequire(import.meta.url);
  const modelsDir = join(dirname(dirname(require.resolve('@vladmandic/human'))), 'models');
  const wasmDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
  const files = [
    ...FACE_MODELS.flatMap((model) =>
      [`${model}.json`, `${model}.bin`].map((f) => [`face/models/${f}`, join(modelsDir, f)]),
    ),
    ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm'].map((f) => [`face/wasm/${f}`, join(wasmDir, f)]),
  ];
  return {
    name: 'tongban-face-assets',
    apply: 'build',
    generateBundle() {
      for (const [fileName, source] of files) {
        this.emitFile({ type: 'asset', fileName: fileName!, source: readFileSync(source!) });
      }
    },
  };
}
