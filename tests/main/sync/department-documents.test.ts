// 统一窗口出件: the department decides (受理, its 补正, 不予受理, the outcome) and the
// window prints each decision as the department's document. A real hall core and a real
// department inbox on 127.0.0.1; the decisions come back through the change feed and the
// PDFs are read back as text.
import { describe, expect, it } from 'vitest';
import type { DraftView, QueuedPacket } from '../../../src-main/api/contract/index.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { STRONG } from '../intake/fixtures.ts';
import { Hall, startInbox } from './helpers.ts';

const flat = (text: string) => text.replace(/\s/g, '');

async function printed(hall: Hall, packet: QueuedPacket, title: string): Promise<string> {
  const document = packet.departmentDocuments?.find((d) => d.title === title);
  expect(document, `${title} among ${JSON.stringify(packet.departmentDocuments)}`).toBeDefined();
  const file = await hall.clerk.call<{ bytes: Uint8Array; mediaType: string; name: string }>('documents.department', {
    packetId: packet.packetId,
    version: packet.version,
    cursor: document!.cursor,
  });
  expect(file.mediaType).toBe('application/pdf');
  expect(file.name).toContain(title);
  return flat(await pdfText(file.bytes));
}

/** A hall enrolled at a real inbox, and the department's approver deciding there. */
async function enrolledHall() {
  const { decide: decideAtInbox } = await import('../../../dept-inbox/src/admin.ts');
  const inbox = await startInbox();
  const hall = await Hall.open({ endpoint: inbox.url });
  await hall.enrolAt(inbox);
  type Decision = Parameters<typeof decideAtInbox>[1]['decision'];
  // The department decides on the hall's (test) day, so dates on both sides agree.
  const decide = (packetId: string, decision: Decision) =>
    decideAtInbox(inbox.db, { packetId, decision, decidedBy: '王审批' }, hall.clock.now());
  return { hall, decide };
}

