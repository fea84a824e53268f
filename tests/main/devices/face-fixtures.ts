// Face pictures for the matcher's tests and bench, cut at test time from the group photos
// that ship inside @vladmandic/face-api (demo/sample1..6.jpg), so no face is committed.
// The boxes are where Human's detector finds those faces in the package's files. Each of
// these faces is a different person as far as can be told (no identity recurs across the
// photos with any certainty), so "the same person in another picture" is made by honest
// transformations of one face: a card-sized copy (a chip photo is 102×126 pixels), mirrored,
// greyed — what a card photo against a live camera frame differs by.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { decodeImage } from '../../../src-main/devices/doccam/image-file.ts';
import type { RgbaImage } from '../../../src-main/devices/doccam/image.ts';

type Box = readonly [x: number, y: number, width: number, height: number];

/** Five people, each in a photo of their own group. */
export const PEOPLE = {
  a: { sample: 1, box: [331, 313, 356, 356] },
  b: { sample: 1, box: [773, 385, 328, 328] },
  c: { sample: 3, box: [515, 295, 360, 360] },
  d: { sample: 6, box: [586, 299, 385, 385] },
  e: { sample: 5, box: [279, 848, 368, 368] },
} as const satisfies Record<string, { sample: number; box: Box }>;
export type Person = keyof typeof PEOPLE;

const require = createRequire(import.meta.url);
const demoDir = join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'demo');
const samples = new Map<number, RgbaImage>();

/** A sample photo of the package, decoded (cached: each is 1920 pixels wide). */
export function samplePhoto(n: number): RgbaImage {
  let photo = samples.get(n);
  if (!photo) {
    photo = decodeImage(readFileSync(join(demoDir, `sample${n}.jpg`)), `sample${n}.jpg`);
    samples.set(n, photo);
  }
  return photo;
}

export function samplePath(n: number): string {
  return join(demoDir, `sample${n}.jpg`);
}

/** A rectangle of a picture, clipped to it. */
export function cut(image: RgbaImage, x: number, y: number, width: number, height: number): RgbaImage {
  const x0 = Math.max(0, Math.round(x));
  const y0 = Math.max(0, Math.round(y));
  const x1 = Math.min(image.width, Math.round(x + width));
  const y1 = Math.min(image.height, Math.round(y + height));
  const w = x1 - x0;
  const h = y1 - y0;
  const data = new Uint8ClampedArray(w * h * 4);
  for (let row = 0; row < h; row++) {
    const from = ((y0 + row) * image.width + x0) * 4;
    data.set(image.data.subarray(from, from + w * 4), row * w * 4);
  }
  return { width: w, height: h, data };
}

/** A person's face as a counter camera would frame it: the face with `margin` of its size around it. */
export function liveFace(person: Person, margin = 0.4): RgbaImage {
  const { sample, box } = PEOPLE[person];
  const [x, y, w, h] = box;
  return cut(samplePhoto(sample), x - w * margin, y - h * margin, w * (1 + 2 * margin), h * (1 + 2 * margin));
}

/** A person's face as a chip photo holds it: head and shoulders at 102×126 pixels, scaled down by area. */
export function cardPhoto(person: Person): RgbaImage {
  const { sample, box } = PEOPLE[person];
  const [x, y, w] = box;
  const width = w * 1.5;
  const height = (width * 126) / 102;
  return shrink(cut(samplePhoto(sample), x - w * 0.25, y - height * 0.2, width, height), 102, 126);
}

/** Scaled down by averaging each target pixel's source area (as a camera or a card printer would). */
export function shrink(image: RgbaImage, width: number, height: number): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  const sx = image.width / width;
  const sy = image.height / height;
  for (let ty = 0; ty < height; ty++) {
    for (let tx = 0; tx < width; tx++) {
      const sum = [0, 0, 0];
      let n = 0;
      for (let y = Math.floor(ty * sy); y < Math.min(image.height, Math.floor((ty + 1) * sy)); y++) {
        for (let x = Math.floor(tx * sx); x < Math.min(image.width, Math.floor((tx + 1) * sx)); x++) {
          const i = (y * image.width + x) * 4;
          sum[0]! += image.data[i]!;
          sum[1]! += image.data[i + 1]!;
          sum[2]! += image.data[i + 2]!;
          n++;
        }
      }
      const o = (ty * width + tx) * 4;
      data[o] = sum[0]! / n;
      data[o + 1] = sum[1]! / n;
      data[o + 2] = sum[2]! / n;
      data[o + 3] = 255;
    }
  }
  return { width, height, data };
}

export function mirrored(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.data.length);
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const from = (y * image.width + x) * 4;
      data.set(image.data.subarray(from, from + 4), (y * image.width + image.width - 1 - x) * 4);
    }
  }
  return { ...image, data };
}

/** Grey and a little washed out, as an old card photo prints. */
export function greyed(image: RgbaImage): RgbaImage {
  const data = new Uint8ClampedArray(image.data);
  for (let i = 0; i < data.length; i += 4) {
    const grey = 0.8 * (0.3 * data[i]! + 0.59 * data[i + 1]! + 0.11 * data[i + 2]!) + 20;
    data[i] = data[i + 1] = data[i + 2] = grey;
  }
  return { ...image, data };
}

/** A picture with no face: a soft gradient, as an empty counter with the camera on a wall. */
export function emptyScene(width = 640, height = 480): RgbaImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = 120 + (x * 60) / width;
      data[i + 1] = 110 + (y * 50) / height;
      data[i + 2] = 100;
      data[i + 3] = 255;
    }
  }
  return { width, height, data };
}

/** Two people side by side (sample4's two middle faces), as when a companion leans in. */
export function twoFaces(): RgbaImage {
  return cut(samplePhoto(4), 860, 60, 720, 480);
}

/** `picture` laid on a 1280×720 frame (the counter camera's size) at (x, y). */
export function counterFrame(picture: RgbaImage, x = 320, y = 40): RgbaImage {
  const frame = emptyScene(1280, 720);
  for (let row = 0; row < Math.min(picture.height, frame.height - y); row++) {
    const width = Math.min(picture.width, frame.width - x);
    const from = row * picture.width * 4;
    frame.data.set(picture.data.subarray(from, from + width * 4), ((y + row) * frame.width + x) * 4);
  }
  return frame;
}

/** A 24-bit BMP, bottom-up: how a card reader's photo decoder hands the chip photo over (CardPhoto is image/bmp). */
export function encodeBmp(image: RgbaImage): Uint8Array {
  const rowBytes = Math.ceil((image.width * 3) / 4) * 4;
  const size = 54 + rowBytes * image.height;
  const bmp = new Uint8Array(size);
  const view = new DataView(bmp.buffer);
  bmp.set([0x42, 0x4d]);
  view.setUint32(2, size, true);
  view.setUint32(10, 54, true);
  view.setUint32(14, 40, true);
  view.setInt32(18, image.width, true);
  view.setInt32(22, image.height, true);
  view.setUint16(26, 1, true);
  view.setUint16(28, 24, true);
  view.setUint32(34, rowBytes * image.height, true);
  for (let y = 0; y < image.height; y++) {
    const row = 54 + (image.height - 1 - y) * rowBytes;
    for (let x = 0; x < image.width; x++) {
      const i = (y * image.width + x) * 4;
      bmp[row + x * 3] = image.data[i + 2]!;
      bmp[row + x * 3 + 1] = image.data[i + 1]!;
      bmp[row + x * 3 + 2] = image.data[i]!;
    }
  }
  return bmp;
}
