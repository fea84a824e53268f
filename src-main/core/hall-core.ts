// The composition root: builds every service of the hall core from the data
// directory, the config and the host's platform services. Both hosts (Electron
// shell, browser host) boot the core through `bootHallCore` and talk to it only
// through connections that carry contract messages.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo } from '../api/contract/index.ts';
import { createDispatcher } from '../api/dispatcher.ts';
import { AppError } from '../common/errors.ts';
import type { EventMessage, ResultMessage } from '../api/wire.ts';
import { loadWorkingCalendar } from '../calendar/calendar-files.ts';
import { parseTrustedKeys } from '../catalog/catalog-file.ts';
import { CatalogStore } from '../catalog/catalog-store.ts';
import { IntakeService, sessionStream } from '../intake/intake-service.ts';
import { ApplicantDesk, type ApplicantLink, type PairingResult } from '../intake/applicant-desk.ts';
import { type NoticeRendererOptions, PdfNoticeRenderer } from '../intake/notice-renderer.ts';
import { DepartmentDocuments } from '../sync/department-documents.ts';
import { AUDIT_STREAM, EventLog } from '../recording/event-log.ts';
import { SessionIndex } from '../recording/sessions.ts';
import { SessionMedia } from '../recording/session-media.ts';
import { SessionRecorder } from '../recording/session-recorder.ts';
import { MAX_SEGMENT_BYTES } from '../api/contract/recording.ts';
import { BlobStore } from '../store/blob-store.ts';
import { type Database, mapStoreError, openDatabase } from '../store/database.ts';
import { checkBlobIntegrity } from '../store/integrity.ts';
import { deriveStoreKeys } from '../store/keys.ts';
import { startEmbeddedInbox } from '../demo/embedded-inbox.ts';
import { UserStore } from '../auth/user-store.ts';
import { DutyBoardService } from '../packets/duty-board.ts';
import { Handovers } from '../packets/handovers.ts';
import { Ratings } from '../packets/ratings.ts';
import { MailingList } from '../packets/mailing-list.ts';
import { PacketStore } from '../packets/packet-store.ts';
import { PrintQueue } from '../packets/print-queue.ts';
import type { SyncOptions } from '../sync/sync-options.ts';
import type { SyncRunner } from '../sync/sync-runner.ts';
import { wireSync } from './sync-wiring.ts';
import { CallClient } from '../calls/call-client.ts';
import { CallService } from '../calls/call-service.ts';
import { createHandlers, type ConnectionContext } from './api-handlers.ts';
import { appVersion, assetsDir } from './app-paths.ts';
import { AuthService, Session } from '../auth/auth-service.ts';
import { CONFIG_FILE, type HallConfig } from '../common/hall-config.ts';
import { FACE_CONSENT_NOTICE_VERSION } from '../common/applicant.ts';
import { resolveTrackingTemplate } from '../common/tracking-code.ts';
import { loadConfig } from './config.ts';
import { guardProfile, profileRefusal } from './hall-profile.ts';
import { SetupService } from '../installer/setup-service.ts';
import { checkRunningWindow } from '../installer/running-checks.ts';
import { prepareDataDir, type DataPaths } from './data-dir.ts';
import { HealthBoard } from './health.ts';
import { DeviceRegistry, type DeviceRegistryOptions } from './devices.ts';
import { IdCardDesk } from './id-card-desk.ts';
import { SessionOwners, type SessionHolder } from './session-owners.ts';
import { Uploads } from './uploads.ts';
import { Downloads } from './downloads.ts';
import { SessionBundles } from '../recording/evidence-bundle.ts';
import { RecordingRetention } from '../recording/retention.ts';
import { createFileLogger, type Logger } from './log.ts';
import { buildDiagnosticsBundle, type DiagnosticsDeps } from '../installer/diagnostics-bundle.ts';
import { type Clock, type KeyProvider, type Platform, systemClock } from './platform.ts';

