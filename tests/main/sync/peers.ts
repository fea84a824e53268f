// Misbehaving peers on 127.0.0.1 between the window and a real inbox: an HTTP proxy
// that answers chosen requests itself (500, 503 + Retry-After, garbage, silence) or
// holds them, and the TCP link (tcp-link.ts) that counts bytes and cuts every connection mid-stream.
// They are network peers, not stand-ins for our code.
import {
  createServer as createHttpServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import { afterEach } from 'vitest';
import { startTcpLink, type TcpLink } from './tcp-link.ts';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (closers.length > 0) await closers.pop()!();
});

export interface Seen {
  method: string;
  url: string;
  answeredBy: 'rule' | 'inbox';
}

export interface Rule {
  /** Which requests: method, a path test, or any test of the request. */
  method?: string;
  path?: RegExp;
  match?(request: IncomingMessage): boolean;
  /** How many matching requests it takes (default 1). */
  times?: number;
  /** Answer it here; call `forward()` to pass it on after all (e.g. after a hold), optionally with other bytes. */
  act(request: IncomingMessage, response: ServerResponse, forward: (alter?: (body: Buffer) => Buffer) => void): void;
}

export interface FaultProxy {
  url: string;
  seen: Seen[];
  rules: Rule[];
  /** Sees every answer the inbox gave through the proxy. */
  observe?: (request: IncomingMessage, answer: IncomingMessage) => void;
  count(method: string, path: RegExp): number;
  close(): Promise<void>;
}

/**
 * An HTTP proxy to `target` that lets rules answer first. `target` may be read late (a
 * function), so the inbox can start after its front door, with the proxy's URL as its public URL.
 */
export async function startFaultProxy(target: string | (() => string)): Promise<FaultProxy> {
  const upstreamOf = () => new URL(typeof target === 'function' ? target() : target);
  const seen: Seen[] = [];
  const rules: Rule[] = [];
  const server = createHttpServer((request, response) => {
    const forward = (alter?: (body: Buffer) => Buffer) => {
      const upstream = upstreamOf();
      seen.push({ method: request.method ?? '', url: request.url ?? '', answeredBy: 'inbox' });
      const out = httpRequest(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: request.method,
          path: request.url,
          headers: request.headers,
        },
        (answer) => {
          proxy.observe?.(request, answer);
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      out.on('error', () => response.destroy());
      if (!alter) {
        request.pipe(out);
        return;
      }
      const parts: Buffer[] = [];
      request.on('data', (part: Buffer) => parts.push(part));
      request.on('end', () => out.end(alter(Buffer.concat(parts))));
    };
    const rule = rules.find(
      (r) =>
        (r.times ?? 1) > 0 &&
        (!r.method || r.method === request.method) &&
        (!r.path || r.path.test(request.url ?? '')) &&
        (!r.match || r.match(request)),
    );
    if (!rule) {
      forward();
      return;
    }
    rule.times = (rule.times ?? 1) - 1;
    seen.push({ method: request.method ?? '', url: request.url ?? '', answeredBy: 'rule' });
    rule.act(request, response, (alter) => {
      seen.pop();
      forward(alter);
    });
  });
  server.keepAliveTimeout = 500;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as { port: number };
  const proxy: FaultProxy = {
    url: `http://127.0.0.1:${address.port}`,
    seen,
    rules,
    count: (method, path) =>
      seen.filter((s) => s.method === method && path.test(s.url) && s.answeredBy === 'inbox').length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  closers.push(() => proxy.close());
  return proxy;
}

/** Answers as a broken department or a proxy in the way would. */
export const answer = {
  status(status: number, body: unknown, headers: Record<string, string> = {}) {
    return (request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(typeof body === 'string' ? body : JSON.stringify(body));
    };
  },
  garbage(status = 200) {
    return (request: IncomingMessage, response: ServerResponse) => {
      request.resume();
      response.writeHead(status, { 'content-type': 'text/html' });
      response.end('<html><body>网关认证</body></html>');
    };
  },
  /** Takes the request and never answers. */
  silence() {
    return (request: IncomingMessage) => {
      request.resume();
    };
  },
};

/** The TCP link of the process tests (counts, cuts, holds), closed after each test. */
export async function startCutProxy(target: string | (() => string)): Promise<TcpLink> {
  const link = await startTcpLink(target);
  closers.push(() => link.close());
  return link;
}
