// Binds each contract method to the service that does the work. Nothing here
// decides anything: access and validation happen in the dispatcher, domain rules
// in the services.
import type { AppInfo } from '../api/contract/index.ts';
import type { Handlers } from '../api/dispatcher.ts';
import { AppError } from '../common/errors.ts';
import type { CatalogStore } from '../catalog/catalog-store.ts';
import type { IntakeService } from '../intake/intake-service.ts';
import { AUDIT_STREAM, type EventLog } from '../recording/event-log.ts';
import { DEFAULT_SESSION_PAGE, DOWNLOAD_CHUNK_BYTES } from '../api/contract/recording.ts';
import type { SessionBundles } from '../recording/evidence-bundle.ts';
import type { SessionIndex } from '../recording/sessions.ts';
import type { SessionRecorder } from '../recording/session-recorder.ts';
import type { SessionMedia } from '../recording/session-media.ts';
import type { Downloads } from './downloads.ts';
import type { BlobStore } from '../store/blob-store.ts';
import type { DutyBoardService } from '../packets/duty-board.ts';
import type { Handovers } from '../packets/handovers.ts';
import type { MailingList } from '../packets/mailing-list.ts';
import { decodeCursor, encodeCursor, type PacketStore } from '../packets/packet-store.ts';
import { DEFAULT_PAGE_SIZE } from '../api/contract/packets.ts';
import type { HallSync } from './sync-wiring.ts';
import type { AuthService, Session } from '../auth/auth-service.ts';
import type { HealthBoard } from './health.ts';
import type { ConnectionUploads, Uploads } from './uploads.ts';
import type { DeviceRegistry } from './devices.ts';
import type { IdCardDesk } from './id-card-desk.ts';
import { DECK } from '../devices/idcard/deck.ts';
import type { PrintQueue } from '../packets/print-queue.ts';
import type { Ratings } from '../packets/ratings.ts';

import type { DepartmentDocuments } from '../sync/department-documents.ts';
import type { ApplicantDesk, ApplicantLink } from '../intake/applicant-desk.ts';
import type { ApplicantScreen } from '../common/applicant.ts';
import type { FaceSettings } from '../common/face.ts';
import type { DiagnosticsHealth } from '../common/diagnostics.ts';
import type { DiagnosticsBundle } from '../installer/diagnostics-bundle.ts';
import type { SetupService } from '../installer/setup-service.ts';
import type { CallService } from '../calls/call-service.ts';

export interface ConnectionContext {
  session: Session;
  /** Set once the connection is the applicant screen (applicant.attach); such a connection is never staff. */
  applicantLink: ApplicantLink | null;
  /** Makes this connection the applicant screen with a pairing's (or its last attach's) ticket. */
  attachApplicant(ticket: string): { ticket: string; screen: ApplicantScreen };
  /** Makes `session` this connection's, taking it from the connection that held it (auth.resume). */
  adopt(session: Session): void;
  /** The chunked uploads begun on this connection; they end with it. */
  uploads: ConnectionUploads;
}

export interface HandlerServices {
  info: AppInfo;
  auth: AuthService;
  health: HealthBoard;
  events: EventLog;
  sessions: SessionIndex;
  catalog: CatalogStore;
  intake: IntakeService;
  blobs: BlobStore;
  packets: PacketStore;
  mailing: MailingList;
  handovers: Handovers;
  duties: DutyBoardService;
  sync: HallSync;
  departmentDocuments: DepartmentDocuments;
  uploads: Uploads;
  devices: DeviceRegistry;
  cards: IdCardDesk;
  printQueue: PrintQueue;
  bundles: SessionBundles;
  downloads: Downloads;
  recorder: SessionRecorder;
  media: SessionMedia;
  ratings: Ratings;
  applicant: ApplicantDesk;
  /** The setup wizard's backend (installer only). */
  setup: SetupService;
  /** The hall's face settings (config.face). */
  face: FaceSettings;
  /** The health page and the diagnostics bundle (installer/diagnostics-bundle.ts). */
  diagnostics: { health(): DiagnosticsHealth; bundle(): Promise<DiagnosticsBundle> };
  /** 视频会商: the window's side of its calls (calls/). */
  calls: CallService;
}