/** How often each connection checks its session's idle lock (at most this late). */
const IDLE_CHECK_MS = 15_000;
/** How often the duty board records warnings nobody looked at. */
const DUTY_SWEEP_MS = 10 * 60_000;

/** One UI attached to the core: a BrowserWindow or a browser tab's WebSocket. */
export interface Connection {
  /** Handles one contract message (already decoded) and answers with a result. */
  handle(message: unknown): Promise<ResultMessage>;
  /** Detaches the connection; its session ends. */
  close(): void;
}

export interface HallCore {
  readonly info: AppInfo;
  readonly config: HallConfig;
  readonly paths: DataPaths;
  readonly logger: Logger;
  /** The outbox to the approving departments (tests and benchmarks wait on it). */
  readonly sync: SyncRunner;
  /** The hall's devices (the ID card reader; the demo profile's simulator is reached through it). */
  readonly devices: DeviceRegistry;
  /** 好差评: the applicant screen's `applicant.rate` records through it (tests reach it here too). */
  readonly ratings: Ratings;
  /**
   * Pairing the applicant screen: the browser host redeems the page's code; the Electron
   * shell pairs its window on the second display directly. Either answers a ticket the
   * page presents with `applicant.attach`.
   */
  readonly applicantPairing: { redeem(code: string): PairingResult; pairDisplay(): string };
  /**
   * The intake: the applicant screen's calls that act on a draft by its pairing, not a clerk's
   * session (`attachSignature`), are handed to it; tests reach them here.
   */
  readonly intake: Pick<IntakeService, 'attachSignature'>;
  /** `send` receives the core's events for this connection. */
  openConnection(send: (event: EventMessage) => void): Connection;
  close(): Promise<void>;
}

export interface BootOptions {
  dataDir: string;
  platform: Platform;
  clock?: Clock;
  /** Defaults to rotating files in the data directory. */
  logger?: Logger;
  /** Timers, chunk sizes and fault hooks for tests and benchmarks; defaults are the product's. */
  sync?: SyncOptions;
  /** Device polling and timeouts for tests; defaults are the product's. */
  devices?: Pick<DeviceRegistryOptions, 'pollMs' | 'presence' | 'reader' | 'portPresent' | 'printer'>;
  /** The render worker's idle time and timeout, and a test seam; defaults are the product's. */
  documents?: NoticeRendererOptions;
  /** The serial port list of the diagnostics bundle (tests); default node-serialport's. */
  diagnostics?: Pick<DiagnosticsDeps, 'listPorts'>;
  /**
   * The setup wizard saved a new config: the host closes its connections and this core,
   * and boots a new one on the same data directory. Called after the answer has gone.
   * Without it (tests) the new config waits for the next start.
   */
  onRestartRequested?: () => void;
}

