// The reader through its vendor SDK (devices/idcard/vendor-sdk.ts) against a stand-in
// termb library in C (tests/main/devices/native/fake-termb.c) whose state the test writes:
// the deck's resident cards read to the same identity as through the GA 467 driver, from
// GBK text; every SDK failure is its AppError; a call that hangs times out; the presence
// loop runs over it as over the serial driver.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { beforeAll, describe, expect, it } from 'vitest';
import { DECK } from '../../../../src-main/devices/idcard/deck.ts';
import { bmpFromBgr } from '../../../../src-main/devices/idcard/photo.ts';
import { type CardEvent, CardPresence } from '../../../../src-main/devices/idcard/presence.ts';
import { VendorSdkReader, type VendorSdkOptions } from '../../../../src-main/devices/idcard/vendor-sdk.ts';
import { loadAddonFrom } from '../../../../src-main/devices/native.ts';
import { compileLibrary, ensureAddon, FakeTermb } from '../native/rig.ts';
import { onCleanup, rejection } from './rig.ts';

beforeAll(ensureAddon, 600_000);

const RESIDENT = DECK.filter((card) => card.text.cardType === 'resident');

async function openSdk(termb: FakeTermb, options: Partial<VendorSdkOptions> = {}) {
  const reader = await VendorSdkReader.open({ library: termb.library, port: 1001, ...options });
  onCleanup(() => reader.close());
  return reader;
}

/** A photo BMP for GetBMPData to hand out. */
function bmpFile(termb: FakeTermb): { path: string; bytes: Uint8Array } {
  const bytes = bmpFromBgr(
    new Uint8Array(102 * 126 * 3).map((_, i) => (i * 7) % 256),
    102,
    126,
  );
  const path = join(termb.dir, 'zp.bmp');
  writeFileSync(path, bytes);
  return { path, bytes };
}

