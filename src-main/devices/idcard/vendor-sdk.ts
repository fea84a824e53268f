// The ID card reader through its vendor's SDK (华视 termb and the readers that copy its
// API): for readers with no serial interface (USB HID, vendor bulk endpoints), whose only
// way in is the vendor's library. The library is called through the native addon, off the
// JavaScript thread, each call with a timeout (native.ts). It reads to the same CardRead
// as the GA 467 driver (driver.ts), checked by the same field rules (text-block.ts), and
// offers the presence loop the same three calls, so nothing above it can tell them apart.
//
//   CVR_InitComm(port)      1: the reader answers on that port (1001… USB, 1…16 COM)
//   CVR_Authenticate()      1: a card found and selected; 2: no card; 3: found, not selected
//   CVR_Read_Content(1)     1: the card read; its fields are then fetched one by one
//   GetPeopleName(buf, &len) …, GetCertType, GetBMPData: 1 on success, text in GBK
//   CVR_CloseComm()
//
// The SDK hands out the resident card's fields only (no pass number, no nationality): any
// other card type is told unreadable with idcard.sdkCardTypeUnsupported, never read to an
// identity that lacks what its type must have. The SDK decodes the photo itself
// (GetBMPData, with the vendor's licensed decoder): no WLT bytes come out of it.
//
// Invariants (tests/main/devices/idcard/vendor-sdk.test.ts, against a stand-in library in C):
// - every call ends within its timeout (device.timeout), and one that hangs stops no other
//   work of the process;
// - an identity comes whole and checked, or not at all (idcard.textInvalid names the field);
// - a status the SDK does not document is the reader's fault (idcard.readerFault), which
//   ends the run: the registry opens the reader again.
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import iconv from 'iconv-lite';
import { AppError } from '../../common/errors.ts';
import { type CardType, NATIONS } from '../../common/id-card.ts';
import { type NativeAddon, VendorLibrary } from '../native.ts';
import type { CardRead, ReadOptions } from './driver.ts';
import { imageFromBmp, type PhotoImage } from './photo.ts';
import { cardFromFields, checkedText, type TextField } from './text-block.ts';

export const TERMB = {
  init: 'CVR_InitComm',
  authenticate: 'CVR_Authenticate',
  read: 'CVR_Read_Content',
  close: 'CVR_CloseComm',
  certType: 'GetCertType',
  photo: 'GetBMPData',
} as const;

/** The resident card's fields and the getter of each. */
export const FIELD_GETTERS: ReadonlyArray<readonly [TextField, string]> = [
  ['name', 'GetPeopleName'],
  ['sex', 'GetPeopleSex'],
  ['nation', 'GetPeopleNation'],
  ['birthDate', 'GetPeopleBirthday'],
  ['address', 'GetPeopleAddress'],
  ['idNumber', 'GetPeopleIDCode'],
  ['authority', 'GetDepartment'],
  ['validFrom', 'GetStartDate'],
  ['validTo', 'GetEndDate'],
];

/** Entry points without which the library is not a termb-style SDK (GetCertType and GetBMPData are optional). */
export const REQUIRED_SYMBOLS = [
  TERMB.init,
  TERMB.authenticate,
  TERMB.read,
  TERMB.close,
  ...FIELD_GETTERS.map(([, symbol]) => symbol),
];

/** `CVR_Read_Content`'s argument: 1, the card's text and photo. */
const READ_CONTENT_ACTIVE = 1;
const FIELD_CAPACITY = 256;
/** A BMP of the photo is 38,862 bytes; room for vendors that add more. */
const PHOTO_CAPACITY = 64 * 1024;

export type SdkCall = 'open' | 'find' | 'read' | 'field' | 'photo' | 'close';

export const DEFAULT_SDK_TIMEOUTS: Readonly<Record<SdkCall, number>> = {
  open: 5000,
  find: 2000,
  read: 5000,
  field: 1000,
  photo: 3000,
  close: 2000,
};

export interface VendorSdkOptions {
  /** The vendor's library (termb.so, termb.dll). */
  library: string;
  /** The SDK's port number: 1001… for USB readers, 1…16 for COM ports. */
  port: number;
  timeouts?: Partial<Record<SdkCall, number>>;
  addon?: () => NativeAddon;
}

