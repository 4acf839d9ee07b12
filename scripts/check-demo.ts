/**
 * Checks the seeded demo data in the database: prints a few counts and fails (exit 1) unless some profiles are
 * linked to all three sources — SCL, TeeTime and Messaging. `npm run demo` runs it; it also runs alone:
 * `npx tsx scripts/check-demo.ts [tenantId]`.
 */
import { describeCliError } from '@/server/admin/cli-support';
import { createDb } from '@/server/db/client';
import { checkDemo, formatDemoCheck } from '@/server/demo/check';
import { DEMO_TENANT_ID } from '@/server/demo/generate';

const tenantId = process.argv[2] ?? DEMO_TENANT_ID;
const db = createDb({ max: 1, owner: true });
try {
  const check = await checkDemo(db, { tenantId });
  console.log(formatDemoCheck(check));
  if (check.inAllThreeSources === 0) {
    console.error(`✗ No profile in "${tenantId}" is linked to all three sources: identity resolution did not merge them.`);
    process.exitCode = 1;
  } else {
    console.log(`✓ ${check.inAllThreeSources.toLocaleString('en')} profiles merged across SCL, TeeTime and Messaging`);
  }
} catch (error) {
  console.error(`error: ${describeCliError(error)}`);
  process.exitCode = 1;
} finally {
  await db.$client.end({ timeout: 2 });
}
