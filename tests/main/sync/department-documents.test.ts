// 统一窗口出件: the department decides (受理, its 补正, 不予受理, the outcome) and the
// window prints each decision as the department's document. A real hall core and a real
// department inbox on 127.0.0.1; the decisions come back through the change feed and the
// PDFs are read back as text.
import { describe, expect, it } from 'vitest';
import type { QueuedPacket } from '../../../src-main/api/contract/index.ts';
import { pdfText } from '../../fixtures/pdf.ts';
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
  const decide = (packetId: string, decision: Decision) =>
    decideAtInbox(inbox.db, { packetId, decision, decidedBy: '王审批' });
  return { hall, decide };
}

describe('the department’s documents printed at the window', () => {
  it('受理 then a posted result: the acceptance and the outcome named by item type, with the waybill', async () => {
    const { hall, decide } = await enrolledHall();
    const sealed = await hall.sealReceived();
    await hall.reach(sealed.packetId, 'delivered');
    // Nothing decided yet, nothing of the department's to print.
    expect((await hall.packet(sealed.packetId)).departmentDocuments).toEqual([]);

    decide(sealed.packetId, { kind: 'accept' });
    decide(sealed.packetId, { kind: 'approve', waybill: 'EA123456789CN' });
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
    decide(sealed.packetId, { kind: 'accept' });
    decide(sealed.packetId, { kind: 'refuse', reason: '申请人已在参保地持有有效社会保障卡' });
    await hall.reach(sealed.packetId, 'refused');
    const packet = await hall.packet(sealed.packetId);
    expect(packet.departmentDocuments?.map((d) => d.title)).toEqual(['受理通知书', '不予办理通知书']);

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
    decide(first.packetId, {
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
    decide(second.packetId, { kind: 'refuse', reason: '申请事项不属于本机关职权范围' });
    await hall.reach(second.packetId, 'refused');
    const refused = await hall.packet(second.packetId);
    expect(refused.departmentDocuments?.map((d) => d.kind)).toEqual(['refusal']);
    const refusal = await printed(hall, refused, '不予受理通知书');
    expect(refusal).toContain('经本机关审查，决定不予受理。理由：申请事项不属于本机关职权范围。');
    expect(refusal).toContain('六十日内依法向北京市朝阳区人民政府申请行政复议');
    expect(refusal).toContain('演示审批部门（盖章）');
  });
});
