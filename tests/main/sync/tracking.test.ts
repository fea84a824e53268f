// The demo profile end to end: the receipt's QR code carries the embedded inbox's status
// page for the packet's 查询号, and that page, a real HTTP server on 127.0.0.1, follows
// the packet as it travels and is decided.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decide } from '../../../dept-inbox/src/admin.ts';
import type { EmbeddedInbox } from '../../../src-main/demo/embedded-inbox.ts';
import { decodeQr } from '../documents/pdf-tools.ts';
import { Hall, tempDir } from './helpers.ts';

describe('tracking a demo packet', () => {
  it('scans from the receipt to the embedded inbox status page, which shows the state', async () => {
    const hall = await Hall.open(); // no config.json: the demo profile
    const inbox = (hall.core.sync.embeddedInbox as EmbeddedInbox).inbox;
    const sealed = await hall.sealReceived();
    const code = sealed.trackingCode!;

    const { bytes } = await hall.clerk.call<{ bytes: Uint8Array }>('documents.get', {
      sha256: sealed.documents[0]!.sha256,
    });
    const file = join(tempDir(), 'receipt.pdf');
    writeFileSync(file, bytes);
    const url = await decodeQr(file, 1, 'top');
    expect(url).toBe(`${inbox.url}/track/${code}`);

    await hall.reach(sealed.packetId, 'delivered');
    const delivered = await fetch(url!);
    expect(delivered.status).toBe(200);
    const page = await delivered.text();
    expect(page).toContain('社会保障卡申领');
    expect(page).toContain('已接收');
    expect(page).not.toContain('李小梅');

    await decide(inbox.db, {
      packetId: sealed.packetId,
      version: 1,
      decision: { kind: 'accept' },
      decidedBy: '演示审批',
    });
    expect(await (await fetch(url!)).text()).toContain('已受理');
  });
});
