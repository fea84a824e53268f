// The card's photo (devices/idcard/photo.ts): BGR pixels made into a BMP by hand, and the
// hall's decoder library called through the native addon — here a stand-in compiled from
// tests/main/devices/native/fake-wlt.c whose picture follows from the WLT bytes, so every
// pixel is checked. A decoder that is missing, wrong, failing or hanging is an AppError
// with its reason, and the read goes on without the picture.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DECK } from '../../../../src-main/devices/idcard/deck.ts';
import {
  BGR_BYTES,
  bmpFromBgr,
  imageFromBmp,
  loadPhotoDecoder,
  PHOTO_HEIGHT,
  PHOTO_WIDTH,
} from '../../../../src-main/devices/idcard/photo.ts';
import { loadAddonFrom } from '../../../../src-main/devices/native.ts';
import { tempDir } from '../../helpers.ts';
import { compileLibrary, ensureAddon, expectedBgr } from '../native/rig.ts';
import { inProcessRig, rejection } from './rig.ts';

beforeAll(ensureAddon, 600_000);

/** The pixel at (x, y) of a 24-bit bottom-up BMP, as [blue, green, red], read from the header's own numbers. */
function pixelOf(bmp: Uint8Array, x: number, y: number): number[] {
  const view = new DataView(bmp.buffer, bmp.byteOffset, bmp.byteLength);
  const offset = view.getUint32(10, true);
  const width = view.getInt32(18, true);
  const height = view.getInt32(22, true);
  const stride = Math.ceil((width * 3) / 4) * 4;
  const at = offset + (height - 1 - y) * stride + x * 3;
  return [bmp[at]!, bmp[at + 1]!, bmp[at + 2]!];
}

describe('the photo as a BMP', () => {
  it('is a 24-bit BMP of 38,862 bytes: 54 bytes of header, bottom-up rows padded to 308 bytes', () => {
    const bgr = new Uint8Array(BGR_BYTES).map((_, i) => i % 251);
    const bmp = bmpFromBgr(bgr, PHOTO_WIDTH, PHOTO_HEIGHT);
    const view = new DataView(bmp.buffer);
    expect(bmp.length).toBe(38_862);
    expect(String.fromCharCode(bmp[0]!, bmp[1]!)).toBe('BM');
    expect(view.getUint32(2, true)).toBe(38_862);
    expect(view.getUint32(10, true)).toBe(54);
    expect(view.getUint32(14, true)).toBe(40);
    expect([view.getInt32(18, true), view.getInt32(22, true)]).toEqual([102, 126]);
    expect(view.getUint16(28, true)).toBe(24);
    expect(view.getUint32(34, true)).toBe(308 * 126);
    // The top row is the file's last; each row ends in two bytes of padding.
    expect([...bmp.subarray(54 + 125 * 308, 54 + 125 * 308 + 3)]).toEqual([0, 1, 2]);
    expect([...bmp.subarray(54 + 306, 54 + 308)]).toEqual([0, 0]);
    for (const [x, y] of [
      [0, 0],
      [101, 0],
      [50, 63],
      [101, 125],
    ] as const) {
      const at = (y * 102 + x) * 3;
      expect(pixelOf(bmp, x, y)).toEqual([bgr[at], bgr[at + 1], bgr[at + 2]]);
    }
    expect(imageFromBmp(bmp)).toEqual({ mediaType: 'image/bmp', width: 102, height: 126, bytes: bmp });
  });

  it('a BMP from elsewhere is checked: not one, not 24-bit, cut short', () => {
    const bmp = bmpFromBgr(new Uint8Array(BGR_BYTES), PHOTO_WIDTH, PHOTO_HEIGHT);
    expect(() => imageFromBmp(new Uint8Array(100))).toThrow(
      expect.objectContaining({ code: 'idcard.photoDecodeFailed' }),
    );
    const eightBit = bmp.slice();
    eightBit[28] = 8;
    expect(() => imageFromBmp(eightBit)).toThrow(/bits per pixel/);
    expect(() => imageFromBmp(bmp.subarray(0, 30_000))).toThrow(/bytes where/);
  });
});

