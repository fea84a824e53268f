// The card's 256-byte text block: fixed-width UCS-2 little-endian fields whose layout
// depends on the card type (the code unit at byte 248). Decoded as UTF-16LE, so a name
// with a character outside the BMP (a surrogate pair, e.g. 𠮷) comes out whole. Pure.
//
// A block either yields a whole identity, every field checked against its form, or an
// AppError naming the first field that failed (idcard.textInvalid,
// idcard.unknownCardType): never a partial identity that looks complete. The error's
// detail names the field and the problem, never the text itself (personal data).
import { AppError } from '../../common/errors.ts';
import { dayNumber } from '../../common/dates.ts';
import {
  type CardIdentity,
  type CardSex,
  type CardType,
  LONG_TERM,
  nationName,
  SEX_CODES,
} from '../../common/id-card.ts';

export const TEXT_BLOCK_BYTES = 256;
/** The other two blocks a read brings: the WLT photo, and (30 10) two 512-byte fingerprint templates. */
export const PHOTO_BYTES = 1024;
export const FINGERPRINT_BYTES = 1024;
/** Byte offset of the type code unit: a space on resident cards, 'J', 'I' or 'Y' otherwise. */
export const TYPE_OFFSET = 248;

/** What the text block says: the identity without what the other blocks tell (photo, fingerprints, appended address). */
export type CardText = Omit<CardIdentity, 'photo' | 'fingerprint' | 'appendedAddress'>;

type FieldName =
  | 'name'
  | 'englishName'
  | 'englishNameMore'
  | 'sex'
  | 'nation'
  | 'nationality'
  | 'birthDate'
  | 'address'
  | 'idNumber'
  | 'authority'
  | 'validFrom'
  | 'validTo'
  | 'passNumber'
  | 'issueCount'
  | 'renewalCount'
  | 'cardVersion'
  | 'type'
  | 'reserved';

/** The fields that hold text (all but the type code unit and the reserved bytes). */
export type TextField = Exclude<FieldName, 'type' | 'reserved'>;

/** Field widths in bytes, in block order (../shared/reference/id-card-reader.md). */
export const LAYOUTS: Readonly<Record<CardType, ReadonlyArray<readonly [FieldName, number]>>> = {
  resident: [
    ['name', 30],
    ['sex', 2],
    ['nation', 4],
    ['birthDate', 16],
    ['address', 70],
    ['idNumber', 36],
    ['authority', 30],
    ['validFrom', 16],
    ['validTo', 16],
    ['reserved', 36],
  ],
  hkMacauTaiwan: [
    ['name', 30],
    ['sex', 2],
    ['reserved', 4],
    ['birthDate', 16],
    ['address', 70],
    ['idNumber', 36],
    ['authority', 30],
    ['validFrom', 16],
    ['validTo', 16],
    ['passNumber', 18],
    ['issueCount', 4],
    ['reserved', 6],
    ['type', 2],
    ['reserved', 6],
  ],
  foreignPermanent: [
    ['englishName', 120],
    ['sex', 2],
    ['idNumber', 30],
    ['nationality', 6],
    ['name', 30],
    ['validFrom', 16],
    ['validTo', 16],
    ['birthDate', 16],
    ['cardVersion', 4],
    ['authority', 8],
    ['type', 2],
    ['reserved', 6],
  ],
  foreignPermanent2023: [
    ['name', 30],
    ['sex', 2],
    ['renewalCount', 4],
    ['birthDate', 16],
    ['englishName', 70],
    ['idNumber', 36],
    ['reserved', 30],
    ['validFrom', 16],
    ['validTo', 16],
    ['englishNameMore', 22],
    ['nationality', 6],
    ['type', 2],
    ['reserved', 6],
  ],
};

const TYPE_CODE: Readonly<Record<CardType, number>> = {
  resident: 0x20,
  hkMacauTaiwan: 0x4a, // J
  foreignPermanent: 0x49, // I
  foreignPermanent2023: 0x59, // Y
};

/** The card type of a block by its type code unit; a resident card has a space there (some readers: zero). */
export function cardTypeOf(block: Uint8Array): CardType | undefined {
  const unit = (block[TYPE_OFFSET] ?? 0) | ((block[TYPE_OFFSET + 1] ?? 0) << 8);
  if (unit === 0x20 || unit === 0) return 'resident';
  for (const [type, code] of Object.entries(TYPE_CODE) as Array<[CardType, number]>) if (code === unit) return type;
  return undefined;
}

/** The field's problem, for the error's English detail: never the field's content. */
function invalid(field: string, problem: string): AppError {
  return new AppError('idcard.textInvalid', `text block field ${field}: ${problem}`, { field });
}

/** A code point a card's text may hold: no controls, no noncharacters, no replacement character. */
function printable(codePoint: number): boolean {
  if (codePoint < 0x20 || (codePoint >= 0x7f && codePoint <= 0x9f)) return false;
  if (codePoint === 0xfffd || (codePoint & 0xfffe) === 0xfffe) return false;
  return !(codePoint >= 0xfdd0 && codePoint <= 0xfdef);
}

