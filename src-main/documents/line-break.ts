// Breaks text into lines that fit a width, the way Chinese is set: a line may end
// after any Han character, but Latin words, numbers, codes and URLs stay whole,
// closing punctuation never begins a line and opening punctuation never ends one
// (GB/T 15834 禁则). Pure: the caller measures with its font.

/** Punctuation that may not begin a line: it stays with the character before it. */
const NO_LINE_START = new Set([...'，。、；：？！）》」』】〕〉’”…—％‰·～,.;:?!)]}%']);
/** Punctuation that may not end a line: it moves down with the character after it. */
const NO_LINE_END = new Set([...'（《「『【〔〈‘“([{']);

/**
 * Marks and default-ignorable code points (variation selectors, zero-width joiners)
 * belong to the character before them: a line never starts with one.
 */
const ATTACHED = /^[\p{M}\p{Default_Ignorable_Code_Point}]/u;

/** A run kept on one line: letters, digits and the joiners found in codes, dates and URLs. */
const WORD = /[A-Za-z0-9\u00C0-\u024F@#$&*+\-./:=_?~%]+/y;

interface Unit {
  text: string;
  space: boolean;
}

function units(paragraph: string): Unit[] {
  const out: Unit[] = [];
  let glueNext = false;
  let i = 0;
  while (i < paragraph.length) {
    let atom: string;
    WORD.lastIndex = i;
    const word = WORD.exec(paragraph);
    if (word) atom = word[0];
    else atom = String.fromCodePoint(paragraph.codePointAt(i)!);
    i += atom.length;

    if (atom === ' ' || atom === '\t') {
      out.push({ text: ' ', space: true });
      glueNext = false;
      continue;
    }
    const last = out.at(-1);
    const glue =
      last !== undefined && !last.space && (glueNext || NO_LINE_START.has([...atom][0]!) || ATTACHED.test(atom));
    if (glue) last.text += atom;
    else out.push({ text: atom, space: false });
    glueNext = NO_LINE_END.has(atom);
  }
  return out;
}

/** Splits a unit wider than a whole line at character boundaries. */
function hardBreak(text: string, maxWidth: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  // By code point, so a character outside the BMP (a surrogate pair) is never cut in two.
  for (const ch of text) {
    if (line !== '' && !ATTACHED.test(ch) && measure(line + ch) > maxWidth) {
      lines.push(line);
      line = '';
    }
    line += ch;
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Lines of `text` no wider than `maxWidth` as `measure` counts; the first line of
 * each paragraph no wider than `firstWidth` (for a first-line indent). Newlines force
 * a break; spaces at the ends of lines are dropped. An empty paragraph gives one empty line.
 */
export function wrapText(
  text: string,
  maxWidth: number,
  measure: (s: string) => number,
  firstWidth = maxWidth,
): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const start = lines.length;
    const limit = () => (lines.length === start ? firstWidth : maxWidth);
    let line = '';
    let width = 0;
    let pendingSpace = false;
    const flush = () => {
      lines.push(line);
      line = '';
      width = 0;
      pendingSpace = false;
    };
    const parts = units(paragraph);
    for (const unit of parts) {
      if (unit.space) {
        pendingSpace = line !== '';
        continue;
      }
      const piece = (pendingSpace ? ' ' : '') + unit.text;
      const pieceWidth = measure(piece);
      if (width + pieceWidth <= limit()) {
        line += piece;
        width += pieceWidth;
        pendingSpace = false;
        continue;
      }
      if (line !== '') flush();
      pendingSpace = false;
      const unitWidth = measure(unit.text);
      if (unitWidth <= limit()) {
        line = unit.text;
        width = unitWidth;
        continue;
      }
      const pieces = hardBreak(unit.text, limit(), measure);
      for (const p of pieces.slice(0, -1)) lines.push(p);
      line = pieces.at(-1) ?? '';
      width = measure(line);
    }
    flush();
  }
  return lines;
}
