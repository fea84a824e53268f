// The reader's status byte (SW3) and what each means for the clerk: every code the
// GA 467 SAM answers becomes an AppError whose Chinese message (errors in the i18n
// catalog) says what to do. Codes that share a remedy share an error code; the status
// itself stays in the English detail (and in the message where a technician needs it).
import { AppError, type ErrorCode } from '../../common/errors.ts';

export const STATUS = {
  ok: 0x90,
  cardFound: 0x9f,
  noContent: 0x91,
  checksumError: 0x10,
  lengthError: 0x11,
  unknownCommand: 0x21,
  unauthorised: 0x23,
  unknownError: 0x24,
  cardAuthFailed: 0x31,
  samAuthFailed: 0x32,
  infoCheckFailed: 0x33,
  unknownCardType: 0x40,
  readFailed: 0x41,
  randomFailed: 0x47,
  samSelfTestFailed: 0x60,
  samNotAuthorised: 0x66,
  findFailed: 0x80,
  selectFailed: 0x81,
} as const;

interface StatusMeaning {
  code: ErrorCode;
  english: string;
  /** The SAM received our frame damaged: sending it again may well work. */
  resend?: boolean;
  /** About the card on the reader, not the reader: the presence loop goes on. */
  card?: boolean;
}

const MEANINGS: Readonly<Record<number, StatusMeaning>> = {
  [STATUS.checksumError]: {
    code: 'idcard.transmission',
    english: 'the SAM received a frame with a bad checksum',
    resend: true,
  },
  [STATUS.lengthError]: {
    code: 'idcard.transmission',
    english: 'the SAM received a frame with a bad length',
    resend: true,
  },
  [STATUS.unknownCommand]: { code: 'idcard.readerFault', english: 'the SAM does not know the command' },
  [STATUS.unauthorised]: { code: 'idcard.samNotAuthorised', english: 'operation not authorised' },
  [STATUS.unknownError]: { code: 'idcard.readerFault', english: 'unknown error in the SAM' },
  [STATUS.cardAuthFailed]: {
    code: 'idcard.cardAuthFailed',
    english: 'the card failed to authenticate the SAM',
    card: true,
  },
  [STATUS.samAuthFailed]: {
    code: 'idcard.cardAuthFailed',
    english: 'the SAM failed to authenticate the card',
    card: true,
  },
  [STATUS.infoCheckFailed]: { code: 'idcard.cardAuthFailed', english: 'information check failed', card: true },
  [STATUS.unknownCardType]: { code: 'idcard.unknownCardType', english: 'unknown card type', card: true },
  [STATUS.readFailed]: { code: 'idcard.readFailed', english: 'reading the card failed', card: true },
  [STATUS.randomFailed]: {
    code: 'idcard.readFailed',
    english: 'getting a random number from the card failed',
    card: true,
  },
  [STATUS.samSelfTestFailed]: { code: 'idcard.samSelfTestFailed', english: 'the SAM failed its self-test' },
  [STATUS.samNotAuthorised]: { code: 'idcard.samNotAuthorised', english: 'the SAM is not authorised' },
  [STATUS.findFailed]: { code: 'idcard.noCard', english: 'no card found', card: true },
  [STATUS.selectFailed]: { code: 'idcard.selectFailed', english: 'selecting the card failed', card: true },
  [STATUS.noContent]: { code: 'idcard.readFailed', english: 'the card has no such content', card: true },
};

export function hex(byte: number): string {
  return `0x${byte.toString(16).padStart(2, '0').toUpperCase()}`;
}

/** The error for a status that is not the command's success; `command` names it in the detail. */
export function statusError(status: number, command: string): AppError {
  const meaning = MEANINGS[status];
  if (!meaning) {
    return new AppError('idcard.readerFault', `${command}: unexpected status ${hex(status)}`, { status: hex(status) });
  }
  return new AppError(meaning.code, `${command}: ${meaning.english} (status ${hex(status)})`, { status: hex(status) });
}

/** The SAM got our frame damaged (10, 11): worth sending again. */
export function isResendStatus(status: number): boolean {
  return MEANINGS[status]?.resend === true;
}

/** Error codes that are about the card on the reader, not the reader: reading may go on. */
export const CARD_ERRORS: ReadonlySet<ErrorCode> = new Set([
  'idcard.textInvalid',
  'idcard.sdkCardTypeUnsupported',
  ...Object.values(MEANINGS).flatMap((m) => (m.card ? [m.code] : [])),
] as ErrorCode[]);
