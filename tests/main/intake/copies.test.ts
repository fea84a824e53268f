// Copies at the window: an identity card's front and back set on one A4 page only where
// the item asks for a copy of it, and 此件经与原件核对无误 with the clerk and the day on
// the pages of a material the clerk checked against its originals. Real core, real
// SQLite, real uploads, the real render worker; the PDFs read back with PDF.js.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { pagePixels, pdfText } from '../../fixtures/pdf.ts';
import { uploadBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { clerkOn, completeSocialCardPatch, idNumber, pngBytes, SOCIAL_CARD } from './fixtures.ts';

/** 购房提取住房公积金: asks for a copy of the applicant's ID card. */
const HOUSING_FUND_PURCHASE = 'KSTB-GJJ-0003';

const CAPTURE = {
  source: 'documentCamera',
  frame: { width: 3264, height: 2448 },
  mode: 'colour',
  rotation: 0,
  warnings: [],
} as const;

type Clerk = Awaited<ReturnType<typeof clerkOn>>;

function purchasePatch() {
  const id = idNumber('510104', '19900307', '124');
  const social = completeSocialCardPatch();
  return {
    applicantKind: 'person' as const,
    applicant: social.applicant,
    homeRegionCode: '510104',
    answers: {
      applicantName: social.applicant.name,
      applicantIdNumber: id,
      phone: '13812345678',
      depositRegion: '510104',
      purchaseType: 'selfBuilt',
      propertyAddress: '四川省成都市锦江区红星路一段1号',
      totalPrice: 800000,
      married: false,
      bankAccount: '6222020200112233445',
    },
    delivery: { method: 'window' as const },
    counts: {
      'applicant-id-card': { original: 1, copy: 1, electronic: 1 },
      'purchase-contract': { original: 1, copy: 1, electronic: 1 },
    },
    conditions: { 'own-home': 'met' as const, 'within-period': 'met' as const },
  };
}

async function addPage(clerk: Clerk, id: string, materialId: string, name: string, bytes: Uint8Array) {
  const uploadId = await uploadBytes(clerk.call, id, name, bytes);
  return clerk.call<DraftView>('drafts.addFile', { id, materialId, uploadId, capture: CAPTURE });
}

describe('copies', () => {
  it('sets the ID card’s front and back on one A4 page at true size where the item asks for a copy, and certifies the checked material', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: HOUSING_FUND_PURCHASE });
    await clerk.call('drafts.save', { id: draft.id, patch: purchasePatch() });
    // A card's shape (85.6 : 54), front dark, back light.
    await addPage(clerk, draft.id, 'applicant-id-card', '正面.png', pngBytes(856, 540, 60));
    await addPage(clerk, draft.id, 'applicant-id-card', '背面.png', pngBytes(856, 540, 160));
    await addPage(clerk, draft.id, 'purchase-contract', '合同第1页.png', pngBytes(210, 297, 230));
    await addPage(clerk, draft.id, 'purchase-contract', '合同第2页.png', pngBytes(210, 297, 220));
    const certified = await clerk.call<DraftView>('drafts.certifyCopy', {
      id: draft.id,
      materialId: 'purchase-contract',
      certified: true,
    });
    expect(certified.state.certifiedCopies?.['purchase-contract']).toMatchObject({
      username: 'clerk01',
      displayName: '张窗口',
      on: '2026-11-25',
    });
    await clerk.call('drafts.review', { id: draft.id });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });

    const { db, blobs } = openCoreStore(dataDir);
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 1)!;
    const card = manifest.files.find((f) => f.materialId === 'applicant-id-card')!;
    expect(card.name).toBe('申请人居民身份证复印件（1页）.pdf');
    const cardBytes = await blobs.read(card.sha256);
    const cardPdf = await PDFDocument.load(cardBytes);
    expect(cardPdf.getPageCount()).toBe(1);
    expect([cardPdf.getPage(0).getWidth(), cardPdf.getPage(0).getHeight()].map(Math.round)).toEqual([595, 842]);

    // At 72 dpi a pixel is a point: the front from 60 mm down, the back 25 mm below it, each 85.6 × 54 mm, centred.
    const page = await pagePixels(cardBytes, 1, 72);
    const mm = 72 / 25.4;
    const grey = (x: number, y: number) => page.data[(Math.round(y) * page.width + Math.round(x)) * 4]!;
    const centreX = page.width / 2;
    const frontTop = 60 * mm;
    const backTop = frontTop + 54 * mm + 25 * mm;
    expect(grey(centreX, frontTop + 27 * mm)).toBeLessThan(70);
    expect(grey(centreX, backTop + 27 * mm)).toBeGreaterThan(150);
    expect(grey(centreX, backTop + 27 * mm)).toBeLessThan(170);
    // The card's edges where a card's are: paper just outside, card just inside.
    expect(grey(centreX - 42.8 * mm - 3, frontTop + 27 * mm)).toBeGreaterThan(250);
    expect(grey(centreX - 42.8 * mm + 3, frontTop + 27 * mm)).toBeLessThan(70);
    expect(grey(centreX, frontTop - 3)).toBeGreaterThan(250);
    expect(grey(centreX, frontTop + 3)).toBeLessThan(70);
    // Not checked against the original: no mark.
    expect(await pdfText(cardBytes)).not.toContain('核对');

    const contract = manifest.files.find((f) => f.materialId === 'purchase-contract')!;
    expect(contract.name).toBe('购房合同或不动产权证书（2页）.pdf');
    const text = await pdfText(await blobs.read(contract.sha256));
    const pages = text.split('\f');
    expect(pages).toHaveLength(2);
    for (const one of pages) {
      expect(one).toContain('此件经与原件核对无误');
      expect(one).toContain('核对人：张窗口');
      expect(one).toContain('2026年11月25日');
    }
  });

  it('certifies only a material with camera pages and originals or copies due, and drops the mark when its pages change', async () => {
    const { core, dataDir } = await bootTestCore({ clock: new TestClock() });
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });

    // No camera page yet: nothing to mark.
    const empty = await clerk.fail('drafts.certifyCopy', {
      id: draft.id,
      materialId: 'applicant-id-card',
      certified: true,
    });
    expect(empty.code).toBe('intake.certifyNotApplicable');
    expect(errorMessage(empty.code, empty.params)).toContain('“申请人居民身份证”');
    // The photo is electronic only: it has no original to check against.
    await addPage(clerk, draft.id, 'photo', '照片.png', pngBytes(12, 14, 180));
    const photo = await clerk.fail('drafts.certifyCopy', { id: draft.id, materialId: 'photo', certified: true });
    expect(photo.code).toBe('intake.certifyNotApplicable');
    const unknown = await clerk.fail('drafts.certifyCopy', { id: draft.id, materialId: 'no-such', certified: true });
    expect(unknown.code).toBe('request.invalidInput');

    let view = await addPage(clerk, draft.id, 'applicant-id-card', '正面.png', pngBytes(856, 540, 60));
    expect(view.files.find((f) => f.name === '正面.png')?.source).toBe('documentCamera');
    view = await clerk.call<DraftView>('drafts.certifyCopy', {
      id: draft.id,
      materialId: 'applicant-id-card',
      certified: true,
    });
    expect(Object.keys(view.state.certifiedCopies ?? {})).toEqual(['applicant-id-card']);
    // A save of the form leaves it alone: only the core writes it.
    view = await clerk.call<DraftView>('drafts.save', { id: draft.id, patch: { answers: { phone: '13912345678' } } });
    expect(Object.keys(view.state.certifiedCopies ?? {})).toEqual(['applicant-id-card']);
    // A new page was not checked: the mark goes.
    view = await addPage(clerk, draft.id, 'applicant-id-card', '背面.png', pngBytes(856, 540, 160));
    expect(view.state.certifiedCopies ?? {}).toEqual({});

    view = await clerk.call<DraftView>('drafts.certifyCopy', {
      id: draft.id,
      materialId: 'applicant-id-card',
      certified: true,
    });
    const back = view.files.find((f) => f.name === '背面.png')!;
    view = await clerk.call<DraftView>('drafts.removeFile', {
      id: draft.id,
      materialId: 'applicant-id-card',
      sha256: back.sha256,
    });
    expect(view.state.certifiedCopies ?? {}).toEqual({});
    await clerk.call('drafts.certifyCopy', { id: draft.id, materialId: 'applicant-id-card', certified: true });
    view = await clerk.call<DraftView>('drafts.certifyCopy', {
      id: draft.id,
      materialId: 'applicant-id-card',
      certified: false,
    });
    expect(view.state.certifiedCopies ?? {}).toEqual({});

    const { db } = openCoreStore(dataDir);
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const log = new EventLog(db, new TestClock(), keys.evidenceKey);
    const events = [...log.read(`session:${draft.id}`)].filter((e) => e.kind.startsWith('intake.copyCert'));
    expect(events.map((e) => [e.kind, e.payload['reason'] ?? null])).toEqual([
      ['intake.copyCertified', null],
      ['intake.copyCertificationWithdrawn', 'pagesChanged'],
      ['intake.copyCertified', null],
      ['intake.copyCertificationWithdrawn', 'pagesChanged'],
      ['intake.copyCertified', null],
      ['intake.copyCertificationWithdrawn', null],
    ]);
    expect(events.every((e) => e.actor === 'clerk01')).toBe(true);
  });
});
