// The window sends its token only to its department's origin. A department that hands
// back an upload URL elsewhere — a wrong public URL in the PUT answer, or a tus Location
// on another origin — gets the packet held, and the other origin never hears from us.
import { createServer, type IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Hall, inboxBehind, startInbox } from './helpers.ts';
import { cleanups } from './helpers.ts';
import { startFaultProxy } from './peers.ts';

/** A real HTTP server on 127.0.0.1 that answers 404 to everything and remembers who called. */
async function startTrap(): Promise<{ url: string; seen: Array<{ method: string; url: string; auth: string }> }> {
  const seen: Array<{ method: string; url: string; auth: string }> = [];
  const server = createServer((request: IncomingMessage, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', auth: request.headers.authorization ?? '' });
    request.resume();
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, seen };
}

describe('upload URLs stay on the department origin', () => {
  it('holds the packet when the PUT answer names an upload endpoint on another origin (a wrong public URL)', async () => {
    const trap = await startTrap();
    const inbox = await startInbox({ publicUrl: trap.url });
    const hall = await Hall.open({ endpoint: inbox.url });
    await hall.enrolAt(inbox);

    const sealed = await hall.sealReceived();
    const held = await hall.reach(sealed.packetId, 'blocked');
    expect(held.sync).toMatchObject({
      blocked: true,
      lastError: { code: 'sync.uploadOriginMismatch', params: { departmentId: 'demo-dept', origin: trap.url } },
    });
    expect(trap.seen).toEqual([]);
    // The department has the manifest (the PUT went to its own origin) and not one byte of a file.
    expect((await inbox.db.packet(sealed.packetId, 1))?.state).toBe('receiving');
    expect(inbox.db.sqlite.prepare('SELECT count(*) FROM uploads').pluck().get()).toBe(0);
  });

  it('holds the packet when the tus creation answer points its Location at another origin', async () => {
    const trap = await startTrap();
    const [inbox, proxy] = await inboxBehind(startFaultProxy);
    // The proxy is the department's front door; it rewrites where the created upload lives.
    proxy.observe = (request, answer) => {
      if (request.method === 'POST' && typeof answer.headers.location === 'string') {
        answer.headers.location = `${trap.url}${new URL(answer.headers.location, proxy.url).pathname}`;
      }
    };
    const hall = await Hall.open({ endpoint: proxy.url });
    await hall.enrolAt(inbox);

    const sealed = await hall.sealReceived();
    const held = await hall.reach(sealed.packetId, 'blocked');
    expect(held.sync).toMatchObject({
      blocked: true,
      lastError: { code: 'sync.uploadOriginMismatch', params: { origin: trap.url } },
    });
    expect(trap.seen).toEqual([]);
    expect(proxy.count('POST', /files/)).toBeGreaterThan(0);
    expect(proxy.count('PATCH', /./)).toBe(0);
    expect(proxy.count('HEAD', /./)).toBe(0);
  });
});
