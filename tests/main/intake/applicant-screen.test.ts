// The applicant screen (申请人屏) end to end in a real core, through the contract: pairing
// by code, the applicant connection's narrow access, consent and confirmation recorded in
// the draft and the session log, a confirmation voided by a later change, the clerk's
// waiver, the screen lost mid-session, and sealing with the confirmation in the manifest.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventMessage } from '../../../src-main/api/wire.ts';
import type { DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import {
  type ApplicantScreen,
  type ApplicantStatus,
  PAIRING_CODE_TTL_MS,
  viewHashOf,
} from '../../../src-main/common/applicant.ts';
import { errorMessage } from '../../../src-main/common/i18n/index.ts';
import type { Manifest } from '../../../src-main/common/manifest.ts';
import type { HallCore } from '../../../src-main/core/hall-core.ts';
import { systemClock } from '../../../src-main/core/platform.ts';
import { sessionStream } from '../../../src-main/intake/intake-service.ts';
import { AUDIT_STREAM, EventLog } from '../../../src-main/recording/event-log.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { STRONG, clerkOn, client, readyDraft } from './fixtures.ts';

/** A connection that keeps the events the core sends it. */
function listening(core: HallCore) {
  const events: EventMessage[] = [];
  const connection = core.openConnection((event) => events.push(event));
  const of = <T>(name: string) => events.filter((e) => e.name === name).map((e) => e.payload as T);
  return { ...client(connection), connection, events, of };
}

/** Pairs a new connection as the applicant screen with a code the clerk asked for. */
async function pairScreen(core: HallCore, clerk: Awaited<ReturnType<typeof clerkOn>>) {
  const { code } = await clerk.call<{ code: string }>('applicant.pairingCode');
  const redeemed = core.applicantPairing.redeem(code);
  if (!redeemed.ok) throw new Error(`pairing refused: ${redeemed.refused}`);
  const screen = listening(core);
  const attached = await screen.call<{ ticket: string; screen: ApplicantScreen }>('applicant.attach', {
    ticket: redeemed.ticket,
  });
  return { screen, ticket: attached.ticket, first: attached.screen };
}

function readBack(dataDir: string) {
  const { db } = openCoreStore(dataDir);
  const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
  const log = new EventLog(db, systemClock, keys.evidenceKey);
  return {
    manifest: (packetId: string) =>
      JSON.parse(
        db.prepare<[string], { manifest: string }>('SELECT manifest FROM packets WHERE packet_id = ?').get(packetId)!
          .manifest,
      ) as Manifest,
    kinds: (stream: string) => [...log.read(stream)].map((e) => e.kind),
    events: (stream: string) => [...log.read(stream)],
  };
}

async function setUp() {
  const booted = await bootTestCore();
  const clerk = await clerkOn(booted.core);
  const draftId = await readyDraft(clerk);
  return { ...booted, clerk, draftId };
}

describe('pairing the applicant screen', () => {
  it('takes a code once, within its two minutes, and voids it after five wrong tries or a newer code', async () => {
    const { core, clerk, clock } = await setUp();
    const pairing = core.applicantPairing;
    const { code } = await clerk.call<{ code: string; expiresAt: number }>('applicant.pairingCode');
    expect(code).toMatch(/^\d{6}$/);
    const wrong = code === '000000' ? '000001' : '000000';
    expect(pairing.redeem(wrong)).toEqual({ ok: false, refused: 'wrong' });
    expect(pairing.redeem(code)).toMatchObject({ ok: true });
    expect(pairing.redeem(code)).toEqual({ ok: false, refused: 'used' });

    const second = (await clerk.call<{ code: string }>('applicant.pairingCode')).code;
    const third = (await clerk.call<{ code: string }>('applicant.pairingCode')).code;
    if (second !== third) expect(pairing.redeem(second)).toEqual({ ok: false, refused: 'wrong' });
    clock.advance(PAIRING_CODE_TTL_MS);
    expect(pairing.redeem(third)).toEqual({ ok: false, refused: 'expired' });

    const fourth = (await clerk.call<{ code: string }>('applicant.pairingCode')).code;
    const other = fourth === '123456' ? '654321' : '123456';
    for (let i = 0; i < 4; i++) expect(pairing.redeem(other)).toEqual({ ok: false, refused: 'wrong' });
    expect(pairing.redeem(other)).toEqual({ ok: false, refused: 'voided' });
    expect(pairing.redeem(fourth)).toEqual({ ok: false, refused: 'voided' });
  });

  it('resumes a reloaded page with the ticket its last attach gave, once; an old ticket is refused', async () => {
    const { core, clerk } = await setUp();
    const { screen, ticket, first } = await pairScreen(core, clerk);
    expect(first).toMatchObject({ stage: 'idle', windowName: core.info.windowName });
    screen.connection.close();
    expect((await clerk.call<ApplicantStatus>('applicant.status')).lost).toBe(true);

    const reloaded = listening(core);
    const again = await reloaded.call<{ ticket: string }>('applicant.attach', { ticket });
    expect(again.ticket).not.toBe(ticket);
    expect(await clerk.call<ApplicantStatus>('applicant.status')).toMatchObject({ paired: true, lost: false });
    const stale = await listening(core).fail('applicant.attach', { ticket });
    expect(stale.code).toBe('applicant.ticketRefused');
    expect(errorMessage(stale.code)).toContain('配对码');
  });

  it('keeps one screen: a newer pairing supersedes the older page, whose calls and close change nothing', async () => {
    const { core, clerk } = await setUp();
    const older = await pairScreen(core, clerk);
    const newer = await pairScreen(core, clerk);
    expect((await older.screen.fail('applicant.screen')).code).toBe('applicant.ticketRefused');
    older.screen.connection.close();
    expect(await clerk.call<ApplicantStatus>('applicant.status')).toMatchObject({ paired: true, lost: false });
    await newer.screen.call('applicant.screen');
  });
});

describe('who may call what', () => {
  it('an applicant connection calls its own methods and app.info, nothing of staff; staff call none of its', async () => {
    const { core, clerk } = await setUp();
    const { screen } = await pairScreen(core, clerk);
    await screen.call('app.info');
    await screen.call('applicant.screen');
    for (const [method, input] of [
      ['auth.login', { username: 'clerk01', password: 'whatever-it-is' }],
      ['auth.session', {}],
      ['drafts.list', {}],
      ['applicant.pairingCode', {}],
    ] as const) {
      expect((await screen.fail(method, input)).code, method).toBe('applicant.notApplicant');
    }
    expect((await clerk.fail('applicant.consent', { granted: true })).code).toBe('applicant.notApplicant');
    expect((await clerk.fail('applicant.screen')).code).toBe('applicant.notApplicant');
    // A signed-in clerk's connection cannot turn itself into the applicant screen.
    const { code } = await clerk.call<{ code: string }>('applicant.pairingCode');
    const redeemed = core.applicantPairing.redeem(code);
    if (!redeemed.ok) throw new Error('refused');
    expect((await clerk.fail('applicant.attach', { ticket: redeemed.ticket })).code).toBe('applicant.notApplicant');
    // An anonymous connection calls no applicant method before it attaches.
    expect((await listening(core).fail('applicant.screen')).code).toBe('applicant.notApplicant');
  });
});

describe('consent and confirmation on the applicant screen', () => {
  it('records the consent, shows the view to check, and seals what the applicant confirmed', async () => {
    const { core, clerk, draftId, dataDir } = await setUp();
    const { screen } = await pairScreen(core, clerk);

    await clerk.call('applicant.askConsent', { draftId });
    const consentScreen = screen.of<ApplicantScreen>('applicant.screen').at(-1)!;
    expect(consentScreen).toMatchObject({ stage: 'consent', notice: { retentionDays: 0 } });
    await screen.call('applicant.consent', { granted: false });
    const status = await clerk.call<ApplicantStatus>('applicant.status');
    expect(status.answer).toMatchObject({ kind: 'consent', granted: false, draftId });
    const draft = await clerk.call<DraftView>('drafts.get', { id: draftId });
    expect(draft.state.faceConsent).toMatchObject({ granted: false });

    await clerk.call('applicant.showForConfirmation', { draftId });
    const shown = screen.of<ApplicantScreen>('applicant.screen').at(-1)!;
    if (shown.stage !== 'confirm') throw new Error(`stage ${shown.stage}`);
    expect(shown.view.item.name).toBe(draft.itemName);
    expect(shown.view.identity[0]!.idNumber).toContain('*');
    expect(shown.view.identity[0]!.idNumber).not.toBe(draft.state.applicant.idNumber);
    expect(shown.view.materials.length).toBeGreaterThan(0);
    expect(shown.viewHash).toBe(viewHashOf(shown.view));

    await screen.call('applicant.confirm', { viewHash: shown.viewHash });
    expect((await clerk.call<ApplicantStatus>('applicant.status')).answer).toMatchObject({ kind: 'confirmed' });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draftId });

    const back = readBack(dataDir);
    expect(back.manifest(sealed.packetId).applicantConfirmation).toEqual({
      at: expect.any(String),
      viewHash: shown.viewHash,
    });
    const kinds = back.kinds(sessionStream(draftId));
    expect(kinds).toEqual(expect.arrayContaining(['applicant.consent', 'applicant.confirmed', 'intake.sealed']));
    expect(back.kinds(AUDIT_STREAM)).toContain('applicant.paired');
  });

  it('refuses a seal once the draft changed after the applicant confirmed, until they confirm again', async () => {
    const { core, clerk, draftId } = await setUp();
    const { screen } = await pairScreen(core, clerk);
    const notPaired = await clerk.fail('drafts.seal', { id: draftId });
    expect(notPaired.code).toBe('intake.notConfirmed');
    expect(errorMessage(notPaired.code)).toContain('申请人屏幕');

    await clerk.call('applicant.showForConfirmation', { draftId });
    const first = screen.of<ApplicantScreen>('applicant.screen').at(-1)! as Extract<
      ApplicantScreen,
      { stage: 'confirm' }
    >;
    await screen.call('applicant.confirm', { viewHash: first.viewHash });
    await clerk.call('drafts.save', { id: draftId, patch: { answers: { phone: '13900139000' } } });
    expect((await clerk.fail('drafts.seal', { id: draftId })).code).toBe('intake.notConfirmed');

    await clerk.call('applicant.showForConfirmation', { draftId });
    const second = screen.of<ApplicantScreen>('applicant.screen').at(-1)! as Extract<
      ApplicantScreen,
      { stage: 'confirm' }
    >;
    expect(second.viewHash).not.toBe(first.viewHash);
    await screen.call('applicant.confirm', { viewHash: second.viewHash });
    await clerk.call<SealedPacket>('drafts.seal', { id: draftId });
  });

  it('shows the new view when the clerk changed the draft while the applicant was reading', async () => {
    const { core, clerk, draftId } = await setUp();
    const { screen } = await pairScreen(core, clerk);
    await clerk.call('applicant.showForConfirmation', { draftId });
    const shown = screen.of<ApplicantScreen>('applicant.screen').at(-1)! as Extract<
      ApplicantScreen,
      { stage: 'confirm' }
    >;
    await clerk.call('drafts.save', { id: draftId, patch: { answers: { phone: '13900139000' } } });
    const refused = await screen.fail('applicant.confirm', { viewHash: shown.viewHash });
    expect(refused.code).toBe('applicant.viewChanged');
    const fresh = screen.of<ApplicantScreen>('applicant.screen').at(-1)! as Extract<
      ApplicantScreen,
      { stage: 'confirm' }
    >;
    expect(fresh.viewHash).not.toBe(shown.viewHash);
    expect(fresh.view.answers.some((a) => a.value === '13900139000')).toBe(true);
    // A hash of a view never shown is refused as well.
    expect((await screen.fail('applicant.confirm', { viewHash: shown.viewHash })).code).toBe('applicant.viewChanged');
  });

  it('tells the clerk what the applicant wants corrected, and logs it', async () => {
    const { core, clerk, draftId, dataDir } = await setUp();
    const { screen } = await pairScreen(core, clerk);
    await clerk.call('applicant.showForConfirmation', { draftId });
    await screen.call('applicant.requestCorrection', { note: '电话号码写错了' });
    expect((await clerk.call<ApplicantStatus>('applicant.status')).answer).toMatchObject({
      kind: 'correctionRequested',
      note: '电话号码写错了',
    });
    // Answered: the screen no longer asks, and a late confirm is refused.
    expect((await screen.fail('applicant.confirm', { viewHash: 'a'.repeat(64) })).code).toBe('applicant.wrongStage');
    expect((await clerk.fail('drafts.seal', { id: draftId })).code).toBe('intake.notConfirmed');
    expect(readBack(dataDir).kinds(sessionStream(draftId))).toContain('applicant.correctionRequested');
  });
});

