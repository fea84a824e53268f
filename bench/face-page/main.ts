// The face bench's page (bench/face.ts): the renderer's own face client and worker, built
// by Vite with the app's face assets, driven from Playwright through `window.faceBench`.
import { DEFAULT_FACE_THRESHOLDS } from '../../src-main/common/face.ts';
import { FaceMatcherClient } from '../../src-renderer/devices/face/face-client.ts';

const client = new FaceMatcherClient();

async function bitmapOf(bytes: number[], type: string): Promise<ImageBitmap> {
  return createImageBitmap(new Blob([new Uint8Array(bytes)], { type }));
}

Object.assign(window, {
  faceBench: {
    load: () => client.load(),
    reference: (bytes: number[]) => client.setReference(new Uint8Array(bytes)),
    /** One frame (PNG bytes) decoded here, then timed from its hand-over to the outcome. */
    match: async (png: number[]) => {
      const frame = await bitmapOf(png, 'image/png');
      const started = performance.now();
      const result = await client.matchFrame(frame, DEFAULT_FACE_THRESHOLDS);
      return { ...result, roundTripMs: performance.now() - started };
    },
  },
});
