// What the terminal commands share (`npm run device`, `tongban`): where they write, the
// error for a command line that is not understood, and how a failure becomes the lines
// a person reads (Chinese first, the English detail after) and the exit code.
import { AppError } from '../common/errors.ts';
import { errorMessage } from '../common/i18n/index.ts';

/** A command line that is not understood: exit 2. */
export class UsageError extends Error {}

/** Where a command writes; tests and the Electron shell hand their own. */
export interface Output {
  out(line: string): void;
  err(line: string): void;
}

export const consoleOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** Says why a command failed and answers its exit code: 2 for the command line, 1 otherwise. */
export function reportFailure(
  error: unknown,
  io: Output,
  text: { usage: string; failed: string; usageLines: string },
): number {
  if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
    io.err(text.usage);
    io.err(`error: ${(error as Error).message}\n${text.usageLines}`);
    return 2;
  }
  if (error instanceof AppError) {
    io.err(`${text.failed}：${errorMessage(error.code, error.params)}`);
    io.err(`error: ${error.code}: ${error.detail}`);
    return 1;
  }
  io.err(`${text.failed}：${errorMessage('internal')}`);
  io.err(`error: ${(error as Error).stack ?? String(error)}`);
  return 1;
}
