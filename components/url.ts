/** Search params as pages receive them in the App Router. */
export type RawSearchParams = Record<string, string | string[] | undefined>;

/**
 * The first value of each param (repeated params are not used by these pages), empty values dropped. NUL bytes
 * (`%00`) are dropped too: no page means one, and PostgreSQL cannot take one in a query.
 */
export function flatParams(params: RawSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const v = (Array.isArray(value) ? value[0] : value)?.replaceAll('\u0000', '');
    if (v !== undefined && v !== '') out[key] = v;
  }
  return out;
}

/**
 * A URL for the same page with some params changed; `null`/'' removes a param. Changing anything but the page
 * resets paging, so a new filter never lands on an empty page 7.
 */
export function hrefWith(pathname: string, current: Record<string, string>, changes: Record<string, string | number | null | undefined>): string {
  const next = new URLSearchParams(current);
  if (!('skip' in changes)) next.delete('skip');
  for (const [key, value] of Object.entries(changes)) {
    if (value === null || value === undefined || value === '') next.delete(key);
    else next.set(key, String(value));
  }
  const qs = next.toString();
  return qs ? `${pathname}?${qs}` : pathname;
}
