// Errors are values: a stable code the UI turns into a Chinese message (the i18n
// catalog's `errors` section), optional params for that message, and an English
// detail for logs and installers. No personal data goes into `detail`.
import { z } from 'zod';

export const ERROR_CODES = [
  // contract boundary
  'request.malformed',
  'request.unknownMethod',
  'request.invalidInput',
  'request.tooLarge',
  'internal',
  // renderer side: the transport to the core is gone (core stopped, socket closed)
  'transport.disconnected',
  // auth
  'auth.required',
  'auth.forbidden',
  'auth.locked',
  'auth.invalidCredentials',
  'auth.accountLocked',
  'auth.accountDisabled',
  'auth.setupDone',
  'auth.weakPassword',
  'auth.usernameTaken',
  'auth.userNotFound',
  'auth.lastInstaller',
  'auth.resumeRefused',
  'auth.notSupervisor',
  'auth.countersignSelf',
  // start-up and store
  'config.invalid',
  'setup.rolloutDemo',
  'setup.rolloutInvalid',
  'setup.saveFailed',
  'config.unreadable',
  'config.profileMismatch',
  'store.cannotOpen',
  'store.newerVersion',
  'store.keyMissing',
  'store.migrationFailed',
  'store.diskFull',
  'store.blobMissing',
  'store.blobCorrupt',
  // service-item catalog (事项目录)
  'catalog.invalid',
  'catalog.badSignature',
  'catalog.untrustedKey',
  'catalog.notNewer',
  'catalog.noneActive',
  'catalog.itemNotFound',
  // working-day calendar
  'calendar.yearMissing',
  'calendar.invalid',
  // intake (收件)
  'intake.draftNotFound',
  'intake.draftSealed',
  'intake.uploadInProgress',
  'intake.fixAtWindow',
  'intake.packetNotFound',
  'intake.notCorrectable',
  'intake.supplementLate',
  'packets.nothingToHandOver',
  'intake.notReceivable',
  'intake.unsupportedFile',
  'intake.badThumbnail',
  'intake.draftTooLarge',
  'intake.unprintableCharacters',
  'intake.cardReadingGone',
  'intake.countersignRequired',
  'intake.countersignNotNeeded',
  'intake.fileNotFound',
  'intake.pageUnreadable',
  'intake.certifyNotApplicable',
  'demo.notAvailable',
  'mailing.waybill.format',
  'mailing.waybill.checkDigit',
  'mailing.notOnList',
  'mailing.badDay',
  // the PDF documents (rendered in a worker thread)
  'documents.renderFailed',
  // chunked uploads (files larger than one message)
  'upload.tooLarge',
  'upload.notFound',
  'upload.wrongOffset',
  'upload.incomplete',
  'upload.tooMany',
  // formal review (形式审查)
  'review.overrideReasonTooShort',
  'review.notOverridable',
  // the event log
  'eventLog.streamUnknown',
  'recording.sessionUnknown',
  'recording.chainBroken',
  'recording.bundleTooLarge',
  'download.unknown',
  'download.wrongOffset',
  // the supervisor's review of counter sessions (会话抽查)
  'supervision.sessionNotFound',
  'supervision.sessionOpen',
  'supervision.alreadySignedOff',
  'supervision.chainBroken',
  'supervision.segmentNotFound',
  'supervision.segmentPurged',
  // the counter session's recording (全过程记录)
  'recording.notStarted',
  'recording.hashMismatch',
  'recording.badSpan',
  // sync with the approving department (报送): calls, and why a packet waits or is blocked
  'sync.manifestInvalid',
  'sync.departmentUnknown',
  'sync.departmentEmbedded',
  'sync.packetNotQueued',
  'sync.tokenMissing',
  'sync.tokenRejected',
  'sync.enrolmentMismatch',
  'sync.windowMismatch',
  'sync.signatureRejected',
  'sync.conflict',
  'sync.correctionConflict',
  'sync.packetRefused',
  'sync.blobDamaged',
  'sync.hashMismatch',
  'sync.unreachable',
  'sync.departmentError',
  'sync.departmentBusy',
  'sync.departmentStorageFull',
  'sync.uploadGone',
  'sync.uploadOriginMismatch',
  'sync.localError',
  // hall devices: opening a port, a device that stops answering or goes away
  'device.portNotFound',
  'device.permissionDenied',
  'device.portBusy',
  'device.openFailed',
  'device.gone',
  'device.timeout',
  'device.notSupported',
  'device.socatMissing',
  // a device driven through its vendor's library (native addon, library, entry points)
  'device.addonMissing',
  'device.libraryLoadFailed',
  'device.librarySymbolMissing',
  // the ID card reader (GA 467 SAM): status codes and what the bytes said
  'idcard.noCard',
  'idcard.selectFailed',
  'idcard.readFailed',
  'idcard.cardAuthFailed',
  'idcard.unknownCardType',
  'idcard.samSelfTestFailed',
  'idcard.samNotAuthorised',
  'idcard.transmission',
  'idcard.readerFault',
  'idcard.badResponse',
  'idcard.textInvalid',
  // the ID card reader through its vendor SDK (termb), and the card's photo
  'idcard.sdkPortFailed',
  'idcard.sdkCardTypeUnsupported',
  'idcard.photoDecoderNotConfigured',
  'idcard.photoDecoderMissing',
  'idcard.photoDecodeFailed',
  // the receipt printer (ESC/POS): its real-time status (DLE EOT) and the job
  'printer.unreachable',
  'printer.permissionDenied',
  'printer.noAnswer',
  'printer.badStatus',
  'printer.paperOut',
  'printer.coverOpen',
  'printer.offline',
  'printer.fault',
  'printer.jobIncomplete',
  'printer.notConfigured',
  // the print queue of receipts and 补正 slips
  'printing.jobNotFound',
  'printing.reprintNotToday',
  'printing.notPrintedYet',
  'printing.alreadyPrinted',
  // the document camera (高拍仪): a still that holds no page, a file that is not an image
  'doccam.noPage',
  'doccam.imageUnreadable',
  // 人证核验: the check of the person at the counter against the card
  'intake.identityCheckNoPerson',
  'intake.identityCheckNoCard',
  'intake.faceConsentMissing',
  // 好差评: the applicant's rating of a visit, and its follow-up
  'rating.alreadyGiven',
  'rating.packetNotFound',
  'rating.notFound',
  'rating.notBad',
  // the applicant screen (申请人屏): pairing, its stages, the confirmation a seal needs
  'applicant.notAvailable',
  'applicant.notPaired',
  'applicant.ticketRefused',
  'applicant.notApplicant',
  'applicant.wrongStage',
  'applicant.viewChanged',
  'intake.notConfirmed',
  // the applicant's e-signature (申请人签名)
  'signature.tooShort',
  'signature.invalid',
  'signature.badImage',
  'signature.tooLarge',
  'signature.notGiven',
  'signature.reasonMissing',
  // 人证比对 (the face matcher): a picture without a single face, models that cannot load
  'face.noFace',
  'face.multipleFaces',
  'face.modelsUnavailable',
  // 视频会商 (#17)
  'calls.departmentUnreachable',
  'calls.refused',
  'calls.ended',
  'calls.taken',
  'calls.noDepartment',
  'calls.notFound',
  'calls.noDraft',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];
export type ErrorParams = Record<string, string | number>;

export interface WireError {
  code: ErrorCode;
  detail: string;
  params?: ErrorParams;
}

/** A WireError carried inside a contract payload (a device's problem, say). */
export const WireErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  detail: z.string(),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly detail: string;
  readonly params: ErrorParams | undefined;

  constructor(code: ErrorCode, detail: string, params?: ErrorParams, options?: { cause?: unknown }) {
    super(`${code}: ${detail}`, options);
    this.name = 'AppError';
    this.code = code;
    this.detail = detail;
    this.params = params;
  }

  toWire(): WireError {
    return this.params
      ? { code: this.code, detail: this.detail, params: this.params }
      : { code: this.code, detail: this.detail };
  }
}

export function isAppError(value: unknown): value is AppError {
  return value instanceof AppError;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