/**
 * One field as text: UTF-16LE with surrogate pairs joined, padding (spaces, NULs) cut from
 * both ends. A lone surrogate or a control character inside is garbage, not text.
 */
export function decodeUcs2(bytes: Uint8Array, field: string): string {
  const units: number[] = [];
  for (let i = 0; i + 1 < bytes.length; i += 2) units.push(bytes[i]! | (bytes[i + 1]! << 8));
  let first = 0;
  let last = units.length;
  const padding = (unit: number | undefined) => unit === 0x20 || unit === 0;
  while (first < last && padding(units[first])) first++;
  while (last > first && padding(units[last - 1])) last--;
  let text = '';
  for (let i = first; i < last; i++) {
    const unit = units[i]!;
    let codePoint = unit;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const low = units[i + 1];
      if (i + 1 >= last || low === undefined || low < 0xdc00 || low > 0xdfff) {
        throw invalid(field, 'a high surrogate without its low surrogate');
      }
      codePoint = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
      i++;
    } else if (unit >= 0xdc00 && unit <= 0xdfff) {
      throw invalid(field, 'a low surrogate without its high surrogate');
    }
    if (!printable(codePoint)) throw invalid(field, `code point U+${codePoint.toString(16).toUpperCase()} is not text`);
    text += String.fromCodePoint(codePoint);
  }
  return text;
}

/**
 * A field decoded from another encoding (a vendor SDK's GBK): padding (spaces, NULs) cut
 * from both ends, and only text inside — a replacement character means bytes that were
 * no text in that encoding.
 */
export function checkedText(decoded: string, field: string): string {
  const text = decoded.replace(/^[\s\0]+|[\s\0]+$/g, '');
  for (const char of text) {
    if (!printable(char.codePointAt(0)!)) {
      throw invalid(field, `code point U+${char.codePointAt(0)!.toString(16).toUpperCase()} is not text`);
    }
  }
  return text;
}

/** `YYYYMMDD` → `YYYY-MM-DD`, a real date or an error. */
function cardDate(text: string, field: string): string {
  if (!/^\d{8}$/.test(text)) throw invalid(field, 'not 8 digits');
  const date = `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}`;
  if (dayNumber(date) === null) throw invalid(field, 'not a calendar date');
  return date;
}

const NUMBER_SHAPE: Readonly<Record<CardType, RegExp>> = {
  resident: /^\d{17}[\dX]$/,
  hkMacauTaiwan: /^\d{17}[\dX]$/,
  foreignPermanent: /^[A-Z]{3}\d{12}$/,
  foreignPermanent2023: /^9\d{16}[\dX]$/,
};

/** Reads a 256-byte text block into the card's text, or throws the AppError that says why not. */
export function parseTextBlock(block: Uint8Array): CardText {
  if (block.length !== TEXT_BLOCK_BYTES) {
    throw invalid('block', `${block.length} bytes where the text block has ${TEXT_BLOCK_BYTES}`);
  }
  const cardType = cardTypeOf(block);
  if (cardType === undefined) {
    const unit = block[TYPE_OFFSET]! | (block[TYPE_OFFSET + 1]! << 8);
    throw new AppError('idcard.unknownCardType', `type code unit 0x${unit.toString(16).padStart(4, '0')} at byte 248`);
  }
  const raw: Partial<Record<TextField, string>> = {};
  let offset = 0;
  for (const [field, width] of LAYOUTS[cardType]) {
    if (field !== 'reserved' && field !== 'type') {
      const named = field === 'englishNameMore' ? 'englishName' : field;
      raw[field] = decodeUcs2(block.subarray(offset, offset + width), named);
    }
    offset += width;
  }
  return cardFromFields(cardType, raw);
}

/**
 * A card's text from its fields as text (padding cut), each checked against its form:
 * the text block's fields, or the same fields a vendor SDK hands out one by one. Codes
 * as the card stores them: sex a GB/T 2261.1 digit, nation a GB/T 3304 code, dates
 * `YYYYMMDD`, `长期` for a validity without end.
 */
