// Pieces every document shares: the title and number, the salutation, the
// materials table, the seal and signature areas.
import { formatCount, formatDate } from './format.ts';
import type { Column, Composer, TextStyle } from './layout.ts';
import type { MaterialRow, Person } from './model.ts';

/** 小四 for the body of notices, 二号 for titles, 五号 for tables (GB/T 9704 sizes in points). */
export const BODY: TextStyle = { size: 12 };
export const TITLE: TextStyle = { size: 22, face: 'bold' };
export const SUBTITLE: TextStyle = { size: 14 };
export const TABLE: TextStyle = { size: 10.5 };

/** The two-character first-line indent of Chinese body text. */
export function indent(style: TextStyle): number {
  return style.size * 2;
}

export function title(c: Composer, text: string, subtitle?: string): void {
  c.paragraph(text, { ...TITLE, align: 'center' });
  if (subtitle) c.paragraph(subtitle, { ...SUBTITLE, align: 'center' });
  c.space(4);
}

/** 编号：… at the right, under the title. */
export function numberLine(c: Composer, number: string, style: TextStyle = BODY): void {
  c.paragraph(`编号：${number}`, { ...style, align: 'right' });
}

/** 张三： — a notice addresses the applicant by name. */
export function salutation(c: Composer, applicant: Person): void {
  c.space(6);
  c.paragraph(`${applicant.name}：`, BODY);
}

/** 你于…提交的“…”（事项编码：…）申请 — the opening every notice shares. */
export function applicationPhrase(m: {
  receivedOn: string;
  agent?: Person;
  item: { name: string; code: string };
}): string {
  const agent = m.agent ? `（代办人：${m.agent.name}）` : '';
  return `你${agent}于${formatDate(m.receivedOn)}提交的“${m.item.name}”（事项编码：${m.item.code}）申请`;
}

export function body(c: Composer, text: string): void {
  c.paragraph(text, { ...BODY, firstIndent: indent(BODY) });
}

/** A numbered list item whose wrapped lines hang under its text, not its number. */
export function numbered(c: Composer, n: number, text: string, style: TextStyle = BODY): void {
  const mark = `${n}．`;
  const base = indent(style);
  const markWidth = c.width(mark, style);
  const lh = c.lineHeight(style.size);
  const lines = c.wrap(text, c.contentWidth - base - markWidth, style);
  lines.forEach((line, i) => {
    c.ensure(lh);
    if (i === 0) c.textAt(mark, c.left + base, c.y, style);
    c.textAt(line, c.left + base + markWidth, c.y, style);
    c.y -= lh;
  });
}

export const MATERIAL_COLUMNS: Column[] = [
  { title: '序号', weight: 0.55, align: 'center' },
  { title: '材料名称', weight: 3.3 },
  { title: '应交份数', weight: 1.3, align: 'center' },
  { title: '实交份数', weight: 1.3, align: 'center' },
  { title: '备注', weight: 1.8 },
];

/** 原件1份、复印件1份 reads best with one kind of copy per line in a narrow cell. */
function countCell(count: number | string): string {
  return formatCount(count).replaceAll('、', '\n');
}

export function materialsTable(c: Composer, materials: readonly MaterialRow[], style: TextStyle = TABLE): void {
  c.table(
    MATERIAL_COLUMNS,
    materials.map((m, i) => [String(i + 1), m.name, countCell(m.required), countCell(m.received), m.note ?? '']),
    style,
  );
}

/**
 * The issuing office's name with （盖章） and the date, at the right, where the
 * seal is pressed over them (骑年盖月). Kept on one page with room for the seal.
 */
export function sealArea(
  c: Composer,
  officeName: string,
  date: string,
  style: TextStyle = BODY,
): { top: number; left: number } {
  const lines = [`${officeName}（盖章）`, formatDate(date)];
  const lh = c.lineHeight(style.size);
  const gap = style.size * 1.5;
  c.ensure(gap + lines.length * lh);
  c.space(gap);
  const widths = lines.map((l) => c.width(l, style));
  const blockWidth = Math.max(...widths);
  const blockRight = c.right - style.size * 2;
  const top = c.y;
  lines.forEach((line, i) => {
    c.textAt(line, blockRight - blockWidth + (blockWidth - widths[i]!) / 2, c.y, style);
    c.y -= lh;
  });
  // Where the block stands, so a signature line can share its height at the left.
  return { top, left: blockRight - blockWidth };
}

/** The label of the applicant's signature line (the receipt's and the notices'). */
export const APPLICANT_SIGNS = '申请人（签字）：';

/**
 * 窗口工作人员 and 申请人 sign side by side on ruled blanks; under the applicant's,
 * the date they received the notice, written by hand (____年__月__日).
 */
export function signatures(
  c: Composer,
  signers: readonly [string, string],
  dateLabel: string,
  style: TextStyle = BODY,
  applicantSignature?: Uint8Array,
): void {
  const lh = c.lineHeight(style.size);
  c.ensure(lh * 2.6);
  c.space(lh * 0.6);
  const cell = c.contentWidth / 2;
  const rule = (x1: number, x2: number) => {
    const y = c.y - lh + (lh - style.size) / 2 + style.size * 0.05;
    c.line(x1, y, x2, y, 0.5);
    return y;
  };
  signers.forEach((label, i) => {
    const x = c.left + i * cell;
    c.textAt(label, x, c.y, style);
    const from = x + c.width(label, style) + 2;
    const y = rule(from, x + cell - style.size);
    if (i === 1 && applicantSignature) signatureOnRule(c, applicantSignature, from, x + cell - style.size, y, lh);
  });
  c.y -= lh;

  // The date blank under the applicant's signature: label, then 年 月 日 each after a rule.
  let x = c.left + cell;
  c.textAt(dateLabel, x, c.y, style);
  x += c.width(dateLabel, style) + 2;
  for (const [unit, blank] of [
    ['年', 3.5],
    ['月', 2],
    ['日', 2],
  ] as const) {
    rule(x, x + blank * style.size);
    x += blank * style.size + 2;
    c.textAt(unit, x, c.y, style);
    x += c.width(unit, style) + 2;
  }
  c.y -= lh;
}

/**
 * The applicant's e-signature standing on its rule (from x1 to x2 at y), as a pen's would:
 * a little below the rule and up to one and a half lines tall, into the space above.
 */
export function signatureOnRule(c: Composer, png: Uint8Array, x1: number, x2: number, y: number, lh: number): void {
  c.image(png, x1 + 2, y - lh * 0.15, x2 - x1 - 4, lh * 1.5);
}

/**
 * 申请人（签字）： with its rule on the line box at `top`, from `x` to `right`, and the
 * e-signature on it when given (else blank for a hand signature).
 */
export function signatureLine(
  c: Composer,
  label: string,
  x: number,
  right: number,
  top: number,
  style: TextStyle,
  applicantSignature?: Uint8Array,
): void {
  const lh = c.lineHeight(style.size);
  c.textAt(label, x, top, style);
  const from = x + c.width(label, style) + 2;
  const y = top - lh + (lh - style.size) / 2 + style.size * 0.05;
  c.line(from, y, right, y, 0.5);
  if (applicantSignature) signatureOnRule(c, applicantSignature, from, right, y, lh);
}
