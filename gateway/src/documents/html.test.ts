import { escapeHtml, html } from './html';
import { formatDate, helsinkiDay, helsinkiMidnight, langOf, nextDay } from './i18n';

describe('html (escaping tagged template)', () => {
  it('escapes every interpolated value, including quotes and backticks', () => {
    const value = `<script>alert("x")</script> & 'y' \`z\``;
    expect(html`<p title="${value}">${value}</p>`.toString()).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39; &#96;z&#96;</p>',
    );
  });

  it('keeps nested fragments and arrays of them, escapes strings in arrays, drops null, undefined and false', () => {
    const items = ['<a>', 'b'].map((v) => html`<li>${v}</li>`);
    expect(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.toString()).toBe('<ul><li>&lt;a&gt;</li><li>b</li></ul>0');
    expect(html`${['<i>', html`<b>`]}`.toString()).toBe('&lt;i&gt;<b>');
  });

  it('offers no way to pass a string through unescaped', () => {
    expect(escapeHtml('<b>')).toBe('&lt;b&gt;');
    expect(html`${{ toString: () => '<b>' }}`.toString()).toBe('&lt;b&gt;');
  });
});

describe('dates (Finnish calendar days, no time of day)', () => {
  it('writes d.M.yyyy in both languages; a DateTime as its Helsinki day', () => {
    expect(formatDate('2026-03-05', 'fi')).toBe('5.3.2026');
    expect(formatDate('2026-03-05', 'sv')).toBe('5.3.2026');
    // 22:30 UTC on 31 Dec is already 1 Jan in Helsinki.
    expect(formatDate('2025-12-31T22:30:00.000Z', 'fi')).toBe('1.1.2026');
    expect(formatDate(null, 'fi')).toBe('—');
  });

  it('finds the start of a Helsinki day in winter and summer time', () => {
    expect(helsinkiMidnight('2026-01-15').toISOString()).toBe('2026-01-14T22:00:00.000Z');
    expect(helsinkiMidnight('2026-07-15').toISOString()).toBe('2026-07-14T21:00:00.000Z');
    expect(helsinkiDay(new Date('2026-07-14T21:00:00.000Z'))).toBe('2026-07-15');
    expect(nextDay('2026-02-28')).toBe('2026-03-01');
  });

  it('reads a service language as fi or sv', () => {
    expect(langOf('sv')).toBe('sv');
    expect(langOf('sv-FI')).toBe('sv');
    expect(langOf('fi')).toBe('fi');
    expect(langOf('et')).toBeNull();
    expect(langOf(null)).toBeNull();
  });
});
