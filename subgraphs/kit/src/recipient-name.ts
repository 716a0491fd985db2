/**
 * Names of disclosure recipients (consents, disclosures, objections; issue 12 review): the ONE way such
 * names are compared. A recipient written "Majakka\u00a0ry", "Majakka  ry" or "MAJAKKA RY" is the same
 * recipient, so a client's objection (kielto) to it cannot be sidestepped by spelling it another way.
 * Names mixing scripts (Latin with Cyrillic or Greek letters — "Nuоrisopalvelut" with a Cyrillic "о") look
 * like another name and are refused at the input edge with `mixedScriptReason`.
 */

/** Unicode NFKC, invisible format characters removed, every run of whitespace (incl. no-break spaces) one space, trimmed, lower case. */
export function normaliseRecipientName(name: string): string {
  return name
    .normalize('NFKC')
    .replace(/\p{Cf}/gu, '')
    .replace(/\s+/gu, ' ')
    .trim()
    .toLowerCase();
}

/** Whether two recipient names name the same recipient (after normaliseRecipientName). */
export const sameRecipientName = (a: string, b: string): boolean => normaliseRecipientName(a) === normaliseRecipientName(b);

const SCRIPTS: readonly [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
];

/** Whether the name's letters come from more than one of the Latin, Cyrillic and Greek scripts (look-alike letters). */
export function isMixedScript(name: string): boolean {
  const text = name.normalize('NFKC');
  return SCRIPTS.filter(([, re]) => re.test(text)).length > 1;
}

/** The BAD_USER_INPUT reason for a mixed-script recipient name. */
export const MIXED_SCRIPT_REASON =
  'must be written in one script: the name mixes Latin letters with Cyrillic or Greek look-alikes; write the recipient\'s name as it is registered';
