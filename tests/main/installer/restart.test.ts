// The core restarting on a saved config inside the running browser host (the built CLI as
// a process): the installer saves through the contract over the host's WebSocket, the
// socket closes with 1012, and a new socket — same port, same token — finds the new hall.
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CLOSE_SERVICE_RESTART } from '../../../src-main/host/server.ts';
import { tempDir } from '../helpers.ts';
import { STRONG } from '../intake/fixtures.ts';
import { connectApp, startApp, type AppProcess, type ContractClient } from '../sync/process-harness.ts';
import { onCleanup } from '../devices/idcard/rig.ts';

const hall = {
  profile: 'configured',
  hall: { id: 'xc-hall', name: '北京市西城区政务服务中心' },
  window: { id: 'W07', name: '跨省通办专窗 7 号' },
  regionCode: '110102',
  departments: [
    {
      id: 'cd-hrss',
      name: '成都市人力资源和社会保障局',
      regionCodes: ['51'],
      endpoint: 'https://dept.example.cn/inbox',
    },
  ],
};

/** Connects again and again until the host serves a core (it refuses sockets while it restarts). */
async function reconnect(app: AppProcess, ms = 30_000): Promise<ContractClient> {
  const end = performance.now() + ms;
  for (;;) {
    try {
      return await connectApp(app);
    } catch (error) {
      if (performance.now() > end) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

describe('restart on a saved config, in the browser host', () => {
  it('closes the page sockets with 1012, boots the new config and serves it on the same port and token', async () => {
    const dataDir = tempDir();
    const app = await startApp(dataDir);
    onCleanup(() => app.stop());
    const first = await connectApp(app);
    expect(await first.call('app.info')).toMatchObject({ profile: 'demo', hallName: '演示政务服务中心' });
    await first.call('auth.createFirstInstaller', { username: 'admin', displayName: '运维', password: STRONG });

    // A second page, to see the close code the pages get.
    const watcher = new WebSocket(`${app.origin.replace('http', 'ws')}/api?token=${app.token}`, { origin: app.origin });
    const closed = new Promise<number>((resolve) => watcher.once('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => {
      watcher.once('open', resolve);
      watcher.once('error', reject);
    });

    expect(await first.call('setup.save', { config: hall, tokens: [] })).toEqual({ saved: true, problems: [] });
    expect(await closed).toBe(CLOSE_SERVICE_RESTART);

    const second = await reconnect(app);
    expect(await second.call('app.info')).toMatchObject({
      profile: 'configured',
      hallName: '北京市西城区政务服务中心',
    });
    // A new core: the session is gone, the account stays.
    expect(await second.call('auth.session')).toMatchObject({ user: null });
    await second.call('auth.login', { username: 'admin', password: STRONG });
    expect(await second.call('setup.state')).toMatchObject({ profile: 'configured' });
    second.close();
    first.close();
    expect(app.output()).toContain('Restarting the hall core on the saved config');
  }, 90_000);
});