export function cardFromFields(cardType: CardType, raw: Partial<Record<TextField, string>>): CardText {
  const text = (field: TextField) => raw[field] ?? '';
  const required = (field: TextField) => {
    const value = text(field);
    if (value === '') throw invalid(field, 'empty');
    return value;
  };
  const optional = (field: TextField) => (text(field) === '' ? undefined : text(field));

  const sexCode = text('sex');
  if (!Object.prototype.hasOwnProperty.call(SEX_CODES, sexCode)) throw invalid('sex', 'not a GB/T 2261.1 code');
  const sex: CardSex = SEX_CODES[sexCode as keyof typeof SEX_CODES];

  const idNumber = required('idNumber');
  if (!NUMBER_SHAPE[cardType].test(idNumber)) throw invalid('idNumber', `not the number form of a ${cardType} card`);

  const validTo = text('validTo') === '长期' ? LONG_TERM : cardDate(text('validTo'), 'validTo');
  const card: CardText = {
    cardType,
    name: '',
    sex,
    birthDate: cardDate(text('birthDate'), 'birthDate'),
    idNumber,
    validFrom: cardDate(text('validFrom'), 'validFrom'),
    validTo,
  };
  if (validTo !== LONG_TERM && validTo < card.validFrom) throw invalid('validTo', 'before validFrom');

  switch (cardType) {
    case 'resident':
    case 'hkMacauTaiwan': {
      card.name = required('name');
      card.address = required('address');
      card.authority = required('authority');
      if (cardType === 'resident') {
        const code = text('nation');
        const name = nationName(code);
        if (name === undefined) throw invalid('nation', 'not a GB/T 3304 code');
        card.nation = { code, name };
      } else {
        card.passNumber = required('passNumber');
        const issueCount = optional('issueCount');
        if (issueCount !== undefined) {
          if (!/^\d{1,2}$/.test(issueCount)) throw invalid('issueCount', 'not digits');
          card.issueCount = issueCount;
        }
      }
      break;
    }
    case 'foreignPermanent':
    case 'foreignPermanent2023': {
      card.name = text('name');
      const english =
        `${text('englishName')}${cardType === 'foreignPermanent2023' ? text('englishNameMore') : ''}`.trim();
      if (english !== '') card.englishName = english;
      if (card.name === '' && english === '') throw invalid('name', 'neither a Chinese nor an English name');
      const nationality = required('nationality');
      if (!/^[A-Z]{3}$/.test(nationality)) throw invalid('nationality', 'not a 3-letter country code');
      card.nationality = nationality;
      if (cardType === 'foreignPermanent') {
        const authority = optional('authority');
        if (authority !== undefined) card.authority = authority;
        const version = optional('cardVersion');
        if (version !== undefined) card.cardVersion = version;
      } else {
        const renewals = optional('renewalCount');
        if (renewals !== undefined) {
          if (!/^\d{1,2}$/.test(renewals)) throw invalid('renewalCount', 'not digits');
          card.renewalCount = renewals;
        }
      }
      break;
    }
  }
  return card;
}

/** The chip's appended address (命令 30 03): UCS-2 text, or undefined when the card holds none. */
export function parseAppendedAddress(bytes: Uint8Array): string | undefined {
  const text = decodeUcs2(bytes, 'appendedAddress');
  return text === '' ? undefined : text;
}

// ── the other way, for the simulator ────────────────────────────────────────

/** `text` as UTF-16LE in `width` bytes, padded with spaces; too long is an error, not a cut. */
export function encodeUcs2(text: string, width: number): Uint8Array {
  const out = new Uint8Array(width);
  let at = 0;
  const put = (unit: number) => {
    if (at + 2 > width) throw new RangeError(`text of ${text.length} code units does not fit ${width} bytes`);
    out[at] = unit & 0xff;
    out[at + 1] = unit >> 8;
    at += 2;
  };
  for (let i = 0; i < text.length; i++) put(text.charCodeAt(i));
  while (at + 2 <= width) put(0x20);
  return out;
}

const compactDate = (date: string) => date.replaceAll('-', '');

/** The 256-byte block a card of this text carries (what the simulator's SAM sends). */
export function encodeTextBlock(card: CardText): Uint8Array {
  const englishName = card.englishName ?? '';
  // The 2023 card splits a long English name over two fields (35 + 11 characters).
  const englishHead = card.cardType === 'foreignPermanent2023' ? englishName.slice(0, 35) : englishName;
  const values: Record<FieldName, string> = {
    name: card.name,
    englishName: englishHead,
    englishNameMore: englishName.slice(englishHead.length),
    sex: Object.entries(SEX_CODES).find(([, sex]) => sex === card.sex)?.[0] ?? '0',
    nation: card.nation?.code ?? '',
    nationality: card.nationality ?? '',
    birthDate: compactDate(card.birthDate),
    address: card.address ?? '',
    idNumber: card.idNumber,
    authority: card.authority ?? '',
    validFrom: compactDate(card.validFrom),
    validTo: card.validTo === LONG_TERM ? '长期' : compactDate(card.validTo),
    passNumber: card.passNumber ?? '',
    issueCount: card.issueCount ?? '',
    renewalCount: card.renewalCount ?? '',
    cardVersion: card.cardVersion ?? '',
    type: String.fromCharCode(TYPE_CODE[card.cardType]),
    reserved: '',
  };
  const block = new Uint8Array(TEXT_BLOCK_BYTES);
  let offset = 0;
  for (const [field, width] of LAYOUTS[card.cardType]) {
    block.set(encodeUcs2(values[field], width), offset);
    offset += width;
  }
  // The resident card has no type field: its reserved tail is spaces, byte 248 among them.
  return block;
}
