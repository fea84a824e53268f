// The thermal slips (收件回执, 补正 slip) read back as the printer would print them: the
// bytes encoded from the PrintDocument, decoded by our reader (lines with their style),
// and the QR code decoded by jsQR from the preview's PNG — the roll the simulator draws.
import jsqr from 'jsqr';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import {
  COLUMNS,
  encodeDocument,
  gb18030,
  type PrintDocument,
  textColumns,
} from '../../../src-main/devices/printer/escpos.ts';
import { readEscPos, type ReaderEvent } from '../../../src-main/devices/printer/escpos-reader.ts';
import { previewPng, previewText } from '../../../src-main/devices/printer/preview.ts';
import { formatDueDate } from '../../../src-main/documents/format.ts';
import type { CorrectionModel, MaterialRow, ReceiptModel } from '../../../src-main/documents/model.ts';
import { CORRECTION_LAPSE, NOTHING_TO_SUPPLY } from '../../../src-main/documents/notices.ts';
import { KEEP_NOTE, QR_HINT, remediesNote } from '../../../src-main/documents/receipt.ts';
import {
  correctionSlip,
  forwardNote,
  REPRINT_MARK,
  receiptSlip,
  type SlipOptions,
} from '../../../src-main/documents/thermal.ts';
import { correction, receipt } from './fixtures.ts';

// jsqr is CommonJS typed with `export default`: under nodenext the function is `.default`.
const jsQR = jsqr.default;

const PAPERS = [58, 80] as const;
const RECEIVED_AT = '2026-11-25 14:32';
const URL = 'https://zwfw.example.gov.cn/track/7K3M-Q9XD-4RW1';

const APPLICANT = { name: '欧阳𠮷燕', idType: '居民身份证', idNumber: '11010219860315242X' };
const AGENT = { name: '李建国', idType: '居民身份证', idNumber: '130102197905061233' };
const GUARDIAN = { name: '欧阳建华', idType: '居民身份证', idNumber: '510104197001011234' };
const LONG_ITEM = {
  name: '城乡居民基本养老保险关系跨省转移接续申请（含个人账户储存额转移及待遇领取资格确认，适用于已在转出地办理参保登记的人员）',
  code: '11100000000013127D3000118024000',
};
const MATERIALS: MaterialRow[] = [
  { name: '居民身份证', required: '原件1份', received: '原件1份', note: '核验后退还' },
  { name: '近期免冠彩色证件照（白底，358×441像素）', required: 1, received: 1 },
  { name: '城乡居民基本养老保险关系转移接续申请表', required: 1, received: 1 },
  {
    name: '参保缴费凭证（转出地社会保险经办机构出具，须加盖业务专用章，载明缴费年限、个人账户储存额及历年缴费明细）',
    required: '原件1份、复印件1份',
    received: '原件1份、复印件1份',
  },
  { name: '授权委托书', required: 1, received: 1, note: '代办' },
  { name: '户口簿首页及本人页', required: 2, received: 1 },
];

function bigReceipt(overrides: Partial<ReceiptModel> = {}): ReceiptModel {
  return receipt({
    applicant: APPLICANT,
    agent: AGENT,
    guardian: GUARDIAN,
    item: LONG_ITEM,
    materials: MATERIALS,
    tracking: { number: '7K3M-Q9XD-4RW1', url: URL },
    result: {
      name: '城乡居民基本养老保险关系转移接续联系函',
      delivery: '邮寄送达（四川省成都市锦江区红星路一段****，李**，尾号5678）',
    },
    ...overrides,
  });
}

function bigCorrection(overrides: Partial<CorrectionModel> = {}): CorrectionModel {
  return correction({
    applicant: APPLICANT,
    agent: AGENT,
    item: LONG_ITEM,
    problems: [
      '未提交结婚证原件',
      '居民身份证号码校验码不符，可能有数字录入错误',
      '申请表中“迁入地址”与户口簿记载不一致，应按户口簿记载的详细地址（含门牌号）填写',
      '授权委托书未载明委托事项及权限',
    ],
    toSupply: ['结婚证原件1份', '更正后的《户口迁移申请表》1份', '载明委托事项及权限的授权委托书原件1份'],
    ...overrides,
  });
}

