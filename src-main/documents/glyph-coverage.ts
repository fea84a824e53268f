// Which face draws each character: the main face, a file of the fallback face, or
// none (the character would print as the main face's empty box, .notdef). Pure and
// small, so the core can tell before sealing what would not print without loading a
// font; the render worker uses the same table to set each character in its face.
// The table (glyph-coverage-data.ts) is generated from the font files by
// `npm run glyphs`, and a test keeps the two in step.
import { FALLBACK_FILES, RANGES } from './glyph-coverage-data.ts';

/** The main face. */
export const MAIN_FACE = 0;
/** No face has the character. */
export const NO_FACE = -1;

interface Table {
  starts: Int32Array;
  ends: Int32Array;
  sources: Int16Array;
}

let table: Table | undefined;

function decoded(): Table {
  if (table) return table;
  const n = RANGES.length / 3;
  const starts = new Int32Array(n);
  const ends = new Int32Array(n);
  const sources = new Int16Array(n);
  let next = 0;
  for (let i = 0; i < n; i++) {
    starts[i] = next + RANGES[3 * i]!;
    ends[i] = starts[i]! + RANGES[3 * i + 1]!;
    sources[i] = RANGES[3 * i + 2]!;
    next = ends[i]! + 1;
  }
  return (table = { starts, ends, sources });
}

/** MAIN_FACE, a fallback source (1…: see `fallbackFile`), or NO_FACE. */
export function glyphSource(codePoint: number): number {
  const { starts, ends, sources } = decoded();
  let lo = 0;
  let hi = starts.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (codePoint < starts[mid]!) hi = mid - 1;
    else if (codePoint > ends[mid]!) lo = mid + 1;
    else return sources[mid]!;
  }
  return NO_FACE;
}

/** The hanamin file of a fallback source. */
export function fallbackFile(source: number): string {
  const file = FALLBACK_FILES[source - 1];
  if (file === undefined) throw new Error(`no fallback source ${source}`);
  return file;
}

/**
 * Characters that draw nothing whatever the font: line ends and tabs (layout turns them
 * into breaks and spaces) and default-ignorable code points (variation selectors,
 * zero-width joiners…), which fontkit sets as nothing when a face lacks them.
 */
const INVISIBLE = /^[\n\r\t]$|^\p{Default_Ignorable_Code_Point}$/u;

export function isInvisible(char: string): boolean {
  return INVISIBLE.test(char);
}

/** The distinct characters of `text` that no face draws, in order of appearance. */
export function unprintableCharacters(text: string): string[] {
  const found: string[] = [];
  for (const char of text) {
    if (glyphSource(char.codePointAt(0)!) !== NO_FACE || isInvisible(char) || found.includes(char)) continue;
    found.push(char);
  }
  return found;
}
