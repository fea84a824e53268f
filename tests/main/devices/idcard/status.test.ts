// Every status code a GA 467 SAM answers, as the clerk meets it: each maps to an error
// code whose Chinese message says what to do (the catalog has one for every code, or the
// message would be the fallback). Over the in-process pair: the mapping, not the line.
import { describe, expect, it } from 'vitest';
import { errorMessage } from '../../../../src-main/common/i18n/index.ts';
import { zhCN } from '../../../../src-main/common/i18n/zh-CN.ts';
import { inProcessRig, rejection } from './rig.ts';

const table: Array<[status: number, code: string]> = [
  [0x10, 'idcard.transmission'],
  [0x11, 'idcard.transmission'],
  [0x21, 'idcard.readerFault'],
  [0x23, 'idcard.samNotAuthorised'],
  [0x24, 'idcard.readerFault'],
  [0x31, 'idcard.cardAuthFailed'],
  [0x32, 'idcard.cardAuthFailed'],
  [0x33, 'idcard.cardAuthFailed'],
  [0x40, 'idcard.unknownCardType'],
  [0x41, 'idcard.readFailed'],
  [0x47, 'idcard.readFailed'],
  [0x60, 'idcard.samSelfTestFailed'],
  [0x66, 'idcard.samNotAuthorised'],
  [0x80, 'idcard.noCard'],
  [0x81, 'idcard.selectFailed'],
  [0x91, 'idcard.readFailed'],
  [0x55, 'idcard.readerFault'], // a code no source lists
];

describe('SAM status codes', () => {
  for (const [status, code] of table) {
    it(`SW3 ${status.toString(16).toUpperCase()} → ${code}, with a message a clerk can act on`, async () => {
      const { reader, emulator } = inProcessRig();
      emulator.place(1);
      // 10 and 11 (our frame arrived damaged) are sent again: every try gets it here.
      emulator.inject({ kind: 'status', command: 'read', status, count: 3 });
      const error = await rejection(reader.readCard());
      expect(error.code).toBe(code);
      expect(error.message).toContain(`0x${status.toString(16).toUpperCase()}`);
      const message = errorMessage(code, error.params as Record<string, string>);
      expect(message).not.toBe(zhCN.errorFallback.replace('{code}', code));
      expect(message).toMatch(/[\u4e00-\u9fff]/);
      if (code === 'idcard.readerFault') expect(message).toContain(`0x${status.toString(16).toUpperCase()}`);
    });
  }

  it('sends again when the SAM got the frame damaged once (10), and reads', async () => {
    const { reader, emulator } = inProcessRig();
    emulator.place(2);
    emulator.inject({ kind: 'status', command: 'read', status: 0x10, count: 1 });
    expect((await reader.readCard()).identity.name).toBe('李秀英');
    expect(reader.stats.resends).toBe(1);
  });

  it('takes 91 to the appended-address command as "no appended address"', async () => {
    const { reader, emulator } = inProcessRig();
    emulator.place(1);
    emulator.inject({ kind: 'status', command: 'readAppendedAddress', status: 0x91 });
    expect(await reader.readAppendedAddress()).toBeUndefined();
  });
});
