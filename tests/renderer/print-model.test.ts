import { describe, expect, it } from 'vitest';
import type { PrintJob } from '../../src-main/common/printing.ts';
import {
  actionsFor,
  lineKind,
  owedCount,
  problemOf,
  slipLines,
} from '../../src-renderer/screens/printing/print-model.ts';

function job(id: number, changes: Partial<PrintJob> = {}): PrintJob {
  return {
    id,
    packetId: 'p1',
    version: 1,
    document: 'receipt',
    number: 'DEMO-HALL-SJ-2026-000001',
    trackingCode: 'TB-0001',
    applicantName: '张伟',
    itemName: '社会保障卡申领',
    state: 'printed',
    reprintOf: null,
    attempts: 1,
    lastError: null,
    createdAt: 1,
    createdBy: 'zhangli',
    printedAt: 2,
    ...changes,
  };
}

describe('print model', () => {
  it('offers 打印 for a slip not printed, 补打 for a printed one, 不再自动打印 only while it waits', () => {
    expect(actionsFor(job(1, { state: 'waiting' }))).toEqual({ print: true, reprint: false, cancel: true });
    expect(actionsFor(job(1, { state: 'cancelled' }))).toEqual({ print: true, reprint: false, cancel: false });
    expect(actionsFor(job(1, { state: 'printing' }))).toEqual({ print: false, reprint: false, cancel: false });
    expect(actionsFor(job(1, { state: 'printed' }))).toEqual({ print: false, reprint: true, cancel: false });
  });

  it('counts what the printer owes as the core does: waiting and printing', () => {
    const states = ['waiting', 'printing', 'printed', 'cancelled'] as const;
    expect(owedCount(states.map((state, i) => job(i + 1, { state })))).toBe(2);
  });

  it('says the printer’s reason from the error catalog, with its params in words', () => {
    expect(problemOf(job(1))).toBeNull();
    expect(problemOf(job(1, { lastError: { code: 'printer.fault', detail: 'x', params: { reason: 'cutter' } } }))).toBe(
      '打印机报告故障（切刀故障）。请关闭打印机电源，检查切刀处是否卡纸，再打开电源后重试；如反复出现，请联系运维人员。',
    );
  });

  it('tells a waiting slip not tried yet from one that failed', () => {
    expect(lineKind(job(1, { state: 'waiting', attempts: 0 }))).toBe('queued');
    expect(lineKind(job(1, { state: 'waiting', lastError: { code: 'printer.paperOut', detail: 'x' } }))).toBe('failed');
  });

  it('gives one line per slip, its latest copy standing for it', () => {
    const jobs = [
      job(3, { reprintOf: 1, state: 'printing' }),
      job(1),
      job(2, { document: 'correction' }),
      job(4, { reprintOf: 1, state: 'waiting', lastError: { code: 'printer.paperOut', detail: 'x' } }),
    ];
    expect(slipLines(jobs).map((line) => [line.key, line.job.id, line.kind])).toEqual([
      [1, 4, 'failed'],
      [2, 2, 'printed'],
    ]);
  });
});
