// An in-memory core behind a Transport, for component tests. It answers through
// the real dispatcher of the contract (envelope, input schemas, access rules,
// output schemas), and every message crosses as MessagePack as on the browser
// host; only the handlers behind it are small stand-ins for the services of
// src-main/core (intake: fake-intake.ts).
import { FACE_SETTINGS_DEFAULTS } from '../../src-main/common/face.ts';
import type {
  DiagnosticsHealth,
  HealthSnapshot,
  Role,
  SessionInfo,
  UserSummary,
} from '../../src-main/api/contract/index.ts';
import { createDispatcher, type Handlers } from '../../src-main/api/dispatcher.ts';
import { AppError } from '../../src-main/common/errors.ts';
import {
  type CallMessage,
  type EventMessage,
  type ResultMessage,
  decodeMessage,
  encodeMessage,
} from '../../src-main/api/wire.ts';
import type { ConnectionState, Transport } from '../../src-renderer/api/client.ts';
import { FakeApplicant } from './fake-applicant.ts';
import { FakeIntake } from './fake-intake.ts';
import { fakeQueuePage } from './fake-queue.ts';
import { startOfHallDay } from '../../src-main/common/hall-time.ts';
import type { CardDeskState } from '../../src-main/api/contract/devices.ts';
import { personFromCard } from '../../src-main/common/application.ts';
import { checkCard } from '../../src-main/common/review/card-checks.ts';
import { DECK } from '../../src-main/devices/idcard/deck.ts';
import { FakeRatings } from './fake-ratings.ts';
import { FakeSync, type FakeSyncOptions } from './fake-sync.ts';
import { FakePrinter, type FakePrinterOptions } from './fake-printer.ts';
import { FakeSetup, type FakeSetupOptions } from './fake-setup.ts';
import { FakeCalls, type FakeCallsOptions } from './fake-calls.ts';
import { type MailingEntry, normaliseWaybill, waybillProblem } from '../../src-main/common/mailing.ts';
import type { DutyBoard } from '../../src-main/common/duty-board.ts';
import { HANDED_OVER_STATES } from '../../src-main/common/packets.ts';

interface FakeUser extends UserSummary {
  password: string;
  failedAttempts: number;
}

export interface FakeUserSeed {
  username: string;
  displayName?: string;
  role: Role;
  password: string;
  disabled?: boolean;
  lockedUntil?: number | null;
}

export interface FakeCoreOptions {
  /** Accounts to start with; none means first run. */
  users?: FakeUserSeed[];
  /** Sign this user in on the connection from the start. */
  signedIn?: string;
  locked?: boolean;
  idleLockMinutes?: number;
  health?: HealthSnapshot;
  /** What `diagnostics.health` answers; by default the health entries with no recent errors. */
  diagnostics?: DiagnosticsHealth;
  /** The bytes `diagnostics.export` hands out (in 4-byte chunks, to show progress), or its failure. */
  diagnosticsBundle?: { name: string; bytes: Uint8Array } | AppError;
  /** The core's clock for intake (review dates, today's packets); fixed unless given. */
  now?: () => number;
  /** The approving departments and this window's id (default: the embedded demo department). */
  sync?: FakeSyncOptions;
  /** A thermal receipt printer at the window, with its print queue (fake-printer.ts); by default none. */
  printer?: FakePrinterOptions;
  /** The setup wizard's side: the config in effect (default: the demo's), ports, reader, printer (fake-setup.ts). */
  setup?: FakeSetupOptions;
  /** The 视频会商 side: approvers online, ICE servers (fake-calls.ts). */
  calls?: FakeCallsOptions;
}

const NOW = Date.UTC(2025, 0, 6, 1, 0, 0);
/** 2026-03-10 10:00 in the hall (a Tuesday): the intake clock of the fake core. */
export const INTAKE_NOW = Date.UTC(2026, 2, 10, 2, 0, 0);

