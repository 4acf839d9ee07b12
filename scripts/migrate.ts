import { env } from '../server/env';
import { ensureDatabase, migrateDatabase } from '../server/db/migrate';

const url = env().DATABASE_URL;
const created = await ensureDatabase(url);
await migrateDatabase(url);
console.log(`${created ? 'Created and migrated' : 'Migrated'} ${new URL(url).pathname.slice(1)}`);
