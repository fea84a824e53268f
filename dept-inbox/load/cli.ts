// The load generator by hand, against any inbox a department runs:
//
//   npx tsx dept-inbox/load/cli.ts enrol --data-dir DIR --count 500 --windows-file windows.json [--prefix LOAD]
//       (an inbox, running or not: enrols the windows and writes their ids, keys and tokens)
//   npx tsx dept-inbox/load/cli.ts run --url URL --windows-file windows.json [--uploaders 50] [--seconds 60]
//       [--pages 50] [--page-kib 200] [--large-every 0] [--large-mib 100] [--concurrency 4] [--wait 30]
//       [--interval-ms 0] [--committed-file committed.json]
//       (--interval-ms: each sender starts a packet at most that often; 0 sends back to back)
//   npx tsx dept-inbox/load/cli.ts verify --data-dir DIR --committed-file committed.json
//       (every committed packet once, its stored bytes hashing as listed)
//
// On an inbox that keeps its records on PostgreSQL, enrol and verify also take
// --database-url (or $TONGBAN_INBOX_DATABASE_URL), as the inbox's own CLI does; --data-dir
// is then where its files are (file storage).
//
// The windows file holds private keys and tokens: keep it to the test machine.
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { InboxDb } from '../src/db.ts';
import {
  enrolSqliteWindows,
  enrolWindowsOn,
  openPostgresRecords,
  openSqliteRecords,
  type LoadWindow,
} from './deployment.ts';
import { runLoad, type CommittedPacket } from './generator.ts';
import { verifyDelivered } from './verify.ts';

const USAGE = `usage: cli.ts enrol --data-dir DIR --count N --windows-file FILE [--prefix LOAD]
       cli.ts run --url URL --windows-file FILE [--uploaders 50] [--seconds 60] [--pages 50] [--page-kib 200]
                  [--large-every 0] [--large-mib 100] [--concurrency 4] [--wait 30] [--interval-ms 0]
                  [--committed-file FILE]
       cli.ts verify --data-dir DIR --committed-file FILE
enrol, verify   [--database-url postgres://…]  (or $TONGBAN_INBOX_DATABASE_URL: records on PostgreSQL)`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values } = parseArgs({
    args: rest,
    options: {
      'data-dir': { type: 'string' },
      'database-url': { type: 'string' },
      count: { type: 'string' },
      prefix: { type: 'string', default: 'LOAD' },
      url: { type: 'string' },
      'windows-file': { type: 'string' },
      'committed-file': { type: 'string' },
      uploaders: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '60' },
      pages: { type: 'string', default: '50' },
      'page-kib': { type: 'string', default: '200' },
      'large-every': { type: 'string', default: '0' },
      'large-mib': { type: 'string', default: '100' },
      concurrency: { type: 'string', default: '4' },
      wait: { type: 'string', default: '30' },
      'interval-ms': { type: 'string', default: '0' },
    },
  });
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string') throw new Error(`--${name} is required\n${USAGE}`);
    return value;
  };
  const number = (name: keyof typeof values): number => {
    const value = Number(need(name));
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number ≥ 0`);
    return value;
  };
  const databaseUrl = values['database-url'] ?? process.env.TONGBAN_INBOX_DATABASE_URL;
  switch (command) {
    case 'enrol': {
      let windows: LoadWindow[];
      if (databaseUrl) {
        const db = await InboxDb.openPostgres({ url: databaseUrl, poolSize: 2 });
        try {
          windows = await enrolWindowsOn(db, number('count'), values.prefix);
        } finally {
          await db.close();
        }
      } else {
        windows = await enrolSqliteWindows(resolve(need('data-dir')), number('count'), values.prefix);
      }
      writeFileSync(need('windows-file'), JSON.stringify(windows), { mode: 0o600 });
      console.log(`${windows.length} windows enrolled, written to ${values['windows-file']}`);
      return 0;
    }
    case 'run': {
      const windows = JSON.parse(readFileSync(need('windows-file'), 'utf8')) as LoadWindow[];
      const { committed, ...result } = await runLoad(need('url'), windows, {
        uploaders: Math.min(number('uploaders'), windows.length),
        durationMs: number('seconds') * 1000,
        pages: number('pages'),
        pageBytes: number('page-kib') * 1024,
        largeEvery: number('large-every'),
        largeBytes: number('large-mib') * 1024 * 1024,
        uploadConcurrency: Math.max(1, number('concurrency')),
        waitSeconds: number('wait'),
        packetIntervalMs: number('interval-ms'),
      });
      if (values['committed-file']) writeFileSync(values['committed-file'], JSON.stringify(committed));
      console.log(JSON.stringify(result, null, 2));
      return result.errorCount === 0 && result.failedPackets === 0 && result.feedProblems.length === 0 ? 0 : 1;
    }
    case 'verify': {
      const committed = JSON.parse(readFileSync(need('committed-file'), 'utf8')) as CommittedPacket[];
      const records = databaseUrl
        ? await openPostgresRecords(databaseUrl, resolve(need('data-dir')))
        : await openSqliteRecords(resolve(need('data-dir')));
      try {
        const problems = await verifyDelivered(records, committed);
        for (const problem of problems) console.log(problem);
        console.log(
          problems.length === 0 ? `all ${committed.length} packets once, hashes equal` : `${problems.length} problems`,
        );
        return problems.length === 0 ? 0 : 1;
      } finally {
        await records.close();
      }
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(2);
  },
);
