// The clerk's intake end to end in the core: real seed catalog, real encrypted
// SQLite and blob files, real review and real PDF notices.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, PacketSummary, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { demoConfig } from '../../../src-main/common/hall-config.ts';
import { pdfText } from '../../fixtures/pdf.ts';
import { bootTestCore, openCoreStore, tempDir, TestClock } from '../helpers.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { SOCIAL_CARD, clerkOn, completeSocialCardPatch, pngBytes } from './fixtures.ts';
import { addFileBytes, uploadBytes } from '../../fixtures/uploads.ts';

describe('intake', () => {
  it('finds items by pinyin initials, name and code', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const byPinyin = await clerk.call<{ hits: Array<{ code: string; name: string }> }>('catalog.search', {
      query: 'sbk',
    });
    expect(byPinyin.hits[0]).toMatchObject({ code: SOCIAL_CARD, name: '社会保障卡申领' });
    const byName = await clerk.call<{ hits: Array<{ code: string }> }>('catalog.search', { query: '夫妻投靠' });
    expect(byName.hits[0]?.code).toBe('KSTB-GA-0004');
    const byCode = await clerk.call<{ hits: Array<{ code: string }> }>('catalog.search', { query: 'KSTB-GJJ-0001' });
    expect(byCode.hits[0]?.code).toBe('KSTB-GJJ-0001');
  });

  it('autosaves every change; after a restart the clerk resumes at the same step with the same values', async () => {
    const dataDir = tempDir();
    const first = await bootTestCore({ dataDir });
    const clerk = await clerkOn(first.core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    expect(draft).toMatchObject({ itemName: '社会保障卡申领', step: 'applicant' });
    await clerk.call('drafts.save', { id: draft.id, patch: { step: 'form', answers: { phone: '1381234' } } });
    await first.core.close(); // as after a power cut: nothing else is written

    const second = await bootTestCore({ dataDir });
    const again = await clerkOn(second.core);
    const { drafts } = await again.call<{ drafts: DraftView[] }>('drafts.list');
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ id: draft.id, step: 'form', state: { answers: { phone: '1381234' } } });
  });

  it('takes only images and PDFs, and keeps everything else in the draft when it refuses a file', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    await clerk.call('drafts.save', { id: draft.id, patch: { answers: { phone: '13812345678' } } });

    const withPng = await addFileBytes<DraftView>(clerk.call, {
      id: draft.id,
      materialId: 'photo',
      name: '照片.png',
      bytes: pngBytes(),
    });
    expect(withPng.files).toEqual([
      expect.objectContaining({ materialId: 'photo', mediaType: 'image/png', name: '照片.png' }),
    ]);

    const error = await clerk.fail('drafts.addFile', {
      id: draft.id,
      materialId: 'photo',
      uploadId: await uploadBytes(clerk.call, draft.id, '说明.txt', new TextEncoder().encode('这不是图片')),
    });
    expect(error).toMatchObject({ code: 'intake.unsupportedFile', params: { name: '说明.txt' } });
    const after = await clerk.call<DraftView>('drafts.get', { id: draft.id });
    expect(after.files).toHaveLength(1);
    expect(after.state.answers.phone).toBe('13812345678');

    const content = await clerk.call<{ bytes: Uint8Array; mediaType: string }>('drafts.fileContent', {
      id: draft.id,
      sha256: withPng.files[0]!.sha256,
    });
    expect(Buffer.from(content.bytes).equals(Buffer.from(pngBytes()))).toBe(true);
  });

  it('keeps drafts to the clerk who made them', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core, 'clerk01');
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const other = await clerkOn(core, 'clerk02');
    expect(await other.fail('drafts.get', { id: draft.id })).toMatchObject({ code: 'intake.draftNotFound' });
    expect((await other.call<{ drafts: DraftView[] }>('drafts.list')).drafts).toEqual([]);
  });

  it('says so for an item code the catalog does not have', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    expect(await clerk.fail('drafts.create', { itemCode: 'KSTB-XX-9999' })).toMatchObject({
      code: 'catalog.itemNotFound',
      params: { code: 'KSTB-XX-9999' },
    });
  });

  it('seals a complete application as 收件: an immutable packet with the receipt, and no 受理通知书 in the window’s name', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
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
    expect(review.findings.filter((f) => f.severity === 'blocking')).toEqual([]);
    expect(review.outcome).toBe('receive');

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed).toMatchObject({ packetId: draft.id, version: 1, outcome: 'receive', state: 'sealed' });
    // 收受分离: 受理 is the department's; the seed's departments entrust no window.
    expect(sealed.documents.map((d) => d.kind)).toEqual(['receipt']);
    expect(sealed.deadline).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The draft is gone; the packet is in today's queue.
    expect((await clerk.call<{ drafts: DraftView[] }>('drafts.list')).drafts).toEqual([]);
    const { packets } = await clerk.call<{ packets: PacketSummary[] }>('packets.list', { scope: 'today' });
    expect(packets).toEqual([
      expect.objectContaining({ packetId: draft.id, applicantName: '李小梅', state: 'sealed' }),
    ]);
    // Weeks of working days ahead: no warning yet (the count itself is in deadline-status.test.ts).
    expect(packets[0]!.deadlineStatus).toEqual({ kind: 'ok' });

    // The notices are real PDFs with the fields filled in.
    const receipt = await clerk.call<{ bytes: Uint8Array; mediaType: string }>('documents.get', {
      sha256: sealed.documents[0]!.sha256,
    });
    expect(receipt.mediaType).toBe('application/pdf');
    const text = await pdfText(receipt.bytes);
    expect(text).toContain('李小梅');
    expect(text).toContain('社会保障卡申领');
    expect(text).toContain(sealed.documents[0]!.number);
    expect(text).toContain('申请人居民身份证');
    expect(text.replace(/\s/g, '')).not.toContain('现予受理');

    // Sealed means sealed: the database refuses changes, and the session chain verifies.
    const { openDatabase } = await import('../../../src-main/store/database.ts');
    const { deriveStoreKeys } = await import('../../../src-main/store/keys.ts');
    const { readFileSync } = await import('node:fs');
    await core.close();
    const storeKeys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const db = openDatabase({
      file: join(dataDir, 'db', 'tongban.db'),
      key: storeKeys.databaseKey,
      backupDir: tempDir(),
    });
    expect(() => db.prepare("UPDATE packets SET applicant_name = 'x'").run()).toThrow(/never changes/);
    expect(() => db.prepare('DELETE FROM packet_files').run()).toThrow(/never changes/);
    const { EventLog } = await import('../../../src-main/recording/event-log.ts');
    const { systemClock } = await import('../../../src-main/core/platform.ts');
    const log = new EventLog(db, systemClock, storeKeys.evidenceKey);
    expect(log.verify(`session:${draft.id}`)).toMatchObject({ ok: true });
    const kinds = [...log.read(`session:${draft.id}`)].map((e) => e.kind);
    expect(kinds[0]).toBe('intake.started');
    // The session's last act at the counter is the seal; the demo's printer may have logged the receipt since.
    expect(kinds.filter((k) => k.startsWith('intake.')).at(-1)).toBe('intake.sealed');
    expect(kinds.filter((k) => k === 'intake.materialAdded')).toHaveLength(2);
    db.close();
  });

  it('issues a one-time 补正 notice listing what the applicant must bring, then takes the resubmission as version 2', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const patch = completeSocialCardPatch();
    // The photo is missing, the ID card is counted but not scanned yet, and the clerk typed the phone wrong.
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: {
        ...patch,
        answers: { ...patch.answers, phone: '12345' },
        counts: { 'applicant-id-card': patch.counts['applicant-id-card'] },
      },
    });

    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.outcome).toBe('correction');
    expect(review.correction!.items.map((i) => i.findingKey)).toEqual(['material.missing:photo']);
    expect(review.windowFixes).toEqual(['material.scan:applicant-id-card', 'field.phone:phone']);
    // The window's slips hold the seal back, with what to fix in Chinese; nothing is sealed or numbered.
    const refused = await clerk.fail('drafts.seal', { id: draft.id });
    expect(refused).toMatchObject({ code: 'intake.fixAtWindow', params: { count: 2 } });
    expect(String(refused.params?.['items'])).toMatch(/联系电话/);
    expect(await clerk.call<DraftView>('drafts.get', { id: draft.id })).toMatchObject({ id: draft.id });

    // The clerk scans the card and corrects the phone: what is left is the applicant's.
    await addFileBytes(clerk.call, { id: draft.id, materialId: 'applicant-id-card', name: '身份证.png', bytes: pngBytes() });
    await clerk.call('drafts.save', { id: draft.id, patch: { answers: { phone: '13812345678' } } });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed).toMatchObject({ outcome: 'correction', state: 'correction_issued' });
    expect(sealed.documents.map((d) => d.kind)).toEqual(['correction']);
    const notice = await pdfText((await clerk.call<{ bytes: Uint8Array }>('documents.get', { sha256: sealed.documents[0]!.sha256 })).bytes);
    const flat = notice.replace(/\s/g, '');
    expect(notice).toContain('补正');
    expect(flat).toContain('《近期免冠彩色证件照片》');
    expect(flat).toContain('逾期');
    expect(flat).toContain('存在的问题（共1项）');
    // Scanning is the window's job; the clerk's typing is not the applicant's to correct.
    expect(flat).not.toContain('电子件');
    expect(flat).not.toContain('电话号码');

    // The applicant comes back with what was missing.
    const second = await clerk.call<DraftView>('drafts.supplement', { packetId: sealed.packetId });
    expect(second.previous).toEqual({ packetId: sealed.packetId, version: 1 });
    expect(second.files).toHaveLength(1); // the ID card scan handed in the first time
    // The conditions the clerk confirmed for version 1 carry over; the counts are brought up to date.
    expect(second.state.conditions).toEqual(patch.conditions);
    await clerk.call('drafts.save', { id: second.id, patch: { counts: patch.counts } });
    await addFileBytes(clerk.call, { id: second.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 30) });
    const resealed = await clerk.call<SealedPacket>('drafts.seal', { id: second.id });
    expect(resealed).toMatchObject({ packetId: sealed.packetId, version: 2, outcome: 'receive', state: 'sealed' });
  });

  it('does not receive what the window does not serve: no packet, no notice in its name, the draft kept', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    // A home region no route of the item serves.
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: { ...completeSocialCardPatch(), homeRegionCode: '710101' },
    });

    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.outcome).toBe('decline');
    expect(review.decline?.reasons.join('')).toContain('本窗口不收件');
    const refused = await clerk.fail('drafts.seal', { id: draft.id });
    expect(refused).toMatchObject({
      code: 'intake.notReceivable',
      params: { reasons: expect.stringContaining('710101') },
    });
    expect((await clerk.call<DraftView>('drafts.get', { id: draft.id })).id).toBe(draft.id);
    expect((await clerk.call<{ packets: PacketSummary[] }>('packets.list', { scope: 'all' })).packets).toEqual([]);
  });

  it('seals one 补正 resubmission per version: a second draft for the same version is refused and stays a draft', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    // Everything but the applicant's photo.
    const patch = completeSocialCardPatch();
    await clerk.call('drafts.save', { id: draft.id, patch: { ...patch, counts: { 'applicant-id-card': patch.counts['applicant-id-card'] } } });
    await addFileBytes(clerk.call, { id: draft.id, materialId: 'applicant-id-card', name: '身份证.png', bytes: pngBytes() });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed.outcome).toBe('correction');
    // Two resubmissions begun for version 2 (two tabs, or a second press of 补正续办).
    const first = await clerk.call<DraftView>('drafts.supplement', { packetId: sealed.packetId });
    const second = await clerk.call<DraftView>('drafts.supplement', { packetId: sealed.packetId });
    for (const resubmission of [first, second]) {
      await clerk.call('drafts.save', { id: resubmission.id, patch: { conditions: patch.conditions } });
    }
    expect(await clerk.call<SealedPacket>('drafts.seal', { id: first.id })).toMatchObject({ version: 2 });
    expect(await clerk.fail('drafts.seal', { id: second.id })).toMatchObject({ code: 'intake.notCorrectable' });
    expect(await clerk.call<DraftView>('drafts.get', { id: second.id })).toMatchObject({ previous: { version: 1 } });
    const { packets } = await clerk.call<{ packets: PacketSummary[] }>('packets.list', { scope: 'all' });
    expect(packets.filter((p) => p.packetId === sealed.packetId).map((p) => p.version)).toEqual([2, 1]);
  });

  it('a 补正 answered after its last day needs the clerk’s reason, which the resubmission carries to the department', async () => {
    const clock = new TestClock();
    const { core, dataDir } = await bootTestCore({ clock });
    let clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const patch = completeSocialCardPatch();
    await clerk.call('drafts.save', { id: draft.id, patch: { ...patch, counts: { 'applicant-id-card': patch.counts['applicant-id-card'] } } });
    await addFileBytes(clerk.call, { id: draft.id, materialId: 'applicant-id-card', name: '身份证.png', bytes: pngBytes() });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed.outcome).toBe('correction');
    const due = sealed.deadline!;

    // Three weeks later the 补正 has lapsed (视为放弃): going on is a decision, not a click.
    clock.advance(21 * 86_400_000);
    clerk = await clerkOn(core);
    expect(await clerk.fail('drafts.supplement', { packetId: sealed.packetId })).toMatchObject({
      code: 'intake.supplementLate',
      params: { due },
    });
    expect(await clerk.fail('drafts.supplement', { packetId: sealed.packetId, late: { reason: ' 同意 ' } })).toMatchObject({
      code: 'review.overrideReasonTooShort',
    });
    const reason = '申请人住院治疗未能按期补正，经科长同意继续办理';
    const late = await clerk.call<DraftView>('drafts.supplement', { packetId: sealed.packetId, late: { reason } });
    expect(late.state.lateSupplement).toEqual({ due, reason });
    // The clerk cannot write it himself: a save carrying it is refused as an unknown key.
    expect(
      (await clerk.raw('drafts.save', { id: late.id, patch: { lateSupplement: { due, reason: 'x' } } })) as { ok: boolean },
    ).toMatchObject({ ok: false });

    await clerk.call('drafts.save', { id: late.id, patch: { counts: patch.counts, conditions: patch.conditions } });
    await addFileBytes(clerk.call, { id: late.id, materialId: 'photo', name: '照片.png', bytes: pngBytes(12, 14, 30) });
    const resealed = await clerk.call<SealedPacket>('drafts.seal', { id: late.id });
    expect(resealed).toMatchObject({ version: 2, outcome: 'receive' });
    const { db } = openCoreStore(dataDir);
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 2)!;
    expect(manifest.lateSupplement).toEqual({ due, reason });
    expect(new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 1)!.lateSupplement).toBeUndefined();
  });
});

