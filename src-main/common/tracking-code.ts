// 查询号: the short code an applicant reads out over the phone or types on the status page
// to ask about a packet. Pure (no Node, no DOM): the window makes codes, the department
// inbox and the UI read them.
//
// Scheme — Crockford base32 with Crockford's check symbol
// (https://www.crockford.com/base32.html):
// - 11 data symbols from 0123456789ABCDEFGHJKMNPQRSTVWXYZ (no I, L, O, U): 55 random bits;
// - 1 check symbol: the data read as one base-32 number, modulo 37. Crockford gives the
//   values 32–36 the symbols * ~ $ = U; a code whose check would be one of those is never
//   issued (it is drawn again: 5 draws in 37), so every printed symbol is a letter or digit;
// - printed in three groups of four, `XXXX-XXXX-XXXX`, the check symbol last.
// Because 37 is prime and larger than 32, any one symbol typed wrong, and any two adjacent
// symbols swapped (the check symbol included), change the remainder: the code is refused
// instead of naming another packet. Read back case-insensitively, dashes and spaces
// optional, with Crockford's look-alikes mapped (O → 0, I and L → 1).

/** Crockford's base-32 alphabet: a symbol's value is its index. */
export const TRACKING_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_DATA_LENGTH = 11;
export const TRACKING_CODE_LENGTH = TRACKING_DATA_LENGTH + 1;
/** The printed form: three groups of four, dash-separated. */
export const TRACKING_CODE_PATTERN = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

const CHECK_MODULUS = 37;
/** Bytes of randomness one draw takes: 56 bits, of which 55 are used. */
export const TRACKING_RANDOM_BYTES = 7;

/** Why a typed code is not one: the wrong number of symbols, a symbol outside the alphabet, or a failed check. */
export type TrackingCodeProblem = 'length' | 'character' | 'check';

export type ParsedTrackingCode = { ok: true; code: string } | { ok: false; problem: TrackingCodeProblem };

/** The remainder of the data symbols read as one base-32 number, modulo 37. */
function checkValue(data: string): number {
  let remainder = 0;
  for (const symbol of data) remainder = (remainder * 32 + TRACKING_ALPHABET.indexOf(symbol)) % CHECK_MODULUS;
  return remainder;
}

function grouped(symbols: string): string {
  return `${symbols.slice(0, 4)}-${symbols.slice(4, 8)}-${symbols.slice(8, 12)}`;
}

/**
 * A code from 7 random bytes, or undefined when its check value has no letter-or-digit
 * symbol (5 draws in 37): then draw again. Pure, so the caller owns the randomness.
 */
export function trackingCodeFromBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length !== TRACKING_RANDOM_BYTES) throw new RangeError(`a tracking code takes ${TRACKING_RANDOM_BYTES} random bytes`);
  // 56 bits as a BigInt-free bit stream: take 5 bits at a time from the top.
  let bits = '';
  for (const byte of bytes) bits += byte.toString(2).padStart(8, '0');
  let data = '';
  for (let i = 0; i < TRACKING_DATA_LENGTH; i++) data += TRACKING_ALPHABET[parseInt(bits.slice(i * 5, i * 5 + 5), 2)];
  const check = checkValue(data);
  if (check >= TRACKING_ALPHABET.length) return undefined;
  return grouped(data + TRACKING_ALPHABET[check]);
}

/** A new code, drawing from `random` (n → n random bytes) until one has a printable check symbol. */
export function newTrackingCode(random: (n: number) => Uint8Array): string {
  for (;;) {
    const code = trackingCodeFromBytes(random(TRACKING_RANDOM_BYTES));
    if (code !== undefined) return code;
  }
}

/**
 * Reads a code as a person typed it: any case, dashes and spaces anywhere or none, O for
 * 0, I and L for 1. Answers the printed form, or what is wrong with it.
 */
export function parseTrackingCode(input: string): ParsedTrackingCode {
  const symbols = input
    .toUpperCase()
    .replace(/[\s\-\u2010-\u2015\uFF0D]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
  if (symbols.length !== TRACKING_CODE_LENGTH) return { ok: false, problem: 'length' };
  for (const symbol of symbols) if (!TRACKING_ALPHABET.includes(symbol)) return { ok: false, problem: 'character' };
  const data = symbols.slice(0, TRACKING_DATA_LENGTH);
  if (TRACKING_ALPHABET.indexOf(symbols[TRACKING_DATA_LENGTH]!) !== checkValue(data)) return { ok: false, problem: 'check' };
  return { ok: true, code: grouped(symbols) };
}

/** Whether a string is a code in its printed form with a correct check symbol. */
export function isTrackingCode(value: string): boolean {
  if (!TRACKING_CODE_PATTERN.test(value)) return false;
  const parsed = parseTrackingCode(value);
  return parsed.ok && parsed.code === value;
}

/**
 * The tracking URL: the template with `{code}` replaced by the printed code. The code's
 * symbols and dashes need no escaping in a URL.
 */
export function trackingUrl(template: string, code: string): string {
  return template.split('{code}').join(code);
}

/** The reference department inbox's public status page: `GET /track/:code`. */
export const TRACKING_PAGE_PATH = '/track';

/**
 * The tracking URL template a config's `tracking.urlTemplate` names: itself, or for
 * `embedded` the status page of the demo inbox at `embeddedBaseUrl` (undefined while it is
 * not running: the receipt then carries the bare code).
 */
export function resolveTrackingTemplate(
  configured: string | undefined,
  embeddedBaseUrl: string | undefined,
): string | undefined {
  if (configured !== 'embedded') return configured;
  return embeddedBaseUrl === undefined ? undefined : `${embeddedBaseUrl}${TRACKING_PAGE_PATH}/{code}`;
}
