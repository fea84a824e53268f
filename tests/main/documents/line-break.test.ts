// Line breaking for Chinese text, measured with a simple metric: a Han character
// or full-width mark is 1 wide, anything else 0.5.
import { describe, expect, it } from 'vitest';
import { chineseNumeral, formatDate, formatDueDate, maskIdNumber } from '../../../src-main/documents/format.ts';
import { wrapText } from '../../../src-main/documents/line-break.ts';

const measure = (s: string) => [...s].reduce((w, ch) => w + (ch.charCodeAt(0) > 0x2000 ? 1 : 0.5), 0);
const wrap = (text: string, width: number, first?: number) => wrapText(text, width, measure, first);

describe('wrapText', () => {
  it('breaks Chinese between any two characters', () => {
    expect(wrap('社会保障卡申领登记表', 4)).toEqual(['社会保障', '卡申领登', '记表']);
  });

  it('keeps Latin words, numbers, codes and URLs whole', () => {
    expect(wrap('编号SJ-110102-0007已收', 7.5)).toEqual(['编号', 'SJ-110102-0007', '已收']);
    expect(wrap('于2026-12-09前', 5.5)).toEqual(['于', '2026-12-09', '前']);
    expect(wrap('see https://a.example/x?no=1 now', 12)).toEqual(['see', 'https://a.example/x?no=1', 'now']);
  });

  it('never begins a line with closing punctuation: the character before goes down with it', () => {
    expect(wrap('材料齐全，符合法定形式。', 4)).toEqual(['材料齐', '全，符合', '法定形', '式。']);
    expect(wrap('一二三四）', 4)).toEqual(['一二三', '四）']);
  });

  it('breaks characters outside the BMP as whole characters, never between the two halves of a pair', () => {
    const name = '𠮷𬌗𫖯𬣙𬇙𫭢𬬿𠀀𪜀';
    const lines = wrap(name, 4);
    expect(lines).toEqual(['𠮷𬌗𫖯𬣙', '𬇙𫭢𬬿𠀀', '𪜀']);
    // No lone surrogate anywhere (a u-regex matches one as category Cs, a pair never).
    expect(lines.some((line) => /\p{Cs}/u.test(line))).toBe(false);
    expect(wrap(`申请人${name}：`, 5)).toEqual(['申请人𠮷𬌗', '𫖯𬣙𬇙𫭢𬬿', '𠀀𪜀：']);
  });

  it('keeps a variation selector with the character it selects', () => {
    // 葛 with an ideographic variation selector (U+E0100) is one character on paper
    // (2 wide by this metric: the selector counts too).
    expect(wrap('诸葛\u{E0100}亮明', 2)).toEqual(['诸', '葛\u{E0100}', '亮明']);
  });

  it('never ends a line with opening punctuation', () => {
    expect(wrap('一二三（夫妻投靠）', 4)).toEqual(['一二三', '（夫妻投', '靠）']);
    expect(wrap('依据《行政许可法》', 3)).toEqual(['依据', '《行政', '许可', '法》']);
  });

  it('splits a word longer than the whole line at characters', () => {
    expect(wrap('11100000000013127D3000', 4)).toEqual(['11100000', '00001312', '7D3000']);
  });

  it('honours newlines, drops spaces at line ends and narrows the first line', () => {
    expect(wrap('甲乙\n\n丙', 4)).toEqual(['甲乙', '', '丙']);
    expect(wrap('ab cd ef', 2)).toEqual(['ab', 'cd', 'ef']);
    expect(wrap('ab cd ef', 2.5)).toEqual(['ab cd', 'ef']);
    expect(wrap('  ab  ', 4)).toEqual(['ab']);
    expect(wrap('一二三四五六七八', 4, 2)).toEqual(['一二', '三四五六', '七八']);
    expect(wrap('', 4)).toEqual(['']);
  });
});

describe('printed values', () => {
  it('writes dates as GB/T 9704 does: Arabic numerals, no leading zeros', () => {
    expect(formatDate('2026-12-09')).toBe('2026年12月9日');
    expect(formatDate('2027-01-01')).toBe('2027年1月1日');
    expect(() => formatDate('2026-02-30')).toThrow();
    expect(formatDueDate({ date: '2026-12-09', workingDays: 10, provisional: false })).toBe(
      '2026年12月9日（10个工作日）',
    );
    // A period of calendar days says so, not the working days it happens to span.
    expect(formatDueDate({ date: '2026-04-09', workingDays: 20, calendarDays: 30, provisional: false })).toBe(
      '2026年4月9日（30日）',
    );
  });

  it('masks ID numbers to the first 6 and last 4, but not a company credit code', () => {
    expect(maskIdNumber('11010219860315242X')).toBe('110102********242X');
    expect(maskIdNumber('110102860315242')).toBe('110102*****5242');
    expect(maskIdNumber('E12345678', '护照')).toBe('E1*****78');
    expect(maskIdNumber('91110000802100433B', '统一社会信用代码')).toBe('91110000802100433B');
  });

  it('counts headings in Chinese numerals', () => {
    expect([1, 2, 10, 12, 20, 21, 99].map(chineseNumeral)).toEqual([
      '一',
      '二',
      '十',
      '十二',
      '二十',
      '二十一',
      '九十九',
    ]);
  });
});
