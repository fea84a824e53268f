// Identities at the window, in the core: real seed catalog, real encrypted SQLite and real
// review — a minor's guardian, documents other than the resident card, a company's 经办人.
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { bootTestCore } from '../helpers.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, idNumber, pngBytes } from './fixtures.ts';

const rules = (review: ReviewResult) => review.findings.map((f) => f.ruleId);

describe('identities at the window', () => {
  it('asks for a minor applicant’s guardian, keeps a guardian with a residence permit typed by hand, and prints 监护人', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const child = idNumber('510104', '20150307', '123');
    const patch = completeSocialCardPatch();
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: {
        ...patch,
        applicant: { ...patch.applicant, name: '李小明', idNumber: child, sex: 'male', birthDate: '2015-03-07' },
        answers: { ...patch.answers, applicantName: '李小明', applicantIdNumber: child, sex: 'male', minor: true },
        counts: { ...patch.counts, 'guardianship-proof': { original: 1, copy: 1, electronic: 0 } },
      },
    });
    for (const [materialId, name] of [
      ['applicant-id-card', '身份证.png'],
      ['photo', '照片.png'],
    ] as const) {
      await addFileBytes(clerk.call, { id: draft.id, materialId, name, bytes: pngBytes(12, 10, 90) });
    }

    const without = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(without.outcome).toBe('correction');
    expect(without.correction?.items).toEqual([
      expect.objectContaining({
        ruleId: 'guardian.missing',
        supply: '监护人有效身份证件及监护关系证明（户口簿、出生医学证明或监护人指定文书）',
      }),
    ]);

    // A 港澳台居民居住证 (its number in the citizen number's form, as the item's form asks).
    const permit = idNumber('810000', '19900101', '002');
    const guardian = {
      name: '陈美玲',
      idNumber: permit,
      document: 'hkMacauTaiwan',
      authority: '深圳市公安局',
      validTo: '2029-05-06',
      source: 'idCard', // claimed, never read: stored as typed
    };
    const saved = await clerk.call<DraftView>('drafts.save', {
      id: draft.id,
      patch: {
        guardian: { relation: 'parent', person: guardian },
        answers: { guardianName: '陈美玲', guardianIdNumber: permit },
      },
    });
    expect(saved.state.guardian).toEqual({ relation: 'parent', person: { ...guardian, source: 'manual' } });
    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(rules(review).filter((rule) => rule.startsWith('guardian.'))).toEqual([]);
    expect(review.outcome).toBe('receive');

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    const receipt = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    const text = (await pdfText(receipt.bytes)).replace(/\s/g, '');
    expect(text).toContain(`监护人：陈美玲（港澳台居民居住证：810000********${permit.slice(-4)}）`);
  });

  it('checks a typed identity by its document: an expired 通行证 is the applicant’s to replace', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: {
        applicant: {
          name: '陈大文',
          idNumber: 'H1234567',
          document: 'hkMacauPass',
          validTo: '2020-01-01',
          source: 'manual',
        },
      },
    });
    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    const identity = review.findings.filter((f) => f.target.kind === 'identity');
    expect(identity.map((f) => [f.ruleId, f.message])).toEqual([
      ['identity.idNumber', '申请人的通行证号码无效：应为 H（香港）或 M（澳门）加 8 位数字。'],
      ['card.expired', expect.stringContaining('证件已于 2020-01-01 过期')],
    ]);
    expect(review.windowFixes).toContain('identity.idNumber:applicant');
    expect(review.windowFixes).not.toContain('card.expired:applicant');
  });

  it('asks a company’s 经办人 for the company’s authorisation letter, and its legal representative for none', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: 'KSTB-SC-0002' });
    const id = idNumber('110105', '19850612', '452');
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: {
        applicantKind: 'company',
        applicant: { name: '王芳', idNumber: id, source: 'manual' },
        company: { name: '北京某某科技有限公司', creditCode: '91350100M000100Y43' },
      },
    });
    expect(rules(await clerk.call<ReviewResult>('drafts.review', { id: draft.id }))).toContain('company.operatorRole');

    await clerk.call('drafts.save', { id: draft.id, patch: { operatorRole: 'handler' } });
    const handler = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(handler.findings).toContainEqual(
      expect.objectContaining({
        key: 'company.authorisation:authorisation-letter',
        severity: 'blocking',
        supply: '《授权委托书》原件1份',
      }),
    );
    expect(rules(handler)).not.toContain('company.operatorRole');

    const saved = await clerk.call<DraftView>('drafts.save', {
      id: draft.id,
      patch: { operatorRole: 'legalRepresentative' },
    });
    expect(saved.state.operatorRole).toBe('legalRepresentative');
    const representative = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(rules(representative).filter((rule) => rule.startsWith('company.'))).toEqual([]);
  });
});
