// 申请材料接收凭证: two copies of the same receipt, 第一联 for the applicant and
// 第二联 for the window's archive. When one copy fits in half a page both go on one
// sheet with a cut line between; a longer one prints each copy on its own pages.
import { WIDE_SPACE, describePerson, formatDate, formatDueDate } from './format.ts';
import { Composer, FULL_PAGE, type Fonts, PAGE_HEIGHT, PAGE_WIDTH, type Region, type TextStyle } from './layout.ts';
import { DOCUMENT_TITLES, type ReceiptModel, type Remedies } from './model.ts';
import { APPLICANT_SIGNS, materialsTable, sealArea, signatureLine } from './parts.ts';

export const RECEIPT_COPIES = ['第一联　申请人留存', '第二联　窗口存档'] as const;
export const CUT_LINE_LABEL = '沿此线剪开';
/** Under the QR code: what scanning it gives. */
export const QR_HINT = { url: '扫码查询办理进度', code: '查询号' } as const;
/** The last line of a copy: how the applicant follows the application, only what is true for this hall. */
export const KEEP_NOTE = {
  url: '本凭证证明窗口已收到上述申请材料，请妥善保管；凭查询号或扫描二维码可在网上查询办理进度。',
  code: '本凭证证明窗口已收到上述申请材料，请妥善保管；凭查询号可拨打上列联系电话或到收件窗口查询办理进度。',
} as const;

const FIELD: TextStyle = { size: 10 };
const SMALL: TextStyle = { size: 8.5 };
const TITLE: TextStyle = { size: 18, face: 'bold' };
const QR_SIZE = 66;
/** The receipt is set tighter than the notices so a short one fits twice on a sheet. */
const LEADING = 1.45;

/** The two half-page bands of the two-up layout, with room between them for the cut line. */
const CUT_GAP = 30;
const TOP_BAND: Region = {
  ...FULL_PAGE,
  top: PAGE_HEIGHT - 36,
  bottom: (PAGE_HEIGHT - 36 + FULL_PAGE.bottom) / 2 + CUT_GAP / 2,
};
const BOTTOM_BAND: Region = {
  ...FULL_PAGE,
  top: TOP_BAND.bottom - CUT_GAP,
  bottom: FULL_PAGE.bottom,
};

function layoutCopy(c: Composer, m: ReceiptModel, copy: string): void {
  const top = c.y;
  c.textAt(copy, c.left, top, SMALL);
  c.space(c.lineHeight(SMALL.size));

  // QR code at the top right; the fields beside it keep clear of it. It promises online
  // tracking only when it carries a tracking URL; else it is the 查询号 for the window to scan.
  const qrPayload = m.tracking.url ?? m.tracking.number;
  c.qr(qrPayload, c.right - QR_SIZE, top, QR_SIZE);
  const hint = m.tracking.url ? QR_HINT.url : QR_HINT.code;
  c.textAt(hint, c.right - QR_SIZE + (QR_SIZE - c.width(hint, { size: 7 })) / 2, top - QR_SIZE, { size: 7 });
  c.paragraph(DOCUMENT_TITLES.receipt, { ...TITLE, align: 'center' });
  c.reserveRight(QR_SIZE + 10, QR_SIZE + 14 - (top - c.y));

  c.fieldRow(
    [
      ['编号：', m.number],
      ['查询号：', m.tracking.number],
    ],
    FIELD,
    [3, 2],
  );
  c.fieldRow([['申请人：', describePerson(m.applicant)]], FIELD);
  if (m.guardian) c.fieldRow([['监护人：', describePerson(m.guardian)]], FIELD);
  if (m.agent) c.fieldRow([['代办人：', describePerson(m.agent)]], FIELD);
  c.fieldRow([['申请事项：', `${m.item.name}（事项编码：${m.item.code}）`]], FIELD);
  c.fieldRow([['收件地点：', `${m.office.name}${WIDE_SPACE}${m.office.window}`]], FIELD);
  c.clearFloat();
  c.fieldRow(
    [
      ['审批部门：', m.department],
      ['咨询电话：', m.consultPhone],
    ],
    FIELD,
    [3, 2],
  );
  c.fieldRow(
    [
      ['收件日期：', formatDate(m.receivedOn)],
      ['承诺办结时限：', formatDueDate(m.committedDeadline)],
    ],
    FIELD,
    [2, 3],
  );
  c.fieldRow(
    [
      ['办理结果及送达方式：', resultLine(m)],
      ['收费：', m.fees],
    ],
    FIELD,
    [3, 2],
  );
  c.space(3);
  materialsTable(c, m.materials, FIELD);
  c.space(3);
  c.fieldRow(
    [
      ['收件人：', m.contact.clerk],
      ['联系电话：', m.contact.phone],
    ],
    FIELD,
  );
  // One paragraph, so that a short receipt still fits twice on a sheet.
  const keep = m.tracking.url ? KEEP_NOTE.url : KEEP_NOTE.code;
  c.paragraph(m.remedies ? `${keep}${remediesNote(m.remedies)}` : keep, SMALL);
  applicantSignsBesideSeal(c, m);
}

