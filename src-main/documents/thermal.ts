// The window's documents on a thermal roll (58 or 80 mm): the 收件回执 (`receiptSlip`)
// and the 补正 slip (`correctionSlip`), each a `PrintDocument` (devices/printer/escpos.ts).
// One layout feeds both the printer (encodeDocument) and the on-screen preview
// (devices/printer/preview.ts draws the same bytes), so what the clerk sees is what prints.
// They say what the A4 documents say (receipt.ts, notices.ts), from the same models and the
// same printed sentences, set for a roll: one column, label–value lines, a QR code, a cut.
// Pure: no I/O, no clock — the times come in as options.
//
// Invariants (tests/main/documents/thermal.test.ts reads the bytes back with our reader
// and the QR code from the preview's PNG):
// - no printed line is wider than the paper (columns counted as the printer does, CJK
//   two, at the line's character width); text is broken as Chinese is set
//   (line-break.ts: codes, numbers and masked ID numbers stay whole when a line can hold
//   them, closing punctuation never starts a line), never inside a character;
// - ID numbers are printed masked (describePerson); the full number is not in the bytes;
// - the QR code carries the tracking URL when the hall has one, else the 查询号 — the rule
//   of the A4 receipt — and promises scanning only when it is a URL;
// - a reprint says 补打 at its top and at its foot, with the time it was reprinted, so a
//   reprint never passes for the original; the original carries no such mark;
// - every slip ends with a cut;
// - the same model and options give the same document, byte for byte.
import QRCode from 'qrcode';
import { COLUMNS, DOTS, printable, textColumns } from '../devices/printer/escpos.ts';
import type { Block, PaperWidth, PrintDocument } from '../devices/printer/escpos.ts';
import { describePerson, formatCount, formatDateTime, formatDueDate, sentence } from './format.ts';
import { wrapText } from './line-break.ts';
import { type CorrectionModel, DOCUMENT_TITLES, type MaterialRow, type Person, type ReceiptModel } from './model.ts';
import { CORRECTION_SUBTITLE, NOTHING_TO_SUPPLY, correctionDeadlineSentence } from './notices.ts';
import { KEEP_NOTE, QR_HINT, remediesNote } from './receipt.ts';

/** The labels of the slips' label–value lines. */
export const SLIP_LABELS = {
  number: '编号：',
  tracking: '查询号：',
  receivedAt: '收件时间：',
  applicant: '申请人：',
  guardian: '监护人：',
  agent: '代办人：',
  item: '申请事项：',
  itemCode: '事项编码：',
  department: '审批部门：',
  deadline: '承诺办结时限：',
  result: '办理结果：',
  delivery: '送达方式：',
  fees: '收费：',
  consultPhone: '咨询电话：',
  receivedBy: '收件人：',
  contact: '联系人：',
  phone: '联系电话：',
  supplyBy: '补正期限：',
  legalBasis: '法律依据：',
  /** Over the count column of the materials list. */
  receivedCount: '实交',
  /** After a received count that is not the required one: 原件1份（应交原件2份）. */
  requiredCount: '应交',
  /** A material's 备注. */
  note: '备注：',
} as const;

/** Section headings; the count is filled in. */
export const SLIP_HEADINGS = {
  materials: (n: number) => `收到材料（共${n}项）`,
  problems: (n: number) => `存在的问题（共${n}项）`,
  toSupply: '需补正的材料',
  tips: '温馨提示',
} as const;

/** A reprint (补打) is marked big at the top and again at the foot, with when it was reprinted. */
export const REPRINT_MARK = '【补打】';
export const REPRINT_AT = '补打时间：';

/**
 * The first 温馨提示 of the 收件回执: 收受分离 — the window receives, the department
 * decides. The second is the A4 receipt's KEEP_NOTE (how to follow progress, scanning
 * promised only with a URL), the third its remedies note when the bodies are named.
 */
export function forwardNote(department: string): string {
  return `申请材料将转交${department}，由其依法审查并作出决定。`;
}

export interface SlipOptions {
  paper: PaperWidth;
  /** Hall-local `YYYY-MM-DD HH:mm` of sealing: printed as the time received. */
  receivedAt: string;
  /** Set when the slip is printed again: hall-local `YYYY-MM-DD HH:mm` of this reprint. */
  reprint?: { at: string };
}

/** The largest QR module (dots) we print: 0.75 mm, plenty for a phone; larger only wastes paper. */
const QR_MAX_MODULE = 6;
/** The quiet zone a scanner needs, in modules, on each side. */
const QR_QUIET_MODULES = 4;

