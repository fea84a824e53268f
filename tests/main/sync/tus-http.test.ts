import { randomBytes } from 'node:crypto';
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { NodeTusStack, type StreamedBody } from '../../../src-main/sync/tus-http.ts';

const servers: Server[] = [];
const agents: Agent[] = [];

afterEach(async () => {
  for (const agent of agents.splice(0)) agent.destroy();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/x`;
}

function stack(): NodeTusStack {
  const agent = new Agent({ keepAlive: true });
  agents.push(agent);
  return new NodeTusStack(agent);
}

/** A body of `data` in 64 KiB pieces (each its own copy), recording what was handed back and whether the iterator ended. */
function bodyOf(data: Buffer, failAt?: number) {
  const written: Buffer[] = [];
  const state = { ended: false, read: 0 };
  async function* pieces(): AsyncGenerator<Buffer> {
    try {
      for (let offset = 0; offset < data.length; offset += 65536) {
        if (failAt !== undefined && offset >= failAt) throw new Error('piece failed');
        await new Promise((resolve) => setImmediate(resolve));
        state.read++;
        yield Buffer.from(data.subarray(offset, offset + 65536));
      }
    } finally {
      state.ended = true;
    }
  }
  const body: StreamedBody = { size: data.length, pieces: pieces(), written: (piece) => written.push(piece as Buffer) };
  return { body, written, state };
}

describe('NodeTusStack', () => {
  it('sends a streamed body with its length and hands each piece back once written, in order', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 5);
    let received: { headers: IncomingMessage['headers']; method: string; bytes: Buffer } | undefined;
    const url = await serve((req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (part: Buffer) => parts.push(part));
      req.on('end', () => {
        received = { headers: req.headers, method: req.method ?? '', bytes: Buffer.concat(parts) };
        res.writeHead(204, { 'Upload-Offset': String(data.length), 'Tus-Resumable': '1.0.0' });
        res.end();
      });
    });
    const request = stack().createRequest('PATCH', url);
    request.setHeader('Tus-Resumable', '1.0.0');
    request.setHeader('Upload-Offset', '0');
    const progress: number[] = [];
    request.setProgressHandler((bytes) => progress.push(bytes));
    const { body, written, state } = bodyOf(data);
    const response = await request.send(body);

    expect(response.getStatus()).toBe(204);
    expect(response.getHeader('Upload-Offset')).toBe(String(data.length));
    expect(received?.method).toBe('PATCH');
    expect(received?.headers['content-length']).toBe(String(data.length));
    expect(received?.headers['tus-resumable']).toBe('1.0.0');
    expect(received?.bytes.equals(data)).toBe(true);
    expect(written).toHaveLength(Math.ceil(data.length / 65536));
    expect(Buffer.concat(written).equals(data)).toBe(true);
    expect(progress.at(-1)).toBe(data.length);
    expect(state.ended).toBe(true);
  });

  it('sends requests without a body and reads the answer as text', async () => {
    const url = await serve((req, res) => {
      res.writeHead(req.method === 'HEAD' ? 200 : 201, { Location: '/files/y', 'Content-Type': 'application/json' });
      res.end(
        req.method === 'HEAD'
          ? undefined
          : JSON.stringify({ method: req.method, length: req.headers['content-length'] }),
      );
    });
    const created = await stack().createRequest('POST', url).send(null);
    expect(created.getStatus()).toBe(201);
    expect(created.getHeader('location')).toBe('/files/y');
    expect(JSON.parse(created.getBody())).toEqual({ method: 'POST', length: '0' });
    const head = await stack().createRequest('HEAD', url).send(null);
    expect(head.getStatus()).toBe(200);
    expect(head.getBody()).toBe('');
  });

  it('on abort mid-body stops reading, ends the pieces and hands back only pieces that were written', async () => {
    // The server never reads: the socket fills, the body waits for it, then the upload is aborted.
    let arrived!: () => void;
    const started = new Promise<void>((resolve) => (arrived = resolve));
    const url = await serve((req) => {
      req.pause();
      arrived();
    });
    const data = randomBytes(64 * 1024 * 1024);
    const { body, written, state } = bodyOf(data);
    const request = stack().createRequest('PATCH', url);
    const sending = request.send(body);
    await started;
    await new Promise((resolve) => setTimeout(resolve, 200));
    await request.abort();
    await expect(sending).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(state.ended).toBe(true);
    expect(state.read).toBeLessThan(data.length / 65536);
    expect(written.length).toBeLessThanOrEqual(state.read);
  });

  it('fails the request with the error of a piece that cannot be read', async () => {
    const url = await serve((req, res) => {
      req.resume();
      req.on('end', () => res.end());
    });
    const { body, state } = bodyOf(randomBytes(1024 * 1024), 512 * 1024);
    await expect(stack().createRequest('PATCH', url).send(body)).rejects.toThrow('piece failed');
    expect(state.ended).toBe(true);
  });
});
