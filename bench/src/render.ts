/**
 * `npm run bench:render -- <results.json> …`: writes each results file's Markdown again (results.md beside
 * results.json) with the current report code, e.g. after the Targets section learned to say why a target was
 * missed. The measurements are the JSON's; only the text is new.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { BenchResults } from './report';
import { renderMarkdown } from './report';
import { evaluateTargets } from './targets';

const files = process.argv.slice(2);
if (!files.length || files.some((file) => !file.endsWith('.json'))) {
  console.error('usage: npm run bench:render -- <results.json> [more.json …]');
  process.exit(2);
}
for (const file of files) {
  const { targets: _old, ...results } = JSON.parse(readFileSync(file, 'utf8')) as BenchResults & { targets?: unknown };
  writeFileSync(file, `${JSON.stringify({ ...results, targets: evaluateTargets(results) }, null, 2)}\n`);
  writeFileSync(file.replace(/\.json$/, '.md'), renderMarkdown(results));
  console.log(`rendered ${file.replace(/\.json$/, '.md')}`);
}
