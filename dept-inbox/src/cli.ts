// The department inbox's one command:
//
//   npx tsx dept-inbox/src/cli.ts serve [--data-dir DIR] [--port N] [--host H] [--upload-expiry-hours N]
//                                       [--public-url URL] [--s3-bucket B --s3-endpoint URL --s3-region R]
//                                       [--stun-url URL]... [--turn-url URL]... [--turn-secret-file FILE]
//   npx tsx dept-inbox/src/cli.ts enroll-window --window-id W01 --public-key HEX --scheme ed25519|sm2 [--label TEXT] [--replace]
//   npx tsx dept-inbox/src/cli.ts enroll-window --file enrolment-W01.json [--replace]   (the window's setup wizard's file)
//   npx tsx dept-inbox/src/cli.ts enroll-approver --name 张三
//   npx tsx dept-inbox/src/cli.ts decide <packetId> accept | correction --item "…" [--item …] | refuse --reason "…"
//                                      | approve [--waybill EMS…] | close   [--version N] [--by NAME]
//   npx tsx dept-inbox/src/cli.ts list [--state STATE]
//   npx tsx dept-inbox/src/cli.ts ratings [--bad]
//   npx tsx dept-inbox/src/cli.ts calls [--packet P] [--json]
//
// Every command takes --data-dir (default ./dept-inbox-data, or $TONGBAN_INBOX_DIR), and
// --key-file FILE for an inbox encrypted at rest (32 bytes, raw or hex, mode 0600), and
// --database-url postgres://… (or $TONGBAN_INBOX_DATABASE_URL) to keep the records on
// PostgreSQL instead of <data-dir>/inbox.db. The admin commands work while the server
// runs: SQLite WAL lets both write, PostgreSQL notifies, and the server's long polls
// notice the change.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pino from 'pino';
import { decide, enrolApprover, enrolWindow, listPackets, type Decision } from './admin.ts';
import { deriveAtRestKeys, readKeyFile } from './at-rest.ts';
import { InboxAtRestError, InboxDb } from './db.ts';
import { InboxError } from './errors.ts';
import type { CallsOptions } from './calls.ts';
import { ratingLine } from './ratings.ts';
import { createInbox } from './server.ts';
import type { StorageConfig } from './storage.ts';

const USAGE = `usage: cli.ts <serve | enroll-window | enroll-approver | decide | list | ratings | calls> [options]
  serve            --data-dir DIR --port N [--host 127.0.0.1] [--upload-expiry-hours 168]
                   [--public-url URL]  (required unless --host is a loopback address)
                   [--s3-bucket B [--s3-endpoint URL] [--s3-region R]]  (S3 keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY)
                   [--stun-url URL]... [--turn-url URL]... [--turn-secret-file FILE]  (video call ICE servers;
                   FILE: coturn's static-auth-secret, for use-auth-secret credentials)
  enroll-window    --window-id W01 --public-key KEY --scheme ed25519|sm2 [--label TEXT] [--replace]
  enroll-window    --file enrolment-W01.json [--replace]  (the file the window's setup wizard exports)
  enroll-approver  --name NAME
  decide <packetId> accept|correction|refuse|approve|close [--item TEXT]... [--reason TEXT] [--supply-by YYYY-MM-DD] [--waybill NO] [--version N] [--by NAME]
  list             [--state receiving|delivered|accepted|correction_required|refused|approved|closed]
  ratings          [--bad]  (the ratings windows sent, newest first; --bad: the bad ones only)
  calls            [--packet P] [--json]  (video calls and their records, newest first)
every command      [--data-dir DIR] [--key-file FILE]  (FILE: the key the inbox is encrypted with)
                   [--database-url postgres://USER@HOST:PORT/DB]  (or $TONGBAN_INBOX_DATABASE_URL; password from
                   PGPASSWORD or ~/.pgpass: records on PostgreSQL, shared by several inbox processes)`;

/**
 * `atRestKey`: the key of an inbox encrypted at rest, given by a program that holds it
 * (the demo profile's wrapper, src-main/demo/inbox-cli.ts) instead of --key-file.
 */
