// The card's photo (照片): 1024 bytes of WLT, compressed and encrypted, that only a
// licensed vendor decoder turns into the 102×126 picture. The decoder is a shared library
// the hall configures (devices.idCardReader.photoDecoder), called through the native addon;
// its `unpack` gives BGR pixels, made here into a BMP file (Chromium shows BMP) — pure.
//
// A photo that cannot be decoded never stops a read: the identity goes on without the
// picture, and the error says why (not configured, decoder unusable, decode failed).
import { AppError } from '../../common/errors.ts';
import { type NativeAddon, VendorLibrary } from '../native.ts';
import { PHOTO_BYTES } from './text-block.ts';

export const PHOTO_WIDTH = 102;
export const PHOTO_HEIGHT = 126;
/** What `unpack` writes: 102 × 126 pixels of 3 bytes, blue, green, red. */
export const BGR_BYTES = PHOTO_WIDTH * PHOTO_HEIGHT * 3;
/** The decoder's entry point: `int unpack(char *src, char *dst, int bmpSave)`, 1 on success. */
export const UNPACK_SYMBOL = 'unpack';
const UNPACK_TIMEOUT_MS = 5000;

/** A decoded photo, as a file the renderer can show. */
export interface PhotoImage {
  mediaType: 'image/bmp';
  width: number;
  height: number;
  /** A whole BMP file (24-bit, bottom-up rows padded to 4 bytes). */
  bytes: Uint8Array;
}

export interface PhotoDecoder {
  decode(wlt: Uint8Array): Promise<PhotoImage>;
}

const BMP_HEADER_BYTES = 54;

/** Rows of 24-bit pixels take a multiple of 4 bytes in a BMP (306 → 308 for the photo). */
const rowStride = (width: number) => Math.ceil((width * 3) / 4) * 4;

/** A 24-bit BMP of BGR pixels given top row first. */
export function bmpFromBgr(bgr: Uint8Array, width: number, height: number): Uint8Array {
  if (bgr.length < width * height * 3) throw new RangeError(`${bgr.length} bytes for ${width}×${height} BGR pixels`);
  const stride = rowStride(width);
  const pixels = stride * height;
  const bmp = new Uint8Array(BMP_HEADER_BYTES + pixels);
  const view = new DataView(bmp.buffer);
  bmp[0] = 0x42; // B
  bmp[1] = 0x4d; // M
  view.setUint32(2, bmp.length, true);
  view.setUint32(10, BMP_HEADER_BYTES, true);
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, width, true);
  view.setInt32(22, height, true); // positive: bottom-up
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  view.setUint32(34, pixels, true);
  view.setInt32(38, 2835, true); // 72 dpi
  view.setInt32(42, 2835, true);
  for (let y = 0; y < height; y++) {
    const from = y * width * 3;
    bmp.set(bgr.subarray(from, from + width * 3), BMP_HEADER_BYTES + (height - 1 - y) * stride);
  }
  return bmp;
}

/**
 * A BMP file someone else made (a vendor SDK's photo), checked to be a whole 24-bit BMP;
 * idcard.photoDecodeFailed otherwise.
 */
export function imageFromBmp(bytes: Uint8Array): PhotoImage {
  const fail = (problem: string) => new AppError('idcard.photoDecodeFailed', `photo BMP: ${problem}`);
  if (bytes.length < BMP_HEADER_BYTES || bytes[0] !== 0x42 || bytes[1] !== 0x4d) throw fail('no BMP header');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getInt32(18, true);
  const height = Math.abs(view.getInt32(22, true));
  const offset = view.getUint32(10, true);
  if (view.getUint16(28, true) !== 24) throw fail(`${view.getUint16(28, true)} bits per pixel, not 24`);
  if (width <= 0 || width > 4096 || height === 0 || height > 4096) throw fail(`size ${width}×${height}`);
  const end = offset + rowStride(width) * height;
  if (end > bytes.length) throw fail(`${bytes.length} bytes where ${end} are needed`);
  const copy = new Uint8Array(end);
  copy.set(bytes.subarray(0, end));
  return { mediaType: 'image/bmp', width, height, bytes: copy };
}

export interface PhotoDecoderOptions {
  /** The third argument of unpack (`bmpSave`): vendor-specific, 0 unless the vendor says otherwise. */
  unpackFlag?: number;
  timeoutMs?: number;
  addon?: () => NativeAddon;
}

/**
 * The hall's licensed decoder library, loaded now: idcard.photoDecoderMissing when the
 * addon is not built, the library does not load or has no `unpack`.
 */
export function loadPhotoDecoder(library: string, options: PhotoDecoderOptions = {}): PhotoDecoder {
  let vendor: VendorLibrary;
  try {
    vendor = VendorLibrary.open(library, {
      device: 'idCardReader',
      ...(options.addon ? { addon: options.addon } : {}),
    });
    vendor.requireSymbols([UNPACK_SYMBOL]);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    throw new AppError('idcard.photoDecoderMissing', `photo decoder ${library}: ${error.code}: ${error.detail}`, {
      library,
    });
  }
  const flag = options.unpackFlag ?? 0;
  const timeoutMs = options.timeoutMs ?? UNPACK_TIMEOUT_MS;
  return {
    async decode(wlt) {
      if (wlt.length !== PHOTO_BYTES) {
        throw new AppError('idcard.photoDecodeFailed', `photo of ${wlt.length} bytes, not ${PHOTO_BYTES}`);
      }
      let answer: { result: number; bytes: Uint8Array };
      try {
        answer = await vendor.callInOut(UNPACK_SYMBOL, wlt, BGR_BYTES, flag, timeoutMs);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        throw new AppError('idcard.photoDecodeFailed', `${library}: ${error.detail}`);
      }
      if (answer.result !== 1) {
        throw new AppError('idcard.photoDecodeFailed', `${library}: unpack returned ${answer.result}`, {
          status: answer.result,
        });
      }
      return {
        mediaType: 'image/bmp',
        width: PHOTO_WIDTH,
        height: PHOTO_HEIGHT,
        bytes: bmpFromBgr(answer.bytes, PHOTO_WIDTH, PHOTO_HEIGHT),
      };
    },
  };
}

/** Stands in for a decoder that is not there: every photo fails with why. */
export function unavailablePhotoDecoder(error: AppError): PhotoDecoder {
  return {
    decode: () => Promise.reject(error),
  };
}

/** Why a photo goes undecoded when the hall configured no decoder. */
export function photoDecoderNotConfigured(): AppError {
  return new AppError(
    'idcard.photoDecoderNotConfigured',
    'no photo decoder configured (devices.idCardReader.photoDecoder.library)',
  );
}

/** The photo decoded, or why not (no decoder configured, decoder unusable, decode failed); never throws an AppError. */
export async function decodePhoto(
  decoder: PhotoDecoder | undefined,
  wlt: Uint8Array,
): Promise<{ photoImage?: PhotoImage; photoProblem?: AppError }> {
  if (!decoder) return { photoProblem: photoDecoderNotConfigured() };
  try {
    return { photoImage: await decoder.decode(wlt) };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return { photoProblem: error };
  }
}
