// The capture screen's pure parts: auto-capture's stillness trigger, corners between the
// live frame, the still and the screen, the capture metadata the core logs, the camera
// choice and its faults, and the worker client's answer when no worker can run.
import { describe, expect, it } from 'vitest';
import { PageCapture } from '../../src-main/common/draft.ts';
import type { Quad } from '../../src-main/devices/doccam/image.ts';
import { cameraFault, chooseCamera, rememberedLabel, rememberLabel } from '../../src-renderer/devices/doccam/camera.ts';
import { pageCapture, pageName } from '../../src-renderer/devices/doccam/capture-meta.ts';
import { DoccamError, DoccamWorker } from '../../src-renderer/devices/doccam/doccam-client.ts';
import type { DoccamReply, DoccamRequest, RectifiedPage } from '../../src-renderer/devices/doccam/protocol.ts';
import {
  fitWithin,
  fullFrameQuad,
  insetQuad,
  moveCorner,
  nearestCorner,
  scaleQuad,
} from '../../src-renderer/devices/doccam/geometry.ts';
import { greyOf, meanDifference, StillnessDetector } from '../../src-renderer/devices/doccam/stillness.ts';

const frame = (level: number, size = 64) => new Uint8Array(size).fill(level);
/** A frame with a little sensor noise (±2 levels), as a camera gives of a still scene. */
const noisy = (level: number, seed: number) => frame(level).map((v, i) => v + (((i * 7 + seed * 13) % 5) - 2));

describe('auto-capture: the stillness trigger', () => {
  it('fires once the picture has stood still for a second, and only once', () => {
    const still = new StillnessDetector();
    expect(still.feed(noisy(100, 0), 0)).toBe(false);
    expect(still.feed(noisy(100, 1), 400)).toBe(false);
    expect(still.feed(noisy(100, 2), 800)).toBe(false);
    expect(still.feed(noisy(100, 3), 1000)).toBe(true);
    expect(still.feed(noisy(100, 4), 1300)).toBe(false);
    expect(still.feed(noisy(100, 5), 3000)).toBe(false);
  });

  it('waits again after any movement', () => {
    const still = new StillnessDetector();
    still.feed(frame(100), 0);
    still.feed(frame(100), 900);
    expect(still.feed(frame(160), 950)).toBe(false); // a hand moves in
    expect(still.feed(frame(160), 1500)).toBe(false);
    expect(still.feed(frame(160), 1950)).toBe(true);
  });

  it('never fires for the page taken last: the next page must differ from it', () => {
    const still = new StillnessDetector();
    still.feed(frame(100), 0);
    expect(still.feed(frame(100), 1000)).toBe(true);
    still.taken();
    // A hand passes over and the same page lies there again.
    still.feed(frame(30), 1500);
    still.feed(frame(100), 1600);
    expect(still.feed(frame(100), 2700)).toBe(false);
    // A new page.
    still.feed(frame(140), 3000);
    expect(still.feed(frame(140), 4100)).toBe(true);
  });

  it('a page taken by hand counts as taken too', () => {
    const still = new StillnessDetector();
    still.feed(frame(90), 0);
    still.taken(frame(90));
    expect(still.feed(frame(90), 2000)).toBe(false);
  });

  it('starts over when the frame size changes (another camera)', () => {
    const still = new StillnessDetector();
    still.feed(frame(100), 0);
    expect(still.feed(frame(100, 32), 1500)).toBe(false);
    expect(still.feed(frame(100, 32), 2600)).toBe(true);
  });

  it('measures frames as grey mean differences', () => {
    expect(meanDifference(frame(10), frame(14))).toBe(4);
    expect([...greyOf(new Uint8ClampedArray([255, 255, 255, 255, 0, 0, 0, 255]))]).toEqual([255, 0]);
  });
});

