// The applicant screen's side of the fake core: a stand-in for src-main/intake/applicant-desk.ts
// (its real rules are tested in tests/main/intake/applicant-desk.test.ts). One fake core is either
// a clerk's connection or, once `applicant.attach` succeeds, the applicant's page.
import type { Handlers } from '../../src-main/api/dispatcher.ts';
import {
  type ApplicantScreen,
  type ApplicantStatus,
  type ConfirmationView,
  viewHashOf,
} from '../../src-main/common/applicant.ts';
import { AppError } from '../../src-main/common/errors.ts';

type ApplicantMethod = Extract<keyof Handlers<null>, `applicant.${string}`>;

const BASE = { hallName: '杭州市西湖区政务服务中心', windowName: '跨省通办 3 号窗口' };

export const SAMPLE_VIEW: ConfirmationView = {
  draftId: '0190a0a0-0000-7000-8000-000000000001',
  item: { code: '330000-TEST-01', name: '基本医疗保险参保信息变更登记' },
  identity: [{ role: 'applicant', name: '李小梅', idNumber: '110101********0022' }],
  answers: [{ label: '联系电话', value: '13800138000' }],
  materials: [{ name: '居民身份证', original: 1, copy: 1, electronic: 0, pages: 2 }],
  outcome: 'receive',
  notice: [],
  deadline: '2026-03-20',
};

export class FakeApplicant {
  /** The page's ticket the fake accepts; pairing codes the fake redeems are in the tests' hands (host). */
  validTicket = 'fake-applicant-ticket-0000000001';
  attached = false;
  screen: ApplicantScreen = { stage: 'idle', ...BASE };
  status: ApplicantStatus = {
    paired: false,
    lost: false,
    stage: 'idle',
    subject: null,
    answer: null,
    confirmationRequired: false,
  };
  /** What the applicant answered, in order (the tests read it). */
  readonly answers: unknown[] = [];

  constructor(
    private readonly now: () => number,
    private readonly emit: (name: string, payload: unknown) => void,
  ) {}

  /** Shows a stage on the page as the clerk's call would. */
  show(screen: ApplicantScreen): void {
    this.screen = screen;
    this.status = { ...this.status, stage: screen.stage };
    if (this.attached) this.emit('applicant.screen', screen);
  }

  showConfirmation(view: ConfirmationView = SAMPLE_VIEW): void {
    this.show({ stage: 'confirm', ...BASE, view, viewHash: viewHashOf(view) });
  }

  private changed(patch: Partial<ApplicantStatus>): ApplicantStatus {
    this.status = { ...this.status, ...patch };
    this.emit('applicant.changed', this.status);
    return this.status;
  }

  private answered(answer: unknown): ApplicantScreen {
    this.answers.push(answer);
    this.screen = { stage: 'idle', ...BASE };
    return this.screen;
  }

  handlers(): Pick<Handlers<null>, ApplicantMethod> {
    return {
      'applicant.status': () => this.status,
      'applicant.pairingCode': () => ({ code: '482913', expiresAt: this.now() + 120_000 }),
      'applicant.askConsent': ({ draftId }) => this.changed({ stage: 'consent', subject: draftId, answer: null }),
      'applicant.showForConfirmation': ({ draftId }) =>
        this.changed({ stage: 'confirm', subject: draftId, answer: null }),
      'applicant.askSignature': ({ draftId }) => this.changed({ stage: 'signature', subject: draftId }),
      'applicant.askRating': ({ packetId }) => this.changed({ stage: 'rating', subject: packetId }),
      'applicant.clear': () => this.changed({ stage: 'idle', subject: null }),
      'applicant.waiveConfirmation': ({ reason }) => {
        this.answers.push({ waived: reason });
        return this.changed({ stage: 'idle' });
      },
      'applicant.attach': ({ ticket }) => {
        if (ticket !== this.validTicket) throw new AppError('applicant.ticketRefused', 'unknown ticket');
        this.attached = true;
        this.validTicket = `${ticket.slice(0, -1)}${Number(ticket.slice(-1)) + 1}`;
        return { ticket: this.validTicket, screen: this.screen };
      },
      'applicant.screen': () => this.screen,
      'applicant.consent': ({ granted }) => this.answered({ consent: granted }),
      'applicant.confirm': ({ viewHash }) => {
        if (this.screen.stage !== 'confirm') throw new AppError('applicant.wrongStage', 'not confirming');
        if (viewHash !== this.screen.viewHash) throw new AppError('applicant.viewChanged', 'another view');
        return this.answered({ confirmed: viewHash });
      },
      'applicant.requestCorrection': ({ note }) => this.answered({ correction: note ?? '' }),
      'applicant.sign': () => {
        throw new AppError('applicant.notAvailable', 'no signature store');
      },
      'applicant.rate': () => {
        throw new AppError('applicant.notAvailable', 'no rating store');
      },
    };
  }
}