export function createHandlers(services: HandlerServices): Handlers<ConnectionContext> {
  const {
    info,
    auth,
    health,
    events,
    sessions,
    catalog,
    intake,
    packets,
    mailing,
    handovers,
    duties,
    blobs,
    sync,
    departmentDocuments,
    uploads,
    devices,
    cards,
    printQueue,
    bundles,
    downloads,
    recorder,
    media,
    ratings,
    applicant,
    setup,
    face,
    diagnostics,
    calls,
  } = services;
  const clerk = ({ session }: ConnectionContext) => auth.userOf(session);
  const recordingActor = (ctx: ConnectionContext) => {
    const user = clerk(ctx);
    return { userId: user.id, username: user.username };
  };
  // The dispatcher lets only the applicant screen's connection call its methods.
  const screenOf = ({ applicantLink }: ConnectionContext): ApplicantLink => {
    if (!applicantLink) throw new AppError('applicant.notApplicant', 'not the applicant screen');
    return applicantLink;
  };
  const simulator = () => {
    const reader = devices.idCardSimulator;
    if (!reader) throw new AppError('demo.notAvailable', 'no simulated ID card reader (demo profile only)');
    return reader;
  };
  return {
    'app.info': () => info,

    'face.settings': () => face,

    'auth.session': (_input, { session }) => auth.info(session),
    'auth.setupState': () => ({ needsFirstInstaller: auth.needsFirstInstaller() }),
    'auth.createFirstInstaller': (input, { session }) => auth.createFirstInstaller(session, input),
    'auth.login': ({ username, password }, { session }) => auth.login(session, username, password),
    'auth.resume': ({ ticket }, ctx) => {
      const session = auth.resume(ctx.session, ticket);
      ctx.adopt(session);
      return { session: auth.info(session), ticket: auth.issueResumeTicket(session) };
    },
    'auth.resumeTicket': (_input, { session }) => ({ ticket: auth.issueResumeTicket(session) }),
    'auth.logout': (_input, { session }) => auth.logout(session),
    'auth.lock': (_input, { session }) => auth.lock(session),
    'auth.unlock': ({ password }, { session }) => auth.unlock(session, password),

    'users.list': () => ({ users: auth.listUsers() }),
    'users.create': (input, { session }) => auth.createUser(auth.actorOf(session), input),
    'users.update': (input, { session }) => auth.updateUser(auth.actorOf(session), input),
    'users.resetPassword': ({ id, password }, { session }) => auth.resetPassword(auth.actorOf(session), id, password),
    'users.unlock': ({ id }, { session }) => auth.unlockUser(auth.actorOf(session), id),

    'health.snapshot': () => health.snapshot(),

    'catalog.search': ({ query, limit }) => ({
      hits: catalog.search(query, limit).map(({ code, name, matchedBy }) => ({ code, name, matchedBy })),
    }),
    'catalog.item': ({ code }) => catalog.item(code),
    'catalog.list': () => ({ catalogs: catalog.list() }),
    'catalog.install': ({ fileText }, { session }) => catalog.install(fileText, auth.actorOf(session)),
    'drafts.list': (_input, ctx) => ({ drafts: intake.listDrafts(clerk(ctx)) }),
    'drafts.create': ({ itemCode }, ctx) => intake.createDraft(clerk(ctx), itemCode),
    'drafts.get': ({ id }, ctx) => intake.getDraft(clerk(ctx), id),
    'drafts.save': ({ id, patch }, ctx) => intake.saveDraft(clerk(ctx), id, patch),
    'drafts.addFile': async ({ id, materialId, uploadId, capture, replacing, thumbnail }, ctx) => {
      const file = ctx.uploads.take(clerk(ctx).id, uploadId, 'material');
      try {
        if (file.draftId !== id) {
          throw new AppError('request.invalidInput', `upload ${uploadId} was begun for another draft`, {
            fields: 'uploadId',
          });
        }
        return await intake.addFile(clerk(ctx), id, materialId, file, {
          ...(capture ? { capture } : {}),
          ...(replacing ? { replacing } : {}),
          ...(thumbnail ? { thumbnail } : {}),
        });
      } finally {
        // Refused (not an image, no such draft): the temp file goes; stored: nothing to do.
        file.discard();
      }
    },
    'drafts.removeFile': ({ id, materialId, sha256 }, ctx) => intake.removeFile(clerk(ctx), id, materialId, sha256),
    'drafts.moveFile': ({ id, materialId, sha256, to }, ctx) => intake.moveFile(clerk(ctx), id, materialId, sha256, to),
    'drafts.certifyCopy': ({ id, materialId, certified }, ctx) =>
      intake.certifyCopy(clerk(ctx), id, materialId, certified),
    'drafts.fileContent': ({ id, sha256, thumbnail }, ctx) =>
      intake.fileBytes(clerk(ctx), id, sha256, { thumbnail: thumbnail ?? false }),
    'drafts.signature': ({ id }, ctx) => intake.signatureImage(clerk(ctx), id),
    'drafts.signOnPaper': ({ id, reason }, ctx) => intake.signatureUnavailable(clerk(ctx), id, reason),
    'drafts.useIdCard': async ({ id, who, readId }, ctx) => {
      const reading = cards.held(readId);
      const view = await intake.useCard(clerk(ctx), id, who, {
        readId,
        readAt: reading.readAt,
        identity: reading.identity,
        findingRules: reading.findings.map((finding) => finding.ruleId),
      });
      cards.markUsed(readId, id);
      return view;
    },
    'drafts.identityCheck': ({ id, who, check }, ctx) => intake.recordIdentityCheck(clerk(ctx), id, who, check),
    'drafts.review': ({ id }, ctx) => intake.review(clerk(ctx), id),
    'drafts.countersign': async ({ id, findingKey, username, password }, ctx) => {
      const supervisor = await auth.countersigner(ctx.session, username, password);
      return intake.countersign(clerk(ctx), id, findingKey, supervisor);
    },
    'drafts.seal': ({ id, confirmUnprintable }, ctx) => intake.seal(clerk(ctx), id, confirmUnprintable),
    'drafts.discard': async ({ id }, ctx) => {
      await intake.discard(clerk(ctx), id);
      return {};
    },
    'drafts.supplement': ({ packetId, late }, ctx) => intake.supplement(clerk(ctx), packetId, late),
    'packets.list': ({ scope, query, cursor, limit }) => {
      const page = intake.listPackets({
        filter: scope,
        query: query ?? '',
        after: cursor === undefined ? null : decodeCursor(cursor),
        limit: limit ?? DEFAULT_PAGE_SIZE,
        held: sync.queue.held(),
      });
      return {
        packets: departmentDocuments.decorate(sync.queue.decorate(page.packets), page.today),
        nextCursor: page.next && encodeCursor(page.next),
        counts: page.counts,
      };
    },
    'packets.decision': ({ packetId, version }) => ({ decision: sync.queue.info(packetId, version)?.decision ?? null }),
    'documents.department': ({ packetId, version, cursor }) => departmentDocuments.render(packetId, version, cursor),
    'documents.get': async ({ sha256 }) => {
      const file = packets.hasFile(sha256);
      if (!file) throw new AppError('store.blobMissing', `no packet file ${sha256.slice(0, 12)}`);
      return { bytes: await blobs.read(sha256), mediaType: file.mediaType, name: file.name };
    },
    'mailing.list': ({ day }) => {
      const today = mailing.today();
      return { day: day ?? today, today, entries: mailing.list(day ?? today) };
    },
    'duties.board': () => duties.board(),
    'ratings.list': ({ filter, limit }) => ({ ratings: ratings.list({ filter, limit }) }),
    'ratings.followUp': ({ ratingId, action, closes }, ctx) => {
      const user = clerk(ctx);
      return ratings.followUp(ratingId, { username: user.username, displayName: user.displayName }, action, closes);
    },

    'packets.handOver': ({ packetId, version, how }, ctx) =>
      handovers.record({ packetId, version }, how, clerk(ctx).username),
    'mailing.recordWaybill': ({ packetId, version, waybill }, ctx) =>
      mailing.recordWaybill({ packetId, version }, waybill, clerk(ctx).username),

    'sync.status': () => sync.runner.status(),
    'sync.pause': (_input, { session }) => sync.runner.pause(auth.actorOf(session)),
    'sync.resume': (_input, { session }) => sync.runner.resume(auth.actorOf(session)),
    'sync.retryNow': ({ packetId, version }) => sync.runner.retryNow(packetId, version),
    'sync.enrolment': () => sync.enrolment.enrolment(),
    'sync.setDepartmentToken': ({ departmentId, token }, { session }) =>
      sync.enrolment.setDepartmentToken(auth.actorOf(session), departmentId, token),

    'uploads.limits': ({ purpose }) => uploads.limits(purpose),
    'uploads.begin': (input, ctx) => {
      // Refused now, not after the last chunk: a material's draft sealed or gone, a recording not running.
      if (input.purpose === 'recording') recorder.assertRunning(clerk(ctx).id, input.draftId);
      else intake.getDraft(clerk(ctx), input.draftId);
      return ctx.uploads.begin(clerk(ctx).id, input);
    },
    'uploads.chunk': ({ uploadId, offset, bytes }, ctx) => ctx.uploads.chunk(clerk(ctx).id, uploadId, offset, bytes),
    'uploads.abort': async ({ uploadId }, ctx) => {
      await ctx.uploads.abort(clerk(ctx).id, uploadId);
      return {};
    },

    'eventLog.verify': ({ stream }) => events.verify(stream),
    'recording.exportBundle': ({ draftId }, ctx) => {
      const bundle = bundles.open(draftId);
      const user = clerk(ctx);
      events.append({
        stream: AUDIT_STREAM,
        actor: user.username,
        kind: 'recording.bundleExported',
        payload: { draftId },
      });
      return {
        downloadId: downloads.open(user.id, bundle.bytes),
        name: bundle.name,
        mediaType: bundle.mediaType,
        chunkBytes: DOWNLOAD_CHUNK_BYTES,
      };
    },
    'diagnostics.health': () => diagnostics.health(),
    'diagnostics.export': async (_input, ctx) => {
      const user = clerk(ctx);
      const bundle = await diagnostics.bundle();
      events.append({
        stream: AUDIT_STREAM,
        actor: user.username,
        kind: 'diagnostics.exported',
        payload: { name: bundle.name, bytes: bundle.bytes.length },
      });
      return {
        downloadId: downloads.open(user.id, oneChunk(bundle.bytes)),
        name: bundle.name,
        mediaType: 'application/zip',
        chunkBytes: DOWNLOAD_CHUNK_BYTES,
      };
    },
    'downloads.chunk': ({ downloadId, offset }, ctx) => downloads.chunk(clerk(ctx).id, downloadId, offset),
    'sessions.list': ({ limit, ...query }) => sessions.list({ ...query, limit: limit ?? DEFAULT_SESSION_PAGE }),
    'sessions.facets': () => sessions.facets(),
    'sessions.get': ({ draftId }) => sessions.get(draftId),
    'sessions.timeline': ({ draftId }) => ({ segments: media.timeline(draftId) }),
    'sessions.segment': ({ draftId, track, index, offset }) =>
      media.segmentBytes(draftId, track, index, offset, DOWNLOAD_CHUNK_BYTES),
    'sessions.checkSegments': ({ draftId, from }) => media.check(draftId, from),
    'sessions.comment': ({ draftId, text }, { session }) => sessions.comment(auth.actorOf(session), draftId, text),
    'sessions.signOff': ({ draftId, verdict, comment }, { session }) =>
      sessions.signOff(auth.actorOf(session), draftId, verdict, comment),
    'recording.start': ({ draftId, ...payload }, ctx) => {
      // An open draft of this clerk's, or the session of a packet a call is about now (its call tracks).
      if (!calls.recordsInto(draftId)) intake.getDraft(clerk(ctx), draftId);
      recorder.start(recordingActor(ctx), draftId, payload);
      return {};
    },
    'recording.segment': async ({ draftId, uploadId, ...segment }, ctx) => {
      const file = ctx.uploads.take(clerk(ctx).id, uploadId, 'recording');
      try {
        if (file.draftId !== draftId) {
          throw new AppError('request.invalidInput', `upload ${uploadId} was begun for another draft`, {
            fields: 'uploadId',
          });
        }
        return await recorder.addSegment(recordingActor(ctx), draftId, segment, file);
      } finally {
        file.discard();
      }
    },
    'recording.gap': ({ draftId, ...gap }, ctx) => {
      recorder.gap(recordingActor(ctx), draftId, gap);
      return {};
    },
    'recording.stop': ({ draftId, reason }, ctx) => {
      recorder.stop(recordingActor(ctx), draftId, reason);
      return {};
    },

    'idCard.state': () => cards.state(),
    'demo.idCard.deck': () => {
      const placed = simulator().card;
      return {
        cards: DECK.map((card, i) => ({
          index: i + 1,
          name: card.text.name || card.text.englishName || '',
          cardType: card.text.cardType,
        })),
        placed: placed ? DECK.indexOf(placed) + 1 : null,
      };
    },
    'demo.idCard.place': ({ index }) => {
      const card = DECK[index - 1];
      if (!card) throw new AppError('request.invalidInput', `the deck has ${DECK.length} cards`, { fields: 'index' });
      simulator().place(card);
      return {};
    },
    'demo.idCard.remove': () => {
      simulator().remove();
      return {};
    },

    'printing.jobs': () => ({
      enabled: printQueue.enabled,
      simulated: devices.printer.simulated,
      paper: devices.printer.paper,
      jobs: printQueue.list(),
    }),
    'printing.forPacket': ({ packetId, version }) => ({ jobs: printQueue.forPacket(packetId, version) }),
    'printing.print': async ({ jobId }, ctx) => ({ job: await printQueue.print(jobId, clerk(ctx).username) }),
    'printing.reprint': async ({ jobId }, ctx) => ({ job: await printQueue.reprint(jobId, clerk(ctx).username) }),
    'printing.cancel': ({ jobId }, ctx) => ({ job: printQueue.cancel(jobId, clerk(ctx).username) }),
    'printing.preview': async ({ jobId }) => {
      const document = printQueue.document(jobId);
      // The roll's drawing (fonts, PNG) loads with the first preview, not at start.
      const { previewPng } = await import('../devices/printer/preview.ts');
      return { bytes: previewPng(document), mediaType: 'image/png', name: `slip-${jobId}.png` };
    },
    'demo.printer.last': () => {
      if (!devices.printer.simulated) {
        throw new AppError('demo.notAvailable', 'no simulated receipt printer (demo profile only)');
      }
      // Not connected yet (it loads with the first status read): nothing printed.
      const slip = devices.printer.simulator?.lastCut();
      return {
        receipt: slip
          ? { image: { bytes: slip.png, mediaType: 'image/png', name: 'last-slip.png' }, text: slip.text }
          : null,
      };
    },

    'applicant.status': () => applicant.status(),
    'applicant.pairingCode': (_input, ctx) => applicant.issueCode(clerk(ctx)),
    'applicant.askConsent': ({ draftId }, ctx) => applicant.askConsent(clerk(ctx), draftId),
    'applicant.showForConfirmation': ({ draftId }, ctx) => applicant.showForConfirmation(clerk(ctx), draftId),
    'applicant.askSignature': ({ draftId }, ctx) => applicant.askSignature(clerk(ctx), draftId),
    'applicant.askRating': ({ packetId }, ctx) => applicant.askRating(clerk(ctx), packetId),
    'applicant.clear': () => applicant.clear(),
    'applicant.waiveConfirmation': ({ draftId, reason }, ctx) =>
      applicant.waiveConfirmation(clerk(ctx), draftId, reason),
    'applicant.attach': ({ ticket }, ctx) => {
      if (ctx.session.userId !== null) {
        throw new AppError('applicant.notApplicant', 'a signed-in staff connection cannot become the applicant screen');
      }
      return ctx.attachApplicant(ticket);
    },
    'applicant.screen': (_input, ctx) => applicant.screenFor(screenOf(ctx)),
    'applicant.consent': ({ granted }, ctx) => applicant.consent(screenOf(ctx), granted),
    'applicant.confirm': ({ viewHash }, ctx) => applicant.confirm(screenOf(ctx), viewHash),
    'applicant.requestCorrection': ({ note }, ctx) => applicant.requestCorrection(screenOf(ctx), note ?? ''),
    'applicant.sign': (input, ctx) => applicant.sign(screenOf(ctx), input),
    'applicant.rate': (input, ctx) => applicant.rate(screenOf(ctx), input),

    // 视频会商 (#17)
    'calls.place': (input, ctx) => calls.place(clerk(ctx), input),
    'calls.incoming': () => ({ calls: calls.incomingCalls() }),
    'calls.answer': (input, ctx) => calls.answer(clerk(ctx), input),
    'calls.signal': async ({ callId, signal }) => {
      await calls.signal(callId, signal);
      return {};
    },
    'calls.record': ({ callId, entry }, ctx) => {
      calls.record(clerk(ctx), callId, entry);
      return {};
    },
    'calls.end': ({ callId, reason }, ctx) => calls.end(clerk(ctx), callId, reason),
    'calls.current': () => ({ calls: calls.current() }),
    'calls.get': ({ callId }) => calls.get(callId),

    'setup.state': () => setup.state(),
    'setup.serialPorts': () => setup.serialPorts(),
    'setup.probeCardReader': ({ path, baudRate }) => setup.probeCardReader(path, baudRate),
    'setup.testPrint': ({ printer }) => setup.testPrint(printer),
    'setup.checkDepartment': ({ department, windowId, token }) => setup.checkDepartment(department, windowId, token),
    'setup.enrolment': ({ windowId, scheme }) => setup.enrolment(windowId, scheme),
    'setup.validate': ({ config }) => setup.validate(config),
    'setup.save': ({ config, tokens }, { session }) => setup.save(auth.actorOf(session), config, tokens),
    'setup.check': () => setup.check(),
    'setup.exportRollout': () => setup.exportRollout(),
    'setup.importRollout': ({ bytes, window }) => setup.importRollout(bytes, window),
  };
}

/** A file made whole in memory, as a download's producer. */
async function* oneChunk(bytes: Uint8Array): AsyncGenerator<Uint8Array, void, undefined> {
  yield bytes;
}
