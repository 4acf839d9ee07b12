import { generateDemo, toPublishable } from '@/server/demo/generate';
import { normalizeJob } from '@/server/events/normalize';
const n = 20000;
const jobs = generateDemo({ tenantId: 'bench', people: 800, seed: 7, now: Date.now() }).items.slice(0, n).map(toPublishable).map((p) => {
  const name = 'name' in p && !('type' in p) ? (p as { name: string }).name : 'event';
  const data = name === 'event' ? p : (p as { data: unknown }).data;
  return { name, data, timestamp: Date.now() };
});
for (let r = 0; r < 5; r++) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (const j of jobs) normalizeJob(j);
  const c = process.cpuUsage(c0);
  console.log(`normalizeJob: ${((performance.now() - t0) * 1000 / n).toFixed(1)} µs/event wall, ${((c.user + c.system) / n).toFixed(1)} µs CPU (incl. GC helpers)`);
}
