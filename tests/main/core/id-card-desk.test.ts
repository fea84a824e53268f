// The identity panel's core side, on a real hall core with the demo profile's simulated
// reader (the real driver and presence loop over the in-process byte pair): a card placed
// reaches a signed-in clerk as `idCard.changed`, fills a draft through `drafts.useIdCard`
// (logged in the session as the hash of its fields, never the photo), and only the core
// can make an identity `source: 'idCard'`. Locked screens and other roles hear nothing.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { CardDeskState, DraftView, ReviewResult } from '../../../src-main/api/contract/index.ts';
import type { EventMessage } from '../../../src-main/api/wire.ts';
import { canonicalJson } from '../../../src-main/common/canonical-json.ts';
import type { HallCore } from '../../../src-main/core/hall-core.ts';
import { IdCardDesk } from '../../../src-main/core/id-card-desk.ts';
import type { IdCardEvent } from '../../../src-main/core/devices.ts';
import { DECK } from '../../../src-main/devices/idcard/deck.ts';
import { bootTestCore, openCoreStore } from '../helpers.ts';
import { client, clerkOn, SOCIAL_CARD, STRONG } from '../intake/fixtures.ts';

async function eventually(what: () => boolean, ms = 8000): Promise<void> {
  const end = performance.now() + ms;
  while (!what()) {
    if (performance.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** A signed-in connection of `role` that keeps the card desk states it hears. */
async function listener(core: HallCore, role: 'clerk' | 'supervisor', username: string) {
  await clerkOn(core); // the installer and a first clerk
  const admin = client(core.openConnection(() => undefined));
  await admin.call('auth.login', { username: 'admin', password: STRONG });
  await admin.call('users.create', { username, displayName: '听卡人', role, password: STRONG });
  const heard: CardDeskState[] = [];
  const connection = core.openConnection((message: EventMessage) => {
    if (message.name === 'idCard.changed') heard.push(message.payload as CardDeskState);
  });
  const api = client(connection);
  await api.call('auth.login', { username, password: STRONG });
  return { api, heard, connection };
}

describe('the card desk over the contract', () => {
  it('a card placed fills the draft the clerk names; the session logs its fields hash, never the photo', async () => {
    const { core, dataDir } = await bootTestCore();
    const { api, heard } = await listener(core, 'clerk', 'clerk02');
    const draft = await api.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });

    core.devices.idCardSimulator!.place(1);
    await eventually(() => heard.some((state) => state.reading !== null));
    const { reading } = heard.at(-1)!;
    expect(reading!.identity).toMatchObject({ name: '王建国', idNumber: DECK[0]!.text.idNumber, cardType: 'resident' });
    expect(reading!.photo).toMatchObject({ present: true });
    expect(reading!.usedBy).toEqual([]);
    expect(await api.call<CardDeskState>('idCard.state')).toMatchObject({ onReader: true, reading: { readId: reading!.readId } });

    const view = await api.call<DraftView>('drafts.useIdCard', { id: draft.id, who: 'applicant', readId: reading!.readId });
    expect(view.state.applicant).toEqual({
      name: '王建国',
      idNumber: DECK[0]!.text.idNumber,
      sex: 'male',
      birthDate: '1960-03-15',
      ethnicity: '汉',
      address: DECK[0]!.text.address,
      document: 'resident',
      authority: DECK[0]!.text.authority,
      validTo: 'longTerm',
      source: 'idCard',
      card: { cardType: 'resident', validFrom: DECK[0]!.text.validFrom, validTo: 'longTerm', readAt: reading!.readAt },
    });
    await eventually(() => heard.at(-1)!.reading!.usedBy.includes(draft.id));
    // The same card may fill a guardian, as a parent.
    const other = await api.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const forGuardian = await api.call<DraftView>('drafts.useIdCard', {
      id: other.id,
      who: 'guardian',
      readId: reading!.readId,
    });
    expect(forGuardian.state.guardian).toEqual({ relation: 'parent', person: view.state.applicant });

    const { db } = openCoreStore(dataDir);
    const logged = db
      .prepare<[string], { kind: string; payload: string }>('SELECT kind, payload FROM event_log WHERE stream = ? ORDER BY seq')
      .all(`session:${draft.id}`);
    const cardRead = logged.find((event) => event.kind === 'identity.cardRead');
    expect(JSON.parse(cardRead!.payload)).toEqual({
      who: 'applicant',
      readId: reading!.readId,
      readAt: reading!.readAt,
      cardType: 'resident',
      fieldsSha256: createHash('sha256').update(canonicalJson(reading!.identity)).digest('hex'),
      photo: true,
      findings: [],
    });
    // The photo's bytes are nowhere in the session's log.
    const photoHex = Buffer.from(DECK[0]!.photo.subarray(0, 32)).toString('hex');
    const photoBase64 = Buffer.from(DECK[0]!.photo.subarray(0, 48)).toString('base64');
    for (const event of logged) {
      expect(event.payload).not.toContain(photoHex);
      expect(event.payload).not.toContain(photoBase64);
    }
    expect(logged.map((event) => event.kind)).toContain('intake.draftChanged');
  });

  it('review checks a read card as the card it is: an expired card blocks, a foreigner’s number is no citizen number', async () => {
    const { core } = await bootTestCore();
    const { api, heard } = await listener(core, 'clerk', 'clerk02');
    const review = async (index: number) => {
      const draft = await api.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
      const before = heard.length;
      core.devices.idCardSimulator!.place(index);
      await eventually(() => heard.slice(before).some((s) => s.reading?.identity.idNumber === DECK[index - 1]!.text.idNumber));
      const { readId } = heard.at(-1)!.reading!;
      await api.call('drafts.useIdCard', { id: draft.id, who: 'applicant', readId });
      core.devices.idCardSimulator!.remove();
      return api.call<ReviewResult>('drafts.review', { id: draft.id });
    };
    const expired = await review(3);
    const rules = expired.findings.filter((f) => f.target.kind === 'identity').map((f) => `${f.ruleId}:${f.severity}`);
    expect(rules).toEqual(['card.expired:blocking']);

    const foreigner = await review(8);
    const identityRules = foreigner.findings.filter((f) => f.target.kind === 'identity').map((f) => f.ruleId);
    expect(identityRules).not.toContain('identity.idNumber');
  });

  it('only the core makes an identity read: a save claiming a card is stored as typed, an unchanged resend stays read', async () => {
    const { core } = await bootTestCore();
    const { api, heard } = await listener(core, 'clerk', 'clerk02');
    const draft = await api.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const forged = {
      name: '王建国',
      idNumber: DECK[0]!.text.idNumber,
      source: 'idCard',
      card: { cardType: 'resident', validFrom: '2012-05-20', validTo: 'longTerm', readAt: 1 },
    };
    const saved = await api.call<DraftView>('drafts.save', { id: draft.id, patch: { applicant: forged } });
    expect(saved.state.applicant).toEqual({ name: '王建国', idNumber: DECK[0]!.text.idNumber, source: 'manual' });

    core.devices.idCardSimulator!.place(2);
    await eventually(() => heard.some((state) => state.reading !== null));
    const { readId } = heard.at(-1)!.reading!;
    const read = await api.call<DraftView>('drafts.useIdCard', { id: draft.id, who: 'applicant', readId });
    const resent = await api.call<DraftView>('drafts.save', { id: draft.id, patch: { applicant: read.state.applicant } });
    expect(resent.state.applicant.source).toBe('idCard');
    const edited = await api.call<DraftView>('drafts.save', {
      id: draft.id,
      patch: { applicant: { ...read.state.applicant, address: '另一个地址' } },
    });
    expect(edited.state.applicant.source).toBe('manual');
    expect(edited.state.applicant.card).toBeUndefined();
    expect(edited.state.applicant.address).toBe('另一个地址');
  });

  it('a reading that is gone is refused with a message the clerk can act on', async () => {
    const { core } = await bootTestCore();
    const { api } = await listener(core, 'clerk', 'clerk02');
    const draft = await api.call<DraftView>('drafts.create', { itemCode: SOCIAL_CARD });
    const error = await api.fail('drafts.useIdCard', { id: draft.id, who: 'applicant', readId: 'no-such-reading' });
    expect(error.code).toBe('intake.cardReadingGone');
  });

  it('a locked screen and a supervisor hear no identities; after unlocking the clerk asks and gets the card', async () => {
    const { core } = await bootTestCore();
    const clerk = await listener(core, 'clerk', 'clerk02');
    const supervisor = await listener(core, 'supervisor', 'super01');
    await clerk.api.call('auth.lock');

    core.devices.idCardSimulator!.place(2);
    const desk = new IdCardDesk(core.devices);
    let read = false;
    desk.subscribe((state) => (read ||= state.reading !== null));
    await eventually(() => read);
    desk.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(clerk.heard).toEqual([]);
    expect(supervisor.heard).toEqual([]);
    expect((await supervisor.api.fail('idCard.state')).code).toBe('auth.forbidden');

    await clerk.api.call('auth.unlock', { password: STRONG });
    const state = await clerk.api.call<CardDeskState>('idCard.state');
    expect(state.reading?.identity.name).toBe('李秀英');
  });

  it('the demo reader is driven from the screen: its deck, a card placed and taken away', async () => {
    const { core } = await bootTestCore();
    const { api, heard } = await listener(core, 'clerk', 'clerk02');
    const deck = await api.call<{ cards: Array<{ index: number; name: string }>; placed: number | null }>('demo.idCard.deck');
    expect(deck.cards).toHaveLength(DECK.length);
    expect(deck.cards[3]).toEqual({ index: 4, name: '阿依古丽·买买提', cardType: 'resident' });
    expect(deck.placed).toBeNull();

    await api.call('demo.idCard.place', { index: 4 });
    await eventually(() => heard.at(-1)?.onReader === true);
    expect((await api.call<{ placed: number }>('demo.idCard.deck')).placed).toBe(4);
    await api.call('demo.idCard.remove');
    await eventually(() => heard.at(-1)?.onReader === false);
    // Kept a while after removal (the clerk may be on another step), with the card no longer on the reader.
    expect(heard.at(-1)!.reading?.identity.name).toBe('阿依古丽·买买提');
    expect((await api.fail('demo.idCard.place', { index: 99 })).code).toBe('request.invalidInput');
  });
});

describe('IdCardDesk', () => {
  function fakeReader() {
    let listener: ((event: IdCardEvent) => void) | undefined;
    return {
      onIdCard: (l: (event: IdCardEvent) => void) => {
        listener = l;
        return () => (listener = undefined);
      },
      emit: (event: IdCardEvent) => listener?.(event),
    };
  }
  const identity = { ...DECK[1]!.text, photo: { present: true }, fingerprint: { present: false } };

  it('forgets a reading a while after its card was taken away, and at once for the next card', async () => {
    const reader = fakeReader();
    const desk = new IdCardDesk(reader, 30);
    reader.emit({ kind: 'read', at: 1, identity, checks: { age: 30, findings: [] }, photo: DECK[1]!.photo });
    const first = desk.state().reading!.readId;
    reader.emit({ kind: 'read', at: 2, identity, checks: { age: 30, findings: [] }, photo: DECK[1]!.photo });
    expect(desk.state().reading!.readId).not.toBe(first);
    expect(() => desk.held(first)).toThrow(expect.objectContaining({ code: 'intake.cardReadingGone' }));

    reader.emit({ kind: 'removed', at: 3 });
    expect(desk.state()).toMatchObject({ onReader: false, reading: { readAt: 2 } });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(desk.state().reading).toBeNull();
    desk.close();
  });

  it('an unreadable card is said without dropping the reading before it', () => {
    const reader = fakeReader();
    const desk = new IdCardDesk(reader);
    reader.emit({ kind: 'read', at: 1, identity, checks: { age: 30, findings: [] }, photo: undefined });
    reader.emit({ kind: 'unreadable', at: 2, error: { code: 'idcard.readFailed', detail: 'moved' } });
    expect(desk.state()).toMatchObject({ onReader: false, unreadable: { code: 'idcard.readFailed' }, reading: { readAt: 1 } });
    desk.close();
  });
});
