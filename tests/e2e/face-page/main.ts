// The face worker's test page (face-worker.spec.ts, bench/face.ts): the renderer's own face
// client and worker, built by Vite with the app's face assets (face-host.ts), driven from
// Playwright through `window.faceBench`.
import { DEFAULT_FACE_THRESHOLDS, type FaceThresholds } from '../../../src-main/common/face.ts';
import { FaceMatcherClient } from '../../../src-renderer/devices/face/face-client.ts';

const client = new FaceMatcherClient();

/** Pictures come from Playwright as base64 (a JSON array of numbers is slow to pass for a frame). */
function bytesOf(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}

Object.assign(window, {
  faceBench: {
    load: () => client.load(),
    reference: (base64: string, mediaType?: string) => client.setReference(bytesOf(base64), mediaType),
    /** One frame (PNG, base64) decoded here, then timed from its hand-over to the outcome. */
    match: async (png: string, thresholds: FaceThresholds = DEFAULT_FACE_THRESHOLDS) => {
      const frame = await createImageBitmap(new Blob([bytesOf(png)], { type: 'image/png' }));
      const started = performance.now();
      const result = await client.matchFrame(frame, thresholds);
      return { ...result, roundTripMs: performance.now() - started };
    },
    forget: () => client.forget(),
  },
});
