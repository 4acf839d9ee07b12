import { randomUUID } from 'node:crypto';
import type { NewActivity } from '@/server/db/schema';

/** Which source records each activity type (for test rows written straight into `activities`). */
const SOURCE_OF: Record<string, string> = {
  TEETIME_BOOKED: 'teetime',
  ROUND_PLAYED: 'teetime',
  BOOKING_CANCELLED: 'teetime',
  BOOKING_NO_SHOW: 'teetime',
  COMPETITION_ENTERED: 'teetime',
  SCORE_POSTED: 'teetime',
  HANDICAP_UPDATED: 'teetime',
  PROFILE_CREATED: 'teetime',
  PLAYER_LINKED: 'teetime',
  PLAYER_UPDATED: 'teetime',
};

function sourceOf(type: string): string {
  if (SOURCE_OF[type]) return SOURCE_OF[type];
  if (/^(MESSAGE|EMAIL|CAMPAIGN|CONTACT|CONSENT)_/.test(type)) return 'messaging';
  return 'scl';
}

/** An activity row as the pipeline would have written it; tests of scoring insert these directly. */
export function activityRow(
  tenantId: string,
  profileId: string,
  type: string,
  occurredAt: Date,
  properties: Record<string, unknown> = {},
): NewActivity {
  const source = sourceOf(type);
  return {
    tenantId,
    profileId,
    source,
    sourceEventId: `test_${randomUUID()}`,
    eventType: `${source}.${type.toLowerCase()}`,
    type,
    title: type,
    occurredAt,
    properties,
  };
}
