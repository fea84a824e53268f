// 委托受理: only where the department entrusted the window in writing (in its signed
// catalog) does the window issue a 受理通知书 — in the department's name, "受…委托". A real
// core, a catalog update signed by a key the hall trusts, the PDFs read back.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { signCatalog } from '../../../src-main/catalog/catalog-file.ts';
import { demoConfig } from '../../../src-main/common/hall-config.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, tempDir } from '../helpers.ts';
import { client, clerkOn, completeSocialCardPatch, pngBytes, SOCIAL_CARD, STRONG } from './fixtures.ts';

const seed = JSON.parse(readFileSync('assets/catalog/seed-catalog.json', 'utf8')) as {
  catalog: { version: number; departments: Array<Record<string, unknown>> };
};

describe('委托受理', () => {
  it('issues the 受理通知书 受…委托 under the department’s written entrustment, beside the receipt', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const trusted = {
      keyId: 'demo-dept-2027',
      algorithm: 'ed25519' as const,
      owner: '演示审批部门',
      publicKeyJwk: publicKey.export({ format: 'jwk' }) as { kty: 'OKP'; crv: 'Ed25519'; x: string },
    };
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ ...demoConfig(), catalog: { trustedKeys: [trusted] } }),
    );
    const { core } = await bootTestCore({ dataDir });
    const clerk = await clerkOn(core);
    const installer = client(core.openConnection(() => undefined));
    await installer.call('auth.login', { username: 'admin', password: STRONG });

    const next = structuredClone(seed.catalog);
    next.version += 1;
    next.departments[0]!.entrustedAcceptance = { document: '演示委托受理协议第1号' };
    await installer.call('catalog.install', { fileText: JSON.stringify(signCatalog(next, privateKey, trusted.keyId)) });

    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
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
    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.outcome).toBe('accept_entrusted');
    expect(review.decision?.entrustment).toEqual({ document: '演示委托受理协议第1号' });

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed).toMatchObject({ outcome: 'accept_entrusted', state: 'sealed' });
    expect(sealed.documents.map((d) => d.kind)).toEqual(['receipt', 'acceptance']);
    const acceptance = await clerk.call<{ bytes: Uint8Array }>('documents.get', {
      sha256: sealed.documents[1]!.sha256,
    });
    const text = (await pdfText(acceptance.bytes)).replace(/\s/g, '');
    expect(text).toContain('受演示审批部门委托（演示委托受理协议第1号），经审查，申请材料齐全，符合法定形式，现予受理');
  });
});