/** As the WebSocket carries it: MessagePack there and back (undefined becomes null, bytes stay bytes). */
function overTheWire<T>(message: T): T {
  return decodeMessage(encodeMessage(message as never)) as T;
}
const MAX_FAILED = 5;
const LOCKOUT_MINUTES = 15;
/** What the core answers for every failed sign-in: the limit and the lockout, the same for everyone. */
const FAILED_SIGN_IN = { attempts: MAX_FAILED, minutes: LOCKOUT_MINUTES };

export class FakeCore {
  readonly users: FakeUser[] = [];
  readonly session: { userId: number | null; locked: boolean } = { userId: null, locked: false };
  readonly calls: CallMessage[] = [];
  idleLockMinutes: number;
  health: HealthSnapshot;
  diagnostics: DiagnosticsHealth | undefined;
  diagnosticsBundle: FakeCoreOptions['diagnosticsBundle'];
  /** The one download open (diagnostics.export): its id and bytes. */
  private download: { id: string; bytes: Uint8Array } | null = null;
  readonly intake: FakeIntake;
  readonly sync: FakeSync;
  /** The receipt printer's queue in the printer mode; null: a window without one (the default). */
  readonly printer: FakePrinter | null;
  /** The applicant screen's side (fake-applicant.ts): once attached, this connection is the applicant's page. */
  readonly applicant: FakeApplicant;
  /** The setup wizard's side (fake-setup.ts): its save restarts this core (the link drops and comes back). */
  readonly setup: FakeSetup;
  /** The 视频会商 side (fake-calls.ts): the spec plays the approver. */
  readonly consult: FakeCalls;
  private readonly listeners = new Set<(event: EventMessage) => void>();
  private readonly connectionListeners = new Set<(state: ConnectionState) => void>();
  private nextUserId = 1;
  /** The card desk (the demo reader's deck places cards on it). */
  cards: CardDeskState = { reading: null, onReader: false, unreadable: null };
  /** The 原件寄递清单 the core would list (specs put entries in). */
  mailing: MailingEntry[] = [];
  /** The 时限看板 the core would compute (specs set it). */
  dutyBoard: DutyBoard = { today: '2026-12-07', clerks: [] };
  /** 好差评 the core would list (specs put ratings in). */
  readonly ratings: FakeRatings;
  private placed: number | null = null;
  private nextReadId = 1;

  readonly transport: Transport;
  private readonly now: () => number;

  constructor(options: FakeCoreOptions = {}) {
    this.idleLockMinutes = options.idleLockMinutes ?? 10;
    this.health = options.health ?? { entries: [] };
    this.diagnostics = options.diagnostics;
    this.diagnosticsBundle = options.diagnosticsBundle;
    const now = options.now ?? (() => INTAKE_NOW);
    this.now = now;
    this.intake = new FakeIntake(now);
    this.ratings = new FakeRatings(now, () => {
      const user = this.currentUser();
      return { username: user?.username ?? 'system', displayName: user?.displayName ?? 'system' };
    });
    this.applicant = new FakeApplicant(now, (name, payload) => this.emit(name, payload));
    this.sync = new FakeSync(this.intake, now, (name, payload) => this.emit(name, payload), options.sync);
    this.printer = options.printer
      ? new FakePrinter(
          now,
          (name, payload) => this.emit(name, payload),
          () => this.currentUser()?.username ?? 'system',
          options.printer,
        )
      : null;
    if (this.printer) {
      // As the core: a seal queues its slips (after the outbox entry) and prints them.
      const printer = this.printer;
      const toOutbox = this.intake.onSealed;
      this.intake.onSealed = (packet, departmentId) => {
        toOutbox?.(packet, departmentId);
        printer.sealed(packet);
      };
    }
    this.consult = new FakeCalls(this.intake, now, (name, payload) => this.emit(name, payload), options.calls);
    this.setup = new FakeSetup(
      (scheme) => this.sync.key(scheme),
      () => this.restart(),
      options.setup,
    );
    for (const user of options.users ?? []) this.addUser(user);
    if (options.signedIn) {
      this.session.userId = this.byUsername(options.signedIn)?.id ?? null;
      this.session.locked = options.locked ?? false;
    }

    const dispatcher = createDispatcher<null>({
      handlers: this.handlers(),
      caller: () => {
        if (this.applicant.attached) return { role: null, locked: false, applicant: true };
        const user = this.currentUser();
        return { role: user?.role ?? null, locked: user ? this.session.locked : false };
      },
      onInternalError: (method, error) => {
        throw new Error(`fake core failed in ${method}: ${String(error)}`);
      },
    });

    this.transport = {
      call: async (message: CallMessage): Promise<ResultMessage> => {
        this.calls.push(message);
        return overTheWire(await dispatcher.dispatch(overTheWire(message), null));
      },
      onEvent: (listener) => {
        this.listeners.add(listener);
        return () => {
          this.listeners.delete(listener);
        };
      },
      onConnectionChange: (listener) => {
        this.connectionListeners.add(listener);
        return () => {
          this.connectionListeners.delete(listener);
        };
      },
    };
  }