const SEX_WORDS: Readonly<Record<string, string>> = { 男: '1', 女: '2', 未知: '0', 未说明: '9' };

/** The SDK says sex in words (男); the card's field is the GB/T 2261.1 digit. */
function sexCode(text: string): string {
  return SEX_WORDS[text.replace(/性$/, '')] ?? text;
}

/** The SDK names the nation (汉, or 汉族); the card's field is its GB/T 3304 code. */
function nationCode(text: string): string {
  if (/^\d{1,2}$/.test(text)) return text.padStart(2, '0');
  const name = text.length > 1 ? text.replace(/族$/, '') : text;
  return Object.entries(NATIONS).find(([, nation]) => nation === name)?.[0] ?? text;
}

/** Dates as `YYYYMMDD` (some SDKs write 1990-01-01 or 1990.01.01); 长期 as it is. */
function compactDate(text: string): string {
  return text === '长期' ? text : text.replace(/[-./年月日\s]/g, '');
}

const CERT_TYPES: Readonly<Record<string, CardType>> = {
  '': 'resident',
  '0': 'resident',
  J: 'hkMacauTaiwan',
  I: 'foreignPermanent',
  Y: 'foreignPermanent2023',
};

export class VendorSdkReader {
  private readonly timeouts: Record<SdkCall, number>;
  /** CVR_Authenticate found a card it could not select (3). */
  private selectFailed = false;
  private closed = false;

  private constructor(
    private readonly library: VendorLibrary,
    private readonly options: VendorSdkOptions,
  ) {
    this.timeouts = { ...DEFAULT_SDK_TIMEOUTS, ...options.timeouts };
  }

  /**
   * Loads the library and opens the reader's port: device.addonMissing,
   * device.libraryLoadFailed, device.librarySymbolMissing, idcard.sdkPortFailed, device.timeout.
   */
  static async open(options: VendorSdkOptions): Promise<VendorSdkReader> {
    const library = VendorLibrary.open(options.library, {
      device: 'idCardReader',
      ...(options.addon ? { addon: options.addon } : {}),
    });
    library.requireSymbols(REQUIRED_SYMBOLS);
    const reader = new VendorSdkReader(library, options);
    const status = await library.callInt(TERMB.init, [options.port], reader.timeouts.open);
    if (status !== 1) {
      throw new AppError('idcard.sdkPortFailed', `${TERMB.init}(${options.port}) returned ${status}`, {
        port: options.port,
      });
    }
    return reader;
  }

  get description(): string {
    return `${basename(this.options.library)} port ${this.options.port}`;
  }

  /** The SDK has no SAM status of its own: CVR_InitComm answering was the check. */
  async samStatus(): Promise<void> {}

  /** CVR_Authenticate: whether a card is on the reader. */
  async findCard(): Promise<boolean> {
    this.ensureOpen();
    const status = await this.library.callInt(TERMB.authenticate, [], this.timeouts.find);
    this.selectFailed = status === 3;
    if (status === 1 || status === 3) return true;
    if (status === 2) return false;
    throw new AppError('idcard.readerFault', `${TERMB.authenticate} returned ${status}`, { status: String(status) });
  }

  /** The SDK selects while it finds and tells no serial: zeros (the presence loop then tells a card by its key). */
  async selectCard(): Promise<Uint8Array> {
    if (this.selectFailed)
      throw new AppError('idcard.selectFailed', `${TERMB.authenticate} returned 3 (select failed)`);
    return new Uint8Array(8);
  }

