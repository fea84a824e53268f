// One keep-alive HTTP client for every simulated window: a single agent (no per-window
// pool), bodies written as lists of buffers the payload pool lends (nothing copied), and
// answers read as text (the protocol's answers are small JSON or empty).
import { once } from 'node:events';
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

export interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A JSON text, or the parts of a binary body in order. */
  body?: string | readonly Buffer[];
  signal?: AbortSignal;
  /** Idle time on the socket before the request fails with ETIMEDOUT. */
  timeoutMs?: number;
}

export class LoadHttp {
  private readonly httpAgent = new HttpAgent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });
  private readonly httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: 4096 });

  async request(method: string, url: string, options: RequestOptions = {}): Promise<Answer> {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const parts = typeof options.body === 'string' ? [Buffer.from(options.body)] : (options.body ?? []);
    const length = parts.reduce((sum, part) => sum + part.length, 0);
    const headers: Record<string, string> = { ...options.headers };
    if (options.body !== undefined) headers['content-length'] = String(length);
    const request = (secure ? httpsRequest : httpRequest)(target, {
      method,
      headers,
      agent: secure ? this.httpsAgent : this.httpAgent,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const timeoutMs = options.timeoutMs ?? 60_000;
    request.setTimeout(timeoutMs, () =>
      request.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })),
    );
    const answered = new Promise<Answer>((resolve, reject) => {
      request.once('error', reject);
      request.once('response', (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.once('error', reject);
        response.once('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      });
    });
    // Write with backpressure so a large file does not pile up in the socket's buffer.
    try {
      for (const part of parts) {
        if (!request.write(part)) await Promise.race([once(request, 'drain'), answered]);
      }
      request.end();
    } catch {
      // The request failed while writing: `answered` carries the error.
    }
    return answered;
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
