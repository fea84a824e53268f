// How a code read on a captured page is named to the clerk: by its kind and printed name,
// and as an EMS waybill number when it is one (the S10 form from any symbology, the
// domestic 13 digits only as EMS prints them, in Code 128 — an EAN-13 is a product).
import { describe, expect, it } from 'vitest';
import { codeName, isEmsWaybill, type PageCode } from '../../../src-main/common/page-codes.ts';

const code = (format: string, label: string, kind: PageCode['kind'], text: string): PageCode => ({
  format,
  label,
  kind,
  text,
});

describe('codes read on a page', () => {
  it('are named by kind: 二维码, 二维条码 and 条形码 with the symbology', () => {
    expect(codeName(code('QRCode', 'QR Code', 'qr', 'TB-FORM-0001'))).toBe('二维码');
    expect(codeName(code('DataMatrix', 'Data Matrix', 'matrix', 'X'))).toBe('二维条码（Data Matrix）');
    expect(codeName(code('Code39', 'Code 39', 'linear', 'ABC-123'))).toBe('条形码（Code 39）');
  });

  it('are EMS waybill numbers when the check says so', () => {
    expect(codeName(code('Code128', 'Code 128', 'linear', 'EA123456785CN'))).toBe('EMS 邮件号（Code 128）');
    expect(isEmsWaybill(code('QRCode', 'QR Code', 'qr', 'ea 1234 5678 5cn'))).toBe(true);
    expect(isEmsWaybill(code('Code128', 'Code 128', 'linear', '1100123456789'))).toBe(true);
    // A wrong check digit, an EAN-13 product code, a form number.
    expect(isEmsWaybill(code('Code128', 'Code 128', 'linear', 'EA123456784CN'))).toBe(false);
    expect(isEmsWaybill(code('EAN13', 'EAN-13', 'linear', '6901234567892'))).toBe(false);
    expect(isEmsWaybill(code('Code128', 'Code 128', 'linear', 'TB-2026-0001'))).toBe(false);
  });
});
