import { describe, expect, it } from 'vitest';
import { normaliseWaybill, s10CheckDigit, waybillProblem } from '../../../src-main/common/mailing.ts';

describe('EMS waybill numbers', () => {
  it('checks the UPU S10 check digit (weights 8 6 4 2 3 5 9 7; 10 → 0, 11 → 5)', () => {
    expect(s10CheckDigit('12345678')).toBe(5);
    expect(waybillProblem('EA123456785CN')).toBeNull();
    expect(waybillProblem('EA123456784CN')).toBe('checkDigit');
    // A serial whose sum leaves remainder 1 has check 10 → 0; remainder 0 has check 11 → 5.
    const withCheck = (serial: string) => `EE${serial}${s10CheckDigit(serial)}CN`;
    for (const serial of ['00000000', '00000001', '10000000', '98765432', '55555555']) {
      expect(waybillProblem(withCheck(serial)), serial).toBeNull();
    }
    expect(s10CheckDigit('00000000')).toBe(5);
  });

  it('takes the 13-digit domestic form and refuses anything else', () => {
    expect(waybillProblem('1151234567890')).toBeNull();
    expect(waybillProblem('115123456789')).toBe('format');
    expect(waybillProblem('EA12345678CN')).toBe('format');
    expect(waybillProblem('顺丰123')).toBe('format');
  });

  it('reads what a person types or a scanner sends: spaces, dashes, lower case', () => {
    expect(normaliseWaybill(' ea 1234-5678-5 cn\n')).toBe('EA123456785CN');
  });
});
