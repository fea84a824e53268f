// `npm run arch`: draws the layer diagram of docs/architecture.md from the code.
// dependency-cruiser reads the imports (same config and tsconfig as `npm run lint`),
// collapses them to one node per layer folder (src-main/<folder>, src-renderer,
// dept-inbox) and prints a Mermaid flowchart, which replaces whatever stands between
// the arch:start and arch:end markers of the document.
//
// `npm run arch -- --check` changes nothing and exits 1 when the committed diagram is
// not the one the code gives (tests/main/layers.test.ts runs it, so the map cannot go stale).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cruise } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';

const ROOT = join(import.meta.dirname, '..');
const DOC = join(ROOT, 'docs', 'architecture.md');
const START = '<!-- arch:start -->';
const END = '<!-- arch:end -->';

/** The folder-level import graph of the product code, as Mermaid source. */
async function layerDiagram(): Promise<string> {
  const options = await extractDepcruiseOptions(join(ROOT, '.dependency-cruiser.mjs'));
  const result = await cruise(
    ['src-main', 'src-renderer', 'dept-inbox/src'],
    {
      ...options,
      // The diagram shows our layers only, not npm packages or Node builtins…
      includeOnly: '^(src-main|src-renderer|dept-inbox)/',
      // …one node per layer folder (a loose file such as src-main/start.ts stays itself).
      collapse: '^(src-main/[^/]+|src-renderer|dept-inbox)',
      outputType: 'mermaid',
      // Readable node ids, so a change to the diagram reads well in a diff.
      reporterOptions: { mermaid: { minify: false } },
    },
    {},
    { tsConfig: extractTSConfig(join(ROOT, 'tsconfig.json')) },
  );
  if (typeof result.output !== 'string') throw new Error('dependency-cruiser gave no Mermaid source');
  // Trailing spaces and blank lines at the end depend on the reporter, not on the code.
  return result.output
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
    .trim();
}

/** The document with the diagram between its markers. */
function withDiagram(doc: string, diagram: string): string {
  const start = doc.indexOf(START);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${DOC} has no ${START} … ${END} section`);
  const block = `${START}\n\n\`\`\`mermaid\n${diagram}\n\`\`\`\n\n`;
  return doc.slice(0, start) + block + doc.slice(end);
}

async function main(): Promise<void> {
  // dependency-cruiser names modules relative to the working directory.
  process.chdir(ROOT);
  const check = process.argv.includes('--check');
  const doc = readFileSync(DOC, 'utf8');
  const updated = withDiagram(doc, await layerDiagram());
  if (updated === doc) {
    console.log('docs/architecture.md: the layer diagram is up to date.');
  } else if (check) {
    console.error('docs/architecture.md: the layer diagram is stale; run `npm run arch` and commit the result.');
    process.exitCode = 1;
  } else {
    writeFileSync(DOC, updated);
    console.log('docs/architecture.md: layer diagram updated.');
  }
}

await main();