describe('corners between frames', () => {
  const quad: Quad = [
    { x: 10, y: 20 },
    { x: 300, y: 30 },
    { x: 290, y: 200 },
    { x: 5, y: 190 },
  ];

  it('scales a live frame’s corners to the full frame, pixel centre onto pixel centre', () => {
    const full = scaleQuad(quad, { width: 640, height: 360 }, { width: 3840, height: 2160 });
    expect(full[0]).toEqual({ x: 62.5, y: 122.5 });
    expect(full[2]).toEqual({ x: 1742.5, y: 1202.5 });
    const back = scaleQuad(full, { width: 3840, height: 2160 }, { width: 640, height: 360 });
    back.forEach((p, i) => {
      expect(p.x).toBeCloseTo(quad[i]!.x, 9);
      expect(p.y).toBeCloseTo(quad[i]!.y, 9);
    });
  });

  it('fits a frame within a long side, never enlarging', () => {
    expect(fitWithin({ width: 3264, height: 2448 }, 640)).toEqual({ width: 640, height: 480 });
    expect(fitWithin({ width: 2448, height: 3264 }, 640)).toEqual({ width: 480, height: 640 });
    expect(fitWithin({ width: 320, height: 240 }, 640)).toEqual({ width: 320, height: 240 });
  });

  it('moves a dragged corner, kept inside the frame, and finds the corner a pointer grabs', () => {
    const size = { width: 400, height: 300 };
    expect(moveCorner(quad, 1, { x: 500, y: -9 }, size)[1]).toEqual({ x: 399.5, y: -0.5 });
    expect(moveCorner(quad, 1, { x: 500, y: -9 }, size)[0]).toEqual(quad[0]);
    expect(nearestCorner(quad, { x: 280, y: 210 })).toBe(2);
    expect(insetQuad(size)[0]).toEqual({ x: 40, y: 30 });
    expect(insetQuad(size)[2]).toEqual({ x: 359, y: 269 });
    expect(fullFrameQuad(size)).toEqual([
      { x: -0.5, y: -0.5 },
      { x: 399.5, y: -0.5 },
      { x: 399.5, y: 299.5 },
      { x: -0.5, y: 299.5 },
    ]);
  });
});

describe('capture metadata', () => {
  it('says how the page was taken, in the shape the contract accepts', () => {
    const capture = pageCapture({
      frame: { width: 3264, height: 2448 },
      corners: [
        { x: 210.1234, y: 180 },
        { x: 3010, y: 260.06 },
        { x: 2950, y: 2300 },
        { x: 160, y: 2210 },
      ],
      adjusted: true,
      mode: 'grey',
      rotation: 90,
      verdict: 'glare',
    });
    expect(capture).toEqual({
      source: 'documentCamera',
      frame: { width: 3264, height: 2448 },
      corners: [
        { x: 210.1, y: 180 },
        { x: 3010, y: 260.1 },
        { x: 2950, y: 2300 },
        { x: 160, y: 2210 },
      ],
      adjusted: true,
      mode: 'grey',
      rotation: 90,
      warnings: ['glare'],
    });
    expect(PageCapture.parse(capture)).toEqual(capture);
  });

  it('a whole frame filed when no page was found carries no corners; an ok page no warning', () => {
    const capture = pageCapture({
      frame: { width: 1280, height: 720 },
      corners: null,
      adjusted: false,
      mode: 'bw',
      rotation: 0,
      verdict: 'ok',
    });
    expect(capture.corners).toBeUndefined();
    expect(capture.warnings).toEqual([]);
    expect(PageCapture.safeParse(capture).success).toBe(true);
  });

  it('names a page after its material and place, by its format', () => {
    expect(pageName('申请人居民身份证', 2, 'image/jpeg')).toBe('申请人居民身份证_第2页.jpg');
    expect(pageName('申请表', 1, 'image/png')).toBe('申请表_第1页.png');
  });
});

