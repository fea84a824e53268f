// Barcodes and QR codes read on a captured page (页面上的条码、二维码), as the capture
// screen and the installers' CLI name them: what the reader found
// (src-main/devices/doccam/barcodes.ts) and what the clerk is told it is. A code that is
// an EMS waybill number (邮件号, mailing.ts's check) is called one.
import { t } from './i18n/index.ts';
import { normaliseWaybill, waybillProblem } from './mailing.ts';

/** qr: the QR family (二维码); matrix: other 2-D symbols (Data Matrix, PDF417, Aztec …); linear: 条形码. */
export type CodeKind = 'qr' | 'matrix' | 'linear';

/** One code read on a page. */
export interface PageCode {
  /** zxing's name of the symbology: QRCode, DataMatrix, PDF417, Code128, Code39, EAN13 … */
  format: string;
  /** Its usual printed name: QR Code, Data Matrix, Code 128, EAN-13 … */
  label: string;
  kind: CodeKind;
  /** What it says, as text (UTF-8, or the character set the symbol declares). */
  text: string;
}

/**
 * Is this code an EMS waybill number? The S10 form (EA123456785CN) carries a check
 * digit and is taken from any symbology; the domestic 13-digit form has none and would
 * match any EAN-13, so it counts only as the Code 128 EMS prints on its labels.
 */
export function isEmsWaybill(code: PageCode): boolean {
  const waybill = normaliseWaybill(code.text);
  if (waybillProblem(waybill) !== null) return false;
  return /^[A-Z]/.test(waybill) || code.format === 'Code128';
}

/** What the clerk reads before the code's text: 二维码, 条形码（Code 128）, EMS 邮件号（Code 128）… */
export function codeName(code: PageCode): string {
  if (isEmsWaybill(code)) return t('pageCodes.waybill', { label: code.label });
  return t(`pageCodes.kinds.${code.kind}`, { label: code.label });
}