  /** Tells the UI the link is down or up again, as a transport that can lose it does. */
  connection(state: ConnectionState): void {
    for (const listener of [...this.connectionListeners]) listener(state);
  }

  /** After answering a save: the core restarts, the link drops and comes back (the session resumed). */
  private restart(): void {
    setTimeout(() => {
      this.connection('down');
      setTimeout(() => this.connection('up'), 20);
    }, 0);
  }

  /** Pushes an event to the UI as the core would. */
  emit(name: string, payload: unknown): void {
    for (const listener of [...this.listeners]) listener({ type: 'event', name, payload });
  }

  /** Places card `index` of the simulator's deck on the reader, as the core's card desk tells it. */
  placeCard(index: number, today = '2026-03-10'): void {
    const card = DECK[index - 1]!;
    const identity = { ...card.text, photo: { present: true }, fingerprint: { present: false } };
    const checks = checkCard(identity, today);
    this.placed = index;
    this.cards = {
      reading: {
        readId: `read-${this.nextReadId++}`,
        readAt: INTAKE_NOW,
        identity,
        photo: { present: true },
        findings: checks.findings,
        age: checks.age,
        usedBy: [],
      },
      onReader: true,
      unreadable: null,
    };
    this.emit('idCard.changed', this.cards);
  }

  removeCard(): void {
    this.placed = null;
    this.cards = { ...this.cards, onReader: false };
    this.emit('idCard.changed', this.cards);
  }

  methodsCalled(): string[] {
    return this.calls.map((call) => call.method);
  }

  byUsername(username: string): FakeUser | undefined {
    return this.users.find((user) => user.username === username);
  }

  sessionInfo(): SessionInfo {
    const user = this.currentUser();
    return {
      user: user ? summary(user) : null,
      locked: user ? this.session.locked : false,
      idleLockMinutes: this.idleLockMinutes,
    };
  }

  private addUser(input: FakeUserSeed) {
    const user: FakeUser = {
      id: this.nextUserId++,
      username: input.username,
      displayName: input.displayName ?? input.username,
      role: input.role,
      disabled: input.disabled ?? false,
      lockedUntil: input.lockedUntil ?? null,
      createdAt: NOW,
      password: input.password,
      failedAttempts: 0,
    };
    this.users.push(user);
    return user;
  }

  private currentUser(): FakeUser | undefined {
    const user = this.users.find((u) => u.id === this.session.userId);
    return user && !user.disabled ? user : undefined;
  }

  private requireUser(id: number): FakeUser {
    const user = this.users.find((u) => u.id === id);
    if (!user) throw new AppError('auth.userNotFound', `no user ${id}`);
    return user;
  }

