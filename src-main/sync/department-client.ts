// The JSON half of the protocol (PUT, commit, change feed, who-am-I) over axios, the
// product's HTTP client. Every answer is read as text and checked against the
// protocol's schemas: a body that is not what the protocol says is `garbage`, never
// trusted. Uploads go through tus (tus-upload.ts), not here.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import axios, { type AxiosResponse } from 'axios';
import type { z } from 'zod';
import { parseRetryAfter } from './backoff.ts';
import { DepartmentError } from './failures.ts';
import {
  CHANGES_PATH,
  ChangesAnswer,
  CommitReceipt,
  commitPath,
  ErrorBody,
  PacketStatus,
  packetVersionPath,
  WHOAMI_PATH,
  WhoAmI,
  type PutPacketRequest,
} from '../common/sync-protocol.ts';
import { RATINGS_PATH, RatingReceipt, type RatingReport } from '../common/rating-report.ts';

/**
 * Connection pools of this core only (JSON calls and tus uploads share them), so a
 * stopped core leaves no kept-alive socket behind for the next one to trip over.
 */
export class HttpAgents {
  readonly http = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 8 });

  for(url: string): HttpAgent | HttpsAgent {
    return url.startsWith('https:') ? this.https : this.http;
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** Where and as whom to call a department. */
export interface DepartmentEndpoint {
  departmentId: string;
  /** e.g. https://inbox.example (no trailing slash needed). */
  baseUrl: string;
  token: string;
}

export interface DepartmentClientOptions {
  /** Per request, beyond any long-poll wait. */
  requestTimeoutMs: number;
  now: () => number;
  agents: HttpAgents;
  /** Told after every exchange whether the department answered with a 2xx. */
  onExchange?: (departmentId: string, ok: boolean) => void;
}

export class DepartmentClient {
  private readonly http;

  constructor(private readonly options: DepartmentClientOptions) {
    this.http = axios.create({
      // Loopback and hall networks: never route through an environment proxy by surprise.
      proxy: false,
      maxRedirects: 0,
      responseType: 'text',
      transformResponse: [(data: unknown) => data],
      validateStatus: () => true,
      httpAgent: options.agents.http,
      httpsAgent: options.agents.https,
    });
  }

  put(endpoint: DepartmentEndpoint, body: PutPacketRequest, signal?: AbortSignal): Promise<PacketStatus> {
    const { packetId, version } = body.manifest;
    return this.call(endpoint, 'PUT', packetVersionPath(packetId, version), PacketStatus, { body, signal });
  }

  commit(
    endpoint: DepartmentEndpoint,
    packetId: string,
    version: number,
    manifestHash: string,
    signal?: AbortSignal,
    extraTimeoutMs = 0,
  ): Promise<CommitReceipt> {
    // The department reads every byte of the packet again before it answers.
    return this.call(endpoint, 'POST', commitPath(packetId, version), CommitReceipt, {
      body: { manifestHash },
      signal,
      extraTimeoutMs,
    });
  }

  changes(
    endpoint: DepartmentEndpoint,
    query: { after: number; wait: number; limit: number },
    signal?: AbortSignal,
  ): Promise<ChangesAnswer> {
    const path = `${CHANGES_PATH}?after=${query.after}&wait=${query.wait}&limit=${query.limit}`;
    return this.call(endpoint, 'GET', path, ChangesAnswer, { signal, extraTimeoutMs: query.wait * 1000 });
  }

  /** 好差评: the department keeps one rating per id (and per packet version); a retry answers the same receipt. */
  postRating(endpoint: DepartmentEndpoint, report: RatingReport, signal?: AbortSignal): Promise<RatingReceipt> {
    return this.call(endpoint, 'POST', RATINGS_PATH, RatingReceipt, { body: report, signal });
  }

  whoami(endpoint: DepartmentEndpoint, signal?: AbortSignal): Promise<WhoAmI> {
    return this.call(endpoint, 'GET', WHOAMI_PATH, WhoAmI, { signal });
  }

  /**
   * Any other JSON exchange of the window's protocol with its department (the 视频会商
   * calls of common/call-protocol.ts): the same token, agents, timeouts and checks.
   */
  request<S extends z.ZodType>(
    endpoint: DepartmentEndpoint,
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    schema: S,
    options: { body?: unknown; signal?: AbortSignal | undefined; extraTimeoutMs?: number } = {},
  ): Promise<z.output<S>> {
    return this.call(endpoint, method, path, schema, options);
  }

  private async call<S extends z.ZodType>(
    endpoint: DepartmentEndpoint,
    method: 'GET' | 'PUT' | 'POST',
    path: string,
    schema: S,
    options: { body?: unknown; signal?: AbortSignal | undefined; extraTimeoutMs?: number },
  ): Promise<z.output<S>> {
    const url = `${endpoint.baseUrl.replace(/\/+$/, '')}${path}`;
    let response: AxiosResponse<string>;
    try {
      response = await this.http.request<string>({
        method,
        url,
        headers: {
          authorization: `Bearer ${endpoint.token}`,
          accept: 'application/json',
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        data: options.body !== undefined ? JSON.stringify(options.body) : undefined,
        timeout: this.options.requestTimeoutMs + (options.extraTimeoutMs ?? 0),
        signal: options.signal,
      });
    } catch (error) {
      this.options.onExchange?.(endpoint.departmentId, false);
      throw transportFailure(error, `${method} ${path}`);
    }
    const ok = response.status >= 200 && response.status < 300;
    const text = typeof response.data === 'string' ? response.data : '';
    const retryAfterMs = parseRetryAfter(headerOf(response, 'retry-after'), this.options.now());
    let json: unknown;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (ok) {
      const parsed = schema.safeParse(json);
      if (parsed.success) {
        this.options.onExchange?.(endpoint.departmentId, true);
        return parsed.data as z.output<S>;
      }
      this.options.onExchange?.(endpoint.departmentId, false);
      throw new DepartmentError(
        'garbage',
        `${method} ${path}: ${response.status} with a body that is not the protocol's`,
        {
          status: response.status,
          retryAfterMs,
        },
      );
    }
    this.options.onExchange?.(endpoint.departmentId, false);
    const error = ErrorBody.safeParse(json);
    if (!error.success) {
      throw new DepartmentError('garbage', `${method} ${path}: ${response.status} without the protocol's error body`, {
        status: response.status,
        retryAfterMs,
      });
    }
    throw new DepartmentError(
      'http',
      `${method} ${path}: ${response.status} ${error.data.error.code}: ${error.data.error.message}`,
      {
        status: response.status,
        code: error.data.error.code,
        retryAfterMs,
        missingFiles: error.data.error.missingFiles,
      },
    );
  }
}

function headerOf(response: AxiosResponse, name: string): string | undefined {
  const value: unknown = response.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? String(value[0]) : undefined;
}

// The axios error is not kept as a cause: its config carries the Authorization header,
// and a logged cause must never carry a token.
function transportFailure(error: unknown, what: string): DepartmentError {
  if (axios.isCancel(error)) return new DepartmentError('aborted', `${what}: aborted`);
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return new DepartmentError('timeout', `${what}: no answer in time (${message})`);
  }
  return new DepartmentError('network', `${what}: ${code ?? 'network error'} ${message}`);
}
