import type { FieldDescription } from '@/server/segments/fields';

/**
 * How the field picker groups the registry for a marketer: by what the question is about, not by column. A field
 * added to the registry but not listed here still shows, under "Other".
 */
const GROUPS: { label: string; fields: string[] }[] = [
  {
    label: 'Membership',
    fields: ['membershipTier', 'membershipStatus', 'memberSince', 'membershipExpiry', 'lifecycleStage', 'status', 'homeClubName'],
  },
  { label: 'Golf', fields: ['handicap', 'handicapUpdatedAt', 'lastBookingAt', 'bookingCount30d'] },
  {
    label: 'Engagement',
    fields: [
      'engagementScore',
      'churnRiskScore',
      'churnRiskLevel',
      'lastActivityAt',
      'activityCount30d',
      'activityCount90d',
      'lastEmailOpenAt',
      'lastEmailClickAt',
      'lifetimeValue',
    ],
  },
  { label: 'Consent', fields: ['emailOptIn', 'smsOptIn', 'whatsappOptIn', 'pushOptIn', 'emailUndeliverable'] },
  { label: 'Person', fields: ['firstName', 'lastName', 'email', 'phoneNumber', 'dateOfBirth', 'tags', 'createdAt'] },
];

export interface FieldGroup {
  label: string;
  fields: FieldDescription[];
}

export function groupFields(fields: FieldDescription[]): FieldGroup[] {
  const byName = new Map(fields.map((f) => [f.name, f]));
  const placed = new Set<string>();
  const groups: FieldGroup[] = [];
  for (const g of GROUPS) {
    const members = g.fields.flatMap((name) => {
      const f = byName.get(name);
      if (!f) return [];
      placed.add(name);
      return [f];
    });
    if (members.length > 0) groups.push({ label: g.label, fields: members });
  }
  const rest = fields.filter((f) => !placed.has(f.name));
  if (rest.length > 0) groups.push({ label: 'Other', fields: rest });
  return groups;
}