describe('the photo decoder library', () => {
  it('decodes a card photo to exactly the picture the library makes of it', async () => {
    const decoder = loadPhotoDecoder(compileLibrary('fake-wlt'));
    for (const card of DECK.slice(0, 3)) {
      const image = await decoder.decode(card.photo);
      expect(image).toMatchObject({ mediaType: 'image/bmp', width: 102, height: 126 });
      expect(image.bytes).toEqual(bmpFromBgr(expectedBgr(card.photo), 102, 126));
      // One pixel worked out by hand from fake-wlt.c's formula, independently of bmpFromBgr.
      const [x, y] = [5, 7];
      expect(pixelOf(image.bytes, x, y)).toEqual([
        (card.photo[x + y]! + x) & 0xff,
        (card.photo[x * y]! + y) & 0xff,
        x + y,
      ]);
    }
  });

  it("hands unpack the configured flag (the vendor's bmpSave)", async () => {
    const decoder = loadPhotoDecoder(compileLibrary('fake-wlt'), { unpackFlag: 9 });
    const image = await decoder.decode(DECK[0]!.photo);
    expect(image.bytes).toEqual(bmpFromBgr(expectedBgr(DECK[0]!.photo, 9), 102, 126));
  });

  it('a library that is not there, not a decoder, or no addon: idcard.photoDecoderMissing naming the cause', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => loadPhotoDecoder('/nonexistent/libwlt.so'), /device\.libraryLoadFailed/],
      [() => loadPhotoDecoder(compileLibrary('fake-wlt', ['WITHOUT_UNPACK'])), /device\.librarySymbolMissing.*unpack/],
      [() => loadPhotoDecoder(compileLibrary('fake-wlt'), { addon: () => loadAddonFrom([]) }), /device\.addonMissing/],
    ];
    for (const [load, detail] of cases) {
      let error: { code?: string; detail?: string } | undefined;
      try {
        load();
      } catch (thrown) {
        error = thrown as typeof error;
      }
      expect(error?.code).toBe('idcard.photoDecoderMissing');
      expect(error?.detail).toMatch(detail);
    }
  });

  it('unpack failing, a photo of the wrong size, a decoder that hangs: idcard.photoDecodeFailed', async () => {
    const decoder = loadPhotoDecoder(compileLibrary('fake-wlt'), { timeoutMs: 300 });
    const unlicensed = new Uint8Array(1024).fill(0xee);
    expect(await rejection(decoder.decode(unlicensed))).toMatchObject({
      code: 'idcard.photoDecodeFailed',
      params: { status: -5 },
    });
    expect(await rejection(decoder.decode(new Uint8Array(1000)))).toMatchObject({ code: 'idcard.photoDecodeFailed' });

    const started = performance.now();
    const hanging = await rejection(decoder.decode(new Uint8Array(1024).fill(0xdd)));
    expect(hanging).toMatchObject({ code: 'idcard.photoDecodeFailed' });
    expect((hanging as { detail?: string }).detail).toMatch(/did not return in 300 ms/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('the reader hands the decoded photo with the card, or why there is none', async () => {
    const decoder = loadPhotoDecoder(compileLibrary('fake-wlt'));
    const withDecoder = inProcessRig({ reader: { photoDecoder: decoder } });
    withDecoder.emulator.place(2);
    const read = await withDecoder.reader.readCard();
    expect(read.photoImage?.bytes).toEqual(bmpFromBgr(expectedBgr(DECK[1]!.photo), 102, 126));
    expect(read.photoProblem).toBeUndefined();
    expect(read.identity.photo).toEqual({ present: true });

    const without = inProcessRig();
    without.emulator.place(2);
    const plain = await without.reader.readCard();
    expect(plain.photoImage).toBeUndefined();
    expect(plain.photoProblem?.code).toBe('idcard.photoDecoderNotConfigured');
    expect(plain.identity).toEqual(read.identity);

    const broken = join(tempDir(), 'libbroken.so');
    writeFileSync(broken, 'no library');
    expect(() => loadPhotoDecoder(broken)).toThrow(expect.objectContaining({ code: 'idcard.photoDecoderMissing' }));
  });
});
