import { sql } from 'drizzle-orm';
import { profiles } from '@/server/db/schema';

/** The name staff see: display name, else first + last, else the email; SQL so it can be sorted on. */
export const displayNameSql = sql<string>`coalesce(
  nullif(${profiles.displayName}, ''),
  nullif(trim(concat_ws(' ', ${profiles.firstName}, ${profiles.lastName})), ''),
  ${profiles.email},
  'Unnamed person'
)`;
