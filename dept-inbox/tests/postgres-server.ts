// A throwaway PostgreSQL server for tests and benchmarks: Debian's packages, a temporary
// cluster made with initdb (as the unprivileged `postgres` user when run as root, since
// PostgreSQL refuses to run as root), listening on a free port of 127.0.0.1 only, trust
// authentication, gone when stopped. Each test takes a fresh database of its own.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../load/free-port.ts';

export interface PostgresServer {
  port: number;
  /** A fresh, empty database's URL. */
  createDatabase(): Promise<string>;
  /** Stops the server (fast shutdown: sessions are ended) and starts it again on the same port. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops the server, keeping its files (`start` brings it back). */
  stopServer(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** The directory of PostgreSQL's programs (initdb, postgres), newest version first. */
export function postgresBinDir(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
    .sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? undefined : join(root, versions[0], 'bin');
}

/** Starts one, or answers the reason it cannot (not installed, no unprivileged user). */
export async function startPostgres(): Promise<PostgresServer | string> {
  const bin = postgresBinDir();
  if (!bin) return 'PostgreSQL is not installed (apt-get install postgresql)';
  const asRoot = process.getuid?.() === 0;
  let owner: { uid: number; gid: number; name: string } | undefined;
  if (asRoot) {
    const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (id.status !== 0) return 'no `postgres` user to run PostgreSQL as (apt-get install postgresql creates it)';
    owner = { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()), name: 'postgres' };
  }
  const user = owner?.name ?? userInfo().username;
  const dir = mkdtempSync(join(tmpdir(), 'tongban-pg-'));
  const data = join(dir, 'data');
  if (owner) {
    chmodSync(dir, 0o755);
    chownSync(dir, owner.uid, owner.gid);
  }
  const run = (command: string, args: string[]) =>
    owner
      ? spawnSync('runuser', ['-u', owner.name, '--', join(bin, command), ...args], { encoding: 'utf8' })
      : spawnSync(join(bin, command), args, { encoding: 'utf8' });
  const init = run('initdb', ['-D', data, '--auth=trust', '--encoding=UTF8', '--locale=C', '-U', user]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return `initdb failed: ${init.stderr.trim().split('\n').at(-1)}`;
  }
  const port = await freePort();
  let child: ChildProcess | undefined;
  let log = '';
  const start = async () => {
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'max_connections=300',
      // A test cluster: durability is not what is measured, and fsync costs seconds.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ];
    child = owner
      ? spawn('runuser', ['-u', owner.name, '--', join(bin, 'postgres'), ...args], {
          stdio: ['ignore', 'pipe', 'pipe'],
        })
      : spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (log += chunk.toString()));
    const deadline = Date.now() + 20_000;
    for (;;) {
      const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres' });
      try {
        await client.connect();
        await client.end();
        return;
      } catch {
        await client.end().catch(() => {});
        if (child.exitCode !== null || Date.now() > deadline) {
          throw new Error(`PostgreSQL did not start: ${log.trim().split('\n').slice(-3).join(' / ')}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  };
  const stopServer = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise((resolve) => running.once('exit', resolve));
    // SIGINT is PostgreSQL's fast shutdown: sessions end, the data is kept. Sent to the
    // server itself (its pid heads postmaster.pid): runuser does not pass signals on.
    const pidFile = join(data, 'postmaster.pid');
    const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : NaN;
    if (Number.isInteger(pid) && pid > 0) process.kill(pid, 'SIGINT');
    else running.kill('SIGINT');
    await exited;
  };
  try {
    await start();
  } catch (error) {
    await stopServer();
    rmSync(dir, { recursive: true, force: true });
    return (error as Error).message;
  }
  let databases = 0;
  return {
    port,
    async createDatabase() {
      databases += 1;
      const name = `inbox_${process.pid}_${databases}`;
      const client = new pg.Client({ host: '127.0.0.1', port, user, database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE ${name}`);
      } finally {
        await client.end();
      }
      return `postgres://${user}@127.0.0.1:${port}/${name}`;
    },
    async restart(options = {}) {
      await stopServer();
      if (options.downMs) await new Promise((resolve) => setTimeout(resolve, options.downMs));
      await start();
    },
    stopServer,
    start,
    async stop() {
      await stopServer();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