describe('what the clerk types', () => {
  it('keeps a lowercase x of an ID number as X, in the identity and in ID-number answers', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const patch = completeSocialCardPatch();
    const lower = '11010519491231002x';
    const saved = await clerk.call<DraftView>('drafts.save', {
      id: draft.id,
      patch: { applicant: { ...patch.applicant, idNumber: lower }, answers: { applicantIdNumber: lower } },
    });
    expect(saved.state.applicant.idNumber).toBe('11010519491231002X');
    expect(saved.state.answers['applicantIdNumber']).toBe('11010519491231002X');
    expect((await clerk.call<DraftView>('drafts.get', { id: draft.id })).state.applicant.idNumber).toBe(
      '11010519491231002X',
    );
  });
});

describe('draft limits', () => {
  it('refuses a file that would take the draft past intake.maxDraftBytes, naming the file and the limit', async () => {
    const dataDir = tempDir();
    writeFileSync(
      join(dataDir, 'config.json'),
      JSON.stringify({ ...demoConfig(), intake: { maxDraftBytes: 2 ** 20 } }),
    );
    const { core } = await bootTestCore({ dataDir });
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const file = () => Buffer.concat([Buffer.from(pngBytes()), randomBytes(600 * 1024)]);
    await addFileBytes(clerk.call, { id: draft.id, materialId: 'photo', name: '照片.png', bytes: file() });
    const error = await clerk.fail('drafts.addFile', {
      id: draft.id,
      materialId: 'applicant-id-card',
      uploadId: await uploadBytes(clerk.call, draft.id, '身份证.png', file()),
    });
    expect(error).toMatchObject({ code: 'intake.draftTooLarge', params: { name: '身份证.png', limitMB: 1 } });
    const after = await clerk.call<DraftView>('drafts.get', { id: draft.id });
    expect(after.files.map((f) => f.name)).toEqual(['照片.png']);
  });

  it('caps the keys of answers and conditions (counts alike), also when patches add up', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const answers = (from: number, n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`field${from + i}`, 'x']));
    expect(await clerk.fail('drafts.save', { id: draft.id, patch: { answers: answers(0, 201) } })).toMatchObject({
      code: 'request.invalidInput',
    });
    expect(
      await clerk.fail('drafts.save', {
        id: draft.id,
        patch: { conditions: Object.fromEntries(Array.from({ length: 201 }, (_, i) => [`c${i}`, 'met'])) },
      }),
    ).toMatchObject({ code: 'request.invalidInput' });
    await clerk.call('drafts.save', { id: draft.id, patch: { answers: answers(0, 150) } });
    const error = await clerk.fail('drafts.save', { id: draft.id, patch: { answers: answers(150, 100) } });
    expect(error).toMatchObject({ code: 'request.invalidInput', params: { fields: 'answers' } });
    const after = await clerk.call<DraftView>('drafts.get', { id: draft.id });
    expect(Object.keys(after.state.answers)).toHaveLength(150);
  });
});
