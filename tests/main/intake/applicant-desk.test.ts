// The applicant desk's own rules, apart from the core: which stage may be answered, when a
// seal needs a confirmation, the shell's direct pairing, and what a lost screen logs. The
// intake service behind it is a recorder here (its real side: applicant-screen.test.ts).
import { describe, expect, it } from 'vitest';
import type { ApplicantScreen, SignatureInput } from '../../../src-main/common/applicant.ts';
import type { AppError } from '../../../src-main/common/errors.ts';
import { ApplicantDesk, type ApplicantDeskDeps, type ApplicantLink } from '../../../src-main/intake/applicant-desk.ts';
import type { NewEvent } from '../../../src-main/recording/event-log.ts';

const CLERK = { id: 1, username: 'clerk01', displayName: '张窗口' };
const DRAFT = '0190a0a0-0000-7000-8000-000000000001';
const VIEW_HASH = 'a'.repeat(64);

function desk(options: Partial<ApplicantDeskDeps> = {}) {
  const logged: NewEvent[] = [];
  const recorded: string[] = [];
  const d = new ApplicantDesk({
    intake: {
      getDraft: () => ({}) as never,
      applicantView: async () => ({ view: { draftId: DRAFT } as never, viewHash: VIEW_HASH }),
      recordFaceConsent: async (_c, _id, granted) => {
        recorded.push(`consent:${granted}`);
        return { granted, at: 1, noticeVersion: 'v' };
      },
      recordConfirmation: async (_c, _id, hash) => void recorded.push(`confirmed:${hash}`),
      waiveConfirmation: async (_c, _id, reason) => void recorded.push(`waived:${reason}`),
    },
    events: { append: (event) => (logged.push(event), {}) as never },
    now: () => 1000,
    hallName: '演示政务服务中心',
    windowName: '1 号窗口',
    consentNotice: { noticeVersion: 'v', retentionDays: 30 },
    confirmation: 'whenPaired',
    sign: async () => {},
    rate: () => {},
    onError: (error) => {
      throw error;
    },
    ...options,
  });
  const shown: ApplicantScreen[] = [];
  const link: ApplicantLink = { show: (screen) => shown.push(screen) };
  return { d, link, shown, logged, recorded };
}

const codeOf = (error: unknown) => (error as AppError).code;

describe('the applicant desk', () => {
  it('answers only the stage on the screen, and only from the current screen', async () => {
    const { d, link, recorded } = desk();
    d.attach(d.pairDisplay(), link);
    await expect(d.consent(link, true)).rejects.toSatisfy((e) => codeOf(e) === 'applicant.wrongStage');
    d.askConsent(CLERK, DRAFT);
    await expect(d.confirm(link, VIEW_HASH)).rejects.toSatisfy((e) => codeOf(e) === 'applicant.wrongStage');
    const stranger: ApplicantLink = { show: () => {} };
    await expect(d.consent(stranger, true)).rejects.toSatisfy((e) => codeOf(e) === 'applicant.ticketRefused');
    expect((await d.consent(link, true)).stage).toBe('idle');
    await d.showForConfirmation(CLERK, DRAFT);
    await expect(d.confirm(link, 'b'.repeat(64))).rejects.toSatisfy((e) => codeOf(e) === 'applicant.viewChanged');
    await d.confirm(link, VIEW_HASH);
    expect(recorded).toEqual(['consent:true', `confirmed:${VIEW_HASH}`]);
    expect(d.status().answer).toMatchObject({ kind: 'confirmed', viewHash: VIEW_HASH });
  });

  it('needs a screen to put a stage up, and asks a confirmation of seals once one was paired (or always)', async () => {
    const { d, link } = desk();
    expect(() => d.askConsent(CLERK, DRAFT)).toThrow(expect.objectContaining({ code: 'applicant.notPaired' }));
    expect(d.confirmationRequired()).toBe(false);
    d.attach(d.pairDisplay(), link);
    expect(d.confirmationRequired()).toBe(true);
    d.detach(link);
    expect(d.confirmationRequired()).toBe(true);
    expect(desk({ confirmation: 'required' }).d.confirmationRequired()).toBe(true);
  });

  it('pushes each stage to the screen and logs a screen lost mid-session into the session and the audit', async () => {
    const { d, link, shown, logged } = desk();
    d.attach(d.pairDisplay(), link);
    d.askSignature(CLERK, DRAFT);
    expect(shown.at(-1)).toMatchObject({ stage: 'signature', draftId: DRAFT });
    d.detach(link);
    expect(d.status()).toMatchObject({ paired: false, lost: true, stage: 'signature' });
    expect(logged.map((e) => `${e.stream}:${e.kind}`)).toEqual(
      expect.arrayContaining([`session:${DRAFT}:applicant.screenLost`, 'audit:applicant.unpaired']),
    );
  });

  it('shows a 视频会商 call over what the screen showed, and goes back to it when the call ends', async () => {
    const { d, link, shown } = desk();
    d.attach(d.pairDisplay(), link);
    d.askSignature(CLERK, DRAFT);
    d.showCall(DRAFT, '成都市人社局');
    expect(shown.at(-1)).toEqual({
      stage: 'call',
      hallName: '演示政务服务中心',
      windowName: '1 号窗口',
      draftId: DRAFT,
      departmentName: '成都市人社局',
    });
    // The applicant cannot sign while the call is on; afterwards the pad is back.
    await expect(
      d.sign(link, { strokes: [[[1, 1, 0.5, 0]]], png: new Uint8Array(8), width: 400, height: 200 }),
    ).rejects.toSatisfy((e) => codeOf(e) === 'applicant.wrongStage');
    d.showCall(DRAFT, '成都市人社局'); // placed again (a retried click): still one call on screen
    d.endCall('0190a0a0-0000-7000-8000-000000000009'); // another draft's call: not this one
    expect(d.status().stage).toBe('call');
    d.endCall(DRAFT);
    expect(shown.at(-1)).toMatchObject({ stage: 'signature', draftId: DRAFT });
    // Without a screen paired, the desk still knows (a screen paired during the call shows it).
    const alone = desk().d;
    alone.showCall(DRAFT, '成都市人社局');
    expect(alone.status()).toMatchObject({ stage: 'call', subject: DRAFT });
    alone.endCall(DRAFT);
    expect(alone.status().stage).toBe('idle');
  });

  it('hands the signature and the rating to their stores, and the rating ends with thanks', async () => {
    const signed: string[] = [];
    const { d, link } = desk({
      sign: async (draftId: string, input: SignatureInput) => void signed.push(`${draftId}:${input.width}`),
    });
    d.attach(d.pairDisplay(), link);
    d.askSignature(CLERK, DRAFT);
    await d.sign(link, { strokes: [[[1, 1, 0.5, 0]]], png: new Uint8Array(8), width: 400, height: 200 });
    expect(signed).toEqual([`${DRAFT}:400`]);
    d.askRating(CLERK, 'P-1');
    const after = await d.rate(link, { overall: 5, efficiency: 5, skill: 5, attitude: 5 });
    expect(after.stage).toBe('thanks');
  });
});
