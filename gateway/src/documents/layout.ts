import { type Html, html } from './html';
import type { Lang } from './i18n';

export interface PageParts {
  lang: Lang;
  title: string;
  body: Html;
  /** Footer line: what was printed, when and under which request id (matches the access log). */
  footer: string;
}

/** The page around a document's body; styles readable on screen and A4 on paper, no external resources. */
export function page({ lang, title, body, footer }: PageParts): string {
  return html`<!DOCTYPE html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>
  :root { color-scheme: light; }
  body { font-family: "Helvetica Neue", Arial, sans-serif; font-size: 11pt; line-height: 1.4; color: #111; margin: 2rem auto; max-width: 52rem; padding: 0 1rem; }
  h1 { font-size: 16pt; margin: 0 0 0.25rem; }
  h2 { font-size: 12.5pt; margin: 1.5rem 0 0.5rem; border-bottom: 1px solid #999; padding-bottom: 0.15rem; }
  .subtitle { margin: 0 0 1rem; color: #333; }
  dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1rem; margin: 0; }
  dl.facts dt { font-weight: bold; }
  dl.facts dd { margin: 0; white-space: pre-wrap; }
  table { border-collapse: collapse; width: 100%; font-size: 9.5pt; }
  th, td { border: 1px solid #999; padding: 0.2rem 0.35rem; text-align: left; vertical-align: top; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  td.num { text-align: right; }
  .text { white-space: pre-wrap; }
  .note { font-size: 9.5pt; color: #333; }
  .appeal { border: 1px solid #333; padding: 0.5rem 0.75rem; margin-top: 0.5rem; break-inside: avoid; }
  footer { margin-top: 2rem; font-size: 8.5pt; color: #555; border-top: 1px solid #bbb; padding-top: 0.3rem; }
  @page { size: A4; margin: 18mm 16mm 20mm; }
  @media print {
    body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
    a { color: inherit; text-decoration: none; }
    h2 { break-after: avoid; page-break-after: avoid; }
  }
</style>
</head>
<body>
${body}
<footer>${footer}</footer>
</body>
</html>
`.toString();
}
