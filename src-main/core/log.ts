// Structured logs (pino) written to rotating files in the data directory. No
// personal data is logged by design; the redaction list is the safety net for
// field names that would carry it.
import { join } from 'node:path';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Field names that carry personal data or secrets (the diagnostics bundle redacts the same names again, at any depth). */
const PERSONAL_FIELDS = [
  'password',
  'passwordHash',
  'token',
  'idNumber',
  'applicantIdNumber',
  'name',
  'applicantName',
  'address',
  'photo',
  'phone',
  'mobile',
  'birthDate',
];

/** Up to three levels deep (`{ draft: { applicant: { name } } }`); deeper is caught by the bundle's redaction. */
export const REDACTED_FIELDS = PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]);

export interface LogOptions {
  dir: string;
  keepFiles: number;
  level?: string;
}

/** Daily files, also cut at 10 MB, keeping the newest `keepFiles` (网络安全法: ≥ 6 months). */
export function createFileLogger(options: LogOptions): Logger {
  const transport = pino.transport({
    target: 'pino-roll',
    options: {
      file: join(options.dir, 'tongban'),
      extension: '.log',
      frequency: 'daily',
      size: '10m',
      mkdir: true,
      limit: { count: options.keepFiles },
    },
  });
  // A full disk (ENOSPC) ends the writer thread; unhandled, its 'error' would end the
  // whole app mid-work. The app goes on without file logs until its next start, and says so.
  let reported = false;
  transport.on('error', (error: Error) => {
    if (reported) return;
    reported = true;
    process.stderr.write(`tongban: file logging stopped until restart: ${error.message}\n`);
  });
  return pino({ level: options.level ?? 'info', redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } }, transport);
}

/** For tests and tools: logs to a given stream synchronously. */
export function createStreamLogger(stream: NodeJS.WritableStream, level = 'info'): Logger {
  return pino({ level, redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } }, stream);
}
