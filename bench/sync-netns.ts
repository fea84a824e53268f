// Goodput on a line the kernel shapes, beside the proxy's figures: the department inbox
// runs inside a network namespace of its own (`ip netns exec`), joined to the bench's
// namespace (the window's side: the hall core runs in this process) by a veth pair.
// The rate is capped with `tc … tbf` on both ends; delay (50 ms each way, so 100 ms RTT)
// and 0.1 % loss on the window's side come from `netem` where the kernel has it. The
// window speaks plain http only to an inbox on loopback, so it reaches the inbox through
// a plain TCP relay on 127.0.0.1 (no shaping, no buffering beyond the sockets'). Needs
// root; without it, or when `ip netns` fails, the row is skipped with the reason. The
// namespace (and with it the veth pair) is removed whatever happens.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Server } from 'node:net';
import { promisify } from 'node:util';
import type { SyncPoint } from '../src-main/sync/outbox-worker.ts';
import { MiB, record, workDir } from './support.ts';
import { draftWithLargeFile, openHall, type InboxRef } from './sync-hall.ts';

const exec = promisify(execFile);
const ROW = 'sync goodput, 4 MiB/s kernel-shaped line (veth between network namespaces)';
const BYTES_PER_SECOND = 4 * MiB;
const FILE_BYTES = 80 * MiB;
const ONE_WAY_DELAY_MS = 50;
const LOSS = '0.1%';
const PORT = 7480;