  private checkPassword(user: FakeUser, password: string): void {
    if (user.disabled) throw new AppError('auth.accountDisabled', 'account is disabled');
    if (user.lockedUntil !== null && user.lockedUntil > Date.now()) {
      throw new AppError('auth.accountLocked', 'locked', { minutes: LOCKOUT_MINUTES });
    }
    if (user.password !== password) {
      user.failedAttempts++;
      if (user.failedAttempts >= MAX_FAILED) {
        user.failedAttempts = 0;
        user.lockedUntil = Date.now() + LOCKOUT_MINUTES * 60_000;
        throw new AppError('auth.accountLocked', 'locked', { minutes: LOCKOUT_MINUTES });
      }
      throw new AppError('auth.invalidCredentials', 'wrong username or password', FAILED_SIGN_IN);
    }
    user.failedAttempts = 0;
  }

  private handlers(): Handlers<null> {
    const signedIn = () => {
      const user = this.currentUser();
      if (!user) throw new AppError('auth.required', 'sign in first');
      return user;
    };
    // As AuthService.countersigner: a sign-in's password check, no session, an active supervisor not the clerk.
    const countersigner = (username: string, password: string) => {
      const user = this.byUsername(username);
      if (!user) throw new AppError('auth.invalidCredentials', 'wrong username or password', FAILED_SIGN_IN);
      this.checkPassword(user, password);
      if (user.id === signedIn().id) throw new AppError('auth.countersignSelf', 'own override');
      if (user.role !== 'supervisor') throw new AppError('auth.notSupervisor', 'not a supervisor');
      return { supervisorId: user.id, username: user.username, displayName: user.displayName, at: INTAKE_NOW };
    };
    const intake = this.intake.handlers(signedIn, countersigner);
    return {
      'app.info': () => ({
        version: '0.1.0-test',
        hallName: '杭州市西湖区政务服务中心',
        windowName: '跨省通办 3 号窗口',
        profile: this.setup.profile,
        host: 'browser',
      }),
      'face.settings': () => {
        signedIn();
        return FACE_SETTINGS_DEFAULTS;
      },
      'auth.session': () => this.sessionInfo(),
      'auth.setupState': () => ({ needsFirstInstaller: this.users.length === 0 }),
      'auth.createFirstInstaller': (input) => {
        if (this.users.length > 0) throw new AppError('auth.setupDone', 'set up already');
        requireStrong(input.password);
        const user = this.addUser({ ...input, role: 'installer' });
        this.session.userId = user.id;
        this.session.locked = false;
        return this.sessionInfo();
      },
      'auth.login': (input) => {
        const user = this.byUsername(input.username);
        if (!user) throw new AppError('auth.invalidCredentials', 'wrong username or password', FAILED_SIGN_IN);
        this.checkPassword(user, input.password);
        this.session.userId = user.id;
        this.session.locked = false;
        return this.sessionInfo();
      },
      // One connection that never reconnects: nothing to resume (the real rules: tests/main/core/resume.test.ts).
      'auth.resume': () => {
        throw new AppError('auth.resumeRefused', 'the fake core has no parked sessions');
      },
      'auth.resumeTicket': () => ({ ticket: 'fake-resume-ticket-0123456789' }),
      'auth.logout': () => {
        this.session.userId = null;
        this.session.locked = false;
        return this.sessionInfo();
      },
      'auth.lock': () => {
        this.session.locked = true;
        return this.sessionInfo();
      },
      'auth.unlock': (input) => {
        const user = this.currentUser();
        if (!user) throw new AppError('auth.required', 'sign in first');
        this.checkPassword(user, input.password);
        this.session.locked = false;
        return this.sessionInfo();
      },
      'users.list': () => ({ users: this.users.map(summary) }),
      'users.create': (input) => {
        requireStrong(input.password);
        if (this.byUsername(input.username)) {
          throw new AppError('auth.usernameTaken', 'taken', { username: input.username });
        }
        return summary(this.addUser(input));
      },
      'users.update': (input) => {
        const user = this.requireUser(input.id);
        const activeInstallers = this.users.filter((u) => u.role === 'installer' && !u.disabled).length;
        const losesInstaller =
          user.role === 'installer' &&
          !user.disabled &&
          (input.disabled === true || (input.role ?? 'installer') !== 'installer');
        if (losesInstaller && activeInstallers <= 1) throw new AppError('auth.lastInstaller', 'last installer');
        if (input.displayName !== undefined) user.displayName = input.displayName;
        if (input.role !== undefined) user.role = input.role;
        if (input.disabled !== undefined) user.disabled = input.disabled;
        return summary(user);
      },
      'users.resetPassword': (input) => {
        const user = this.requireUser(input.id);
        requireStrong(input.password);
        user.password = input.password;
        user.lockedUntil = null;
        return summary(user);
      },
      'users.unlock': (input) => {
        const user = this.requireUser(input.id);
        user.lockedUntil = null;
        user.failedAttempts = 0;
        return summary(user);
      },
      'health.snapshot': () => this.health,
      ...this.applicant.handlers(),
      ...intake,
      // As the core: the queue's packets carry their sync view.
      'packets.list': async (input, ctx) => {
        const { packets } = await intake['packets.list']({ scope: 'all', limit: 200 }, ctx);
        const withIds = this.sync
          .decorate(packets)
          .map((packet) => ({ ...packet, idNumbers: this.intake.idNumbersOf(packet.packetId, packet.version) }));
        return fakeQueuePage(withIds, input, startOfHallDay(this.now()));
      },
      ...this.sync.handlers(),
      ...this.setup.handlers(),
      'duties.board': () => this.dutyBoard,
      ...this.ratings.handlers(),
      'mailing.list': ({ day }) => ({ day: day ?? '2026-12-07', today: '2026-12-07', entries: this.mailing }),
      'mailing.recordWaybill': ({ packetId, version, waybill }) => {
        const entry = this.mailing.find((e) => e.packetId === packetId && e.version === version);
        if (!entry) throw new AppError('mailing.notOnList', 'not on the list');
        const normalised = normaliseWaybill(waybill);
        const problem = waybillProblem(normalised);
        if (problem) throw new AppError(`mailing.waybill.${problem}`, 'bad waybill', { waybill });
        Object.assign(entry, {
          waybill: normalised,
          recordedAt: Date.now(),
          recordedBy: this.currentUser()?.username ?? null,
          late: false,
        });
        return entry;
      },
      'packets.handOver': ({ packetId, version, how }) => {
        const packet = this.intake.packets.find((p) => p.packetId === packetId && p.version === version);
        if (!packet || !HANDED_OVER_STATES.includes(packet.state)) {
          throw new AppError('packets.nothingToHandOver', `${packetId} v${version}`);
        }
        packet.handedOver ??= { how, by: this.currentUser()?.username ?? '', at: this.now() };
        return packet.handedOver;
      },
      'packets.decision': ({ packetId, version }) => ({
        decision: this.sync.decorate([{ packetId, version }])[0]?.sync?.decision ?? null,
      }),
      'eventLog.verify': (input) => ({ ok: true, stream: input.stream, count: 0, headHash: '' }),
      'recording.exportBundle': (input) => {
        throw new AppError('recording.sessionUnknown', 'no recorded sessions in the fake core', {
          draftId: input.draftId,
        });
      },
      ...this.consult.handlers(),
      'diagnostics.health': () =>
        this.diagnostics ?? { entries: this.health.entries.map((entry) => ({ ...entry, recent: [] })) },
      'diagnostics.export': () => {
        const bundle = this.diagnosticsBundle ?? { name: 'tongban-diagnostics.zip', bytes: new Uint8Array(0) };
        if (bundle instanceof AppError) throw bundle;
        this.download = { id: crypto.randomUUID(), bytes: bundle.bytes };
        return { downloadId: this.download.id, name: bundle.name, mediaType: 'application/zip', chunkBytes: 4 };
      },
      'downloads.chunk': (input) => {
        const download = this.download;
        if (!download || download.id !== input.downloadId) {
          throw new AppError('download.unknown', `no download ${input.downloadId}`);
        }
        const bytes = download.bytes.slice(input.offset, input.offset + 4);
        return { bytes, done: input.offset + bytes.length >= download.bytes.length };
      },
      // No counter sessions recorded: the supervisor's list is empty (the real index: tests/main/recording).
      'sessions.list': () => ({ sessions: [], nextCursor: null, total: 0, totalCapped: false }),
      'sessions.facets': () => ({ clerks: [], items: [] }),
      'sessions.get': ({ draftId }) => {
        throw new AppError('supervision.sessionNotFound', `no session ${draftId}`);
      },
      'sessions.timeline': ({ draftId }) => {
        throw new AppError('supervision.sessionNotFound', `no session ${draftId}`);
      },
      'sessions.segment': ({ draftId }) => {
        throw new AppError('supervision.sessionNotFound', `no session ${draftId}`);
      },
      'sessions.checkSegments': ({ draftId }) => {
        throw new AppError('supervision.sessionNotFound', `no session ${draftId}`);
      },
      'sessions.comment': ({ draftId }) => {
        throw new AppError('supervision.sessionNotFound', `no session ${draftId}`);
      },
      'sessions.signOff': ({ draftId }) => {
        throw new AppError('supervision.sessionNotFound', `no session ${draftId}`);
      },
      // jsdom has no MediaRecorder, so the wizard records nothing here (the real recording: tests/e2e/recording.spec.ts).
      'recording.start': () => ({}),
      'recording.segment': () => {
        throw new AppError('recording.notStarted', 'the fake core records nothing');
      },
      'recording.gap': () => ({}),
      'recording.stop': () => ({}),
      'idCard.state': () => this.cards,
      'drafts.useIdCard': async ({ id, who, readId }, ctx) => {
        const reading = this.cards.reading;
        if (reading?.readId !== readId) throw new AppError('intake.cardReadingGone', `no reading ${readId}`);
        const view = await intake['drafts.save'](
          {
            id,
            patch:
              who === 'guardian'
                ? { guardian: { relation: 'parent', person: personFromCard(reading.identity, reading.readAt) } }
                : { [who]: personFromCard(reading.identity, reading.readAt) },
          },
          ctx,
        );
        this.cards = { ...this.cards, reading: { ...reading, usedBy: [...reading.usedBy, id] } };
        this.emit('idCard.changed', this.cards);
        return view;
      },
      'demo.idCard.deck': () => ({
        cards: DECK.map((card, i) => ({
          index: i + 1,
          name: card.text.name || (card.text.englishName ?? ''),
          cardType: card.text.cardType,
        })),
        placed: this.placed,
      }),
      'demo.idCard.place': ({ index }) => {
        this.placeCard(index);
        return {};
      },
      'demo.idCard.remove': () => {
        this.removeCard();
        return {};
      },
      // A window without a receipt printer: the real queue is tested in tests/main/packets/print-queue.test.ts.
      'printing.jobs': () => ({ enabled: false, simulated: false, paper: 80 as const, jobs: [] }),
      'printing.forPacket': () => ({ jobs: [] }),
      'printing.print': noPrinter,
      'printing.reprint': noPrinter,
      'printing.cancel': noPrinter,
      'printing.preview': noPrinter,
      'demo.printer.last': () => ({ receipt: null }),
      ...this.printer?.handlers(),
    };
  }
}

function noPrinter(): never {
  throw new AppError('printer.notConfigured', 'the fake core has no receipt printer');
}

function requireStrong(password: string): void {
  if (password.length < 8) throw new AppError('auth.weakPassword', 'too short', { rule: 'length' });
}

function summary(user: FakeUser): UserSummary {
  const { password: _password, failedAttempts: _failed, ...rest } = user;
  return rest;
}
