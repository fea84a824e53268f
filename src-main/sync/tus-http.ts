// tus-js-client's HTTP stack for Node, ours instead of the library's DefaultHttpStack for
// one reason: a PATCH body is written piece by piece with a callback for each, so every
// decrypted piece of the blob is handed back (`StreamedBody.written`) the moment the
// socket has taken it. The library's stack pipes a stream into the request, which says
// nothing about when a piece is done with; its pieces waited for the garbage collector
// instead (sending 1 GiB left 32 MiB of them resident at a time). Otherwise it does what
// the library's stack does: one request per call through the given connection pool, the
// body's length as Content-Length, the answer read whole as text.
import { request as httpRequest, type Agent as HttpAgent, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest, type Agent as HttpsAgent } from 'node:https';
import type { HttpRequest, HttpResponse, HttpStack } from 'tus-js-client';

/** A request body read piece by piece (a range of a blob), with its length for Content-Length. */
export interface StreamedBody {
  readonly size: number;
  readonly pieces: AsyncIterable<Uint8Array>;
  /** The socket has taken the piece (its write completed): nothing reads it any more. */
  written(piece: Uint8Array): void;
}

export function isStreamedBody(body: unknown): body is StreamedBody {
  return typeof body === 'object' && body !== null && 'pieces' in body && 'written' in body && 'size' in body;
}

export class NodeTusStack implements HttpStack {
  constructor(private readonly agent: HttpAgent | HttpsAgent) {}

  createRequest(method: string, url: string): HttpRequest {
    return new NodeTusRequest(method, url, this.agent);
  }

  getName(): string {
    return 'NodeTusStack';
  }
}

class NodeTusRequest implements HttpRequest {
  private readonly headers: Record<string, string> = {};
  private onProgress: (bytesSent: number) => void = () => undefined;
  private request: ClientRequest | null = null;

  constructor(
    private readonly method: string,
    private readonly url: string,
    private readonly agent: HttpAgent | HttpsAgent,
  ) {}

  getMethod(): string {
    return this.method;
  }

  getURL(): string {
    return this.url;
  }

  setHeader(header: string, value: string): void {
    this.headers[header] = value;
  }

  getHeader(header: string): string | undefined {
    return this.headers[header];
  }

  setProgressHandler(handler: (bytesSent: number) => void): void {
    this.onProgress = handler;
  }

  send(body: unknown = null): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve, reject) => {
      const target = new URL(this.url);
      const headers: Record<string, string | number> = { ...this.headers };
      const streamed = isStreamedBody(body) ? body : null;
      const bytes = streamed ? null : toBytes(body);
      const length = streamed ? streamed.size : (bytes?.length ?? 0);
      if (length > 0) headers['Content-Length'] = length;
      const request = (target.protocol === 'https:' ? httpsRequest : httpRequest)(target, {
        method: this.method,
        headers,
        agent: this.agent,
      });
      this.request = request;
      request.on('response', (response: IncomingMessage) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('end', () => resolve(new NodeTusResponse(response, Buffer.concat(parts).toString('utf8'))));
        response.on('error', reject);
      });
      request.on('error', reject);
      if (streamed) {
        writeBody(request, streamed, this.onProgress).catch((error: unknown) => {
          request.destroy(error instanceof Error ? error : new Error(String(error)));
        });
      } else {
        if (bytes && bytes.length > 0) this.onProgress(bytes.length);
        request.end(bytes ?? undefined);
      }
    });
  }

  abort(): Promise<void> {
    this.request?.destroy();
    return Promise.resolve();
  }

  getUnderlyingObject(): ClientRequest | null {
    return this.request;
  }
}

class NodeTusResponse implements HttpResponse {
  constructor(
    private readonly response: IncomingMessage,
    private readonly body: string,
  ) {}

  getStatus(): number {
    return this.response.statusCode ?? 0;
  }

  getHeader(header: string): string | undefined {
    const value = this.response.headers[header.toLowerCase()];
    return Array.isArray(value) ? value.join(', ') : value;
  }

  getBody(): string {
    return this.body;
  }

  getUnderlyingObject(): IncomingMessage {
    return this.response;
  }
}

function toBytes(body: unknown): Uint8Array | null {
  if (body === null || body === undefined) return null;
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body);
  throw new TypeError('tus request body: not a StreamedBody, bytes or text');
}

/**
 * Writes the pieces as they come, waiting for the socket when its buffer is full. A
 * piece is handed back only from its write's own callback without an error: then the
 * socket (or TLS) is done with its bytes; a piece whose write failed is left to the
 * collector. Stops when the request is gone (aborted, cut); leaving the loop early ends
 * the pieces' iterator, which closes what it reads from.
 */
async function writeBody(request: ClientRequest, body: StreamedBody, progress: (bytesSent: number) => void) {
  let sent = 0;
  for await (const piece of body.pieces) {
    if (request.destroyed) return;
    const length = piece.length;
    const more = request.write(piece, (error) => {
      if (error) return;
      sent += length;
      progress(sent);
      body.written(piece);
    });
    if (!more && !(await drained(request))) return;
  }
  if (!request.destroyed) request.end();
}

/** Resolves true on 'drain', false if the request closes first. */
function drained(request: ClientRequest): Promise<boolean> {
  return new Promise((resolve) => {
    if (request.destroyed) {
      resolve(false);
      return;
    }
    const done = (ok: boolean) => {
      request.off('drain', onDrain);
      request.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    request.once('drain', onDrain);
    request.once('close', onClose);
  });
}
