// Errors are values with a stable code: the wire codes come from the protocol module;
// the inbox adds a few for its own admin paths (CLI, approver page).
import { PROTOCOL_ERRORS, type ProtocolErrorCode } from '../../src-main/common/sync-protocol.ts';

export const ADMIN_ERRORS = {
  'window.exists': 409,
  'window.notFound': 404,
  'window.invalidKey': 400,
  'approver.exists': 409,
  'decision.invalid': 400,
  'decision.notAllowed': 409,
  'approver.unauthorized': 401,
  'approver.badCsrf': 403,
  /** The inbox's own configuration (a start refused); never an answer to a request. */
  'config.invalid': 500,
} as const satisfies Record<string, number>;

/** 视频会商 (calls.ts): answers to both the window's and the approver console's call requests. */
export const CALL_ERRORS = {
  'call.notFound': 404,
  /** The call has ended: nothing more can be done on it but read it. */
  'call.ended': 409,
  /** Answering, withdrawing or declining a call that is no longer waiting. */
  'call.notWaiting': 409,
  /** Another approver answered first. */
  'call.taken': 409,
  /** Not this side's to do (answer its own call, another approver's call, a signal of the other side's kind). */
  'call.forbidden': 403,
  /** The request contradicts the call as it stands (a call id reused, a signal before the call is answered). */
  'call.conflict': 409,
  'call.invalid': 400,
} as const satisfies Record<string, number>;

export type InboxErrorCode = ProtocolErrorCode | keyof typeof ADMIN_ERRORS | keyof typeof CALL_ERRORS;

const STATUS: Record<InboxErrorCode, number> = { ...PROTOCOL_ERRORS, ...ADMIN_ERRORS, ...CALL_ERRORS };

export class InboxError extends Error {
  override readonly name = 'InboxError';
  readonly status: number;

  constructor(
    readonly code: InboxErrorCode,
    message: string,
    readonly extra?: Record<string, unknown>,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.status = STATUS[code];
  }

  toBody(): { error: { code: string; message: string } & Record<string, unknown> } {
    return { error: { code: this.code, message: this.message, ...this.extra } };
  }
}

/** SQLite, PostgreSQL or file-system codes that mean "try again later" rather than "you are wrong". */
export function transientCode(
  error: unknown,
): { code: 'unavailable' | 'storage.full'; retryAfter: number; message: string } | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT' || code === '53100') {
    return {
      code: 'storage.full',
      retryAfter: 60,
      message: "the department's storage is full; retry later (what was received so far is kept)",
    };
  }
  if (code === '40001' || code === '40P01') {
    // A PostgreSQL transaction that kept losing serialization races to concurrent ones.
    return { code: 'unavailable', retryAfter: 1, message: 'busy with concurrent requests; retry shortly' };
  }
  if (code === 'DB_UNAVAILABLE') {
    // PostgreSQL down or restarting (store/postgres-driver.ts): the pool reconnects by itself.
    return { code: 'unavailable', retryAfter: 5, message: 'the department database is restarting; retry later' };
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || code === 'EMFILE' || code === 'EAGAIN') {
    return { code: 'unavailable', retryAfter: 1, message: 'temporarily unavailable; retry later' };
  }
  return undefined;
}
