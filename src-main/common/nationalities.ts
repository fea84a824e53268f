// 民族 as the clerk chooses it: the 56 nationalities of GB/T 3304 in code order, then the
// two codes beyond them (97 其他, 98 外国血统中国籍人士), named as the ID card and its
// reader name them (汉, not 汉族: id-card.ts `NATIONS`), so a typed identity and a read
// one hold the same value. Pure.
import { NATIONS } from './id-card.ts';

export interface Nationality {
  /** Two digits of GB/T 3304 (the card reader's code). */
  code: string;
  /** As the card prints it and the draft keeps it: 汉, 蒙古 … */
  name: string;
  /** As a list shows it: 汉族, 蒙古族 … (the two extra codes as they are). */
  label: string;
}

export const NATIONALITIES: readonly Nationality[] = Object.entries(NATIONS)
  .sort(([a], [b]) => (a < b ? -1 : 1))
  .map(([code, name]) => ({ code, name, label: Number(code) <= 56 ? `${name}族` : name }));

/** The nationality a text names (汉, 汉族, or the code 01), or undefined. */
export function nationalityOf(text: string): Nationality | undefined {
  const typed = text.trim();
  return NATIONALITIES.find((n) => n.name === typed || n.label === typed || n.code === typed);
}
