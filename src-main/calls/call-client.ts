// The window's side of the 视频会商 protocol (common/call-protocol.ts): HTTP to a
// department's inbox with the window's token, through the very client, connection pools,
// URLs and tokens sync uses (sync/department-client.ts, sync/departments.ts). Every
// failure leaves here as an AppError of `calls.*` a clerk can act on; the wire's detail
// (never the token) stays in the error's detail for the log.
import { z } from 'zod';
import {
  CALL_MAX_WAIT_SECONDS,
  CALLS_PATH,
  callAnswerPath,
  callEndPath,
  callRecordPath,
  callSignalsPath,
  type CallEndReason,
  type CallRecordEntry,
  type CallSignal,
  CallTicket,
  CallView,
  IncomingCalls,
  type PlaceCallRequest,
  SignalPoll,
} from '../common/call-protocol.ts';
import { AppError, isAppError } from '../common/errors.ts';
import type { DepartmentClient, DepartmentEndpoint } from '../sync/department-client.ts';
import type { Departments } from '../sync/departments.ts';
import { DepartmentError } from '../sync/failures.ts';

export interface CallClientDeps {
  departments: Pick<Departments, 'endpoint'>;
  client: DepartmentClient;
}

/** Whatever the inbox answers where the protocol promises no body worth reading. */
const Anything = z.unknown();

export class CallClient {
  constructor(private readonly deps: CallClientDeps) {}

  place(departmentId: string, request: PlaceCallRequest): Promise<CallTicket> {
    return this.exchange(departmentId, 'POST', CALLS_PATH, CallTicket, { body: request });
  }

  answer(departmentId: string, callId: string): Promise<CallTicket> {
    return this.exchange(departmentId, 'POST', callAnswerPath(callId), CallTicket, { body: {} });
  }

  /** Calls approvers placed to this window and nobody answered yet; waits up to `wait` seconds for a change. */
  async incoming(departmentId: string, wait: number, signal?: AbortSignal): Promise<CallView[]> {
    const seconds = clampWait(wait);
    const answer = await this.exchange(departmentId, 'GET', `${CALLS_PATH}?wait=${seconds}`, IncomingCalls, {
      signal,
      extraTimeoutMs: seconds * 1000,
    });
    return answer.calls;
  }

  /** Signals from the other side after `after`, and the call as it stands; waits up to `wait` seconds for one. */
  signals(
    departmentId: string,
    callId: string,
    after: number,
    wait: number,
    signal?: AbortSignal,
  ): Promise<SignalPoll> {
    const seconds = clampWait(wait);
    return this.exchange(departmentId, 'GET', `${callSignalsPath(callId)}?after=${after}&wait=${seconds}`, SignalPoll, {
      signal,
      extraTimeoutMs: seconds * 1000,
    });
  }

  async send(departmentId: string, callId: string, signal: CallSignal): Promise<void> {
    await this.exchange(departmentId, 'POST', callSignalsPath(callId), Anything, { body: { signal } });
  }

  /** Ends the call; answers the call as the inbox now holds it, when it says. */
  async end(departmentId: string, callId: string, reason: CallEndReason): Promise<CallView | undefined> {
    const answer = await this.exchange(departmentId, 'POST', callEndPath(callId), Anything, { body: { reason } });
    const direct = CallView.safeParse(answer);
    if (direct.success) return direct.data;
    const wrapped = CallView.safeParse((answer as { call?: unknown } | null)?.call);
    return wrapped.success ? wrapped.data : undefined;
  }

  async record(departmentId: string, callId: string, entry: CallRecordEntry): Promise<void> {
    await this.exchange(departmentId, 'POST', callRecordPath(callId), Anything, { body: { entry } });
  }

  private async exchange<S extends z.ZodType>(
    departmentId: string,
    method: 'GET' | 'POST',
    path: string,
    schema: S,
    options: { body?: unknown; signal?: AbortSignal | undefined; extraTimeoutMs?: number },
  ): Promise<z.output<S>> {
    let endpoint: DepartmentEndpoint;
    try {
      endpoint = this.deps.departments.endpoint(departmentId);
    } catch (error) {
      throw callError(error, departmentId);
    }
    try {
      return await this.deps.client.request(endpoint, method, path, schema, options);
    } catch (error) {
      throw callError(error, departmentId);
    }
  }
}

function clampWait(wait: number): number {
  return Math.max(0, Math.min(CALL_MAX_WAIT_SECONDS, Math.floor(wait)));
}

/** An abort (the core closing, the call ended) is no failure: the loops stop quietly on it. */
export function isAborted(error: unknown): boolean {
  return error instanceof DepartmentError && error.kind === 'aborted';
}

/**
 * What a failed exchange means to the clerk. 401/403: the inbox no longer accepts this
 * window's enrolment (a 403 about one call is that call's). 404: no such call (any more). 409/410: the call is over, or another
 * took it. Anything else (network, timeout, 5xx, a body that is not the protocol's): the
 * department cannot be reached now.
 */
export function callError(error: unknown, departmentId: string): Error {
  if (isAborted(error)) return error as Error;
  if (isAppError(error)) {
    if (error.code === 'sync.departmentUnknown') {
      return new AppError('calls.noDepartment', error.detail, { departmentId });
    }
    if (error.code === 'sync.tokenMissing') return new AppError('calls.refused', error.detail, { departmentId });
    return error;
  }
  if (!(error instanceof DepartmentError)) return error instanceof Error ? error : new Error(String(error));
  const detail = error.message;
  const { status, code } = error.details;
  if (error.kind === 'http' && status !== undefined) {
    // 403 `call.forbidden` is about one call (not this side's to do), not the window's enrolment.
    if (status === 403 && code === 'call.forbidden') return new AppError('calls.notFound', detail, { departmentId });
    if (status === 401 || status === 403) return new AppError('calls.refused', detail, { departmentId });
    if (status === 404) return new AppError('calls.notFound', detail, { departmentId });
    if (status === 409 || status === 410) {
      return new AppError(code?.includes('taken') ? 'calls.taken' : 'calls.ended', detail, { departmentId });
    }
  }
  return new AppError('calls.departmentUnreachable', detail, { departmentId });
}