export async function main(argv: string[], given: { atRestKey?: Buffer } = {}): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'upload-expiry-hours': { type: 'string' },
      'public-url': { type: 'string' },
      'key-file': { type: 'string' },
      'database-url': { type: 'string' },
      's3-bucket': { type: 'string' },
      's3-endpoint': { type: 'string' },
      's3-region': { type: 'string' },
      'stun-url': { type: 'string', multiple: true },
      'turn-url': { type: 'string', multiple: true },
      'turn-secret-file': { type: 'string' },
      'window-id': { type: 'string' },
      'public-key': { type: 'string' },
      file: { type: 'string' },
      scheme: { type: 'string', default: 'ed25519' },
      label: { type: 'string' },
      replace: { type: 'boolean', default: false },
      name: { type: 'string' },
      item: { type: 'string', multiple: true },
      reason: { type: 'string' },
      waybill: { type: 'string' },
      'supply-by': { type: 'string' },
      version: { type: 'string' },
      by: { type: 'string' },
      state: { type: 'string' },
      bad: { type: 'boolean', default: false },
      packet: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (!command || values.help) {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  const dataDir = resolve(values['data-dir'] ?? process.env.TONGBAN_INBOX_DIR ?? 'dept-inbox-data');
  const atRestKey = values['key-file'] ? readKeyFile(values['key-file']) : given.atRestKey;
  const databaseUrl = values['database-url'] ?? process.env.TONGBAN_INBOX_DATABASE_URL;

  if (command === 'serve') {
    const storage: StorageConfig = values['s3-bucket']
      ? {
          s3: {
            bucket: values['s3-bucket'],
            ...(values['s3-endpoint'] ? { endpoint: values['s3-endpoint'] } : {}),
            ...(values['s3-region'] ? { region: values['s3-region'] } : {}),
            ...(process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY
              ? { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY }
              : {}),
          },
        }
      : 'file';
    const expiryHours = values['upload-expiry-hours'] === undefined ? undefined : Number(values['upload-expiry-hours']);
    if (expiryHours !== undefined && !(expiryHours > 0))
      throw new InboxError('request.invalid', '--upload-expiry-hours must be > 0');
    const inbox = await createInbox({
      dataDir,
      port: Number(values.port ?? 8470),
      host: values.host ?? '127.0.0.1',
      storage,
      logger: pino({ level: process.env.LOG_LEVEL ?? 'info' }),
      ...(expiryHours ? { uploadExpiryMs: expiryHours * 3600_000 } : {}),
      ...(values['public-url'] ? { publicUrl: values['public-url'] } : {}),
      ...(atRestKey ? { atRest: { key: atRestKey } } : {}),
      ...(databaseUrl ? { postgres: { url: databaseUrl } } : {}),
      calls: callsOptionsFrom(values),
    });
    const reach = values['public-url']?.replace(/\/+$/, '') ?? inbox.url;
    console.log(`Department inbox on ${inbox.url} (data: ${dataDir}); approver page ${reach}/approver/`);
    await new Promise<void>((done) => {
      process.once('SIGINT', done);
      process.once('SIGTERM', done);
    });
    await inbox.close();
    return 0;
  }

  const db = databaseUrl
    ? await InboxDb.openPostgres({ url: databaseUrl, poolSize: 2 })
    : InboxDb.openSqlite(`${dataDir}/inbox.db`, {
        key: atRestKey ? deriveAtRestKeys(atRestKey).database : undefined,
      });
  try {
    switch (command) {
      case 'enroll-window': {
        const request = values.file ? enrolmentFile(values.file) : undefined;
        if (!request && (!values['window-id'] || !values['public-key']))
          throw new InboxError('request.invalid', '--window-id and --public-key (or --file) are required');
        const enrolled = await enrolWindow(db, {
          windowId: request?.windowId ?? values['window-id'] ?? '',
          publicKey: request?.publicKey ?? values['public-key'] ?? '',
          scheme: request?.scheme ?? values.scheme ?? 'ed25519',
          label: values.label ?? request?.label,
          replace: values.replace,
        });
        console.log(`window ${enrolled.windowId} enrolled (${enrolled.scheme}, key ${enrolled.keyId.slice(0, 16)}…)`);
        console.log('token (shown once; give it to the window installer):');
        console.log(enrolled.token);
        return 0;
      }
      case 'enroll-approver': {
        if (!values.name) throw new InboxError('request.invalid', '--name is required');
        const approver = await enrolApprover(db, values.name);
        console.log(`approver ${approver.name} enrolled; sign in at /approver/ with this token (shown once):`);
        console.log(approver.token);
        return 0;
      }
      case 'decide': {
        const [packetId, kind] = positionals;
        if (!packetId || !kind) throw new InboxError('request.invalid', 'decide needs <packetId> and a decision');
        const change = await decide(db, {
          packetId,
          version: values.version === undefined ? undefined : Number(values.version),
          decision: decisionFrom(kind, values),
          decidedBy: values.by ?? process.env.USER ?? 'cli',
        });
        console.log(`${change.packet_id} v${change.version} → ${change.state} (change ${change.cursor})`);
        return 0;
      }
      case 'list': {
        const rows = await listPackets(db, { state: values.state });
        if (rows.length === 0) console.log('no packets');
        for (const p of rows) {
          console.log(
            [
              p.packetId,
              `v${p.version}`,
              p.windowId,
              p.itemCode,
              p.state,
              p.departmentReference ?? '-',
              `${p.files} file(s)`,
              p.registeredAt,
            ].join('  '),
          );
        }
        return 0;
      }
      case 'ratings': {
        const rows = await db.listRatings({ badOnly: values.bad });
        if (rows.length === 0) console.log('no ratings');
        for (const row of rows) console.log(ratingLine(row));
        return 0;
      }
      case 'calls': {
        const rows = await db.listCalls({ packetId: values.packet });
        const withRecords = await Promise.all(
          rows.map(async (row) => ({
            ...row,
            subject: JSON.parse(row.subject) as unknown,
            records: (await db.callRecords(row.call_id)).map((r) => ({ ...r, entry: JSON.parse(r.entry) as unknown })),
          })),
        );
        if (values.json) {
          console.log(JSON.stringify(withRecords, null, 2));
          return 0;
        }
        if (rows.length === 0) console.log('no calls');
        for (const call of withRecords) {
          const at = (ms: number | null) => (ms === null ? '-' : new Date(ms).toISOString());
          console.log(
            [
              call.call_id,
              call.window_id,
              `by ${call.placed_by}`,
              call.approver_name ?? '-',
              call.state,
              call.end_reason ?? '-',
              `placed ${at(call.placed_at)}`,
              `answered ${at(call.answered_at)}`,
              `ended ${at(call.ended_at)}`,
              call.packet_id ?? '-',
            ].join('  '),
          );
          for (const r of call.records) console.log(`    ${r.seq} ${r.side} ${at(r.at)} ${JSON.stringify(r.entry)}`);
        }
        return 0;
      }
      default:
        console.error(USAGE);
        return 2;
    }
  } finally {
    await db.close();
  }
}