  /** CVR_Read_Content, then the fields one by one, checked as the text block's are. */
  async readSelected(serial: Uint8Array, _options: ReadOptions = {}): Promise<CardRead> {
    this.ensureOpen();
    const status = await this.library.callInt(TERMB.read, [READ_CONTENT_ACTIVE], this.timeouts.read);
    if (status !== 1) throw new AppError('idcard.readFailed', `${TERMB.read} returned ${status}`);
    const hash = createHash('sha256');
    const cardType = await this.cardType(hash);
    if (cardType !== 'resident') {
      throw new AppError('idcard.sdkCardTypeUnsupported', `card type ${cardType} through the vendor SDK`, { cardType });
    }
    const raw: Partial<Record<TextField, string>> = {};
    for (const [field, symbol] of FIELD_GETTERS) raw[field] = await this.field(symbol, field, hash);
    raw.sex = sexCode(raw.sex ?? '');
    raw.nation = nationCode(raw.nation ?? '');
    raw.birthDate = compactDate(raw.birthDate ?? '');
    raw.validFrom = compactDate(raw.validFrom ?? '');
    raw.validTo = compactDate(raw.validTo ?? '');
    const text = cardFromFields(cardType, raw);
    const { photoImage, photoProblem } = await this.photo(hash);
    return {
      identity: { ...text, photo: { present: true }, fingerprint: { present: false } },
      photo: undefined,
      fingerprints: undefined,
      serial,
      key: hash.digest('hex'),
      ...(photoImage ? { photoImage } : {}),
      ...(photoProblem ? { photoProblem } : {}),
    };
  }

  /** Find, select and read the card on the reader (idcard.noCard when there is none). */
  async readCard(options: ReadOptions = {}): Promise<CardRead> {
    if (!(await this.findCard())) throw new AppError('idcard.noCard', `${TERMB.authenticate} returned 2 (no card)`);
    return this.readSelected(await this.selectCard(), options);
  }

  /** After close, as a closed serial line does: device.gone. */
  private ensureOpen(): void {
    if (this.closed) throw new AppError('device.gone', `${this.description}: closed`, { device: 'idCardReader' });
  }

  /** CVR_CloseComm; the library stays loaded. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.library.callInt(TERMB.close, [], this.timeouts.close).catch(() => undefined);
  }

  /**
   * GetCertType, when the library has it and it answers; older SDKs read resident cards
   * only and lack it or fail it. Taken for resident, a card of another type still fails
   * its checks (it has no nation), never reads to a wrong identity.
   */
  private async cardType(hash: ReturnType<typeof createHash>): Promise<CardType> {
    if (!this.library.has(TERMB.certType)) return 'resident';
    const code = await this.field(TERMB.certType, 'cardType', hash).catch((error: unknown) => {
      if (error instanceof AppError && error.code === 'idcard.readFailed') return '';
      throw error;
    });
    const type = CERT_TYPES[code.toUpperCase()];
    if (type === undefined)
      throw new AppError('idcard.unknownCardType', `${TERMB.certType}: type code of ${code.length} characters`);
    return type;
  }

  /** One getter's text: GBK (read as GB 18030, its superset), cut at its length or its NUL. */
  private async field(symbol: string, field: string, hash: ReturnType<typeof createHash>): Promise<string> {
    const { result, length, bytes } = await this.library.callOut(symbol, FIELD_CAPACITY, this.timeouts.field);
    if (result !== 1) throw new AppError('idcard.readFailed', `${symbol} returned ${result}`);
    let end = length >= 0 && length <= bytes.length ? length : bytes.length;
    const nul = bytes.subarray(0, end).indexOf(0);
    if (nul >= 0) end = nul;
    const text = bytes.subarray(0, end);
    hash.update(text);
    return checkedText(iconv.decode(Buffer.from(text), 'gb18030'), field);
  }

  /** GetBMPData: the photo as the SDK decoded it, or why not. */
  private async photo(
    hash: ReturnType<typeof createHash>,
  ): Promise<{ photoImage?: PhotoImage; photoProblem?: AppError }> {
    if (!this.library.has(TERMB.photo)) {
      return {
        photoProblem: new AppError('idcard.photoDecodeFailed', `${this.options.library} has no ${TERMB.photo}`),
      };
    }
    try {
      const { result, length, bytes } = await this.library.callOut(TERMB.photo, PHOTO_CAPACITY, this.timeouts.photo);
      if (result !== 1) throw new AppError('idcard.photoDecodeFailed', `${TERMB.photo} returned ${result}`);
      const bmp = bytes.subarray(0, length > 0 && length <= bytes.length ? length : bytes.length);
      hash.update(bmp);
      return { photoImage: imageFromBmp(bmp) };
    } catch (error) {
      // A photo that hangs the SDK is the reader's problem (device.timeout): the run ends.
      if (!(error instanceof AppError) || error.code === 'device.timeout') throw error;
      return { photoProblem: error };
    }
  }
}
