// What went wrong talking to a department, and what the outbox does about it: try
// again later (network, timeouts, 5xx, 408/429, answers that are not the protocol's —
// a captive portal or a broken proxy), or hold the packet for a person (any other
// 4xx: a token, signature or packet the department will never take as it is).
import { AppError, isAppError, type ErrorCode, type ErrorParams } from '../common/errors.ts';
import { isRetryableStatus } from '../common/sync-protocol.ts';
import { mapStoreError } from '../store/database.ts';

export type FailureKind = 'network' | 'timeout' | 'http' | 'garbage' | 'aborted';

/** A failed exchange with a department, as seen on the wire. */
export class DepartmentError extends Error {
  override readonly name = 'DepartmentError';

  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly details: {
      status?: number | undefined;
      /** The protocol's error code from the answer's JSON body, when it had one. */
      code?: string | undefined;
      retryAfterMs?: number | undefined;
      missingFiles?: string[] | undefined;
    } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  get status(): number | undefined {
    return this.details.status;
  }

  get code(): string | undefined {
    return this.details.code;
  }
}

export type Verdict =
  | { action: 'retry'; code: ErrorCode; detail: string; retryAfterMs?: number | undefined; params?: ErrorParams }
  | { action: 'block'; code: ErrorCode; detail: string; params?: ErrorParams };

/** Decides between "try again later" and "a person must look" for any failure of a step. */
export function classify(error: unknown): Verdict {
  if (error instanceof DepartmentError) return classifyDepartment(error);
  // A full disk here is the installer's to fix, and the health board says so in its own words.
  error = mapStoreError(error);
  if (isAppError(error)) {
    if (error.code === 'store.blobCorrupt' || error.code === 'store.blobMissing') {
      return { action: 'block', code: 'sync.blobDamaged', detail: error.detail };
    }
    if (error.code === 'store.diskFull') return { action: 'retry', code: 'store.diskFull', detail: error.detail };
    if (error.code.startsWith('sync.')) {
      return {
        action: 'block',
        code: error.code,
        detail: error.detail,
        ...(error.params ? { params: error.params } : {}),
      };
    }
    return { action: 'block', code: 'sync.localError', detail: `${error.code}: ${error.detail}` };
  }
  // SQLite busy/full and file-system hiccups: local and transient; rows stay as they were.
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && (code.startsWith('SQLITE_') || code.startsWith('E'))) {
    return { action: 'retry', code: 'sync.localError', detail: `${code}: ${message}` };
  }
  return { action: 'retry', code: 'sync.localError', detail: message };
}

function classifyDepartment(error: DepartmentError): Verdict {
  const detail = error.message;
  const { status, code, retryAfterMs } = error.details;
  switch (error.kind) {
    case 'network':
    case 'timeout':
    case 'aborted':
      return { action: 'retry', code: 'sync.unreachable', detail };
    case 'garbage':
      // 2xx or 5xx with a body that is not the protocol's: a proxy or portal in the way.
      if (status === undefined || status < 400 || status >= 500) {
        return { action: 'retry', code: 'sync.departmentError', detail, retryAfterMs };
      }
      break;
    case 'http':
      break;
  }
  if (status === undefined) return { action: 'retry', code: 'sync.departmentError', detail };
  // The department's disk is full: only the department can free it; we wait and resume.
  if (code === 'storage.full') return { action: 'retry', code: 'sync.departmentStorageFull', detail, retryAfterMs };
  if (isRetryableStatus(status)) {
    const busy = status === 503 || status === 429 || status === 408;
    return { action: 'retry', code: busy ? 'sync.departmentBusy' : 'sync.departmentError', detail, retryAfterMs };
  }
  // Another request holds the upload, or our offset was stale: look again (HEAD) and go on.
  if (status === 423 || code === 'upload.offsetConflict')
    return { action: 'retry', code: 'sync.departmentBusy', detail };
  if (status === 401) return { action: 'block', code: 'sync.tokenRejected', detail };
  if (status === 403) return { action: 'block', code: 'sync.windowMismatch', detail };
  if (code === 'packet.conflict') return { action: 'block', code: 'sync.conflict', detail };
  if (code === 'packet.windowCorrectionConflict') return { action: 'block', code: 'sync.correctionConflict', detail };
  if (code?.startsWith('signature.'))
    return { action: 'block', code: 'sync.signatureRejected', detail, params: { code } };
  return { action: 'block', code: 'sync.packetRefused', detail, params: { code: code ?? `HTTP ${status}` } };
}

/** An error that stops a step without a verdict: the worker is stopping or pausing. */
export class StepAborted extends Error {
  override readonly name = 'StepAborted';
}

export function isAbort(error: unknown): boolean {
  return error instanceof StepAborted || (error instanceof DepartmentError && error.kind === 'aborted');
}

export function blockError(code: ErrorCode, detail: string, params?: ErrorParams): AppError {
  return new AppError(code, detail, params);
}

/**
 * Thrown by a test's fault hook to play a crash at a step boundary: the worker stops at
 * once, records nothing more and keeps its leases — as a killed process would.
 */
export class Halt extends Error {
  override readonly name = 'Halt';
}