interface Printed {
  bytes: Uint8Array;
  events: ReaderEvent[];
  lines: Array<Extract<ReaderEvent, { kind: 'line' }>>;
  /** Every printed line joined, all whitespace removed: a field reads whole even when it wraps. */
  flat: string;
}

function print(document: PrintDocument): Printed {
  const bytes = encodeDocument(document);
  const events = readEscPos(bytes);
  const lines = events.filter((e): e is Extract<ReaderEvent, { kind: 'line' }> => e.kind === 'line');
  return { bytes, events, lines, flat: squeeze(lines.map((l) => l.text).join('')) };
}

const squeeze = (text: string) => text.replace(/\s+/g, '');

function decodeQr(png: Buffer): string | undefined {
  const image = PNG.sync.read(png);
  return jsQR(new Uint8ClampedArray(image.data), image.width, image.height)?.data;
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).includes(Buffer.from(needle));
}

function options(paper: 58 | 80, reprint?: string): SlipOptions {
  return { paper, receivedAt: RECEIVED_AT, ...(reprint ? { reprint: { at: reprint } } : {}) };
}

describe('receiptSlip (收件回执 on a roll)', () => {
  for (const paper of PAPERS) {
    it(`prints every field of the receipt at ${paper} mm, the ID numbers masked`, () => {
      const model = bigReceipt();
      const { bytes, flat, lines } = print(receiptSlip(model, options(paper)));

      expect(lines[0]).toMatchObject({
        text: '申请材料接收凭证',
        style: { bold: true, align: 'center', width: 2, height: 2 },
      });
      for (const expected of [
        '北京市西城区政务服务中心',
        '跨省通办专窗3号',
        '编号：xc-zwfw-W03-SJ-2026-000007',
        '查询号：7K3M-Q9XD-4RW1',
        '收件时间：2026年11月25日14:32',
        '申请人：欧阳𠮷燕（居民身份证：110102********242X）',
        '监护人：欧阳建华（居民身份证：510104********1234）',
        '代办人：李建国（居民身份证：130102********1233）',
        `申请事项：${LONG_ITEM.name}`,
        `事项编码：${LONG_ITEM.code}`,
        '审批部门：成都市锦江区医疗保障局',
        '收到材料（共6项）实交',
        '1．居民身份证原件1份备注：核验后退还',
        '2．近期免冠彩色证件照（白底，358×441像素）1份',
        '3．城乡居民基本养老保险关系转移接续申请表1份',
        `4．${MATERIALS[3]!.name}原件1份、复印件1份`,
        '5．授权委托书1份备注：代办',
        // The count received, and the count required where it differs.
        '6．户口簿首页及本人页1份（应交2份）',
        '承诺办结时限：2026年12月9日（10个工作日）',
        '办理结果：城乡居民基本养老保险关系转移接续联系函',
        '送达方式：邮寄送达（四川省成都市锦江区红星路一段****，李**，尾号5678）',
        '收费：不收费',
        '咨询电话：028-86661234',
        '收件人：王芳',
        '联系电话：010-66012345',
        QR_HINT.url,
        '温馨提示',
        squeeze(forwardNote('成都市锦江区医疗保障局')),
        KEEP_NOTE.url,
        remediesNote(model.remedies!),
      ]) {
        expect(flat).toContain(expected);
      }
      // 𠮷 is outside GBK: it goes out as a 4-byte GB18030 sequence and reads back whole.
      expect(gb18030('𠮷')).toHaveLength(4);
      expect(contains(bytes, gb18030('欧阳𠮷燕'))).toBe(true);
      // The full ID numbers are nowhere in the bytes.
      for (const person of [APPLICANT, AGENT, GUARDIAN]) {
        expect(contains(bytes, gb18030(person.idNumber))).toBe(false);
        expect(flat).not.toContain(person.idNumber);
      }
    });
  }

  it('keeps codes, phone numbers and masked ID numbers whole on a line when a line can hold them', () => {
    for (const paper of PAPERS) {
      const texts = print(receiptSlip(bigReceipt(), options(paper))).lines.map((l) => l.text);
      for (const whole of ['110102********242X', '130102********1233', '028-86661234', '010-66012345']) {
        expect(texts.some((t) => t.includes(whole))).toBe(true);
      }
    }
  });

  it('without a tracking URL: the QR code is the 查询号, and the slip promises no scanning', () => {
    for (const paper of PAPERS) {
      const model = bigReceipt({ tracking: { number: '7K3M-Q9XD-4RW1' }, remedies: undefined });
      const document = receiptSlip(model, options(paper));
      const { flat, events } = print(document);
      expect(events.filter((e) => e.kind === 'qr').map((e) => e.kind === 'qr' && e.data)).toEqual(['7K3M-Q9XD-4RW1']);
      expect(decodeQr(previewPng(document))).toBe('7K3M-Q9XD-4RW1');
      expect(flat).toContain(`${QR_HINT.code}：7K3M-Q9XD-4RW1`);
      expect(flat).toContain(KEEP_NOTE.code);
      expect(flat).not.toContain(QR_HINT.url);
      expect(flat).not.toContain('扫描二维码');
      expect(flat).not.toContain('行政复议');
    }
  });

  it('with a tracking URL: the QR code decoded from the preview is the URL', () => {
    for (const paper of PAPERS) {
      const png = previewPng(receiptSlip(bigReceipt(), options(paper)));
      expect(PNG.sync.read(png).width).toBe(paper === 58 ? 384 : 576);
      expect(decodeQr(png)).toBe(URL);
    }
  });

  it('a 300-character tracking URL still fits and scans on 58 mm paper', () => {
    const url = `https://zwfw.example.gov.cn/track/${'a'.repeat(300 - 34)}`;
    expect(url).toHaveLength(300);
    expect(decodeQr(previewPng(receiptSlip(bigReceipt({ tracking: { number: 'X', url } }), options(58))))).toBe(url);
  });

  it('says 补打 at the top and the foot of a reprint, with its time, and nowhere on the original', () => {
    for (const paper of PAPERS) {
      const original = print(receiptSlip(bigReceipt(), options(paper)));
      expect(original.flat).not.toContain('补打');

      const reprint = print(receiptSlip(bigReceipt(), options(paper, '2026-11-26 09:15')));
      expect(reprint.lines[0]).toMatchObject({ text: REPRINT_MARK, style: { bold: true, width: 2, align: 'center' } });
      expect(reprint.flat.startsWith(`${REPRINT_MARK}补打时间：2026年11月26日09:15`)).toBe(true);
      expect(reprint.flat.endsWith(`${REPRINT_MARK}2026年11月26日09:15`)).toBe(true);
      // Everything else is the original's.
      expect(reprint.flat).toContain(original.flat);
    }
  });

  it('ends with a cut', () => {
    for (const paper of PAPERS) {
      for (const reprint of [undefined, '2026-11-26 09:15']) {
        expect(print(receiptSlip(bigReceipt(), options(paper, reprint))).events.at(-1)).toMatchObject({ kind: 'cut' });
      }
    }
  });

  it('is pure: the same model and options give the same document and the same bytes', () => {
    const a = receiptSlip(bigReceipt(), options(58, '2026-11-26 09:15'));
    const b = receiptSlip(bigReceipt(), options(58, '2026-11-26 09:15'));
    expect(b).toEqual(a);
    expect(Buffer.from(encodeDocument(a)).equals(Buffer.from(encodeDocument(a)))).toBe(true);
    expect(Buffer.from(encodeDocument(a)).equals(Buffer.from(encodeDocument(b)))).toBe(true);
  });

  it('refuses a time that is not hall-local YYYY-MM-DD HH:mm', () => {
    expect(() => receiptSlip(bigReceipt(), { paper: 58, receivedAt: '2026-11-25T14:32:00Z' })).toThrow(/HH:mm/);
    expect(() => receiptSlip(bigReceipt(), { ...options(58), reprint: { at: '2026-11-26' } })).toThrow(/HH:mm/);
  });
});

