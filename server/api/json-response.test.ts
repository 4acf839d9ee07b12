import { describe, expect, it } from 'vitest';
import { jsonResponse, jsonText } from './json-response';

describe('jsonResponse', () => {
  it('writes markup characters as \\u escapes, and the JSON still means the same', async () => {
    const body = { data: { name: '<script>alert("x")</script> & co\u2028', n: 1 } };
    const text = jsonText(body);
    expect(text).not.toMatch(/[<>&\u2028]/);
    expect(text).toContain('\\u003cscript\\u003e');
    expect(JSON.parse(text)).toEqual(body);
    const res = jsonResponse(body, { status: 201, headers: { 'X-Request-Id': 'r1' } });
    expect(res.status).toBe(201);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toBe('r1');
    expect(await res.json()).toEqual(body);
  });
});
