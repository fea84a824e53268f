// Loading opencv.js: once, ready for calls, the module not a thenable any more (a promise
// resolved with it would never settle), and the host process's handlers left as they were.
import { describe, expect, it } from 'vitest';
import { heapBytes, loadOpenCv, withMats } from '../../../../src-main/devices/doccam/opencv.ts';

describe('loadOpenCv', () => {
  it('loads once, ready, without a then, and without adding process handlers', async () => {
    const before = ['uncaughtException', 'unhandledRejection'].map((e) => process.listeners(e as 'exit').length);
    const [cv, again] = await Promise.all([loadOpenCv(), loadOpenCv()]);
    expect(again).toBe(cv);
    expect(typeof cv.Mat).toBe('function');
    expect((cv as unknown as { then?: unknown }).then).toBeUndefined();
    expect(await Promise.resolve(cv)).toBe(cv);
    const after = ['uncaughtException', 'unhandledRejection'].map((e) => process.listeners(e as 'exit').length);
    expect(after).toEqual(before);
    expect(heapBytes(cv)).toBeGreaterThan(0);
  });

  it('withMats frees every Mat it was given, also when the body throws', async () => {
    const cv = await loadOpenCv();
    const made: Array<InstanceType<typeof cv.Mat>> = [];
    expect(() =>
      withMats((keep) => {
        made.push(keep(new cv.Mat(4, 4, cv.CV_8UC1)), keep(new cv.Mat(2, 2, cv.CV_8UC1)));
        throw new Error('midway');
      }),
    ).toThrow('midway');
    // A deleted embind object refuses further use.
    for (const mat of made) expect(() => mat.rows).toThrow();
  });
});
