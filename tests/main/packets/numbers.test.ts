// Document numbers and 查询号 as two windows of one hall issue them: each window PC has
// its own database, so the window's id in the number is what keeps them apart.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, PacketSummary, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import type { Manifest } from '../../../src-main/common/manifest.ts';
import { isTrackingCode, TRACKING_CODE_PATTERN } from '../../../src-main/common/tracking-code.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { openDatabase } from '../../../src-main/store/database.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { decodeQr, flat } from '../documents/pdf-tools.ts';
import { bootTestCore, openCoreStore, tempDir } from '../helpers.ts';
import { newKey } from '../store/helpers.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, pngBytes } from '../intake/fixtures.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';

type Clerk = Awaited<ReturnType<typeof clerkOn>>;

const HALL = {
  hall: { id: 'hz-xh', name: '西湖区政务服务中心' },
  regionCode: '330106',
};

/** A core configured as window `windowId` of the hall. */
async function windowCore(windowId: string, extra: Record<string, unknown> = {}) {
  const dataDir = tempDir();
  writeFileSync(
    join(dataDir, 'config.json'),
    JSON.stringify({ ...HALL, window: { id: windowId, name: '跨省通办专窗' }, ...extra }),
  );
  const booted = await bootTestCore({ dataDir });
  return { ...booted, clerk: await clerkOn(booted.core) };
}

/** Seals a complete 社会保障卡申领 (收件: the receipt). */
async function sealComplete(clerk: Clerk): Promise<SealedPacket> {
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
  await clerk.call('drafts.save', { id: draft.id, patch: completeSocialCardPatch() });
  await addFileBytes(clerk.call, {
    id: draft.id,
    materialId: 'applicant-id-card',
    name: '身份证.png',
    bytes: pngBytes(16, 10, 90),
  });
  await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 180) });
  const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
  expect(review.outcome).toBe('receive');
  return clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
}

describe('document numbers', () => {
  it('differ between two windows of one hall: the series is per hall, window, kind and year', async () => {
    const w1 = await windowCore('W01');
    const w2 = await windowCore('W02');
    const first = await sealComplete(w1.clerk);
    const other = await sealComplete(w2.clerk);
    expect(first.documents.map((d) => d.number)).toEqual(['hz-xh-W01-SJ-2026-000001']);
    expect(other.documents.map((d) => d.number)).toEqual(['hz-xh-W02-SJ-2026-000001']);
    // The window's own series goes on.
    const second = await sealComplete(w1.clerk);
    expect(second.documents.map((d) => d.number)).toEqual(['hz-xh-W01-SJ-2026-000002']);
  });

  it('fit on the notices with hall and window ids as long as the config allows', async () => {
    const w = await windowCore('W'.repeat(64), { hall: { ...HALL.hall, id: 'h'.repeat(64) } });
    const sealed = await sealComplete(w.clerk);
    expect(sealed.documents[0]!.number).toBe(`${'h'.repeat(64)}-${'W'.repeat(64)}-SJ-2026-000001`);
  });
});

type Booted = Awaited<ReturnType<typeof windowCore>>;

/** The receipt of a sealed packet: its text and the QR code of its first copy. */
async function receiptOf(w: Booted, sealed: SealedPacket): Promise<{ text: string; qr: string | null }> {
  const { bytes } = await w.clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
  const file = join(tempDir(), 'receipt.pdf');
  writeFileSync(file, bytes);
  return { text: flat(await pdfText(bytes)), qr: await decodeQr(file, 1, 'top') };
}

describe('查询号 (tracking code)', () => {
  it('is given at sealing and is in the manifest, the queue and on the receipt, whose QR code carries it', async () => {
    const w = await windowCore('W01');
    const sealed = await sealComplete(w.clerk);
    const code = sealed.trackingCode!;
    expect(code).toMatch(TRACKING_CODE_PATTERN);
    expect(isTrackingCode(code)).toBe(true);

    const { packets } = await w.clerk.call<{ packets: PacketSummary[] }>('packets.list', { scope: 'today' });
    expect(packets[0]).toMatchObject({ packetId: sealed.packetId, trackingCode: code });
    const { db } = openCoreStore(w.dataDir);
    const manifest = JSON.parse(
      db
        .prepare<[string], { manifest: string }>('SELECT manifest FROM packets WHERE packet_id = ?')
        .get(sealed.packetId)!.manifest,
    ) as Manifest;
    expect(manifest.trackingCode).toBe(code);
    expect(db.prepare('SELECT packet_id FROM tracking_codes WHERE code = ?').pluck().get(code)).toBe(sealed.packetId);

    // No tracking URL configured: the QR code is the bare code and nothing promises scanning.
    const receipt = await receiptOf(w, sealed);
    expect(receipt.text).toContain(`查询号：${code}`);
    expect(receipt.qr).toBe(code);
    expect(receipt.text).not.toContain('扫码');
    expect(receipt.text).toContain('凭查询号可拨打上列联系电话或到收件窗口查询办理进度');
  });

  it('puts the tracking URL of the configured template in the QR code', async () => {
    const w = await windowCore('W01', { tracking: { urlTemplate: 'https://zwfw.example.gov.cn/track/{code}' } });
    const sealed = await sealComplete(w.clerk);
    const receipt = await receiptOf(w, sealed);
    expect(receipt.qr).toBe(`https://zwfw.example.gov.cn/track/${sealed.trackingCode}`);
    expect(receipt.text).toContain('扫码查询办理进度');
  });

  it('is kept per packet: asked again it is the same, and a code already held is drawn again', () => {
    const dir = tempDir();
    const db = openDatabase({ file: join(dir, 'db', 'tongban.db'), key: newKey(), backupDir: join(dir, 'backups') });
    try {
      // The same 7 bytes twice, then others: the second packet's first draw collides.
      const draws = [new Uint8Array(7), new Uint8Array(7), new Uint8Array([1, 2, 3, 4, 5, 6, 7])];
      const store = new PacketStore(db, Buffer.alloc(32, 1), (n) => draws.shift() ?? new Uint8Array(n).fill(9));
      const a = store.trackingCode('01900000-0000-7000-8000-000000000001', 0);
      expect(a).toBe('0000-0000-0000');
      expect(store.trackingCode('01900000-0000-7000-8000-000000000001', 1)).toBe(a);
      const b = store.trackingCode('01900000-0000-7000-8000-000000000002', 2);
      expect(b).not.toBe(a);
      expect(isTrackingCode(b)).toBe(true);
      expect(draws).toHaveLength(0);
    } finally {
      db.close();
    }
  });
});
