// What an ID card reader (二代证阅读器) reads off a card, as the core, the contract and
// the identity panel see it: one schema for every card type the GA 467 SAM reads, and the
// code tables of its fields (sex: GB/T 2261.1, nation: GB/T 3304). The photo's WLT bytes
// are never part of the identity: they travel beside it, and only whether the card holds
// a photo (or fingerprints) is said here. Pure: no Node, no DOM.
import { z } from 'zod';
import { CalendarDateSchema } from './dates.ts';

/**
 * The card kinds, by the type byte of the text block:
 * - `resident`: 居民身份证 (type byte a space)
 * - `hkMacauTaiwan`: 港澳台居民居住证 ('J')
 * - `foreignPermanent`: 外国人永久居留身份证, 2017 edition ('I')
 * - `foreignPermanent2023`: 外国人永久居留身份证, 2023 edition ('Y')
 */
export const CARD_TYPES = ['resident', 'hkMacauTaiwan', 'foreignPermanent', 'foreignPermanent2023'] as const;
export const CardType = z.enum(CARD_TYPES);
export type CardType = z.infer<typeof CardType>;

/** Sex codes of GB/T 2261.1 as the card stores them. */
export const SEX_CODES = {
  '0': 'unknown',
  '1': 'male',
  '2': 'female',
  '9': 'unspecified',
} as const;
export const CardSex = z.enum(['unknown', 'male', 'female', 'unspecified']);
export type CardSex = z.infer<typeof CardSex>;

/**
 * 民族 by the two-digit code of GB/T 3304, named as the card prints them (without 族);
 * 97 其他 and 98 外国血统中国籍人士 are the two codes beyond the 56 nations.
 */
export const NATIONS: Readonly<Record<string, string>> = {
  '01': '汉',
  '02': '蒙古',
  '03': '回',
  '04': '藏',
  '05': '维吾尔',
  '06': '苗',
  '07': '彝',
  '08': '壮',
  '09': '布依',
  '10': '朝鲜',
  '11': '满',
  '12': '侗',
  '13': '瑶',
  '14': '白',
  '15': '土家',
  '16': '哈尼',
  '17': '哈萨克',
  '18': '傣',
  '19': '黎',
  '20': '傈僳',
  '21': '佤',
  '22': '畲',
  '23': '高山',
  '24': '拉祜',
  '25': '水',
  '26': '东乡',
  '27': '纳西',
  '28': '景颇',
  '29': '柯尔克孜',
  '30': '土',
  '31': '达斡尔',
  '32': '仫佬',
  '33': '羌',
  '34': '布朗',
  '35': '撒拉',
  '36': '毛南',
  '37': '仡佬',
  '38': '锡伯',
  '39': '阿昌',
  '40': '普米',
  '41': '塔吉克',
  '42': '怒',
  '43': '乌孜别克',
  '44': '俄罗斯',
  '45': '鄂温克',
  '46': '德昂',
  '47': '保安',
  '48': '裕固',
  '49': '京',
  '50': '塔塔尔',
  '51': '独龙',
  '52': '鄂伦春',
  '53': '赫哲',
  '54': '门巴',
  '55': '珞巴',
  '56': '基诺',
  '97': '其他',
  '98': '外国血统中国籍人士',
};

/** The nation's name for its code, or undefined for a code the table does not hold. */
export function nationName(code: string): string | undefined {
  return Object.prototype.hasOwnProperty.call(NATIONS, code) ? NATIONS[code] : undefined;
}

/** The card prints 长期 for a validity without end; kept apart from every date. */
export const LONG_TERM = 'longTerm';
export const CardValidTo = z.union([CalendarDateSchema, z.literal(LONG_TERM)]);
export type CardValidTo = z.infer<typeof CardValidTo>;

/** 证件信息: the text of one card, checked field by field when it was read. */
export const CardIdentity = z
  .object({
    cardType: CardType,
    /** 姓名 (中文姓名 on foreigners' cards, which may be empty there). */
    name: z.string().max(64),
    /** 英文姓名, foreigners' cards only. */
    englishName: z.string().max(64).optional(),
    sex: CardSex,
    /** 民族, resident cards only. */
    nation: z.object({ code: z.string().regex(/^\d{2}$/), name: z.string() }).optional(),
    /** 国籍 (ISO 3166-1 alpha-3 code as the card holds it), foreigners' cards only. */
    nationality: z.string().max(3).optional(),
    birthDate: CalendarDateSchema,
    /** 住址, resident cards and residence permits only. */
    address: z.string().max(100).optional(),
    /** 公民身份号码 / 居住证号码 / 永久居留证号码. */
    idNumber: z.string().max(18),
    /** 签发机关 (text), or on the 2017 foreigners' card the authority's code; absent on the 2023 card. */
    authority: z.string().max(32).optional(),
    validFrom: CalendarDateSchema,
    validTo: CardValidTo,
    /** 通行证号码 and 签发次数 of a Hong Kong / Macau / Taiwan residence permit. */
    passNumber: z.string().max(18).optional(),
    issueCount: z.string().max(2).optional(),
    /** 换证次数 of the 2023 foreigners' card. */
    renewalCount: z.string().max(2).optional(),
    /** 证件版本号 of the 2017 foreigners' card. */
    cardVersion: z.string().max(2).optional(),
    /** 追加住址 (the chip's appended address), when it was asked for and the card holds one. */
    appendedAddress: z.string().max(100).optional(),
    /** Whether the card holds a photo; the WLT bytes themselves travel beside the identity. */
    photo: z.object({ present: z.boolean() }),
    /** Whether the card holds fingerprint templates (read only by 30 10). */
    fingerprint: z.object({ present: z.boolean() }),
  })
  .strict();
export type CardIdentity = z.infer<typeof CardIdentity>;
