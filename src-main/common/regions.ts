// The administrative divisions (行政区划, GB/T 2260) by code, name and pinyin: a clerk
// types 朝阳, chaoyang, cy or 1101 and picks 北京市朝阳区 (110105). The table is generated
// data (region-data.ts, `npm run regions`), read once on first use; no network, no
// dictionary at run time. Pure: runs in the renderer and in the core alike.
import { REGION_SOURCE, REGION_TABLE } from './region-data.ts';

export { REGION_SOURCE };

export type RegionLevel = 'province' | 'prefecture' | 'county';

export interface Region {
  /** Six digits of GB/T 2260. */
  code: string;
  /** The division's own name, e.g. 朝阳区. */
  name: string;
  /** With the divisions above it, e.g. 北京市朝阳区, 辽宁省朝阳市朝阳县. */
  fullName: string;
  level: RegionLevel;
}

interface Entry extends Region {
  syllables: string[];
  /** The syllables run together, e.g. chaoyangqu. */
  pinyin: string;
  /** Their first letters, e.g. cyq. */
  initials: string;
  /** The syllables of the full name, those of 省/市/区/县 above left out (bei jing chao yang qu), for bjcy. */
  fullSyllables: string[];
  /** The same from the prefecture down (cheng du jin jiang qu), for cdjj. */
  citySyllables: string[];
  /** The full name without 省/市/区/县 (北京朝阳), for 北京朝阳. */
  fullBare: string;
}

let entries: Entry[] | undefined;
let byCode: Map<string, Entry> | undefined;

function load(): Entry[] {
  if (entries) return entries;
  const rows = REGION_TABLE.split('\n').map((line) => {
    const [code = '', name = '', spelled = ''] = line.split('|');
    return { code, name, syllables: spelled.split(' ').filter(Boolean) };
  });
  const known = new Map(rows.map((r) => [r.code, r]));
  entries = rows.map(({ code, name, syllables }) => {
    const level: RegionLevel = code.endsWith('0000') ? 'province' : code.endsWith('00') ? 'prefecture' : 'county';
    const province = level === 'province' ? undefined : known.get(`${code.slice(0, 2)}0000`);
    const prefecture = level === 'county' ? known.get(`${code.slice(0, 4)}00`) : undefined;
    const above = [province, prefecture].filter((r) => r !== undefined);
    const fullName = [...above.map((r) => r.name), name].join('');
    return {
      code,
      name,
      fullName,
      level,
      syllables,
      pinyin: syllables.join(''),
      initials: syllables.map((s) => s[0]).join(''),
      fullSyllables: [...above.flatMap((r) => bareSyllables(r.name, r.syllables)), ...syllables],
      citySyllables: [...(prefecture ? bareSyllables(prefecture.name, prefecture.syllables) : []), ...syllables],
      fullBare: bare(fullName),
    };
  });
  byCode = new Map(entries.map((e) => [e.code, e]));
  return entries;
}

/** A name without the words for its kind of division, as people say it (北京朝阳). */
const bare = (text: string) => text.replace(/[省市区县]/gu, '');

/** The syllables of a name above without those of 省/市/区/县 (bei jing for 北京市). */
function bareSyllables(name: string, syllables: string[]): string[] {
  const chars = [...name];
  if (chars.length !== syllables.length) return syllables;
  return syllables.filter((_, i) => !/[省市区县]/u.test(chars[i]!));
}

const publicPart = ({ code, name, fullName, level }: Entry): Region => ({ code, name, fullName, level });

/** The division a code names, or undefined for a code the table does not hold. */
export function regionByCode(code: string): Region | undefined {
  load();
  const entry = byCode!.get(code.trim());
  return entry && publicPart(entry);
}

/**
 * Whether the query spells the syllables from the first on, each syllable typed whole or
 * by its first letters (chaoy, cyang, cyq, chaoyangqu); the last one may stop part-way.
 */
function spells(syllables: readonly string[], query: string, at = 0, from = 0): boolean {
  if (from === query.length) return true;
  if (at === syllables.length) return false;
  const syllable = syllables[at]!;
  for (let n = Math.min(syllable.length, query.length - from); n >= 1; n--) {
    if (query.startsWith(syllable.slice(0, n), from) && spells(syllables, query, at + 1, from + n)) return true;
  }
  return false;
}

/** How well an entry answers a query; lower is better, null for no match. */
function rank(entry: Entry, query: string): number | null {
  if (/^\d+$/.test(query)) return entry.code.startsWith(query) ? 0 : null;
  if (/[\u3400-\u9fff]/u.test(query)) {
    if (entry.name.startsWith(query)) return 0;
    if (entry.name.includes(query)) return 1;
    if (entry.fullName.includes(query)) return 2;
    return bare(query) !== '' && entry.fullBare.includes(bare(query)) ? 3 : null;
  }
  if (entry.pinyin.startsWith(query)) return 0;
  if (entry.initials.startsWith(query)) return 1;
  if (spells(entry.syllables, query)) return 2;
  return spells(entry.fullSyllables, query) || spells(entry.citySyllables, query) ? 3 : null;
}

/**
 * Divisions for what the clerk typed: a code or its beginning, a name (or part of it, or of
 * the full name), or pinyin — whole, initials, or a mix. Best matches first, then by code
 * (so among the five 朝阳, Beijing's comes first). Case and spaces do not matter.
 */
export function searchRegions(query: string, limit = 10): Region[] {
  const q = query.toLowerCase().replace(/[\s']/g, '');
  if (q === '') return [];
  const found: Array<{ entry: Entry; score: number }> = [];
  for (const entry of load()) {
    const score = rank(entry, q);
    if (score !== null) found.push({ entry, score });
  }
  found.sort((a, b) => a.score - b.score || (a.entry.code < b.entry.code ? -1 : 1));
  return found.slice(0, limit).map((f) => publicPart(f.entry));
}