describe('the vendor-SDK reader', () => {
  it('opens the port it is given and reads every resident card of the deck to the GA 467 driver’s identity', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    expect(termb.calls()).toEqual(['CVR_InitComm 1001']);
    expect(reader.description).toBe('libfake-termb.so port 1001');
    const photo = bmpFile(termb);
    expect(RESIDENT.map((card) => card.text.name)).toContain('林𠮷');
    for (const card of RESIDENT) {
      termb.place(card.text, { bmpFile: photo.path });
      const read = await reader.readCard();
      expect(read.identity).toEqual({ ...card.text, photo: { present: true }, fingerprint: { present: false } });
      expect(read.photo).toBeUndefined();
      expect(read.photoImage).toEqual({ mediaType: 'image/bmp', width: 102, height: 126, bytes: photo.bytes });
      expect(read.serial).toEqual(new Uint8Array(8));
      // The same card reads to the same key.
      expect((await reader.readCard()).key).toBe(read.key);
    }
    expect(termb.calls()).toContain('CVR_Read_Content 1');
    await reader.close();
    expect(termb.calls().at(-1)).toBe('CVR_CloseComm 0');
    expect(await rejection(reader.findCard())).toMatchObject({ code: 'device.gone' });
  });

  it('reads the words and forms SDKs use: 汉族, dates with dashes, a length that counts the NUL', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    const card = DECK[0]!.text;
    termb.place(card, {
      fields: {
        GetPeopleNation: iconv.encode('汉族', 'gbk'),
        GetPeopleBirthday: Buffer.from(card.birthDate),
        GetPeopleName: Buffer.concat([iconv.encode(card.name, 'gbk'), Buffer.from([0])]),
        GetCertType: undefined,
      },
    });
    expect((await reader.readCard()).identity).toMatchObject({ name: card.name, nation: { code: '01', name: '汉' } });
  });

  it('no card, a card it cannot select, a read that fails, a field that fails: the card errors', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    const card = DECK[1]!.text;
    expect(await reader.findCard()).toBe(false);
    expect(await rejection(reader.readCard())).toMatchObject({ code: 'idcard.noCard' });
    termb.place(card, { auth: 3 });
    expect(await rejection(reader.readCard())).toMatchObject({ code: 'idcard.selectFailed' });
    termb.place(card, { read: 0 });
    expect(await rejection(reader.readCard())).toMatchObject({ code: 'idcard.readFailed' });
    // A getter missing from the control file returns 0.
    termb.place(card, { fields: { GetPeopleAddress: undefined } });
    expect(await rejection(reader.readCard())).toMatchObject({ code: 'idcard.readFailed' });
  });

  it('text that breaks the card’s rules is idcard.textInvalid naming the field, never the text', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    const card = DECK[0]!.text;
    const cases: Array<[string, Buffer, string]> = [
      ['GetPeopleSex', iconv.encode('男女', 'gbk'), 'sex'],
      ['GetPeopleNation', iconv.encode('火星', 'gbk'), 'nation'],
      ['GetPeopleBirthday', Buffer.from('19991340'), 'birthDate'],
      ['GetPeopleIDCode', Buffer.from('12345'), 'idNumber'],
      ['GetPeopleName', Buffer.from([0xff, 0x30]), 'name'],
      ['GetPeopleAddress', Buffer.from('  '), 'address'],
    ];
    for (const [getter, bytes, field] of cases) {
      termb.place(card, { fields: { [getter]: bytes } });
      const error = await rejection(reader.readCard());
      expect(error, getter).toMatchObject({ code: 'idcard.textInvalid', params: { field } });
      expect(error.message).not.toContain(card.name);
    }
  });

  it('a card type the SDK cannot give whole is told so (idcard.sdkCardTypeUnsupported), an unknown one too', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    termb.place(DECK[0]!.text, { fields: { GetCertType: Buffer.from('J') } });
    expect(await rejection(reader.readCard())).toMatchObject({
      code: 'idcard.sdkCardTypeUnsupported',
      params: { cardType: 'hkMacauTaiwan' },
    });
    termb.place(DECK[0]!.text, { fields: { GetCertType: Buffer.from('Q') } });
    expect(await rejection(reader.readCard())).toMatchObject({ code: 'idcard.unknownCardType' });
  });

  it('a photo the SDK cannot give leaves the identity whole, with the reason', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    termb.place(DECK[0]!.text);
    const read = await reader.readCard();
    expect(read.identity.name).toBe(DECK[0]!.text.name);
    expect(read.photoImage).toBeUndefined();
    expect(read.photoProblem?.code).toBe('idcard.photoDecodeFailed');
  });

  it('the reader not there, an undocumented status, the library not there or not an SDK, no addon', async () => {
    const termb = new FakeTermb({ init: 0 });
    expect(await rejection(openSdk(termb, { port: 2 }))).toMatchObject({
      code: 'idcard.sdkPortFailed',
      params: { port: 2 },
    });
    termb.set({ auth: -1 });
    const reader = await openSdk(termb);
    expect(await rejection(reader.findCard())).toMatchObject({ code: 'idcard.readerFault', params: { status: '-1' } });

    expect(await rejection(openSdk(termb, { library: '/nonexistent/libtermb.so' }))).toMatchObject({
      code: 'device.libraryLoadFailed',
    });
    expect(await rejection(openSdk(termb, { library: compileLibrary('fake-wlt') }))).toMatchObject({
      code: 'device.librarySymbolMissing',
      params: { symbol: 'CVR_InitComm' },
    });
    expect(await rejection(openSdk(termb, { addon: () => loadAddonFrom([]) }))).toMatchObject({
      code: 'device.addonMissing',
    });
  });

  it('a call that hangs is device.timeout after its timeout, and the process goes on', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb, { timeouts: { find: 200 } });
    termb.set({ hang: { CVR_Authenticate: 1000 } });
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 10);
    const started = performance.now();
    const error = await rejection(reader.findCard());
    clearInterval(ticker);
    expect(error).toMatchObject({ code: 'device.timeout', params: { device: 'idCardReader' } });
    expect(performance.now() - started).toBeLessThan(600);
    expect(ticks).toBeGreaterThan(8);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  });

  it('runs the presence loop: placed once, removed, unreadable after three tries', async () => {
    const termb = new FakeTermb();
    const reader = await openSdk(termb);
    const events: CardEvent[] = [];
    const presence = new CardPresence(reader, (event) => events.push(event), { intervalMs: 30 });
    const running = presence.run();
    onCleanup(async () => {
      presence.stop();
      await running;
    });
    const until = async (what: () => boolean) => {
      const end = performance.now() + 4000;
      while (!what()) {
        if (performance.now() > end) throw new Error('timed out waiting');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };
    termb.place(DECK[2]!.text);
    await until(() => events.length === 1);
    expect(events[0]).toMatchObject({ kind: 'placed', card: { identity: { name: DECK[2]!.text.name } } });
    // Left lying, read again (no serial) but not told again.
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(events).toHaveLength(1);
    termb.remove();
    await until(() => events.length === 2);
    expect(events[1]).toEqual({ kind: 'removed' });
    termb.place(DECK[2]!.text, { read: 0 });
    await until(() => events.length === 3);
    expect(events[2]).toMatchObject({ kind: 'unreadable', error: { code: 'idcard.readFailed' } });
  });
});
