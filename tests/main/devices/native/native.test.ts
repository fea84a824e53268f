// The native addon (native/) and VendorLibrary (src-main/devices/native.ts): the addon
// builds and loads; a library is called off the JavaScript thread, one call at a time; a
// call that hangs times out, blocks nothing and keeps the library closed until it returns;
// a library or entry point that is not there is an AppError naming it.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../../../src-main/common/errors.ts';
import {
  ADDON_FILE,
  addonCandidates,
  loadAddonFrom,
  nativeAddon,
  VendorLibrary,
} from '../../../../src-main/devices/native.ts';
import { tempDir } from '../../helpers.ts';
import { rejection } from '../idcard/rig.ts';
import { compileLibrary, ensureAddon, FakeTermb } from './rig.ts';

beforeAll(ensureAddon, 600_000);

const open = (path: string) => VendorLibrary.open(path, { device: 'idCardReader' });

describe('the native addon', () => {
  it('is built by npm install (or the test) and loads under Node', () => {
    const addon = nativeAddon();
    for (const name of ['open', 'hasSymbol', 'callInt', 'callOut', 'callInOut'] as const) {
      expect(typeof addon[name]).toBe('function');
    }
  });

  it('is looked for beside the checkout, the built dist/ and the packaged app.asar (unpacked)', () => {
    const fromDist = addonCandidates('/opt/app/dist/src-main/devices');
    expect(fromDist).toContain(join('/opt/app', ADDON_FILE));
    const packaged = addonCandidates('/opt/Tongban Desk/resources/app.asar/dist/src-main/devices');
    expect(packaged).toContain(join('/opt/Tongban Desk/resources/app.asar', ADDON_FILE));
    expect(packaged).toContain(join('/opt/Tongban Desk/resources/app.asar.unpacked', ADDON_FILE));
  });

  it('missing or broken is device.addonMissing, never a crash', () => {
    const missing = (() => {
      try {
        loadAddonFrom(['/nonexistent/tongban_native.node']);
      } catch (error) {
        return error as AppError;
      }
    })();
    expect(missing).toBeInstanceOf(AppError);
    expect(missing).toMatchObject({ code: 'device.addonMissing', params: { device: 'idCardReader' } });

    const notAnAddon = join(tempDir(), 'tongban_native.node');
    writeFileSync(notAnAddon, 'not a shared object');
    expect(() => loadAddonFrom([notAnAddon])).toThrow(expect.objectContaining({ code: 'device.addonMissing' }));
  });
});

describe('a vendor library through the addon', () => {
  it('says which library does not load, and which entry point is missing', () => {
    expect(() => open('/nonexistent/libtermb.so')).toThrow(
      expect.objectContaining({
        code: 'device.libraryLoadFailed',
        params: { device: 'idCardReader', library: '/nonexistent/libtermb.so' },
      }),
    );
    const decoder = open(compileLibrary('fake-wlt'));
    expect(decoder.has('unpack')).toBe(true);
    expect(() => decoder.requireSymbols(['unpack', 'CVR_InitComm'])).toThrow(
      expect.objectContaining({
        code: 'device.librarySymbolMissing',
        params: expect.objectContaining({ symbol: 'CVR_InitComm' }),
      }),
    );
  });

  it('calls int functions, getters into a buffer, and in-out functions', async () => {
    const termb = new FakeTermb({ init: 1, fields: { GetPeopleName: Buffer.from([0xcd, 0xf5]) } });
    const library = open(termb.library);
    expect(await library.callInt('CVR_InitComm', [1001], 1000)).toBe(1);
    const name = await library.callOut('GetPeopleName', 256, 1000);
    expect(name.result).toBe(1);
    expect(name.length).toBe(2);
    expect([...name.bytes.subarray(0, 2)]).toEqual([0xcd, 0xf5]);
    expect(termb.calls()).toEqual(['CVR_InitComm 1001', 'GetPeopleName 0']);

    const decoder = open(compileLibrary('fake-wlt'));
    const wlt = new Uint8Array(1024).fill(3);
    const { result, bytes } = await decoder.callInOut('unpack', wlt, 102 * 126 * 3, 7, 1000);
    expect(result).toBe(1);
    expect(bytes.length).toBe(102 * 126 * 3);
    expect([...bytes.subarray(0, 3)]).toEqual([3, 3, 7]);
  });

  it('runs calls one at a time, in the order made', async () => {
    const termb = new FakeTermb({ hang: { CVR_InitComm: 150 } });
    const library = open(termb.library);
    const results = await Promise.all([
      library.callInt('CVR_InitComm', [1], 1000),
      library.callInt('CVR_Authenticate', [], 1000),
      library.callInt('CVR_CloseComm', [], 1000),
    ]);
    expect(results).toEqual([1, 2, 1]);
    expect(termb.calls()).toEqual(['CVR_InitComm 1', 'CVR_Authenticate 0', 'CVR_CloseComm 0']);
  });

  it('a call that hangs times out (device.timeout) without blocking the event loop, and the library takes no call until it returns', async () => {
    const termb = new FakeTermb({ hang: { CVR_Authenticate: 1200 } });
    const library = open(termb.library);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const error = await rejection(library.callInt('CVR_Authenticate', [], 200));
    const took = performance.now() - started;
    clearInterval(ticker);
    expect(error).toMatchObject({ code: 'device.timeout', params: { device: 'idCardReader' } });
    expect(error.message).toContain('CVR_Authenticate');
    expect(took).toBeGreaterThanOrEqual(190);
    expect(took).toBeLessThan(600);
    // The JavaScript thread went on meanwhile.
    expect(ticks).toBeGreaterThan(8);

    // Still inside the library: the next call is refused at once, not queued behind it.
    const refusedAt = performance.now();
    const refused = await rejection(library.callInt('CVR_CloseComm', [], 1000));
    expect(refused).toMatchObject({ code: 'device.timeout' });
    expect(refused.message).toContain('CVR_Authenticate');
    expect(performance.now() - refusedAt).toBeLessThan(100);

    // Once it has returned, the library is called again.
    await new Promise((resolve) => setTimeout(resolve, 1200));
    termb.set({});
    expect(await library.callInt('CVR_CloseComm', [], 1000)).toBe(1);
  });
});