describe('correctionSlip (补正 slip on a roll)', () => {
  for (const paper of PAPERS) {
    it(`lists every problem and every material to bring, numbered, and the date, at ${paper} mm`, () => {
      const model = bigCorrection();
      const { bytes, flat, lines, events } = print(correctionSlip(model, options(paper)));
      expect(lines[0]).toMatchObject({ text: '补正材料通知书', style: { bold: true, align: 'center', width: 2 } });
      for (const expected of [
        '（一次性告知）',
        '北京市西城区政务服务中心',
        '跨省通办专窗3号',
        '编号：BZ-110102-20261125-0002',
        '收件时间：2026年11月25日14:32',
        '申请人：欧阳𠮷燕（居民身份证：110102********242X）',
        '代办人：李建国（居民身份证：130102********1233）',
        `申请事项：${LONG_ITEM.name}`,
        `事项编码：${LONG_ITEM.code}`,
        '存在的问题（共4项）',
        ...model.problems.map((p, i) => `${i + 1}．${squeeze(p)}`),
        '需补正的材料',
        ...model.toSupply.map((s, i) => `${i + 1}．${squeeze(s)}`),
        `补正期限：${formatDueDate(model.supplyBy)}`,
        `请于2026年12月2日（5个工作日）前补正上述全部内容，补正时请携带本通知书。${CORRECTION_LAPSE}本次申请。`,
        '联系人：王芳',
        '联系电话：010-66012345',
        `法律依据：${model.legalBasis}`,
      ]) {
        expect(flat).toContain(expected);
      }
      expect(contains(bytes, gb18030(APPLICANT.idNumber))).toBe(false);
      expect(contains(bytes, gb18030(AGENT.idNumber))).toBe(false);
      expect(flat).not.toContain('补打');
      expect(events.at(-1)).toMatchObject({ kind: 'cut' });
    });
  }

  it('says so when nothing is to be brought, only the form corrected', () => {
    expect(print(correctionSlip(bigCorrection({ toSupply: [] }), options(58))).flat).toContain(
      `需补正的材料1．${NOTHING_TO_SUPPLY}`,
    );
  });

  it('marks a reprint at its top and foot', () => {
    const { lines, flat, events } = print(correctionSlip(bigCorrection(), options(80, '2026-11-27 10:05')));
    expect(lines[0]?.text).toBe(REPRINT_MARK);
    expect(flat.startsWith(`${REPRINT_MARK}补打时间：2026年11月27日10:05`)).toBe(true);
    expect(flat.endsWith(`${REPRINT_MARK}2026年11月27日10:05`)).toBe(true);
    expect(events.at(-1)).toMatchObject({ kind: 'cut' });
  });
});