/** 申请材料接收凭证 on a roll: what the applicant takes home from the window. */
export function receiptSlip(model: ReceiptModel, options: SlipOptions): PrintDocument {
  const s = new Slip(options.paper);
  const L = SLIP_LABELS;
  s.reprintHead(options.reprint);
  s.title(DOCUMENT_TITLES.receipt);
  s.office(model.office);
  s.rule('=');
  s.pair(L.number, model.number);
  s.pair(L.tracking, model.tracking.number, true);
  s.pair(L.receivedAt, formatDateTime(options.receivedAt));
  s.rule();
  s.parties(model);
  s.field(L.department, model.department);
  s.rule();
  s.materials(model.materials);
  s.rule();
  s.field(L.deadline, formatDueDate(model.committedDeadline), true);
  if (model.result.name) s.field(L.result, model.result.name);
  s.field(L.delivery, model.result.delivery);
  s.field(L.fees, model.fees);
  s.pair(L.consultPhone, model.consultPhone);
  s.pair(L.receivedBy, model.contact.clerk);
  s.pair(L.phone, model.contact.phone);
  s.rule();
  const url = model.tracking.url;
  s.qr(url ?? model.tracking.number);
  s.text(url ? QR_HINT.url : `${QR_HINT.code}：${model.tracking.number}`, { align: 'center' });
  s.rule();
  s.text(SLIP_HEADINGS.tips, { bold: true });
  const tips = [forwardNote(model.department), url ? KEEP_NOTE.url : KEEP_NOTE.code];
  if (model.remedies) tips.push(remediesNote(model.remedies));
  tips.forEach((tip, i) => s.numbered(i + 1, tip));
  s.reprintFoot(options.reprint);
  return s.done();
}

/** 补正材料通知书 (一次性告知) on a roll: every problem, what to bring, by when. */
export function correctionSlip(model: CorrectionModel, options: SlipOptions): PrintDocument {
  const s = new Slip(options.paper);
  const L = SLIP_LABELS;
  s.reprintHead(options.reprint);
  s.title(DOCUMENT_TITLES.correction);
  s.text(CORRECTION_SUBTITLE, { align: 'center' });
  s.office(model.office);
  s.rule('=');
  s.pair(L.number, model.number);
  s.pair(L.receivedAt, formatDateTime(options.receivedAt));
  s.rule();
  s.parties(model);
  s.rule();
  s.text(SLIP_HEADINGS.problems(model.problems.length), { bold: true });
  model.problems.forEach((problem, i) => s.numbered(i + 1, sentence(problem)));
  s.text(SLIP_HEADINGS.toSupply, { bold: true });
  if (model.toSupply.length === 0) s.numbered(1, NOTHING_TO_SUPPLY);
  else model.toSupply.forEach((item, i) => s.numbered(i + 1, sentence(item)));
  s.rule();
  s.field(L.supplyBy, formatDueDate(model.supplyBy), true);
  s.text(correctionDeadlineSentence(model.supplyBy));
  s.pair(L.contact, model.contact.clerk);
  s.pair(L.phone, model.contact.phone);
  s.rule();
  // The roll has one font size (font A); the legal basis is "small print" by its place.
  s.text(`${L.legalBasis}${model.legalBasis}`);
  s.reprintFoot(options.reprint);
  return s.done();
}

/** The QR module size that keeps the symbol and its quiet zone on the paper. */
export function qrModuleSize(data: string, paper: PaperWidth): number {
  const bytes = new TextEncoder().encode(data);
  // The same encoding the printer and the simulator use: byte mode, level M.
  const modules = QRCode.create([{ data: bytes, mode: 'byte' }], { errorCorrectionLevel: 'M' }).modules.size;
  return Math.max(1, Math.min(QR_MAX_MODULE, Math.floor(DOTS[paper] / (modules + 2 * QR_QUIET_MODULES))));
}

/** Lines of at most `columns` printer columns, broken as Chinese is set (line-break.ts). */
export function slipLines(text: string, columns: number): string[] {
  return wrapText(printable(text), columns, textColumns);
}

/**
 * `head` then `body`, the body's further lines hanging under its first (under the label
 * or the number, not under the head). A head wider than half the line hangs nothing.
 */
export function hangingLines(head: string, body: string, columns: number): string[] {
  const indent = textColumns(head);
  if (columns - indent < columns / 2) return slipLines(head + body, columns);
  return slipLines(body, columns - indent).map((line, i) => (i === 0 ? head : ' '.repeat(indent)) + line);
}

/** Right-aligns `right` on the last of `lines` when there is room, else on lines of its own. */
function withRight(lines: string[], right: string, columns: number): string[] {
  const last = lines.at(-1) ?? '';
  const gap = columns - textColumns(last) - textColumns(right);
  if (gap >= 1) return [...lines.slice(0, -1), last + ' '.repeat(gap) + right];
  const own = slipLines(right, columns).map((line) => ' '.repeat(columns - textColumns(line)) + line);
  return [...lines, ...own];
}

