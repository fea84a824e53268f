// The renderer's one way to the core: typed calls and events of the contract over
// whichever transport the host provides (Electron IPC or the browser host's
// WebSocket). Screens receive this client and never learn which transport it has.
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../src-main/api/contract/index.ts';
import { isErrorCode, type ErrorCode, type ErrorParams } from '../../src-main/common/errors.ts';
import type { CallMessage, EventMessage, ResultMessage } from '../../src-main/api/wire.ts';

/**
 * Whether the link to the core is up; only transports that can lose it report this.
 * `stale`: the browser host no longer knows this page's token (it restarted); the
 * transport has stopped, only opening the page again from the host's address helps.
 */
export type ConnectionState = 'up' | 'down' | 'stale';

export interface Transport {
  /** Sends one call; resolves with its result (a failure result if the link dropped). */
  call(message: CallMessage): Promise<ResultMessage>;
  onEvent(listener: (event: EventMessage) => void): () => void;
  onConnectionChange?(listener: (state: ConnectionState) => void): () => void;
}

/** A call the core (or the transport) answered with an error value. */
export class ApiCallError extends Error {
  readonly code: ErrorCode;
  readonly params: ErrorParams | undefined;
  readonly detail: string;

  constructor(code: ErrorCode, detail: string, params?: ErrorParams) {
    super(`${code}: ${detail}`);
    this.name = 'ApiCallError';
    this.code = code;
    this.detail = detail;
    this.params = params;
  }
}

export function isApiCallError(value: unknown): value is ApiCallError {
  return value instanceof ApiCallError;
}

export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(name: E, callback: (payload: EventPayload<E>) => void): () => void;
  /** Every failed call, wherever it was made: lets the app react to `auth.locked` once. */
  onFailure(listener: (error: ApiCallError, method: MethodName) => void): () => void;
  /** Link up/down changes; after `up` following `down` the app re-reads its session. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

export function createApiClient(transport: Transport): ApiClient {
  let nextId = 1;
  const eventListeners = new Map<string, Set<(payload: unknown) => void>>();
  const failureListeners = new Set<(error: ApiCallError, method: MethodName) => void>();

  transport.onEvent((event) => {
    const listeners = eventListeners.get(event.name);
    if (!listeners) return;
    for (const listener of [...listeners]) listener(event.payload);
  });

  async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const message: CallMessage = { type: 'call', id: nextId++, method, input };
    let result: ResultMessage;
    try {
      result = await transport.call(message);
    } catch (error) {
      throw fail(method, new ApiCallError('transport.disconnected', describe(error)));
    }
    if (result.ok) return result.value as MethodOutput<M>;
    const { code, detail, params } = result.error;
    // An older UI may meet a code a newer core added: keep it visible, say "internal".
    const known: ErrorCode = isErrorCode(code) ? code : 'internal';
    throw fail(method, new ApiCallError(known, known === code ? detail : `${String(code)}: ${detail}`, params));
  }

  function fail(method: MethodName, error: ApiCallError): ApiCallError {
    for (const listener of [...failureListeners]) listener(error, method);
    return error;
  }

  return {
    call,
    on(name, callback) {
      const listeners = eventListeners.get(name) ?? new Set();
      eventListeners.set(name, listeners);
      const listener = callback as (payload: unknown) => void;
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    onFailure(listener) {
      failureListeners.add(listener);
      return () => {
        failureListeners.delete(listener);
      };
    },
    onConnection(listener) {
      return transport.onConnectionChange?.(listener) ?? (() => {});
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
