// The queue's search terms. A clerk finds a packet by the applicant's name, an ID
// number, a document number (文书编号) or the 查询号, typed into one box.
//
// Why names and ID numbers are indexed as keyed HMACs, not in clear: the database is
// encrypted as a whole (SQLite3 Multiple Ciphers), so the manifest's clear copy is safe
// from a stolen disk. An index is a different thing: a table of every ID number the window
// ever saw, sorted, is a ready-made lookup for anyone who ever holds the opened database
// (a debugging session, an export, a future feature that copies tables). ID numbers are
// too few to hide behind a plain hash (region × birth date × sequence can be enumerated),
// so each term is HMAC-SHA256 under a key derived from the master key for this purpose
// only (`searchKey`, store/keys.ts): without it the index neither confirms a guessed
// number nor can be reversed. The cost is exact match only — a whole name or a whole ID
// number — which is how a counter searches (the card reader or the applicant gives it).
// Document numbers are not personal data: they are kept in clear, whole and without the
// hall and window (the same on every packet of this PC), so `SJ-2026-000123` finds them.
import { createHmac } from 'node:crypto';
import { parseTrackingCode } from '../common/tracking-code.ts';

const NAME = 'n:';
const ID_NUMBER = 'i:';
const DOCUMENT = 'd:';

/** What a packet version is found by. */
export interface Searchable {
  names: readonly string[];
  idNumbers: readonly string[];
  documentNumbers: readonly string[];
}

/** Width and case folded (NFKC), spaces and the name dots of 少数民族 and foreign names removed, lower case. */
function searchFormOfName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/[\s·•・‧.]/gu, '')
    .toLowerCase();
}

/** Full-width digits folded, spaces and dashes removed, `x` as `X` (the check digit). */
function searchFormOfIdNumber(idNumber: string): string {
  return idNumber.normalize('NFKC').replace(/[\s-]/g, '').toUpperCase();
}

function searchFormOfDocumentNumber(number: string): string {
  return number.normalize('NFKC').replace(/\s/g, '').toUpperCase();
}

/** `{hall}-{window}-SJ-2026-000123` → `SJ-2026-000123`: the part that differs between packets of one window. */
export function documentNumberTail(number: string): string | undefined {
  return /[A-Z]{2}-\d{4}-\d{6,}$/.exec(searchFormOfDocumentNumber(number))?.[0];
}

export class SearchTerms {
  constructor(private readonly key: Buffer) {
    if (key.length < 32) throw new RangeError('the search key must be at least 32 bytes');
  }

  private mac(kind: string, value: string): string {
    return kind + createHmac('sha256', this.key).update(kind).update(value).digest('base64url');
  }

  /** Every term a packet version is indexed under (deduplicated). */
  of(packet: Searchable): string[] {
    const terms = new Set<string>();
    for (const name of packet.names) {
      const value = searchFormOfName(name);
      if (value) terms.add(this.mac(NAME, value));
    }
    for (const idNumber of packet.idNumbers) {
      const value = searchFormOfIdNumber(idNumber);
      if (value) terms.add(this.mac(ID_NUMBER, value));
    }
    for (const number of packet.documentNumbers) {
      terms.add(DOCUMENT + searchFormOfDocumentNumber(number));
      const tail = documentNumberTail(number);
      if (tail) terms.add(DOCUMENT + tail);
    }
    return [...terms];
  }

  /**
   * What a typed query may be, as terms and a 查询号: the same text is tried as a name, an
   * ID number and a document number at once, so the clerk never says which it is.
   */
  query(text: string): { terms: string[]; trackingCode: string | null } {
    const trimmed = text.trim();
    if (!trimmed) return { terms: [], trackingCode: null };
    const terms = new Set<string>();
    const name = searchFormOfName(trimmed);
    if (name) terms.add(this.mac(NAME, name));
    const idNumber = searchFormOfIdNumber(trimmed);
    if (idNumber) terms.add(this.mac(ID_NUMBER, idNumber));
    const document = searchFormOfDocumentNumber(trimmed);
    if (document) terms.add(DOCUMENT + document);
    const tracking = parseTrackingCode(trimmed);
    return { terms: [...terms], trackingCode: tracking.ok ? tracking.code : null };
  }
}