/** Opens everything in order; throws an AppError an installer can act on, having changed nothing it should not. */
export async function bootHallCore(options: BootOptions): Promise<HallCore> {
  const clock = options.clock ?? systemClock;
  const paths = prepareDataDir(options.dataDir);
  const config = loadConfig(paths.root);
  const logger = options.logger ?? createFileLogger({ dir: paths.logs, keepFiles: config.logs.keepFiles });

  let db: Database | undefined;
  try {
    const master = masterKey(options.platform.keys, paths);
    const keys = deriveStoreKeys(master);
    db = openDatabase({ file: paths.database, key: keys.databaseKey, backupDir: paths.backups, now: clock.now });
    const openDb = db;
    // Before anything else writes (the integrity repair, the audit): a mismatch changes no file.
    const profileChange = guardProfile(db, config, join(paths.root, CONFIG_FILE), clock.now());
    const blobs = new BlobStore(paths.blobs, keys.blobKey);
    const integrity = checkBlobIntegrity(db, blobs, { repair: true });

    const info: AppInfo = {
      version: appVersion(),
      hallName: config.hall.name,
      windowName: config.window.name,
      profile: config.profile,
      host: options.platform.host,
    };
    const events = new EventLog(db, clock, keys.evidenceKey);
    if (profileChange) {
      // A fresh demo PC became a hall's window (the setup wizard's first save).
      events.append({
        stream: AUDIT_STREAM,
        actor: 'system',
        kind: 'hall.profileChanged',
        payload: { ...profileChange },
      });
      logger.info({ ...profileChange }, 'data directory changed profile');
    }
    // A stream the audit register names but the log no longer holds was deleted whole.
    const streamsMissing = events.missingStreams();
    events.append({
      stream: AUDIT_STREAM,
      actor: 'system',
      kind: 'app.started',
      payload: {
        version: info.version,
        host: info.host,
        profile: info.profile,
        blobsMissing: integrity.missing.length,
        blobsQuarantined: integrity.orphaned.length,
        tempFilesRemoved: integrity.tempRemoved,
        streamsMissing,
      },
    });

    const health = new HealthBoard(clock);
    health.report(
      integrity.missing.length > 0
        ? {
            id: 'store',
            kind: 'store',
            state: 'error',
            reason: 'blobsMissing',
            detail: `${integrity.missing.length} stored files are missing`,
          }
        : streamsMissing.length > 0
          ? {
              id: 'store',
              kind: 'store',
              state: 'error',
              reason: 'evidenceMissing',
              detail: `event streams deleted: ${streamsMissing.slice(0, 5).join(', ')}`,
            }
          : { id: 'store', kind: 'store', state: 'ready' },
    );
    if (streamsMissing.length > 0) logger.error({ streams: streamsMissing }, 'event streams missing from the log');
    if (integrity.missing.length > 0 || integrity.orphaned.length > 0) {
      logger.warn({ missing: integrity.missing.length, quarantined: integrity.orphaned.length }, 'blob integrity');
    }

    const auth = new AuthService(db, events, clock, config.security);
    const catalog = openCatalog(db, config, clock, events);
    const users = new UserStore(db);
    // The supervisor's session list follows every session event from here on, in the
    // event's transaction; what was logged before (older data, this start's first steps,
    // a fold that failed) is folded from the log now. Names come from accounts and catalog.
    const sessions = new SessionIndex(
      db,
      events,
      {
        clerk: (username) => users.byUsername(username)?.displayName,
        item: (code) => {
          try {
            return catalog.item(code).name;
          } catch {
            return undefined; // no catalog yet, or the item left it: the list shows the code
          }
        },
      },
      (error, stream) => logger.error({ err: error, stream }, 'session index: fold failed, caught up at next start'),
    );
    const sessionsFolded = sessions.catchUp();
    if (sessionsFolded > 0) logger.info({ sessions: sessionsFolded }, 'session index caught up');
    const calendar = loadWorkingCalendar(join(assetsDir(), 'calendar'), config.calendar);
    const packets = new PacketStore(db, keys.searchKey);
    // Packets sealed before the search index existed are indexed once, here: its key is not the migration's.
    const indexed = packets.indexMissing();
    if (indexed > 0) logger.info({ indexed }, 'packets indexed for search');
    const sync = wireSync({
      db,
      blobs,
      packets,
      config,
      dataDir: paths.root,
      clock,
      logger,
      health,
      events,
      masterKey: master,
      // The demo profile's department runs in this process; the server loads only when configured so.
      startEmbedded: (embedded) => startEmbeddedInbox({ ...embedded, logger, atRestKey: keys.demoInboxKey }),
      options: options.sync,
    });
    // Notices render in a worker thread that runs around a seal only (started when the
    // clerk asks for review, ended once the seal's documents are done): the core never
    // holds the PDF libraries or the fonts.
    const notices = new PdfNoticeRenderer(options.documents);
    const departmentDocuments = new DepartmentDocuments({
      feed: sync.feed,
      packets,
      catalog,
      calendar,
      config,
      render: (input) => notices.renderDocument(input),
    });
    // The search's pinyin table loads when someone first signs in, not at start: a core
    // nobody works on stays small, and sign-in comes well before a first search.
    let warmed = false;
    const warmUpClerkPath = () => {
      if (warmed) return;
      warmed = true;
      // After the answer that signed the user in has gone: the load blocks for a moment.
      setImmediate(() => {
        try {
          catalog.warmUpSearch();
        } catch (error) {
          logger.warn({ err: error }, 'search warm-up failed');
        }
      });
    };
    const uploads = new Uploads({
      blobs,
      limits: {
        material: { maxBytes: config.uploads.maxFileMiB * 1024 * 1024 },
        recording: { maxBytes: MAX_SEGMENT_BYTES },
      },
    });
    // The devices of the config (polled, reconnected in the background), before the services
    // that use them: the receipt printer's queue is filled by the seal.
    const devices = DeviceRegistry.start({ config: config.devices, health, logger, clock, ...options.devices });
    const printQueue = new PrintQueue({
      db,
      events,
      clock,
      logger,
      printer: devices.printer.configured ? devices.printer : undefined,
    });
    // A job the last run stopped in the middle of waits again; whatever waits prints once the printer can.
    printQueue.recover();
    devices.printer.onReady(() => printQueue.kick());
    const intake = new IntakeService({
      db,
      blobs,
      events,
      catalog,
      calendar,
      notices,
      config,
      clock,
      correctionDays: config.review.correctionDays,
      packets,
      outbox: sync.sealing,
      trackingUrlTemplate: () => resolveTrackingTemplate(config.tracking.urlTemplate, sync.embeddedUrl()),
      uploadsInProgress: (draftId) => uploads.inProgressFor(draftId),
      departmentCorrectionDue: (packetId, version, itemCode) =>
        departmentDocuments.correctionDue(packetId, version, itemCode),
      printQueue,
      confirmationRequired: (): boolean => applicant.confirmationRequired(),
    });
    // The applicant screen of this window: the signature goes into the draft, the rating to the ratings store.
    const applicant = new ApplicantDesk({
      intake,
      events,
      now: () => clock.now(),
      hallName: config.hall.name,
      windowName: config.window.name,
      consentNotice: {
        noticeVersion: FACE_CONSENT_NOTICE_VERSION,
        // No face image or feature is kept (config refuses keepFrames): the notice says so.
        retentionDays: 0,
      },
      confirmation: config.applicant.confirmation,
      sign: async (draftId, input) => {
        await intake.attachSignature(draftId, input);
      },
      // One rating per visit, logged in the session the packet's manifest names.
      rate: (packetId, input) => {
        ratings.record(input, { packetId, sessionStream: null });
      },
      onError: (error) => logger.error({ err: error }, 'applicant screen listener failed'),
    });
    // 视频会商: the calls go through the department's inbox the way sync reaches it, and into the session's chain.
    const calls = new CallService({
      client: new CallClient(sync.reach),
      departments: sync.reach.departments,
      intake,
      catalog,
      packets,
      events,
      applicant,
      ice: config.calls,
      now: clock.now,
      logger,
    });
    // The counter session's recording: segments and gaps from the clerk's window into the session's stream.
    const recorder = new SessionRecorder({ db, blobs, events, clock, health, streamOf: sessionStream });
    // The card desk keeps what the ID card reader read for the clerk's screens.
    const cards = new IdCardDesk(devices);
    // The duty board records each warning once when first seen; a sweep every few minutes
    // records them even when no supervisor has the board open.
    const duties = new DutyBoardService({
      db,
      packets,
      calendar,
      clock,
      events,
      warningWorkingDays: config.queue.deadlineWarningWorkingDays,
      clerkOf: (id) => {
        const user = users.byId(id);
        return { username: user?.username ?? `#${id}`, displayName: user?.displayName ?? `#${id}` };
      },
    });
    const dutySweep = setInterval(() => {
      try {
        duties.sweep();
      } catch (error) {
        logger.warn({ err: error }, 'duty sweep failed');
      }
    }, DUTY_SWEEP_MS);
    dutySweep.unref();
    const ratings = new Ratings({
      db,
      packets,
      events,
      calendar,
      clock,
      logger,
      outbox: sync.ratingOutbox,
      windowId: config.window.id,
      regionCode: config.regionCode,
      departmentName: (id) => sync.departmentName(id),
      ratingsDepartment: config.ratings.endpoint,
      onRecorded: () => sync.wake(),
    });
    const downloads = new Downloads();
    const setup = new SetupService({
      config,
      dataDir: paths.root,
      keys: sync.keys,
      credentials: sync.credentials,
      events,
      clock,
      logger,
      useIdCardPort: (path, use) => devices.useIdCardPort(path, use),
      printer: { config: config.devices.receiptPrinter, print: (document) => devices.printer.print(document) },
      profileRefusal: (next) => profileRefusal(openDb, next),
      check: () =>
        checkRunningWindow({
          dataDir: paths.root,
          keys: options.platform.keys,
          db: openDb,
          health: () => health.snapshot(),
          now: clock.now,
        }),
      restart: () => {
        if (options.onRestartRequested) options.onRestartRequested();
        else logger.info('config saved; it takes effect at the next start');
      },
      ...(options.devices?.reader ? { reader: options.devices.reader } : {}),
      ...(options.devices?.printer ? { printerOptions: options.devices.printer } : {}),
    });
    // Recordings past their retention lose their bytes (never their events): now, then daily.
    const stopRetention = new RecordingRetention({
      db,
      events,
      blobs,
      clock,
      logger,
      retention: config.retention,
    }).schedule();
    const dispatcher = createDispatcher<ConnectionContext>({
      handlers: createHandlers({
        info,
        auth,
        health,
        events,
        sessions,
        catalog,
        intake,
        packets,
        mailing: new MailingList(db, calendar, clock, events),
        handovers: new Handovers(db, clock, events),
        duties,
        blobs,
        sync,
        departmentDocuments,
        uploads,
        devices,
        cards,
        printQueue,
        bundles: new SessionBundles({ events, blobs, keys: sync.keys, windowId: config.window.id, clock }),
        downloads,
        recorder,
        media: new SessionMedia(events, blobs),
        ratings,
        applicant,
        setup,
        face: config.face,
        calls,
        diagnostics: {
          health: () => health.diagnostics(),
          bundle: () =>
            buildDiagnosticsBundle({
              paths,
              db: openDb,
              config,
              now: clock.now,
              host: options.platform.host,
              health: health.diagnostics(),
              listPorts: options.diagnostics?.listPorts,
            }),
        },
      }),
      // The applicant screen is nobody's session: it may call only its own methods.
      caller: ({ session, applicantLink }) =>
        applicantLink ? { role: null, locked: false, applicant: true } : auth.caller(session),
      // A recording's segments go up every few seconds on their own: not the clerk's activity.
      onUserCall: (ctx, method, input) => {
        if (!isRecordingUpload(ctx, method, input)) auth.touch(ctx.session);
      },
      onInternalError: (method, error) => logger.error({ err: error, method }, 'handler failed'),
    });
    // Background: the embedded inbox (demo), then the worker and the change feeds.
    sync.runner.start();
    logger.info({ version: info.version, host: info.host, profile: info.profile }, 'hall core started');

    const owners = new SessionOwners();
    auth.onAccountChanged((userId) => {
      for (const holder of owners.holdersOf(userId)) holder.sessionChanged();
    });
    // Connections may outlive the core (a socket closing after shutdown, a test's leftovers):
    // once it closes, their timers stop and their ends touch nothing.
    let coreClosed = false;
    const idleTimers = new Set<ReturnType<typeof setInterval>>();
    return {
      info,
      config,
      paths,
      logger,
      sync: sync.runner,
      devices,
      ratings,
      applicantPairing: {
        redeem: (code) => applicant.redeemCode(code),
        pairDisplay: () => applicant.pairDisplay(),
      },
      intake,
      openConnection(send) {
        const ctx: ConnectionContext & SessionHolder = {
          session: new Session(),
          applicantLink: null,
          attachApplicant: (ticket) => {
            const link: ApplicantLink = ctx.applicantLink ?? {
              show: (screen) => {
                if (!coreClosed) send({ type: 'event', name: 'applicant.screen', payload: screen });
              },
            };
            const attached = applicant.attach(ticket, link);
            ctx.applicantLink = link;
            return attached;
          },
          uploads: uploads.forConnection(),
          adopt: (session) => owners.hand(session, ctx),
          // Resumed elsewhere (this one shows sign-in), or the account was disabled or changed role.
          sessionChanged: () => send({ type: 'event', name: 'session.changed', payload: auth.info(ctx.session) }),
        };
        owners.attach(ctx);
        // The idle lock is told to the UI when it happens, not at the UI's next call.
        const checkIdle = () => {
          if (coreClosed) return;
          if (auth.lockIfIdle(ctx.session)) {
            send({ type: 'event', name: 'session.changed', payload: auth.info(ctx.session) });
          }
        };
        const idleTimer = setInterval(checkIdle, IDLE_CHECK_MS);
        idleTimer.unref();
        idleTimers.add(idleTimer);
        const unsubscribe = health.subscribe((snapshot) =>
          send({ type: 'event', name: 'health.changed', payload: snapshot }),
        );
        // Queue events only to signed-in users: packet ids are nobody else's business.
        const unsubscribeSync = sync.runner.subscribe((event) => {
          if (ctx.session.userId !== null) send({ type: 'event', name: event.name, payload: event.payload });
        });
        // The print queue's count to signed-in users (a locked screen reads it again on unlocking).
        const unsubscribePrinting = printQueue.onChange(() => {
          if (ctx.session.userId !== null && !coreClosed) {
            send({ type: 'event', name: 'printing.changed', payload: printQueue.summary() });
          }
        });
        // A card's identity only to a clerk at work (not to a locked screen: it asks again on unlocking).
        const unsubscribeCards = cards.subscribe((state) => {
          if (ctx.session.userId === null || coreClosed) return;
          const caller = auth.caller(ctx.session);
          if (caller.role === 'clerk' && !caller.locked)
            send({ type: 'event', name: 'idCard.changed', payload: state });
        });
        // The applicant screen's status to clerks at work (a locked screen asks again on unlocking).
        const unsubscribeApplicant = applicant.subscribe((status) => {
          if (ctx.session.userId === null || coreClosed) return;
          const caller = auth.caller(ctx.session);
          if (caller.role === 'clerk' && !caller.locked)
            send({ type: 'event', name: 'applicant.changed', payload: status });
        });
        // 视频会商: signals and call changes to clerks only (a locked screen too: a call outlives the idle lock).
        const isClerk = () => ctx.session.userId !== null && auth.caller(ctx.session).role === 'clerk';
        const unsubscribeCalls = calls.subscribe((event) => {
          if (!coreClosed && isClerk()) send({ type: 'event', name: event.name, payload: event.payload });
        });
        return {
          async handle(message) {
            checkIdle();
            const result = await dispatcher.dispatch(message, ctx);
            if (ctx.session.userId !== null) warmUpClerkPath();
            // While a clerk is signed in somewhere, the departments are asked for their approvers' calls.
            if (!coreClosed) calls.clerkPresent(ctx, isClerk());
            return result;
          },
          close() {
            clearInterval(idleTimer);
            idleTimers.delete(idleTimer);
            unsubscribe();
            unsubscribeSync();
            unsubscribeCards();
            unsubscribePrinting();
            unsubscribeApplicant();
            unsubscribeCalls();
            if (coreClosed) return;
            calls.clerkPresent(ctx, false);
            // The applicant's page closed or lost its connection: the clerk is told at once.
            if (ctx.applicantLink) {
              try {
                applicant.detach(ctx.applicantLink);
              } catch (error) {
                logger.warn({ err: error }, 'could not record the applicant screen lost');
              }
            }
            ctx.uploads
              .close()
              .catch((error: unknown) =>
                logger.warn({ err: error }, 'dropping the uploads of a closed connection failed'),
              );
            owners.detach(ctx);
            // A session its tab may resume (reload, dropped socket) is parked, not signed out.
            auth.release(ctx.session);
          },
        };
      },
      async close() {
        coreClosed = true;
        clearInterval(dutySweep);
        stopRetention();
        for (const timer of idleTimers) clearInterval(timer);
        idleTimers.clear();
        cards.close();
        await devices.close();
        // Before sync's connection pools close: a call still on is ended at the inbox and in its session.
        await calls.close();
        await sync.runner.stop();
        await notices.close();
        try {
          recorder.stopAll('coreStopped');
        } catch (error) {
          logger.warn({ err: error }, 'could not record the recordings stopped');
        }
        // Before the store closes: half-received files leave no temp file behind.
        await uploads.closeAll();
        await downloads.closeAll();
        try {
          events.append({ stream: AUDIT_STREAM, actor: 'system', kind: 'app.stopped', payload: {} });
        } catch (error) {
          // A full disk must not keep the database open: only the stop goes unrecorded.
          logger.warn({ err: error }, 'could not record app.stopped');
        }
        openDb.close();
        logger.info('hall core stopped');
        await new Promise<void>((resolve) => logger.flush(() => resolve()));
      },
    };
  } catch (error) {
    db?.close();
    logger.error({ err: error }, 'start-up failed');
    await new Promise<void>((resolve) => logger.flush(() => resolve()));
    // A full disk at any start-up write (migration, audit, catalog) reads as one clear message.
    throw mapStoreError(error);
  }
}

