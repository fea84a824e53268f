// DLE EOT answers: the fixed bits, each condition, garbage refused, what stops a job.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src-main/common/errors.ts';
import {
  isStatusByte,
  parseStatus,
  statusAnswers,
  statusRequest,
  stopReason,
} from '../../../../src-main/devices/printer/status.ts';

describe('DLE EOT status', () => {
  it('asks with 10 04 n', () => {
    expect([...statusRequest(4)]).toEqual([0x10, 0x04, 0x04]);
  });

  it('reads a ready printer from the bytes a real one sends (0x12 / 0x16 for n = 1)', () => {
    const status = parseStatus([0x16, 0x12, 0x12, 0x12]);
    expect(stopReason(status)).toBeUndefined();
    expect(status.paperNearEnd).toBe(false);
  });

  it('reads paper out, near end, cover open, offline and cutter error', () => {
    expect(parseStatus([0x1a, 0x32, 0x12, 0x7e])).toMatchObject({ offline: true, paperOut: true, paperNearEnd: true });
    expect(parseStatus([0x12, 0x12, 0x12, 0x1e])).toMatchObject({ paperNearEnd: true, paperOut: false });
    expect(stopReason(parseStatus([0x1a, 0x16, 0x12, 0x12]))).toBe('coverOpen');
    expect(stopReason(parseStatus([0x1a, 0x12, 0x12, 0x12]))).toBe('offline');
    expect(stopReason(parseStatus([0x1a, 0x52, 0x1a, 0x12]))).toBe('cutter');
  });

  it('answers what it reads (the simulator side)', () => {
    for (const state of [{}, { paperOut: true }, { coverOpen: true }, { paperNearEnd: true }, { offline: true }]) {
      const status = parseStatus(statusAnswers(state));
      expect(status).toMatchObject({
        paperOut: 'paperOut' in state,
        coverOpen: 'coverOpen' in state,
        paperNearEnd: 'paperNearEnd' in state || 'paperOut' in state,
      });
    }
  });

  it('refuses a byte that is not a status answer', () => {
    for (const byte of [0x00, 0xff, 0x81, 0x10, 0x13, 0x92]) expect(isStatusByte(byte)).toBe(false);
    expect(() => parseStatus([0x12, 0xff, 0x12, 0x12])).toThrow(AppError);
    try {
      parseStatus([0x12, 0x12, 0x12, 0x00]);
    } catch (error) {
      expect((error as AppError).code).toBe('printer.badStatus');
    }
  });
});
