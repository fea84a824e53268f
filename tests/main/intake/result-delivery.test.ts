// 办理结果送达方式 on a real core: chosen in the draft, required before sealing when the
// item offers more than one, printed on the 收件凭证 with the department, fees, phone and
// remedies, and carried in the manifest for the department.
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { Manifest } from '../../../src-main/common/manifest.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { flat } from '../documents/pdf-tools.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, pngBytes } from './fixtures.ts';

const POSTED = { recipient: '李小梅', phone: '13812345678', address: '四川省成都市锦江区红星路一段1号3栋1201' };

describe('the result’s delivery, chosen at intake', () => {
  it('is asked for before sealing, then printed on the receipt and carried in the manifest', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const { delivery: _chosen, ...patch } = completeSocialCardPatch();
    await clerk.call('drafts.save', { id: draft.id, patch });
    await addFileBytes(clerk.call, {
      id: draft.id,
      materialId: 'applicant-id-card',
      name: '身份证.png',
      bytes: pngBytes(16, 10, 90),
    });
    await addFileBytes(clerk.call, {
      id: draft.id,
      materialId: 'photo',
      name: '照片.png',
      bytes: pngBytes(12, 14, 180),
    });

    // 社会保障卡 comes to the window or by post: the clerk must ask.
    let review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.windowFixes).toEqual(['delivery.choice:method']);
    expect((await clerk.fail('drafts.seal', { id: draft.id })).code).toBe('intake.fixAtWindow');

    await clerk.call('drafts.save', {
      id: draft.id,
      patch: { delivery: { method: 'post', post: { ...POSTED, address: '' } } },
    });
    review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.findings.map((f) => f.message)).toEqual(['邮寄送达需填写邮寄地址。']);

    await clerk.call('drafts.save', { id: draft.id, patch: { delivery: { method: 'post', post: POSTED } } });
    review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.findings).toEqual([]);
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });

    const receipt = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    const text = flat(await pdfText(receipt.bytes));
    expect(text).toContain('审批部门：演示审批部门');
    expect(text).toContain('咨询电话：010-12345678'); // the department's, before the item's 12345
    expect(text).toContain('收费：不收费');
    // The cell wraps beside the fees; the address is cut after its first twelve characters.
    expect(text).toContain('办理结果及送达方式：社会保障卡，邮寄送达（四川省成都市收费：不收费锦江区红星路****，李**，尾号5678）');
    expect(text).not.toContain('13812345678');
    expect(text).not.toContain('3栋1201');
    expect(text).toContain('可依法向北京市朝阳区人民政府申请行政复议或者向北京市朝阳区人民法院提起行政诉讼');

    const { db } = openCoreStore(dataDir);
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 1)!;
    expect(manifest.delivery).toEqual({ method: 'post', post: POSTED });
  });

  it('reads a manifest sealed before windows asked, without a delivery', () => {
    const old = {
      format: 'tongban-packet/1',
      packetId: '0192f5c4-6a3b-7def-8123-456789abcdef',
      version: 1,
      windowId: 'W01',
      itemCode: 'KSTB-RS-0001',
      files: [],
      hallId: 'demo-hall',
      windowRegionCode: '110105',
      itemName: '社会保障卡申领',
      catalogVersion: 1,
      departmentId: 'demo-dept',
      homeRegionCode: '510104',
      applicantKind: 'person',
      applicant: { name: '李小梅', idNumber: '510104199003071248', source: 'manual' },
      form: { delivery: 'pickup' },
      materials: [],
      review: { outcome: 'receive', findings: [], overrides: [] },
      documents: [],
      clerk: { username: 'clerk01', displayName: '王芳' },
      session: null,
      receivedAt: '2026-11-25T01:00:00.000Z',
      sealedAt: '2026-11-25T01:05:00.000Z',
      deadline: '2026-12-09',
    };
    const parsed = Manifest.safeParse(old);
    expect(parsed.error?.issues).toBeUndefined();
    expect(parsed.data?.delivery).toBeUndefined();
  });
});
