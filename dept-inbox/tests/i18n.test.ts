// The department's people read Chinese on the approver page; every such string sits in
// one catalog (src/i18n.ts), so the wording can be reviewed and changed in one place.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { INBOX_STATES } from '../../src-main/common/sync-protocol.ts';
import { zh } from '../src/i18n.ts';

const SRC = join(import.meta.dirname, '..', 'src');
const HAN = /[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]/;

/** String and template literal texts of a source file that contain Chinese (comments are not literals). */
function chineseLiterals(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isStringLiteral(node) ||
      ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) ||
      ts.isTemplateMiddle(node) ||
      ts.isTemplateTail(node)
    ) {
      if (HAN.test(node.text)) {
        const { line } = source.getLineAndCharacterOfPosition(node.getStart());
        found.push(`${file.slice(SRC.length + 1)}:${line + 1} ${node.text}`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('the inbox catalog', () => {
  it('holds every Chinese string of the inbox: no other source file has one', () => {
    const files = (readdirSync(SRC, { recursive: true }) as string[]).filter(
      (name) => name.endsWith('.ts') && name !== 'i18n.ts',
    );
    expect(files).toContain('approver-page.ts');
    expect(files).toContain(join('approver-call', 'call-page.ts'));
    expect(files.flatMap((name) => chineseLiterals(join(SRC, name)))).toEqual([]);
  });

  it('names every packet state', () => {
    for (const state of INBOX_STATES) expect(zh.states[state]).toMatch(HAN);
  });
});
