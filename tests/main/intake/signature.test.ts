// 申请人签名 in the core: the applicant screen's signature attached to a draft (checked,
// stored as two blobs, logged by hash), replaced, refused when it is no signature or no
// PNG, recorded as "on paper" when the screen cannot be used, and sealed into the packet:
// its files and hashes in the manifest, its image on the receipt where the applicant signs.
import { createHash } from 'node:crypto';
import { PDFDocument, PDFName, PDFRawStream } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { isAppError } from '../../../src-main/common/errors.ts';
import type { Manifest } from '../../../src-main/common/manifest.ts';
import type { SignatureStroke } from '../../../src-main/common/signature.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { clerkOn, completeSocialCardPatch, pngBytes, readyDraft, SOCIAL_CARD } from './fixtures.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** A zigzag across the pad, as a hand writes a name: `points` points over `width` px. */
function zigzag(points = 60, width = 400, from = 50): SignatureStroke {
  return Array.from({ length: points }, (_, i) => [from + (i * width) / points, 100 + (i % 2) * 60, 0.5, i * 16]);
}

const signature = (png = pngBytes(240, 90, 30)) => ({
  strokes: [zigzag(), zigzag(30, 200, 120)],
  png,
  width: 800,
  height: 300,
});

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAppError(error)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error.code;
}

/** The session's events of kind `kind`, as the chain holds them. */
function eventsOf(dataDir: string, draftId: string, kind: string): Array<Record<string, unknown>> {
  const { db } = openCoreStore(dataDir);
  return db
    .prepare<[string, string], { payload: string }>(
      'SELECT payload FROM event_log WHERE stream = ? AND kind = ? ORDER BY seq',
    )
    .all(`session:${draftId}`, kind)
    .map((row) => JSON.parse(row.payload) as Record<string, unknown>);
}

/** The images a PDF embeds (its image XObjects), by their pixel size. */
async function pdfImages(bytes: Uint8Array): Promise<Array<{ width: number; height: number }>> {
  const pdf = await PDFDocument.load(bytes);
  return pdf.context.enumerateIndirectObjects().flatMap(([, object]) =>
    object instanceof PDFRawStream && object.dict.get(PDFName.of('Subtype')) === PDFName.of('Image')
      ? [
          {
            width: Number(object.dict.get(PDFName.of('Width'))),
            height: Number(object.dict.get(PDFName.of('Height'))),
          },
        ]
      : [],
  );
}

