// Video for Chromium's fake camera (`--use-file-for-fake-video-capture`): a YUV4MPEG2 file
// of a document on a desk, drawn by the doccam tests' own scene painter, with a QR code
// printed on the page. The page's true corners are returned, so a test can check what the
// app cut out of the picture against the truth.
import { writeFileSync } from 'node:fs';
import QRCode from 'qrcode';
import type { Quad, RgbaImage } from '../../src-main/devices/doccam/image.ts';
import { paintCode, placePage, renderScene } from '../main/devices/doccam/scenes.ts';

export interface FakeDocumentVideo {
  file: string;
  width: number;
  height: number;
  corners: Quad;
  qrText: string;
}

/** Where the QR code sits on the page, in page units (0–1 across and down): its left, top and width across. */
const QR = { u: 0.5, v: 0.6, size: 0.4 };

export function writeDocumentVideo(
  file: string,
  options: { width?: number; height?: number; angle?: number; qrText?: string; frames?: number } = {},
): FakeDocumentVideo {
  const width = options.width ?? 1280;
  const height = options.height ?? 720;
  const qrText = options.qrText ?? 'TB-DOCCAM-E2E-0001';
  const corners = placePage({ width, height, angle: options.angle ?? 11, size: 0.88 });
  const image = renderScene(width, height, { page: corners, seed: 7 });
  drawQr(image, corners, qrText);
  const frame = toI420(image);
  const count = options.frames ?? 10;
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  const marker = Buffer.from('FRAME\n');
  const parts: Buffer[] = [header];
  for (let i = 0; i < count; i++) parts.push(marker, frame);
  writeFileSync(file, Buffer.concat(parts));
  return { file, width, height, corners, qrText };
}

/** A still picture as a camera video (the counter camera's applicant, say): `frames` equal frames. */
export function writeImageVideo(file: string, image: RgbaImage, frames = 10): void {
  const header = Buffer.from(`YUV4MPEG2 W${image.width} H${image.height} F10:1 Ip A1:1 C420jpeg\n`);
  const marker = Buffer.from('FRAME\n');
  const frame = toI420(image);
  const parts: Buffer[] = [header];
  for (let i = 0; i < frames; i++) parts.push(marker, frame);
  writeFileSync(file, Buffer.concat(parts));
}

/** The QR code's modules painted on the page (with its white quiet zone). */
function drawQr(image: RgbaImage, corners: Quad, text: string): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const size = qr.modules.size;
  paintCode(image, corners, { width: size, height: size, dark: (col, row) => qr.modules.get(row, col) === 1 }, QR);
}

/** RGBA to planar YUV 4:2:0 (BT.601, studio range, as Chromium reads it back). */
export function toI420(image: RgbaImage): Buffer {
  const { width, height, data } = image;
  const cw = width / 2;
  const ch = height / 2;
  const out = Buffer.alloc(width * height + 2 * cw * ch);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      out[y * width + x] = Math.round(16 + (65.481 * data[i]! + 128.553 * data[i + 1]! + 24.966 * data[i + 2]!) / 255);
    }
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = ((2 * y + dy) * width + 2 * x + dx) * 4;
        r += data[i]! / 4;
        g += data[i + 1]! / 4;
        b += data[i + 2]! / 4;
      }
      out[width * height + y * cw + x] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[width * height + cw * ch + y * cw + x] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}
