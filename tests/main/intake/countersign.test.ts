// Overrides beyond the clerk's say (主管会签) and the 补正 notice's misses (一次性告知),
// end to end in the core through the contract: real auth with real password hashing
// and lockout, real encrypted SQLite, real review, sealing and manifests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DraftView, ReviewResult, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import type { Manifest } from '../../../src-main/common/manifest.ts';
import { systemClock } from '../../../src-main/core/platform.ts';
import { AUDIT_STREAM, EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { addFileBytes } from '../../fixtures/uploads.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { STRONG, SOCIAL_CARD, clerkOn, client, completeSocialCardPatch, pngBytes } from './fixtures.ts';

const PHOTO = 'material.missing:photo';
const ID_CARD = 'material.count:applicant-id-card';
const reason = '申请人照片已由社保经办机构现场采集，无须另交。';
const WRONG = 'Wrong#Pass2026';

type Client = Awaited<ReturnType<typeof clerkOn>>;

/** A core with clerk01 signed in, a supervisor and a second clerk on record, and a draft without the photo. */
async function setUp() {
  const booted = await bootTestCore();
  await clerkOn(booted.core, 'super01', 'supervisor');
  await clerkOn(booted.core, 'clerk02', 'clerk');
  const clerk = await clerkOn(booted.core, 'clerk01');
  const patch = completeSocialCardPatch();
  const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
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
  return { ...booted, clerk, draft, patch };
}

const override = (clerk: Client, id: string, findingKey: string, text = reason) =>
  clerk.call('drafts.save', { id, patch: { overrides: [{ findingKey, reason: text }] } });

const countersign = (id: string, findingKey: string, username = 'super01', password = STRONG) => ({
  id,
  findingKey,
  username,
  password,
});

function readBack(dataDir: string) {
  const { db } = openCoreStore(dataDir);
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const log = new EventLog(db, systemClock, keys.evidenceKey);
  return {
    manifest: (packetId: string, version: number) =>
      JSON.parse(
        db
          .prepare<[string, number], { manifest: string }>(
            'SELECT manifest FROM packets WHERE packet_id = ? AND version = ?',
          )
          .get(packetId, version)!.manifest,
      ) as Manifest,
    events: (stream: string) => [...log.read(stream)],
  };
}

describe('a supervisor countersigns an override at the window', () => {
  it('refuses to seal without it, records who signed with the override in the manifest and the session log', async () => {
    const { core, dataDir, clerk, draft } = await setUp();
    await override(clerk, draft.id, PHOTO);
    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.outcome).toBe('receive');
    expect(review.awaitingCountersign).toEqual([PHOTO]);

    const refused = await clerk.fail('drafts.seal', { id: draft.id });
    expect(refused).toMatchObject({ code: 'intake.countersignRequired', params: { count: 1 } });
    expect(String(refused.params?.['items'])).toContain('近期免冠彩色证件照片');
    expect(await clerk.call<DraftView>('drafts.get', { id: draft.id })).toMatchObject({ id: draft.id });

    const signed = await clerk.call<ReviewResult>('drafts.countersign', countersign(draft.id, PHOTO));
    expect(signed.awaitingCountersign).toEqual([]);
    expect(signed.overrides[0]).toMatchObject({
      findingKey: PHOTO,
      reason,
      countersignedBy: { username: 'super01', displayName: '刘督查' },
    });
    // No session for the supervisor: the connection is still the clerk's.
    expect(await clerk.call('auth.session')).toMatchObject({ user: { username: 'clerk01' } });

    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(sealed.outcome).toBe('receive');
    await core.close();
    const store = readBack(dataDir);
    const manifest = store.manifest(sealed.packetId, 1);
    expect(manifest.review.overrides).toEqual([
      expect.objectContaining({
        findingKey: PHOTO,
        reason,
        countersignedBy: { username: 'super01', displayName: '刘督查', at: expect.any(String) },
      }),
    ]);
    const session = store.events(`session:${draft.id}`);
    expect(session.find((e) => e.kind === 'intake.countersigned')).toMatchObject({
      actor: 'clerk01',
      payload: { findingKey: PHOTO, reason, supervisor: 'super01', missedInNotice: false },
    });
    expect(session.at(-1)?.payload['overrides']).toEqual([{ findingKey: PHOTO, reason, countersignedBy: 'super01' }]);
    expect(store.events(AUDIT_STREAM).some((e) => e.kind === 'auth.countersigned' && e.actor === 'super01')).toBe(true);
  });

  it('holds only for the reason it signed: a changed reason waits for a new countersign', async () => {
    const { clerk, draft } = await setUp();
    await override(clerk, draft.id, PHOTO);
    await clerk.call('drafts.countersign', countersign(draft.id, PHOTO));
    await override(clerk, draft.id, PHOTO, `${reason}已核对采集记录。`);
    const review = await clerk.call<ReviewResult>('drafts.review', { id: draft.id });
    expect(review.awaitingCountersign).toEqual([PHOTO]);
    expect(await clerk.fail('drafts.seal', { id: draft.id })).toMatchObject({ code: 'intake.countersignRequired' });
  });

  it('is refused, with a Chinese message and the draft unchanged, for a wrong password, a clerk, or the clerk himself', async () => {
    const { clerk, draft } = await setUp();
    await override(clerk, draft.id, PHOTO);
    const before = await clerk.call<DraftView>('drafts.get', { id: draft.id });

    for (const [username, password, code] of [
      ['super01', WRONG, 'auth.invalidCredentials'],
      ['nobody', STRONG, 'auth.invalidCredentials'],
      ['clerk02', STRONG, 'auth.notSupervisor'],
      ['clerk01', STRONG, 'auth.countersignSelf'],
    ] as const) {
      const error = await clerk.fail('drafts.countersign', countersign(draft.id, PHOTO, username, password));
      expect(error.code, username).toBe(code);
      // Its own message from the catalog, not the fallback that names the code.
      expect(errorMessage(error.code, error.params)).not.toContain(error.code);
    }
    expect(await clerk.call<DraftView>('drafts.get', { id: draft.id })).toEqual(before);
    expect((await clerk.call<ReviewResult>('drafts.review', { id: draft.id })).awaitingCountersign).toEqual([PHOTO]);
  });

  it('counts wrong passwords toward the supervisor’s lockout, as a sign-in does', async () => {
    const { core, clerk, draft } = await setUp();
    await override(clerk, draft.id, PHOTO);
    for (let i = 0; i < 5; i++) {
      await clerk.fail('drafts.countersign', countersign(draft.id, PHOTO, 'super01', WRONG));
    }
    // Locked now: the right password is refused the same way, here and at the sign-in screen.
    expect(await clerk.fail('drafts.countersign', countersign(draft.id, PHOTO))).toMatchObject({
      code: 'auth.invalidCredentials',
    });
    const door = client(core.openConnection(() => undefined));
    expect(await door.fail('auth.login', { username: 'super01', password: STRONG })).toMatchObject({
      code: 'auth.invalidCredentials',
    });
  });

  it('is refused for a finding that needs none', async () => {
    const { clerk, draft } = await setUp();
    expect(await clerk.fail('drafts.countersign', countersign(draft.id, PHOTO))).toMatchObject({
      code: 'intake.countersignNotNeeded',
    });
    expect(await clerk.fail('drafts.countersign', countersign(draft.id, 'field.phone:phone'))).toMatchObject({
      code: 'intake.countersignNotNeeded',
    });
  });

  it('is the clerk’s to ask for: a supervisor’s own connection cannot call it', async () => {
    const { core, draft } = await setUp();
    const supervisor = await clerkOn(core, 'super01', 'supervisor');
    expect(await supervisor.fail('drafts.countersign', countersign(draft.id, PHOTO))).toMatchObject({
      code: 'auth.forbidden',
    });
  });
});