describe('attaching the applicant’s signature', () => {
  it('stores the image and the strokes as blobs, records their hashes in the draft and logs only hashes', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const given = signature();

    const view = await core.intake.attachSignature(id, given);
    expect(view.state.signature).toEqual({
      image: sha256(given.png),
      strokes: expect.stringMatching(/^[0-9a-f]{64}$/),
      width: 800,
      height: 300,
      at: expect.any(Number),
    });
    // The clerk's review shows the image the applicant gave.
    const shown = await clerk.call<{ bytes: Uint8Array; mediaType: string }>('drafts.signature', { id });
    expect(shown.mediaType).toBe('image/png');
    expect(sha256(shown.bytes)).toBe(sha256(given.png));
    // The strokes are stored as they were drawn, with the pad's size.
    const { blobs } = openCoreStore(dataDir);
    const state = view.state.signature as { strokes: string };
    const stored = JSON.parse((await blobs.read(state.strokes)).toString('utf8')) as unknown;
    expect(stored).toEqual({ width: 800, height: 300, strokes: given.strokes });

    const [signed] = eventsOf(dataDir, id, 'applicant.signed');
    expect(signed).toMatchObject({ image: sha256(given.png), strokes: state.strokes, strokeCount: 2, points: 90 });
    expect(JSON.stringify(signed)).not.toMatch(/"png"|\[\[/); // hashes and counts, never the ink
  });

  it('replaces an earlier signature with a new one, saying which it replaced', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const first = signature(pngBytes(240, 90, 30));
    const second = signature(pngBytes(260, 80, 10));
    await core.intake.attachSignature(id, first);
    const view = await core.intake.attachSignature(id, second);
    expect(view.state.signature).toMatchObject({ image: sha256(second.png) });
    const events = eventsOf(dataDir, id, 'applicant.signed');
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ image: sha256(second.png), replaced: sha256(first.png) });
  });

  it('is not changed by a save of the draft (set by the core only)', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    await core.intake.attachSignature(id, signature());
    const view = await clerk.call<DraftView>('drafts.save', { id, patch: { answers: { phone: '13900000000' } } });
    expect(view.state.signature).toMatchObject({ width: 800 });
    const refused = await clerk.fail('drafts.save', {
      id,
      patch: { signature: { onPaper: true, reason: 'x', at: 1 } },
    });
    expect(refused.code).toBe('request.invalidInput');
  });

  it('refuses a tap, a dot or no ink at all as signature.tooShort, keeping the draft as it was', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const dot: SignatureStroke = Array.from({ length: 30 }, (_, i) => [300 + (i % 3), 150, 0.5, i * 10]);
    expect(await codeOf(core.intake.attachSignature(id, { ...signature(), strokes: [] }))).toBe('signature.tooShort');
    expect(await codeOf(core.intake.attachSignature(id, { ...signature(), strokes: [dot] }))).toBe(
      'signature.tooShort',
    );
    expect(await codeOf(core.intake.attachSignature(id, { ...signature(), strokes: [zigzag(4)] }))).toBe(
      'signature.tooShort',
    );
    expect((await clerk.call<DraftView>('drafts.get', { id })).state.signature).toBeUndefined();
    expect((await clerk.fail('drafts.signature', { id })).code).toBe('signature.notGiven');
  });

  it('refuses strokes beyond their caps or out of shape as signature.invalid', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const tooMany = Array.from({ length: 201 }, () => zigzag(10));
    const tooLong = [zigzag(5001)];
    const badPressure = [zigzag().map(([x, y, , t]) => [x, y, 3, t] as [number, number, number, number])];
    for (const strokes of [tooMany, tooLong, badPressure]) {
      expect(await codeOf(core.intake.attachSignature(id, { ...signature(), strokes }))).toBe('signature.invalid');
    }
    expect(await codeOf(core.intake.attachSignature(id, { ...signature(), width: 0 }))).toBe('signature.invalid');
    expect((await clerk.call<DraftView>('drafts.get', { id })).state.signature).toBeUndefined();
  });

  it('refuses an image that is no PNG, a PNG of absurd size, or one over 1 MiB', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const jpeg = Uint8Array.from([
      0xff,
      0xd8,
      0xff,
      0xe0,
      0,
      16,
      0x4a,
      0x46,
      0x49,
      0x46,
      0,
      1,
      ...new Array(40).fill(0),
    ]);
    expect(await codeOf(core.intake.attachSignature(id, signature(jpeg)))).toBe('signature.badImage');
    expect(await codeOf(core.intake.attachSignature(id, signature(new TextEncoder().encode('not an image'))))).toBe(
      'signature.badImage',
    );
    const huge = pngBytes(10, 10, 0);
    new DataView(huge.buffer, huge.byteOffset).setUint32(16, 100_000); // IHDR width
    expect(await codeOf(core.intake.attachSignature(id, signature(huge)))).toBe('signature.badImage');
    const big = new Uint8Array(1024 * 1024 + 1);
    big.set(pngBytes(10, 10, 0));
    expect(await codeOf(core.intake.attachSignature(id, signature(big)))).toBe('signature.tooLarge');
    expect((await clerk.call<DraftView>('drafts.get', { id })).state.signature).toBeUndefined();
  });

  it('refuses a signature for a draft that is gone', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    await clerk.call<SealedPacket>('drafts.seal', { id });
    expect(await codeOf(core.intake.attachSignature(id, signature()))).toBe('intake.draftSealed');
    expect(await codeOf(core.intake.attachSignature('0193a0b0-0000-7000-8000-000000000000', signature()))).toBe(
      'intake.draftNotFound',
    );
  });
});