describe('the slips on the paper', () => {
  const slips = (paper: 58 | 80) => [
    receiptSlip(bigReceipt(), options(paper)),
    receiptSlip(bigReceipt({ tracking: { number: '7K3M-Q9XD-4RW1' } }), options(paper, '2026-11-26 09:15')),
    // The longest number a valid config can make (model.ts MAX_DOCUMENT_NUMBER).
    receiptSlip(bigReceipt({ number: `${'h'.repeat(64)}-${'w'.repeat(64)}-SJ-2026-0000001` }), options(paper)),
    correctionSlip(bigCorrection(), options(paper, '2026-11-27 10:05')),
  ];

  for (const paper of PAPERS) {
    it(`no line is wider than ${paper} mm paper (${COLUMNS[paper]} columns, CJK two, at the line's width)`, () => {
      for (const document of slips(paper)) {
        const { lines } = print(document);
        expect(lines.length).toBeGreaterThan(30);
        for (const line of lines) {
          expect(textColumns(line.text) * line.style.width, line.text).toBeLessThanOrEqual(COLUMNS[paper]);
        }
      }
    });
  }

  it('the preview text is the printed roll', () => {
    const text = previewText(receiptSlip(bigReceipt(), options(80)));
    expect(text).toContain(`[QR ${URL}]`);
    expect(text).toContain('申请人：欧阳𠮷燕（居民身份证：');
    expect(text.trimEnd().split('\n').at(-1)).toMatch(/^✂ -+$/);
  });
});
