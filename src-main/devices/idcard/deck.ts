// The simulator's cards: fictitious people, one of every card type, with the cases a
// window meets — a 长期 card, an `X` check character, an expired card, a name with a
// middle dot, a name with a character outside the BMP, fingerprints, an appended
// address. Numbers are built, not written down: region, birth date and a sequence whose
// parity matches the sex, then the GB 11643 check character computed (identifiers.ts).
import { idCheckCharacter } from '../../common/review/identifiers.ts';
import { LONG_TERM, nationName } from '../../common/id-card.ts';
import { type CardText, FINGERPRINT_BYTES, PHOTO_BYTES } from './text-block.ts';

export interface DeckCard {
  /** What the card is there to show, for lists in the CLI and the demo (English). */
  label: string;
  text: CardText;
  /** 1024 bytes standing for the WLT photo: deterministic, not an image. */
  photo: Uint8Array;
  fingerprints?: Uint8Array;
  appendedAddress?: string;
}

/** Deterministic bytes from a seed (FNV-1a into xorshift32): the same card always has the same photo. */
export function pseudoRandomBytes(seed: string, length: number): Uint8Array {
  let state = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) state = Math.imul(state ^ seed.charCodeAt(i), 0x01000193) >>> 0;
  if (state === 0) state = 1;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    out[i] = state & 0xff;
  }
  return out;
}

/** 17 digits and their check character. */
export function withCheck(first17: string): string {
  return `${first17}${idCheckCharacter(first17)}`;
}

/**
 * A number for `prefix` (6 digits) and birth date whose sequence has the sex's parity
 * (odd for men) — the first from `from` on, or the first whose check character is `check`.
 */
export function citizenNumber(
  prefix: string,
  birth: string,
  sex: 'male' | 'female',
  options: { from?: number; check?: string } = {},
): string {
  for (let sequence = options.from ?? 1; sequence < 1000; sequence++) {
    if ((sequence % 2 === 1) !== (sex === 'male')) continue;
    const number = withCheck(`${prefix}${birth.replaceAll('-', '')}${String(sequence).padStart(3, '0')}`);
    if (options.check === undefined || number.endsWith(options.check)) return number;
  }
  throw new Error(`no sequence gives check character ${options.check}`);
}

const nation = (code: string) => ({ code, name: nationName(code)! });

function card(label: string, text: CardText, extra: Omit<DeckCard, 'label' | 'text' | 'photo'> = {}): DeckCard {
  return { label, text, photo: pseudoRandomBytes(`photo:${text.idNumber}`, PHOTO_BYTES), ...extra };
}

function buildDeck(): DeckCard[] {
  const wang = citizenNumber('110105', '1960-03-15', 'male', { from: 121 });
  return [
    card(
      'resident card, valid 长期, with fingerprints and an appended address',
      {
        cardType: 'resident',
        name: '王建国',
        sex: 'male',
        nation: nation('01'),
        birthDate: '1960-03-15',
        address: '北京市朝阳区建国路88号院3号楼2单元501室',
        idNumber: wang,
        authority: '北京市公安局朝阳分局',
        validFrom: '2012-05-20',
        validTo: LONG_TERM,
      },
      {
        fingerprints: pseudoRandomBytes(`fingerprints:${wang}`, FINGERPRINT_BYTES),
        appendedAddress: '北京市朝阳区望京街道阜通东大街6号院1号楼1201室',
      },
    ),
    card('resident card whose number ends in X', {
      cardType: 'resident',
      name: '李秀英',
      sex: 'female',
      nation: nation('01'),
      birthDate: '1988-07-21',
      address: '上海市浦东新区世纪大道100号',
      idNumber: citizenNumber('310115', '1988-07-21', 'female', { check: 'X' }),
      authority: '上海市公安局浦东分局',
      validFrom: '2018-09-01',
      validTo: '2038-09-01',
    }),
    card('resident card, expired in 2021', {
      cardType: 'resident',
      name: '陈小明',
      sex: 'male',
      nation: nation('08'),
      birthDate: '2001-11-03',
      address: '广西壮族自治区南宁市青秀区民族大道12号',
      idNumber: citizenNumber('450103', '2001-11-03', 'male', { from: 31 }),
      authority: '南宁市公安局青秀分局',
      validFrom: '2016-02-10',
      validTo: '2021-02-10',
    }),
    card('resident card, name with a middle dot', {
      cardType: 'resident',
      name: '阿依古丽·买买提',
      sex: 'female',
      nation: nation('05'),
      birthDate: '1995-04-18',
      address: '新疆乌鲁木齐市天山区解放南路25号',
      idNumber: citizenNumber('650102', '1995-04-18', 'female', { from: 56 }),
      authority: '乌鲁木齐市公安局天山区分局',
      validFrom: '2019-06-30',
      validTo: '2029-06-30',
    }),
    card('resident card, name with a character outside the BMP (U+20BB7)', {
      cardType: 'resident',
      name: '林𠮷',
      sex: 'female',
      nation: nation('01'),
      birthDate: '1979-12-01',
      address: '福建省福州市鼓楼区五四路66号',
      idNumber: citizenNumber('350102', '1979-12-01', 'female', { from: 208 }),
      authority: '福州市公安局鼓楼分局',
      validFrom: '2010-01-05',
      validTo: '2030-01-05',
    }),
    card("Hong Kong residents' residence permit (J)", {
      cardType: 'hkMacauTaiwan',
      name: '陈嘉欣',
      sex: 'female',
      birthDate: '1990-08-08',
      address: '广东省深圳市福田区福华一路1号',
      idNumber: citizenNumber('810000', '1990-08-08', 'female', { from: 14 }),
      authority: '深圳市公安局',
      validFrom: '2023-03-15',
      validTo: '2028-03-15',
      passNumber: 'H01234567',
      issueCount: '01',
    }),
    card('foreign permanent residence card, 2017 edition (I)', {
      cardType: 'foreignPermanent',
      name: '马丁',
      englishName: 'MARTIN, CLAIRE ANNE',
      sex: 'female',
      nationality: 'FRA',
      birthDate: '1985-06-12',
      idNumber: 'FRA110085061242',
      authority: '1500',
      validFrom: '2017-07-01',
      validTo: '2027-07-01',
      cardVersion: '01',
    }),
    card('foreign permanent residence card, 2023 edition (Y), English name over both fields', {
      cardType: 'foreignPermanent2023',
      name: '马克',
      englishName: 'MUELLER, MARK JOHANNES ALEXANDER VON DER HEIDE',
      sex: 'male',
      nationality: 'DEU',
      birthDate: '1982-03-05',
      idNumber: withCheck('91127619820305011'),
      validFrom: '2024-01-15',
      validTo: '2034-01-15',
      renewalCount: '00',
    }),
  ];
}

/** The deck, numbered from 1 in the CLI (`--card N`). */
export const DECK: readonly DeckCard[] = buildDeck();