/**
 * The ICE servers of 视频会商 from the serve flags: STUN URLs as one server; TURN URLs with
 * coturn's shared secret (`use-auth-secret`), read from a file so it is not in `ps`.
 */
export function callsOptionsFrom(values: {
  'stun-url'?: string[] | undefined;
  'turn-url'?: string[] | undefined;
  'turn-secret-file'?: string | undefined;
}): CallsOptions {
  const stun = values['stun-url'] ?? [];
  const turn = values['turn-url'] ?? [];
  for (const url of [...stun, ...turn]) {
    if (!/^(stuns?|turns?):[^\s]+$/.test(url)) {
      throw new InboxError('config.invalid', `${url} is not a stun:, stuns:, turn: or turns: URL`);
    }
  }
  let secret: string | undefined;
  if (values['turn-secret-file']) {
    try {
      secret = readFileSync(values['turn-secret-file'], 'utf8').trim();
    } catch (error) {
      throw new InboxError('config.invalid', `cannot read --turn-secret-file: ${(error as Error).message}`);
    }
    if (!secret) throw new InboxError('config.invalid', `${values['turn-secret-file']} is empty`);
  }
  if (turn.length > 0 && !secret) {
    throw new InboxError('config.invalid', '--turn-url needs --turn-secret-file (coturn static-auth-secret)');
  }
  return {
    ...(stun.length > 0 ? { iceServers: [{ urls: stun }] } : {}),
    ...(turn.length > 0 && secret ? { turn: { urls: turn, secret } } : {}),
  };
}

/** The enrolment file a window's setup wizard exports (format tongban-enrolment/1): no secret in it. */
function enrolmentFile(path: string): { windowId: string; publicKey: string; scheme: string; label?: string } {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InboxError('request.invalid', `${path} is not an enrolment file: ${(error as Error).message}`);
  }
  const file = json as Record<string, unknown> | null;
  const text = (key: string) => (typeof file?.[key] === 'string' ? (file[key] as string) : undefined);
  const windowId = text('windowId');
  const publicKey = text('publicKey');
  const scheme = text('scheme');
  if (text('format') !== 'tongban-enrolment/1' || !windowId || !publicKey || !scheme) {
    throw new InboxError('request.invalid', `${path} is not a tongban-enrolment/1 file (windowId, scheme, publicKey)`);
  }
  const label = text('label');
  return { windowId, publicKey, scheme, ...(label ? { label } : {}) };
}

function decisionFrom(
  kind: string,
  values: {
    item?: string[] | undefined;
    reason?: string | undefined;
    waybill?: string | undefined;
    'supply-by'?: string | undefined;
  },
): Decision {
  switch (kind) {
    case 'accept':
      return { kind: 'accept' };
    case 'correction':
      return {
        kind: 'correction',
        items: values.item ?? [],
        ...(values.reason ? { reason: values.reason } : {}),
        ...(values['supply-by'] ? { supplyBy: values['supply-by'] } : {}),
      };
    case 'refuse':
      return { kind: 'refuse', reason: values.reason ?? '' };
    case 'approve':
      return values.waybill ? { kind: 'approve', waybill: values.waybill } : { kind: 'approve' };
    case 'close':
      return values.reason ? { kind: 'close', reason: values.reason } : { kind: 'close' };
    default:
      throw new InboxError(
        'decision.invalid',
        `unknown decision ${kind}: use accept, correction, refuse, approve or close`,
      );
  }
}

// Run only as a program, not when a test imports `main`.
if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof InboxError) {
        console.error(`error (${error.code}): ${error.message}`);
        process.exit(1);
      }
      if (error instanceof InboxAtRestError) {
        console.error(`error (atRest.${error.reason}): ${error.message}`);
        process.exit(1);
      }
      console.error(error);
      process.exit(1);
    },
  );
}