describe('when no confirmation is possible', () => {
  it('seals without any applicant screen as before (none was ever paired)', async () => {
    const { clerk, draftId } = await setUp();
    expect((await clerk.call<ApplicantStatus>('applicant.status')).confirmationRequired).toBe(false);
    await clerk.call<SealedPacket>('drafts.seal', { id: draftId });
  });

  it('tells the clerk at once that the screen was lost mid-session; the clerk waives with a reason and seals', async () => {
    const { core, clerk, draftId, dataDir } = await setUp();
    const watching = listening(core);
    await watching.call('auth.login', { username: 'clerk01', password: STRONG });
    const { screen } = await pairScreen(core, clerk);
    await clerk.call('applicant.showForConfirmation', { draftId });
    screen.connection.close();
    expect(watching.of<ApplicantStatus>('applicant.changed').at(-1)).toMatchObject({
      paired: false,
      lost: true,
      stage: 'confirm',
    });
    expect((await clerk.fail('applicant.askConsent', { draftId })).code).toBe('applicant.notPaired');
    expect((await clerk.fail('drafts.seal', { id: draftId })).code).toBe('intake.notConfirmed');
    expect((await clerk.fail('applicant.waiveConfirmation', { draftId, reason: ' ' })).code).toBe(
      'request.invalidInput',
    );
    await clerk.call('applicant.waiveConfirmation', { draftId, reason: '申请人屏幕故障，已当面逐项读给申请人听' });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id: draftId });

    const back = readBack(dataDir);
    expect(back.manifest(sealed.packetId).applicantConfirmation).toEqual({
      waived: true,
      reason: '申请人屏幕故障，已当面逐项读给申请人听',
    });
    expect(back.kinds(sessionStream(draftId))).toEqual(
      expect.arrayContaining(['applicant.screenLost', 'applicant.confirmationWaived']),
    );
    expect(back.kinds(AUDIT_STREAM)).toEqual(expect.arrayContaining(['applicant.paired', 'applicant.unpaired']));
  });

  it('refuses a rating of a visit with no sealed packet in plain words, keeping the stage', async () => {
    const { core, clerk, draftId } = await setUp();
    const { screen } = await pairScreen(core, clerk);
    await clerk.call('applicant.askRating', { packetId: draftId });
    const refused = await screen.fail('applicant.rate', {
      overall: 5,
      efficiency: 5,
      skill: 5,
      attitude: 5,
    });
    // The rating is wired to the ratings store: a draft is no packet to rate (the e2e test rates a sealed one).
    expect(refused.code).toBe('rating.packetNotFound');
    expect((await screen.call<ApplicantScreen>('applicant.screen')).stage).toBe('rating');
  });
});