/** An `uploads.*` call for a recording's segment (the recording's own methods are `background`). */
function isRecordingUpload(ctx: ConnectionContext, method: string, input: unknown): boolean {
  if (!method.startsWith('uploads.')) return false;
  const { purpose, uploadId } = input as { purpose?: unknown; uploadId?: unknown };
  if (purpose !== undefined) return purpose === 'recording';
  return typeof uploadId === 'string' && ctx.uploads.purposeOf(uploadId) === 'recording';
}

/**
 * The service-item catalog: the shipped seed is installed when it is newer than the
 * active catalog; updates signed by trusted department keys are installed later.
 *
 * The demo signer signs the seed, and its private key is not a secret kept by anyone
 * (a new one is made whenever the seed changes): in a configured hall it must not
 * sign updates. So it verifies the seed file shipped inside the app — which is as
 * trusted as the app's code beside it, and for its install only — while updates
 * through the contract need a key of the hall's config; the demo trusts both.
 */
function openCatalog(db: Database, config: HallConfig, clock: Clock, events: EventLog): CatalogStore {
  const dir = join(assetsDir(), 'catalog');
  const shippedKey = parseTrustedKeys([JSON.parse(readFileSync(join(dir, 'demo-signer.pub.json'), 'utf8'))]);
  const trustedKeys =
    config.profile === 'demo' ? [...shippedKey, ...config.catalog.trustedKeys] : config.catalog.trustedKeys;
  const catalog = new CatalogStore(db, { trustedKeys, clock, events });
  catalog.installBundled(readFileSync(join(dir, 'seed-catalog.json'), 'utf8'), shippedKey);
  return catalog;
}

/**
 * The master key, created on first run. A database without its key is never
 * met with a fresh key: that would look like a wrong key and invite overwriting.
 */
function masterKey(keys: KeyProvider, paths: DataPaths): Buffer {
  const existing = keys.load();
  if (existing) return existing;
  if (existsSync(paths.database)) {
    throw new AppError('store.keyMissing', `database exists but no master key was found (${keys.description})`);
  }
  return keys.create();
}
