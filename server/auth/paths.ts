/** Set by proxy.ts on page requests so a redirect to sign-in can bring the person back to where they were. */
export const PATH_HEADER = 'x-crm-path';

/** A path inside this app, or "/" — never another site (no open redirects through callbackUrl). */
export function safeCallbackPath(value: unknown): string {
  if (typeof value !== 'string' || !value.startsWith('/') || value.startsWith('//') || value.includes('\\')) return '/';
  return value;
}
