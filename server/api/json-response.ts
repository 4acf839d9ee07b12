/**
 * JSON for API answers with `<`, `>`, `&` and the two JavaScript line separators written as \u escapes. The JSON
 * means the same, but no answer ever carries stored markup verbatim (a segment named `<script>…`, a producer's
 * name field), so even a client that mislabels or sniffs it cannot run it as HTML.
 */
const UNSAFE = /[<>&\u2028\u2029]/g;

export function jsonText(body: unknown): string {
  return JSON.stringify(body).replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Like Response.json, with the escaping above. */
export function jsonResponse(body: unknown, init: ResponseInit = {}): Response {
  const headers = new Headers(init.headers);
  headers.set('content-type', 'application/json');
  return new Response(jsonText(body), { ...init, headers });
}