describe('the camera', () => {
  const camera = (label: string, deviceId = label) => ({ label, deviceId, kind: 'videoinput' }) as MediaDeviceInfo;

  it('opens the remembered camera, else one that looks like a document camera, else the first', () => {
    const cameras = [camera('Integrated Webcam'), camera('高拍仪 S500'), camera('USB Camera')];
    expect(chooseCamera(cameras, 'USB Camera')?.label).toBe('USB Camera');
    expect(chooseCamera(cameras, 'gone')?.label).toBe('高拍仪 S500');
    expect(chooseCamera([camera('A'), camera('B')], null)?.label).toBe('A');
    expect(chooseCamera([], null)).toBeUndefined();
  });

  it('remembers the choice by label on this PC', () => {
    rememberLabel('高拍仪 S500');
    expect(rememberedLabel()).toBe('高拍仪 S500');
    window.localStorage.clear();
    expect(rememberedLabel()).toBeNull();
  });

  it('names getUserMedia’s failures as faults the clerk can act on', () => {
    expect(cameraFault(new DOMException('x', 'NotAllowedError'))).toBe('denied');
    expect(cameraFault(new DOMException('x', 'NotFoundError'))).toBe('noCamera');
    expect(cameraFault(new DOMException('x', 'NotReadableError'))).toBe('busy');
    expect(cameraFault(new Error('odd'))).toBe('failed');
  });
});

describe('the worker client', () => {
  it('answers opencvUnavailable at once when no worker can start, so capture goes on without auto-crop', async () => {
    const client = new DoccamWorker(() => {
      throw new Error('no Web Worker here');
    });
    const failure = await client
      .detect({ width: 1, height: 1, data: new Uint8ClampedArray(4) }, { width: 1, height: 1 })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DoccamError);
    expect((failure as DoccamError).failure).toBe('opencvUnavailable');
  });

  it('hands the barcode reader over after the first live frame, or before the first page at the latest', async () => {
    /** The browser's Worker as far as the client sees it: it answers what it is sent, in order. */
    class EchoWorker {
      onmessage: ((event: MessageEvent<DoccamReply>) => void) | null = null;
      onerror: ((event: ErrorEvent) => void) | null = null;
      readonly seen: DoccamRequest[] = [];
      postMessage(request: DoccamRequest): void {
        this.seen.push(request);
        const page = { width: 1, height: 1, codes: [] } as unknown as RectifiedPage;
        const result =
          request.kind === 'rectify'
            ? { kind: 'rectify' as const, page }
            : request.kind === 'detect'
              ? { kind: 'detect' as const, detection: null }
              : { kind: request.kind };
        queueMicrotask(() =>
          this.onmessage?.({ data: { id: request.id, ok: true, result } } as MessageEvent<DoccamReply>),
        );
      }
      terminate(): void {}
    }
    const kinds = (worker: EchoWorker) => worker.seen.map((request) => request.kind);
    const frame = () => ({ width: 1, height: 1, data: new Uint8ClampedArray(4) });

    // Straight to the shutter: the page waits for the wasm, then is straightened with the reader there.
    const worker = new EchoWorker();
    const client = new DoccamWorker(() => worker as unknown as Worker);
    let give!: (bytes: ArrayBuffer) => void;
    let fetched = 0;
    client.giveCodeReader(() => {
      fetched++;
      return new Promise<ArrayBuffer>((resolve) => (give = resolve));
    });
    expect(fetched).toBe(0);
    const rectified = client.rectify(null, 'colour', 0);
    await Promise.resolve();
    expect(kinds(worker)).toEqual([]);
    give(new ArrayBuffer(8));
    await rectified;
    await client.rectify(null, 'grey', 0);
    expect(kinds(worker)).toEqual(['codeReader', 'rectify', 'rectify']);
    expect(fetched).toBe(1);

    // The live preview first: handed over once the first frame is answered (opencv has started).
    const live = new EchoWorker();
    const previewing = new DoccamWorker(() => live as unknown as Worker);
    previewing.giveCodeReader(() => Promise.resolve(new ArrayBuffer(8)));
    expect(kinds(live)).toEqual([]);
    await previewing.detect(frame(), { width: 1, height: 1 });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(kinds(live)).toEqual(['detect', 'codeReader']);
    await previewing.detect(frame(), { width: 1, height: 1 });
    await previewing.rectify(null, 'colour', 0);
    expect(kinds(live)).toEqual(['detect', 'codeReader', 'detect', 'rectify']);

    // The wasm could not be fetched: pages are straightened all the same (their codes null).
    const without = new EchoWorker();
    const other = new DoccamWorker(() => without as unknown as Worker);
    other.giveCodeReader(() => Promise.reject(new Error('HTTP 404')));
    await other.rectify(null, 'grey', 90);
    expect(kinds(without)).toEqual(['rectify']);
  });
});
