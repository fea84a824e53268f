// Finding an item as the clerk types: by code, by name, by keyword (社保卡), or by
// pinyin — initials (`sbk`), full syllables or a mix — through pinyin-pro's
// matcher, which also knows the readings of polyphonic characters. Several words
// separated by spaces must all match. Results are ranked: exact code, code prefix,
// name, keyword, then pinyin, with matches at the start and unbroken matches first.
import { createRequire } from 'node:module';
import type * as PinyinPro from 'pinyin-pro';
import type { ServiceItem } from '../common/catalog.ts';

export type MatchKind = 'code' | 'name' | 'keyword' | 'pinyin' | 'all';

export interface SearchHit {
  code: string;
  name: string;
  score: number;
  /** What the first word matched, for highlighting. */
  matchedBy: MatchKind;
}

interface Entry {
  item: ServiceItem;
  order: number;
  codeUpper: string;
}

const LATIN = /^[a-z]+$/i;

const require = createRequire(import.meta.url);
let pinyin: typeof PinyinPro | undefined;

/**
 * pinyin-pro and its dictionaries (about 7 MiB resident) load on the first pinyin
 * match or on `warmUpPinyin`, not at start. Synchronously, through require, so that
 * search stays a plain function call.
 */
function pinyinMatch(text: string, query: string): number[] | null {
  pinyin ??= require('pinyin-pro') as typeof PinyinPro;
  return pinyin.match(text, query);
}

/** Loads the pinyin matcher ahead of the clerk's first search (about 0.1–0.2 s, blocking). */
export function warmUpPinyin(): void {
  pinyin ??= require('pinyin-pro') as typeof PinyinPro;
}

export class CatalogSearch {
  private readonly entries: Entry[];

  constructor(items: readonly ServiceItem[]) {
    this.entries = items.map((item, order) => ({ item, order, codeUpper: item.code.toUpperCase() }));
  }

  /** Best first; an empty query lists every item in catalog order. */
  search(query: string, limit = 20): SearchHit[] {
    const tokens = query.trim().split(/\s+/).filter(Boolean);
    if (tokens.length === 0) {
      return this.entries
        .slice(0, limit)
        .map(({ item }) => ({ code: item.code, name: item.name, score: 0, matchedBy: 'all' }));
    }
    const hits: Array<SearchHit & { order: number }> = [];
    for (const entry of this.entries) {
      let total = 0;
      let first: MatchKind | undefined;
      for (const token of tokens) {
        const scored = scoreToken(entry, token);
        if (!scored) {
          total = -1;
          break;
        }
        total += scored.score;
        first ??= scored.kind;
      }
      if (total < 0 || !first) continue;
      hits.push({ code: entry.item.code, name: entry.item.name, score: total, matchedBy: first, order: entry.order });
    }
    // Ties: codes keep catalog order (a code prefix lists a series); names go shortest first (closest to the query).
    const byName = (a: SearchHit, b: SearchHit) =>
      a.matchedBy === 'code' && b.matchedBy === 'code' ? 0 : a.name.length - b.name.length;
    hits.sort((a, b) => b.score - a.score || byName(a, b) || a.order - b.order);
    return hits.slice(0, limit).map(({ order: _order, ...hit }) => hit);
  }
}

function scoreToken(entry: Entry, token: string): { score: number; kind: MatchKind } | null {
  const candidates: Array<{ score: number; kind: MatchKind }> = [];
  const upper = token.toUpperCase();
  if (entry.codeUpper === upper) candidates.push({ score: 1000, kind: 'code' });
  else if (entry.codeUpper.startsWith(upper) && token.length >= 2) candidates.push({ score: 900, kind: 'code' });
  else if (token.length >= 3 && entry.codeUpper.includes(upper)) candidates.push({ score: 700, kind: 'code' });

  const { name, keywords } = entry.item;
  if (name === token) candidates.push({ score: 950, kind: 'name' });
  else if (name.includes(token)) candidates.push({ score: 850 - Math.min(name.indexOf(token), 50), kind: 'name' });
  for (const keyword of keywords) {
    if (keyword === token) candidates.push({ score: 800, kind: 'keyword' });
    else if (keyword.includes(token)) candidates.push({ score: 750, kind: 'keyword' });
  }

  if (LATIN.test(token)) {
    const lower = token.toLowerCase();
    const onName = pinyinScore(name, lower);
    if (onName !== null) candidates.push({ score: 500 + onName, kind: 'pinyin' });
    for (const keyword of keywords) {
      const onKeyword = pinyinScore(keyword, lower);
      if (onKeyword !== null) candidates.push({ score: 480 + onKeyword, kind: 'pinyin' });
    }
  }
  if (candidates.length === 0) return null;
  return candidates.reduce((best, c) => (c.score > best.score ? c : best));
}

/** 0–230: matches from the first character and without gaps rank higher, and so do fuller ones. */
function pinyinScore(text: string, query: string): number | null {
  const indices = pinyinMatch(text, query);
  if (!indices || indices.length === 0) return null;
  const contiguous = indices.every((index, i) => i === 0 || index === indices[i - 1]! + 1);
  const chars = [...text].length;
  return (indices[0] === 0 ? 100 : 0) + (contiguous ? 80 : 0) + Math.round((50 * indices.length) / chars);
}
