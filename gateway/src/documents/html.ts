/**
 * Server-side HTML without a framework: every value interpolated into `html\`…\`` is escaped unless it
 * is itself the result of `html` (a fragment built the same way). There is no way to insert a raw
 * string, so no value from the register (a name, a reason) can become markup.
 */
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
  '`': '&#96;',
};

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"'`]/g, (c) => ESCAPES[c]!);
}

/** A fragment of markup built by `html` (its values already escaped). */
export class Html {
  /** Only `html` makes these: the constructor is not exported as a way to mark a string safe. */
  private constructor(private readonly markup: string) {}

  toString(): string {
    return this.markup;
  }

  static fromTemplate(strings: TemplateStringsArray, values: readonly unknown[]): Html {
    let out = strings[0]!;
    values.forEach((value, i) => {
      out += render(value) + strings[i + 1]!;
    });
    return new Html(out);
  }
}

function render(value: unknown): string {
  if (value instanceof Html) return value.toString();
  if (value === null || value === undefined || value === false) return '';
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(String(value));
}

/**
 * Tagged template: `html\`<td>${name}</td>\`` escapes `name`; nested `html` fragments and arrays of them
 * are kept; null, undefined and false render as nothing. Attribute values must be quoted in the template.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  return Html.fromTemplate(strings, values);
}