/**
 * 申请人（签字） at the left of the seal, on the office's line (no extra height, so a
 * short receipt still fits twice on a sheet): the e-signature on it, or blank for a
 * hand signature. A long office name leaves no room there: then it has its own line above.
 */
function applicantSignsBesideSeal(c: Composer, m: ReceiptModel): void {
  const lh = c.lineHeight(FIELD.size);
  const room = (left: number) => left - FIELD.size * 2 - c.left - c.width(APPLICANT_SIGNS, FIELD);
  const trial = sealAreaLeft(c, m);
  if (room(trial) < FIELD.size * 8) {
    c.ensure(lh * 1.6);
    c.space(lh * 0.6);
    signatureLine(c, APPLICANT_SIGNS, c.left, c.left + c.contentWidth / 2, c.y, FIELD, m.applicantSignature);
    c.y -= lh;
  }
  const seal = sealArea(c, m.office.name, m.issuedOn, FIELD);
  if (room(seal.left) >= FIELD.size * 8) {
    signatureLine(c, APPLICANT_SIGNS, c.left, seal.left - FIELD.size * 2, seal.top, FIELD, m.applicantSignature);
  }
}

/** Where sealArea's block would start at the left (as it computes it). */
function sealAreaLeft(c: Composer, m: ReceiptModel): number {
  const widths = [`${m.office.name}（盖章）`, formatDate(m.issuedOn)].map((l) => c.width(l, FIELD));
  return c.right - FIELD.size * 2 - Math.max(...widths);
}

/** 社会保障卡，邮寄送达（address masked）; only the delivery when the catalog names no result. */
function resultLine(m: ReceiptModel): string {
  return m.result.name ? `${m.result.name}，${m.result.delivery}` : m.result.delivery;
}

/** 救济途径: the bodies that hear a challenge to the department's decision (not to this receipt). */
export function remediesNote(remedies: Remedies): string {
  return `不服审批部门决定的，可依法向${remedies.reconsiderationBody}申请行政复议或者向${remedies.court}提起行政诉讼。`;
}

/** Whether one copy fits in a half-page band: lay it out and look. */
function fitsHalfPage(fonts: Fonts, m: ReceiptModel): boolean {
  const trial = new Composer(fonts);
  trial.leading = LEADING;
  trial.useRegion(BOTTOM_BAND);
  layoutCopy(trial, m, RECEIPT_COPIES[0]);
  return trial.pages.length === 1;
}

export function layoutReceipt(c: Composer, fonts: Fonts, m: ReceiptModel): void {
  c.leading = LEADING;
  if (fitsHalfPage(fonts, m)) {
    c.useRegion(TOP_BAND);
    layoutCopy(c, m, RECEIPT_COPIES[0]);
    cutLine(c, TOP_BAND.bottom - CUT_GAP / 2);
    c.useRegion(BOTTOM_BAND);
    layoutCopy(c, m, RECEIPT_COPIES[1]);
    return;
  }
  // Each copy on its own pages, numbered on its own, its footers saying which copy.
  c.labelSection(RECEIPT_COPIES[0]);
  layoutCopy(c, m, RECEIPT_COPIES[0]);
  c.newSection(RECEIPT_COPIES[1]);
  layoutCopy(c, m, RECEIPT_COPIES[1]);
}

/** A dashed line across the sheet with 沿此线剪开 in a gap at its middle. */
function cutLine(c: Composer, y: number): void {
  const w = c.width(CUT_LINE_LABEL, SMALL);
  const mid = PAGE_WIDTH / 2;
  const dash = [4, 3];
  c.line(24, y, mid - w / 2 - 8, y, 0.5, dash);
  c.line(mid + w / 2 + 8, y, PAGE_WIDTH - 24, y, 0.5, dash);
  c.textAt(CUT_LINE_LABEL, mid - w / 2, y + c.lineHeight(SMALL.size) / 2, SMALL);
}