describe('a 补正 resubmission', () => {
  it('carries what version 1 checked, shows which notice items are supplied, and flags what its notice missed', async () => {
    const { core, dataDir, clerk, draft, patch } = await setUp();
    // Version 1: no photo (on the notice), and the ID card's original not handed over — set aside.
    await clerk.call('drafts.save', {
      id: draft.id,
      patch: { counts: { 'applicant-id-card': { original: 0, copy: 0, electronic: 1 } } },
    });
    await override(clerk, draft.id, ID_CARD);
    await clerk.call('drafts.countersign', countersign(draft.id, ID_CARD));
    const v1 = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    expect(v1.outcome).toBe('correction');

    const second = await clerk.call<DraftView>('drafts.supplement', { packetId: v1.packetId });
    // The clerk's confirmations, counts and scans of version 1 come along; its overrides do not.
    expect(second.state.conditions).toEqual(patch.conditions);
    expect(second.state.counts['applicant-id-card']).toEqual({ original: 0, copy: 0, electronic: 1 });
    expect(second.files.map((f) => f.materialId)).toEqual(['applicant-id-card']);
    expect(second.state.overrides).toEqual([]);
    expect(second.state.countersigns ?? []).toEqual([]);

    await clerk.call('drafts.save', { id: second.id, patch: { counts: { photo: patch.counts.photo } } });
    await addFileBytes(clerk.call, {
      id: second.id,
      materialId: 'photo',
      name: '照片.png',
      bytes: pngBytes(12, 14, 30),
    });
    const review = await clerk.call<ReviewResult>('drafts.review', { id: second.id });
    expect(review.supplement).toEqual({
      previousVersion: 1,
      items: [expect.objectContaining({ findingKey: PHOTO, status: 'supplied' })],
    });
    const missed = review.findings.find((f) => f.key === ID_CARD);
    expect(missed).toMatchObject({ missedInNotice: true });
    expect(review.awaitingCountersign).toEqual([ID_CARD]);
    expect(await clerk.fail('drafts.seal', { id: second.id })).toMatchObject({ code: 'intake.countersignRequired' });

    // Set aside again, and a supervisor confirms the window's miss.
    await override(clerk, second.id, ID_CARD);
    await clerk.call('drafts.countersign', countersign(second.id, ID_CARD));
    const v2 = await clerk.call<SealedPacket>('drafts.seal', { id: second.id });
    expect(v2).toMatchObject({ version: 2, outcome: 'receive' });

    await core.close();
    const store = readBack(dataDir);
    const first = store.manifest(v1.packetId, 1);
    expect(first.conditions).toEqual(patch.conditions);
    expect(first.review.correctionItems?.map((i) => i.findingKey)).toEqual([PHOTO]);
    const manifest = store.manifest(v1.packetId, 2);
    expect(manifest.review.findings.find((f) => f.key === ID_CARD)).toMatchObject({
      missedInNotice: true,
      overridden: true,
      countersignedBy: { username: 'super01' },
    });
    const sealedEvent = store.events(`session:${second.id}`).at(-1)!;
    expect(sealedEvent.kind).toBe('intake.sealed');
    expect(sealedEvent.payload['missedInNotice']).toEqual([{ findingKey: ID_CARD, countersignedBy: 'super01' }]);
  });

  it('does not flag a problem new in the resubmission', async () => {
    const { clerk, draft } = await setUp();
    const v1 = await clerk.call<SealedPacket>('drafts.seal', { id: draft.id });
    const second = await clerk.call<DraftView>('drafts.supplement', { packetId: v1.packetId });
    await clerk.call('drafts.save', {
      id: second.id,
      patch: { counts: { 'applicant-id-card': { original: 0, copy: 0, electronic: 1 } } },
    });
    const review = await clerk.call<ReviewResult>('drafts.review', { id: second.id });
    expect(review.findings.find((f) => f.key === ID_CARD)?.missedInNotice).toBeUndefined();
    expect(review.awaitingCountersign).toEqual([]);
    expect(review.supplement?.items).toEqual([expect.objectContaining({ findingKey: PHOTO, status: 'open' })]);
  });
});
