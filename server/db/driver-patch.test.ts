import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/*
 * postgres-js 3.4.9 can write to a socket that has just closed (porsager/postgres#1154) and crash the process when
 * Postgres goes away mid-batch; patches/postgres+3.4.9.patch (applied by `npm install` through patch-package) guards
 * it. `npm run chaos -- --only 5` shows the effect; this shows the patch is in place in every build of the driver.
 */
describe('postgres driver patch', () => {
  const root = path.resolve(import.meta.dirname, '../../node_modules/postgres');
  for (const build of ['src', 'cjs/src', 'cf/src']) {
    it(`guards writes after close in ${build}/connection.js`, () => {
      const source = readFileSync(path.join(root, build, 'connection.js'), 'utf8');
      expect(source).toMatch(/function nextWrite\(fn\) \{\s*\/\/[^\n]*\n[^\n]*\n\s*if \(!socket\)/);
    });
  }
});