export async function netnsGoodput(root: string): Promise<void> {
  if (process.getuid?.() !== 0) {
    record(ROW, 'skipped', 'not root: network namespaces and tc need root');
    return;
  }
  const suffix = String(process.pid % 100_000);
  const ns = `tbsync${suffix}`;
  const windowSide = `tbw${suffix}`;
  const inboxSide = `tbd${suffix}`;
  // A /30 of its own per run, in a private range nothing else on the machine uses.
  const net = `10.231.${process.pid % 250}`;
  const windowAddress = `${net}.1`;
  const inboxAddress = `${net}.2`;
  try {
    await exec('ip', ['netns', 'add', ns]);
  } catch (error) {
    record(ROW, 'skipped', `ip netns add failed: ${firstLine(error)}`);
    return;
  }
  let inbox: ChildProcess | undefined;
  let relay: Server | undefined;
  try {
    await exec('ip', ['link', 'add', windowSide, 'type', 'veth', 'peer', 'name', inboxSide]);
    await exec('ip', ['link', 'set', inboxSide, 'netns', ns]);
    await exec('ip', ['addr', 'add', `${windowAddress}/30`, 'dev', windowSide]);
    await exec('ip', ['link', 'set', windowSide, 'up']);
    await inNs(ns, 'ip', ['addr', 'add', `${inboxAddress}/30`, 'dev', inboxSide]);
    await inNs(ns, 'ip', ['link', 'set', inboxSide, 'up']);
    await inNs(ns, 'ip', ['link', 'set', 'lo', 'up']);
    const netem = await shape(ns, windowSide, inboxSide);

    const dataDir = workDir();
    relay = await startRelay(inboxAddress, PORT);
    const url = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
    inbox = spawn(
      'ip',
      [
        'netns',
        'exec',
        ns,
        process.execPath,
        '--import',
        'tsx',
        'dept-inbox/src/cli.ts',
        'serve',
        '--data-dir',
        dataDir,
        '--host',
        inboxAddress,
        '--port',
        String(PORT),
        '--public-url',
        url,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LOG_LEVEL: 'warn' } },
    );
    await listening(inbox);
    const ref: InboxRef = { url, dataDir, root };

    // The line starts with the first upload: the PUT's answer, after which the window POSTs at once.
    let firstUpload: number | undefined;
    const at = (point: SyncPoint) => {
      if (point === 'put.answered' && firstUpload === undefined) firstUpload = performance.now();
    };
    const hall = await openHall({ endpoint: url, inbox: ref, sync: { hooks: { at } } });
    try {
      const draftId = await draftWithLargeFile(hall, FILE_BYTES, 13);
      firstUpload = undefined;
      const sealed = await hall.call<{ packetId: string }>('drafts.seal', { id: draftId });
      const deliveredAt = await hall.reach(
        sealed.packetId,
        'delivered',
        (FILE_BYTES / BYTES_PER_SECOND) * 3000 + 30_000,
      );
      if (firstUpload === undefined) throw new Error('the PUT was never answered');
      const payload = await hall.payloadBytes(sealed.packetId);
      const seconds = (deliveredAt - firstUpload) / 1000;
      const share = payload / seconds / BYTES_PER_SECOND;
      const line = netem
        ? `tc tbf ${BYTES_PER_SECOND / MiB} MiB/s both ways, netem ${ONE_WAY_DELAY_MS} ms each way and ${LOSS} loss from the window`
        : `tc tbf ${BYTES_PER_SECOND / MiB} MiB/s both ways; netem unavailable in this kernel ("Specified qdisc kind is unknown"): ` +
          'no delay or loss applied, so about 0 ms RTT';
      record(
        netem ? ROW.replace('line', `line, ${2 * ONE_WAY_DELAY_MS} ms RTT, ${LOSS} loss`) : `${ROW}, netem unavailable`,
        `${(share * 100).toFixed(1)} % of the line`,
        `${(payload / MiB).toFixed(1)} MiB packet in ${seconds.toFixed(1)} s (PUT answered → delivered); ${line}; ` +
          'the inbox in its own namespace',
      );
    } finally {
      await hall.close();
    }
  } catch (error) {
    record(ROW, 'failed', firstLine(error));
  } finally {
    relay?.close();
    if (inbox && inbox.exitCode === null && inbox.signalCode === null) {
      const exited = new Promise((resolve) => inbox!.once('exit', resolve));
      inbox.kill('SIGTERM');
      const timer = setTimeout(() => inbox!.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    // Deleting the namespace deletes its end of the pair, and with it the other end.
    await exec('ip', ['netns', 'del', ns]).catch((error: unknown) => {
      console.error(`could not delete network namespace ${ns}: ${firstLine(error)}`);
    });
    await exec('ip', ['link', 'del', windowSide]).catch(() => undefined);
  }
}

/** Caps both directions; adds delay and loss when the kernel has netem. Says whether it had. */
async function shape(ns: string, windowSide: string, inboxSide: string): Promise<boolean> {
  const bits = `${BYTES_PER_SECOND * 8}bit`;
  const tbf = ['tbf', 'rate', bits, 'burst', '64kb', 'latency', '400ms'];
  let netem = true;
  try {
    // netem with its own rate: one qdisc for delay, loss and bandwidth.
    const delay = ['delay', `${ONE_WAY_DELAY_MS}ms`];
    await exec('tc', ['qdisc', 'add', 'dev', windowSide, 'root', 'netem', ...delay, 'loss', LOSS, 'rate', bits]);
    await inNs(ns, 'tc', ['qdisc', 'add', 'dev', inboxSide, 'root', 'netem', ...delay, 'rate', bits]);
  } catch (error) {
    if (!/unknown/i.test(firstLine(error))) throw error;
    netem = false;
    await exec('tc', ['qdisc', 'del', 'dev', windowSide, 'root']).catch(() => undefined);
    await exec('tc', ['qdisc', 'add', 'dev', windowSide, 'root', ...tbf]);
    await inNs(ns, 'tc', ['qdisc', 'add', 'dev', inboxSide, 'root', ...tbf]);
  }
  return netem;
}

/** Bytes both ways between a loopback port and the inbox behind the veth, as they come. */
function startRelay(host: string, port: number): Promise<Server> {
  const server = createServer((client) => {
    const upstream = connect({ host, port });
    client.pipe(upstream);
    upstream.pipe(client);
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function inNs(ns: string, command: string, args: string[]) {
  return exec('ip', ['netns', 'exec', ns, command, ...args]);
}

function listening(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`inbox did not start:\n${output}`)), 20_000);
    const keep = (chunk: Buffer) => {
      output += chunk.toString();
      if (/Department inbox on/.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`inbox exited with ${code}:\n${output}`));
    });
  });
}

function firstLine(error: unknown): string {
  const { stderr, message } = error as { stderr?: string; message?: string };
  return (stderr || message || String(error)).trim().split('\n')[0] ?? '';
}