describe('the department’s documents printed at the window', () => {
  it('受理 then a posted result: the acceptance and the outcome named by item type, with the waybill', async () => {
    const { hall, decide } = await enrolledHall();
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    // Nothing decided yet, nothing of the department's to print.
    expect((await hall.packet(sealed.packetId)).departmentDocuments).toEqual([]);

    await decide(sealed.packetId, { kind: 'accept' });
    await decide(sealed.packetId, { kind: 'approve', waybill: 'EA123456789CN' });
    await hall.reach(sealed.packetId, 'approved');
    const packet = await hall.packet(sealed.packetId);
    // 社会保障卡申领 is a public service: 办结, never 准予许可.
    expect(packet.departmentDocuments?.map((d) => [d.state, d.kind, d.title, d.waybill])).toEqual([
      ['accepted', 'acceptance', '受理通知书', null],
      ['approved', 'grant', '办结通知书', 'EA123456789CN'],
    ]);

    const acceptance = await printed(hall, packet, '受理通知书');
    expect(acceptance).toContain('李小梅');
    expect(acceptance).toContain(`编号：${sealed.trackingCode}`);
    expect(acceptance).toContain('经本机关审查，申请材料齐全，符合法定形式，现予受理');
    expect(acceptance).toContain('演示审批部门（盖章）');
    expect(acceptance).toContain('代为打印送达（统一窗口出件）');
    expect(acceptance).not.toContain('委托');

    const result = await printed(hall, packet, '办结通知书');
    expect(result).toContain('经本机关审查，决定办结');
    expect(result).toContain('寄递单号：EA123456789CN');
    expect(result).toContain('演示审批部门（盖章）');
  });

  it('a refusal after 受理 is the outcome (不予办理) with the remedies, never 不予受理', async () => {
    const { hall, decide } = await enrolledHall();
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    await decide(sealed.packetId, { kind: 'accept' });
    await decide(sealed.packetId, { kind: 'refuse', reason: '申请人已在参保地持有有效社会保障卡' });
    await hall.reach(sealed.packetId, 'refused');
    const packet = await hall.packet(sealed.packetId);
    expect(packet.departmentDocuments?.map((d) => d.title)).toEqual(['受理通知书', '不予办理通知书']);
    // The queue names the state by the outcome too: 不予办理, not 不予受理.
    expect(packet.departmentDocuments?.map((d) => d.outcome)).toEqual([null, '不予办理']);

    const denial = await printed(hall, packet, '不予办理通知书');
    expect(denial).toContain('经本机关审查，决定不予办理。理由：申请人已在参保地持有有效社会保障卡。');
    // The bodies the catalog names for the department (行政复议法 2023: 本级人民政府).
    expect(denial).toContain('六十日内依法向北京市朝阳区人民政府申请行政复议');
    expect(denial).toContain('六个月内依法向北京市朝阳区人民法院提起行政诉讼');
    expect(denial).not.toContain('本机关的本级人民政府');
    expect(denial).not.toContain('不予受理');
  });

  it('a department 补正 is printed with every item and the date, and a 不予受理 with its reason and remedies', async () => {
    const { hall, decide } = await enrolledHall();
    const first = await hall.sealReceived();
    await hall.reach(first.packetId, 'delivered');
    await decide(first.packetId, {
      kind: 'correction',
      items: ['照片背景不是白色', '缺少参保证明'],
      reason: '材料不符合制卡要求',
    });
    await hall.reach(first.packetId, 'correction_required');
    const corrected = await hall.packet(first.packetId);
    const notice = await printed(hall, corrected, '补正材料通知书');
    expect(notice).toContain('现将需要补正的全部内容一次性告知如下');
    expect(notice).toContain('1．照片背景不是白色。');
    expect(notice).toContain('2．缺少参保证明。');
    expect(notice).toContain('说明：材料不符合制卡要求。');
    expect(notice).toMatch(/请于\d{4}年\d{1,2}月\d{1,2}日（5个工作日）前到原收件窗口补正/);
    expect(notice).toContain('逾期视为放弃本次申请');
    expect(notice).toContain('演示审批部门（盖章）');

    const second = await hall.sealReceived();
    await hall.reach(second.packetId, 'delivered');
    await decide(second.packetId, { kind: 'refuse', reason: '申请事项不属于本机关职权范围' });
    await hall.reach(second.packetId, 'refused');
    const refused = await hall.packet(second.packetId);
    expect(refused.departmentDocuments?.map((d) => d.kind)).toEqual(['refusal']);
    const refusal = await printed(hall, refused, '不予受理通知书');
    expect(refusal).toContain('经本机关审查，决定不予受理。理由：申请事项不属于本机关职权范围。');
    expect(refusal).toContain('六十日内依法向北京市朝阳区人民政府申请行政复议');
    expect(refusal).toContain('演示审批部门（盖章）');
  });

  it('a department 补正 runs on its own date: printed as set, the queue’s deadline, and 视为放弃 after it unless the clerk records why', async () => {
    const { hall, decide } = await enrolledHall();
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    // The hall's day is Wednesday 2026-11-25; the department gives until Monday the 30th.
    await decide(sealed.packetId, { kind: 'correction', items: ['缺少参保证明'], supplyBy: '2026-11-30' });
    const asked = await hall.reach(sealed.packetId, 'correction_required');
    expect(asked.sync?.decision?.supplyBy).toBe('2026-11-30');
    expect(asked.deadline).toBe('2026-11-30');
    expect(asked.deadlineStatus).toEqual({ kind: 'ok' });
    const notice = await printed(hall, asked, '补正材料通知书');
    expect(notice).toContain('请于2026年11月30日前到原收件窗口补正');

    // A day past it: 视为放弃, not overdue; going on needs the clerk's reason.
    hall.clock.advance(6 * 86_400_000);
    await hall.clerk.call('auth.unlock', { password: STRONG }); // idle-locked over the days
    expect((await hall.packet(sealed.packetId)).deadlineStatus).toEqual({ kind: 'lapsed' });
    expect(await hall.clerk.raw('drafts.supplement', { packetId: sealed.packetId })).toMatchObject({
      ok: false,
      error: { code: 'intake.supplementLate', params: { due: '2026-11-30' } },
    });
    expect(
      await hall.clerk.raw('drafts.supplement', { packetId: sealed.packetId, late: { reason: '部门同意' } }),
    ).toMatchObject({ ok: false, error: { code: 'review.overrideReasonTooShort' } });
    const reason = '审批部门王审批电话同意延长补正期限至12月4日';
    const draft = await hall.clerk.call<DraftView>('drafts.supplement', {
      packetId: sealed.packetId,
      late: { reason },
    });
    expect(draft.state.lateSupplement).toEqual({ due: '2026-11-30', reason });
    expect(draft.previous).toEqual({ packetId: sealed.packetId, version: 1 });
  });

  it('without a date of the department’s, the window counts the item’s 补正期限 from the decision', async () => {
    const { hall, decide } = await enrolledHall();
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    await decide(sealed.packetId, { kind: 'correction', items: ['缺少参保证明'] });
    const asked = await hall.reach(sealed.packetId, 'correction_required');
    expect(asked.sync?.decision?.supplyBy).toBeNull();
    // 5 working days from Wednesday 2026-11-25.
    expect(asked.deadline).toBe('2026-12-02');
    // Before the day, no reason is asked and none recorded.
    const draft = await hall.clerk.call<DraftView>('drafts.supplement', { packetId: sealed.packetId });
    expect(draft.state.lateSupplement).toBeUndefined();
  });
});