/** 1 → 1份; a phrase (原件1份、复印件1份) as it is. */
function copies(count: number | string): string {
  return typeof count === 'number' ? `${count}份` : formatCount(count);
}

/** Builds a slip's blocks; every text block is broken here, so the encoder never has to. */
class Slip {
  private readonly blocks: Block[] = [];
  private readonly columns: number;

  constructor(private readonly paper: PaperWidth) {
    this.columns = COLUMNS[paper];
  }

  done(): PrintDocument {
    this.blocks.push({ kind: 'cut' });
    return { paper: this.paper, blocks: this.blocks };
  }

  /** Double width and height when the title fits the line so, else double height only. */
  title(text: string): void {
    const width = textColumns(text) * 2 <= this.columns ? 2 : 1;
    this.text(text, { align: 'center', bold: true, width, height: 2 });
  }

  office(office: { name: string; window: string }): void {
    this.text(office.name, { align: 'center' });
    this.text(office.window, { align: 'center' });
  }

  text(text: string, style: { align?: 'left' | 'center'; bold?: boolean; width?: number; height?: number } = {}): void {
    const lines = slipLines(text, Math.floor(this.columns / (style.width ?? 1)));
    this.blocks.push({ kind: 'text', text: lines.join('\n'), ...style });
  }

  private lines(lines: string[], bold?: boolean): void {
    this.blocks.push({ kind: 'text', text: lines.join('\n'), ...(bold ? { bold } : {}) });
  }

  rule(char = '-'): void {
    this.blocks.push({ kind: 'rule', char });
  }

  /** A code or a short value flush right of its label (the encoder puts it on its own line when both do not fit). */
  pair(label: string, value: string, bold?: boolean): void {
    this.blocks.push({ kind: 'pair', left: label, right: value, ...(bold ? { bold } : {}) });
  }

  /** Prose: beside its label when it fits the line, else hanging under it. */
  field(label: string, value: string, bold?: boolean): void {
    if (textColumns(label) + 1 + textColumns(printable(value)) <= this.columns) this.pair(label, value, bold);
    else this.lines(hangingLines(label, value, this.columns), bold);
  }

  person(label: string, person: Person): void {
    this.field(label, describePerson(person));
  }

  /** Who applies (applicant, guardian, agent; ID numbers masked) and for what item. */
  parties(model: {
    applicant: Person;
    guardian?: Person | undefined;
    agent?: Person | undefined;
    item: { name: string; code: string };
  }): void {
    const L = SLIP_LABELS;
    this.person(L.applicant, model.applicant);
    if (model.guardian) this.person(L.guardian, model.guardian);
    if (model.agent) this.person(L.agent, model.agent);
    this.field(L.item, model.item.name);
    this.pair(L.itemCode, model.item.code);
  }

  numbered(n: number, text: string): void {
    this.lines(hangingLines(`${n}．`, text, this.columns));
  }

  /** Each material numbered, its name hanging under the number, the count received at the right. */
  materials(materials: readonly MaterialRow[]): void {
    this.lines(withRight([SLIP_HEADINGS.materials(materials.length)], SLIP_LABELS.receivedCount, this.columns), true);
    materials.forEach((m, i) => {
      const mark = `${i + 1}．`;
      const received = copies(m.received);
      const required = copies(m.required);
      const count = received === required ? received : `${received}（${SLIP_LABELS.requiredCount}${required}）`;
      let lines = withRight(hangingLines(mark, m.name, this.columns), count, this.columns);
      if (m.note) {
        const indent = ' '.repeat(textColumns(mark));
        lines = [...lines, ...hangingLines(`${indent}${SLIP_LABELS.note}`, m.note, this.columns)];
      }
      this.lines(lines);
    });
  }

  qr(data: string): void {
    this.blocks.push({
      kind: 'qr',
      data,
      moduleSize: qrModuleSize(data, this.paper),
      errorLevel: 'M',
      align: 'center',
    });
  }

  reprintHead(reprint: SlipOptions['reprint']): void {
    if (!reprint) return;
    this.text(REPRINT_MARK, { align: 'center', bold: true, width: 2, height: 2 });
    this.text(`${REPRINT_AT}${formatDateTime(reprint.at)}`, { align: 'center', bold: true });
    this.rule('=');
  }

  reprintFoot(reprint: SlipOptions['reprint']): void {
    if (!reprint) return;
    this.rule('=');
    this.text(`${REPRINT_MARK}${formatDateTime(reprint.at)}`, { align: 'center', bold: true });
  }
}
