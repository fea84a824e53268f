// Long polls wake for their own window's changes only: with thousands of windows waiting,
// one decision must not make every poll read the feed again.
import { describe, expect, it } from 'vitest';
import { decide } from '../src/admin.ts';
import { ChangeNotifier } from '../src/change-feed.ts';
import { bytes, commit, enrol, packet, putPacket, startInbox, uploadAll } from './helpers.ts';

/** When each wait resolved, in ms after `since`, or undefined while it waits. */
function watch(wait: Promise<void>, since: number) {
  const state: { after?: number } = {};
  void wait.then(() => (state.after = Date.now() - since));
  return state;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('change notifier', () => {
  it('a decision wakes the polls of its window, not those of another', async () => {
    const inbox = await startInbox();
    const [a, b] = [await enrol(inbox, 'W01'), await enrol(inbox, 'W02')];
    const p = packet(a, [bytes(2_000)]);
    await putPacket(inbox, a, p);
    await uploadAll(inbox, a, p);
    const notifier = new ChangeNotifier(inbox.db);
    const since = Date.now();
    const forA = watch(notifier.wait(a.windowId, 10_000), since);
    const forB = watch(notifier.wait(b.windowId, 10_000), since);
    await commit(inbox, a, p); // a's packet delivered: a change for a
    await pause(50);
    expect(forA.after).toBeDefined();
    expect(forB.after).toBeUndefined();
    await decide(inbox.db, { packetId: p.manifest.packetId, decision: { kind: 'accept' }, decidedBy: '王审批' });
    await pause(50);
    expect(forB.after).toBeUndefined();
    notifier.close(); // closing answers every waiting poll
    await pause(0);
    expect(forB.after).toBeDefined();
  });

  it('another process’s change wakes the named window, or every window when none is named', async () => {
    const inbox = await startInbox();
    const notifier = new ChangeNotifier(inbox.db);
    const since = Date.now();
    const first = watch(notifier.wait('window-1', 10_000), since);
    const second = watch(notifier.wait('window-2', 10_000), since);
    inbox.db.emit('external', 'window-1'); // as a PostgreSQL notification names it
    await pause(0);
    expect([first.after !== undefined, second.after !== undefined]).toEqual([true, false]);
    const again = watch(notifier.wait('window-1', 10_000), since);
    inbox.db.emit('external', undefined); // a reconnection: whatever happened meanwhile
    await pause(0);
    expect([again.after !== undefined, second.after !== undefined]).toEqual([true, true]);
    notifier.close();
  });
});
