// Still images from and to files, for the CLI, the tests and the bench (Node only; the
// renderer gets its frames from the camera as ImageData). PNG through pngjs, JPEG through
// jpeg-js, told apart by their signatures, not by the file's name.
import { readFile, writeFile } from 'node:fs/promises';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { AppError } from '../../common/errors.ts';
import type { RgbaImage } from './image.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG_SIGNATURE = [0xff, 0xd8, 0xff];
/** jpeg-js refuses larger images itself; 100 MP is far beyond any document camera. */
const MAX_MEGAPIXELS = 100;

export type ImageFormat = 'png' | 'jpeg';

export function imageFormat(bytes: Uint8Array): ImageFormat | undefined {
  const starts = (signature: number[]) => signature.every((b, i) => bytes[i] === b);
  if (starts(PNG_SIGNATURE)) return 'png';
  if (starts(JPEG_SIGNATURE)) return 'jpeg';
  return undefined;
}

/** A PNG or JPEG file's pixels; `doccam.imageUnreadable` for anything else or a damaged file. */
export function decodeImage(bytes: Uint8Array, name = 'image'): RgbaImage {
  const format = imageFormat(bytes);
  if (!format) {
    throw new AppError('doccam.imageUnreadable', `${name} is neither PNG nor JPEG`, { file: name });
  }
  try {
    if (format === 'png') {
      const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return {
        width: png.width,
        height: png.height,
        data: new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength),
      };
    }
    const decoded = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: MAX_MEGAPIXELS,
      maxMemoryUsageInMB: 1024,
    });
    return {
      width: decoded.width,
      height: decoded.height,
      data: new Uint8ClampedArray(decoded.data.buffer, decoded.data.byteOffset, decoded.data.byteLength),
    };
  } catch (error) {
    throw new AppError(
      'doccam.imageUnreadable',
      `${name}: ${(error as Error).message}`,
      { file: name },
      { cause: error },
    );
  }
}

export function encodePng(image: RgbaImage): Buffer {
  const png = new PNG({ width: image.width, height: image.height });
  png.data = Buffer.from(image.data.buffer, image.data.byteOffset, image.data.byteLength);
  return PNG.sync.write(png);
}

export function encodeJpeg(image: RgbaImage, quality = 90): Buffer {
  return jpeg.encode({ width: image.width, height: image.height, data: image.data }, quality).data;
}

export async function readImageFile(path: string): Promise<RgbaImage> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new AppError(
      'doccam.imageUnreadable',
      `cannot read ${path}: ${(error as Error).message}`,
      { file: path },
      { cause: error },
    );
  }
  return decodeImage(bytes, path);
}

export async function writePngFile(path: string, image: RgbaImage): Promise<void> {
  await writeFile(path, encodePng(image));
}