describe('signing on paper', () => {
  it('records the clerk’s reason, logs it, replaces a screen signature, and asks for a reason', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const given = signature();
    await core.intake.attachSignature(id, given);
    const view = await clerk.call<DraftView>('drafts.signOnPaper', { id, reason: '申请人屏幕不可用' });
    expect(view.state.signature).toEqual({ onPaper: true, reason: '申请人屏幕不可用', at: expect.any(Number) });
    expect(eventsOf(dataDir, id, 'applicant.signatureOnPaper')).toEqual([
      { reason: '申请人屏幕不可用', replaced: sha256(given.png) },
    ]);
    expect((await clerk.fail('drafts.signOnPaper', { id, reason: '   ' })).code).toBe('request.invalidInput');
    expect((await clerk.fail('drafts.signature', { id })).code).toBe('signature.notGiven');
  });

  it('seals with { onPaper: true } in the manifest, no signature files, and the receipt’s line blank', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    await clerk.call('drafts.signOnPaper', { id, reason: '未连接申请人屏幕' });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });
    const manifest = manifestOf(dataDir, sealed.packetId);
    expect(manifest.applicantSignature).toEqual({ onPaper: true });
    expect(manifest.files.filter((f) => 'signature' in f)).toEqual([]);
    const receipt = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    expect(await pdfImages(receipt.bytes)).toEqual([]);
  });
});

function manifestOf(dataDir: string, packetId: string): Manifest {
  const { db } = openCoreStore(dataDir);
  const row = db
    .prepare<[string], { manifest: string }>('SELECT manifest FROM packets WHERE packet_id = ? ORDER BY version DESC')
    .get(packetId)!;
  return JSON.parse(row.manifest) as Manifest;
}

describe('sealing with the applicant’s signature', () => {
  it('carries the image and the strokes as files, their hashes in the manifest, and prints the image on the receipt', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const given = signature();
    const view = await core.intake.attachSignature(id, given);
    const strokes = (view.state.signature as { strokes: string }).strokes;

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });
    const manifest = manifestOf(dataDir, sealed.packetId);
    expect(manifest.applicantSignature).toEqual({ image: sha256(given.png), strokes });
    expect(manifest.files.filter((f) => 'signature' in f)).toEqual([
      {
        sha256: sha256(given.png),
        size: given.png.byteLength,
        mediaType: 'image/png',
        name: '申请人签名.png',
        signature: 'image',
      },
      {
        sha256: strokes,
        size: expect.any(Number),
        mediaType: 'application/json',
        name: '申请人签名笔迹.json',
        signature: 'strokes',
      },
    ]);
    // The packet's own record of its files, which the outbox and staff read.
    const { db } = openCoreStore(dataDir);
    const roles = db
      .prepare<[string], { role: string; sha256: string }>(
        "SELECT role, sha256 FROM packet_files WHERE packet_id = ? AND role = 'signature' ORDER BY name",
      )
      .all(sealed.packetId);
    expect(roles.map((r) => r.sha256).sort()).toEqual([sha256(given.png), strokes].sort());

    // The receipt (both copies) shows the signature image on the 申请人（签字） line.
    const receipt = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    expect(await pdfImages(receipt.bytes)).toEqual([{ width: 240, height: 90 }]);
    const pdf = await PDFDocument.load(receipt.bytes);
    const xObjects = pdf.getPage(0).node.Resources()?.lookup(PDFName.of('XObject'));
    expect(xObjects).toBeDefined();
    // The receipt printer's slip model goes without the image (its queue stores the model as JSON).
    const { db: store } = openCoreStore(dataDir);
    const jobs = store.prepare<[], { model: string }>('SELECT model FROM print_jobs').all();
    for (const job of jobs) expect(job.model).not.toContain('applicantSignature');
  });

  it('prints the image on the 补正 notice’s 申请人（签字） line', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const patch = completeSocialCardPatch();
    // The photo is missing: a 补正 the applicant signs for.
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: { ...patch, counts: { 'applicant-id-card': patch.counts['applicant-id-card'] } },
    });
    await addFileBytes(clerk.call, {
      id: draft.id,
      materialId: 'applicant-id-card',
      name: '身份证.png',
      bytes: pngBytes(),
    });
    await core.intake.attachSignature(draft.id, signature());
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed.outcome).toBe('correction');
    const notice = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    expect(await pdfImages(notice.bytes)).toEqual([{ width: 240, height: 90 }]);
  });

  it('keeps the receipt as before without a signature: the line blank for a hand signature', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });
    const receipt = await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 });
    expect(await pdfImages(receipt.bytes)).toEqual([]);
  });
});
