/**
 * Whether a member search looks like an email address or a phone number, or the start of one: an `@`; a word
 * joined by `.`, `_` or `+` (an email's local part, typed before its `@`); or three or more digits with nothing but
 * phone punctuation. Such a query is personal data and stays out of the page URL — out of browser history, shared
 * links, proxy and access logs. Names and everything else stay in the URL, shareable.
 */
export function isContactQuery(query: string): boolean {
  const q = query.trim();
  if (q.includes('@')) return true;
  if (!/\s/.test(q) && /\w[._+]\w/.test(q)) return true;
  return /^[+\d\s().\/-]+$/.test(q) && (q.match(/\d/g)?.length ?? 0) >= 3;
}
