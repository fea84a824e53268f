// 人证核验 in the core, on a real core with the demo card reader, real encrypted SQLite and
// the real event log: what is refused (no person, a typed identity, no consent), what a
// comparison by eye records, and what the sealed manifest and the session log carry.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CardDeskState, DraftView, SealedPacket } from '../../../src-main/api/contract/index.ts';
import { EventLog } from '../../../src-main/recording/event-log.ts';
import { PacketStore } from '../../../src-main/packets/packet-store.ts';
import { deriveStoreKeys } from '../../../src-main/store/keys.ts';
import { bootTestCore, openCoreStore, TestClock } from '../helpers.ts';
import { clerkOn, idNumber, readyDraft, SOCIAL_CARD } from './fixtures.ts';

async function eventually(what: () => boolean | Promise<boolean>, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!(await what())) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const faceMatch = { method: 'face', outcome: 'pass', similarity: 0.81, live: 0.93, real: 0.88, frames: 3 } as const;

describe('人证核验 (identity check)', () => {
  it('refuses a check of nobody, a face match of a typed identity, and a face match without consent', async () => {
    const { core } = await bootTestCore();
    const clerk = await clerkOn(core);
    const empty = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    expect(
      await clerk.raw('drafts.identityCheck', {
        id: empty.id,
        who: 'applicant',
        check: { method: 'visual', cause: 'noCamera', verdict: 'match' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'intake.identityCheckNoPerson' } });

    const typed = await readyDraft(clerk);
    expect(await clerk.raw('drafts.identityCheck', { id: typed, who: 'applicant', check: faceMatch })).toMatchObject({
      ok: false,
      error: { code: 'intake.identityCheckNoCard' },
    });

    const draft = await clerk.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    core.devices.idCardSimulator!.place(2);
    let readId = '';
    await eventually(async () => {
      readId = (await clerk.call<CardDeskState>('idCard.state')).reading?.readId ?? '';
      return readId !== '';
    });
    await clerk.call('drafts.useIdCard', { id: draft.id, who: 'applicant', readId });
    expect(await clerk.raw('drafts.identityCheck', { id: draft.id, who: 'applicant', check: faceMatch })).toMatchObject(
      { ok: false, error: { code: 'intake.faceConsentMissing' } },
    );
    // An uncertain match without the clerk's verdict and reason is not a check.
    expect(
      await clerk.raw('drafts.identityCheck', {
        id: draft.id,
        who: 'applicant',
        check: { ...faceMatch, outcome: 'uncertain' },
      }),
    ).toMatchObject({ ok: false, error: { code: 'request.invalidInput' } });
    // Nor can a save write a check or a consent: they are the core's.
    expect(
      await clerk.raw('drafts.save', {
        id: draft.id,
        patch: { identityCheck: { who: 'applicant', check: faceMatch, idNumber: 'x', clerk: 'x', at: 1 } },
      }),
    ).toMatchObject({ ok: false, error: { code: 'request.invalidInput' } });
  });

  it('records a comparison by eye, logs it in the session and carries it in the manifest', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const checked = await clerk.call<DraftView>('drafts.identityCheck', {
      id,
      who: 'applicant',
      check: { method: 'visual', cause: 'consentRefused', verdict: 'match', reason: '  本人与证件照一致  ' },
    });
    expect(checked.state.identityCheck).toMatchObject({
      who: 'applicant',
      idNumber: checked.state.applicant.idNumber,
      clerk: 'clerk01',
      check: { method: 'visual', cause: 'consentRefused', verdict: 'match', reason: '本人与证件照一致' },
    });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });

    const { db } = openCoreStore(dataDir);
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 1)!;
    expect(manifest.identityCheck).toEqual({
      who: 'applicant',
      method: 'visual',
      cause: 'consentRefused',
      verdict: 'match',
      reason: '本人与证件照一致',
      clerk: 'clerk01',
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const keys = deriveStoreKeys(readFileSync(join(dataDir, 'keys', 'master.key')));
    const events = [...new EventLog(db, new TestClock(), keys.evidenceKey).read(`session:${id}`)];
    expect(events.filter((e) => e.kind.startsWith('identity.')).map((e) => [e.kind, e.payload])).toEqual([
      [
        'identity.visualCheck',
        { who: 'applicant', cause: 'consentRefused', verdict: 'match', reason: '本人与证件照一致' },
      ],
    ]);
  });

  it('drops the check from the manifest when another person’s identity replaced the one checked', async () => {
    const { core, dataDir } = await bootTestCore();
    const clerk = await clerkOn(core);
    const id = await readyDraft(clerk);
    const before = await clerk.call<DraftView>('drafts.identityCheck', {
      id,
      who: 'applicant',
      check: { method: 'visual', cause: 'noCamera', verdict: 'match' },
    });
    const other = idNumber('110101', '19900307', '778');
    await clerk.call('drafts.save', {
      id,
      patch: {
        applicant: { ...before.state.applicant, idNumber: other },
        answers: { ...before.state.answers, applicantIdNumber: other },
      },
    });
    const sealed = await clerk.call<SealedPacket>('drafts.seal', { id });
    const { db } = openCoreStore(dataDir);
    const manifest = new PacketStore(db, Buffer.alloc(32, 1)).manifest(sealed.packetId, 1)!;
    expect(manifest.applicant.idNumber).toBe(other);
    expect(manifest.identityCheck).toBeUndefined();
  });
});
