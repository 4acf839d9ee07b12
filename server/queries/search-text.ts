/**
 * The same folding the pipeline applies to profiles.search_text: lower-case, accents removed, whitespace collapsed.
 * Queries are folded here so "Zanélé" finds "zanele" without calling unaccent() per row in SQL.
 */
export function foldSearchText(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\p{M}\p{Diacritic}]/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/** Escapes LIKE wildcards so a user's `%` or `_` is matched literally. */
export function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** True when the text looks like a phone number typed in any common format (`082 123 4567`, `+27 82-123-4567`). */
export function looksLikePhone(value: string): boolean {
  const compact = value.replace(/[\s().-]/g, '');
  return /^\+?\d{7,15}$/.test(compact);
}
