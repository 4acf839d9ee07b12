import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { CHURN_LEVELS, LIFECYCLE_STAGES, profiles } from '../db/schema';

/**
 * The one field registry for segment rules: it drives criteria validation, the SQL translation, the in-memory
 * evaluator and the builder UI. A field a marketer can filter on is listed here, nowhere else.
 */

export const OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'contains',
  'isNull',
  'isNotNull',
  'withinLastDays',
  'notWithinLastDays',
] as const;
export type Operator = (typeof OPERATORS)[number];

/** `tags` is the one list-valued field: its only operator is `contains` (has this tag). */
export const FIELD_TYPES = ['string', 'number', 'boolean', 'date', 'enum', 'tags'] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface FieldDef {
  name: string;
  label: string;
  type: FieldType;
  operators: readonly Operator[];
  /** Allowed values of an enum field (or suggestions, when `allowFreeText`). */
  enumValues?: readonly string[];
  /** Enum whose source may send other values too: the values are suggestions, any text is accepted. */
  allowFreeText?: boolean;
  /** Whether the column can be empty (only nullable fields take isNull / isNotNull). */
  nullable: boolean;
  /** A calendar date column (no time of day): compared by day, no "within the last n days". */
  dateOnly?: boolean;
  column: AnyPgColumn;
}

export const MEMBERSHIP_STATUSES = ['ACTIVE', 'SUSPENDED', 'LAPSED', 'RESIGNED', 'DELETED', 'PENDING'] as const;
export const MEMBERSHIP_TIERS = ['Platinum', 'Gold', 'Silver', 'Bronze', 'Junior', 'Social'] as const;
/** Profiles that are MERGED or DELETED are never segment members, so those statuses are not offered. */
export const SEGMENT_PROFILE_STATUSES = ['ACTIVE', 'INACTIVE'] as const;

const NULL_OPS = ['isNull', 'isNotNull'] as const;
const TEXT_OPS = ['eq', 'neq', 'in', 'contains'] as const;
const ENUM_OPS = ['eq', 'neq', 'in'] as const;
const NUMBER_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'in'] as const;
const BOOLEAN_OPS = ['eq', 'neq'] as const;
const DAY_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const;
const INSTANT_OPS = [...DAY_OPS, 'withinLastDays', 'notWithinLastDays'] as const;

function withNulls(ops: readonly Operator[], nullable: boolean): readonly Operator[] {
  return nullable ? [...ops, ...NULL_OPS] : ops;
}

type Spec = Omit<FieldDef, 'operators' | 'nullable'> & { nullable?: boolean };

function text(spec: Omit<Spec, 'type'>): FieldDef {
  const nullable = spec.nullable ?? true;
  return { ...spec, type: 'string', nullable, operators: withNulls(TEXT_OPS, nullable) };
}
function enumField(spec: Omit<Spec, 'type'>): FieldDef {
  const nullable = spec.nullable ?? true;
  // Free-text enums (tiers named by each club) also take `contains`.
  const ops = spec.allowFreeText ? [...ENUM_OPS, 'contains' as const] : ENUM_OPS;
  return { ...spec, type: 'enum', nullable, operators: withNulls(ops, nullable) };
}
function numberField(spec: Omit<Spec, 'type'>): FieldDef {
  const nullable = spec.nullable ?? true;
  return { ...spec, type: 'number', nullable, operators: withNulls(NUMBER_OPS, nullable) };
}
function booleanField(spec: Omit<Spec, 'type'>): FieldDef {
  return { ...spec, type: 'boolean', nullable: false, operators: BOOLEAN_OPS };
}
function dateField(spec: Omit<Spec, 'type'>): FieldDef {
  const nullable = spec.nullable ?? true;
  return { ...spec, type: 'date', nullable, operators: withNulls(spec.dateOnly ? DAY_OPS : INSTANT_OPS, nullable) };
}

const p = profiles;

export const FIELDS: readonly FieldDef[] = [
  text({ name: 'firstName', label: 'First name', column: p.firstName }),
  text({ name: 'lastName', label: 'Last name', column: p.lastName }),
  text({ name: 'email', label: 'Email', column: p.email }),
  text({ name: 'phoneNumber', label: 'Phone number', column: p.phoneNumber }),
  dateField({ name: 'dateOfBirth', label: 'Date of birth', column: p.dateOfBirth, dateOnly: true }),
  enumField({
    name: 'status',
    label: 'Profile status',
    column: p.status,
    enumValues: SEGMENT_PROFILE_STATUSES,
    nullable: false,
  }),
  enumField({
    name: 'lifecycleStage',
    label: 'Lifecycle stage',
    column: p.lifecycleStage,
    enumValues: LIFECYCLE_STAGES,
    nullable: false,
  }),
  { name: 'tags', label: 'Tags', type: 'tags', nullable: false, operators: ['contains'], column: p.tags },
  enumField({
    name: 'membershipStatus',
    label: 'Membership status',
    column: p.membershipStatus,
    enumValues: MEMBERSHIP_STATUSES,
  }),
  enumField({
    name: 'membershipTier',
    label: 'Membership tier',
    column: p.membershipTier,
    enumValues: MEMBERSHIP_TIERS,
    allowFreeText: true,
  }),
  dateField({ name: 'memberSince', label: 'Member since', column: p.memberSince }),
  dateField({ name: 'membershipExpiry', label: 'Membership expiry', column: p.membershipExpiry }),
  numberField({ name: 'handicap', label: 'Handicap', column: p.handicap }),
  dateField({ name: 'handicapUpdatedAt', label: 'Handicap updated', column: p.handicapUpdatedAt }),
  text({ name: 'homeClubName', label: 'Home club', column: p.homeClubName }),
  booleanField({ name: 'emailOptIn', label: 'Email opt-in', column: p.emailOptIn }),
  booleanField({ name: 'smsOptIn', label: 'SMS opt-in', column: p.smsOptIn }),
  booleanField({ name: 'pushOptIn', label: 'Push opt-in', column: p.pushOptIn }),
  booleanField({ name: 'whatsappOptIn', label: 'WhatsApp opt-in', column: p.whatsappOptIn }),
  booleanField({ name: 'emailUndeliverable', label: 'Email undeliverable', column: p.emailUndeliverable }),
  numberField({
    name: 'lifetimeValue',
    label: 'Lifetime value (cents)',
    column: p.lifetimeValue,
    nullable: false,
  }),
  dateField({ name: 'lastActivityAt', label: 'Last activity', column: p.lastActivityAt }),
  dateField({ name: 'lastBookingAt', label: 'Last booking', column: p.lastBookingAt }),
  dateField({ name: 'lastEmailOpenAt', label: 'Last email open', column: p.lastEmailOpenAt }),
  dateField({ name: 'lastEmailClickAt', label: 'Last email click', column: p.lastEmailClickAt }),
  numberField({
    name: 'activityCount30d',
    label: 'Activities (30 days)',
    column: p.activityCount30d,
    nullable: false,
  }),
  numberField({
    name: 'activityCount90d',
    label: 'Activities (90 days)',
    column: p.activityCount90d,
    nullable: false,
  }),
  numberField({
    name: 'bookingCount30d',
    label: 'Bookings (30 days)',
    column: p.bookingCount30d,
    nullable: false,
  }),
  numberField({ name: 'engagementScore', label: 'Engagement score', column: p.engagementScore }),
  numberField({ name: 'churnRiskScore', label: 'Churn risk score', column: p.churnRiskScore }),
  enumField({ name: 'churnRiskLevel', label: 'Churn risk level', column: p.churnRiskLevel, enumValues: CHURN_LEVELS }),
  dateField({ name: 'createdAt', label: 'Created', column: p.createdAt, nullable: false }),
];

const BY_NAME = new Map(FIELDS.map((f) => [f.name, f]));

export function getField(name: string): FieldDef | undefined {
  return BY_NAME.get(name);
}

const COMPARISON_WORDS: Record<'number' | 'date', Partial<Record<Operator, string>>> = {
  number: { gt: 'over', gte: 'at least', lt: 'under', lte: 'at most' },
  date: { gt: 'after', gte: 'on or after', lt: 'before', lte: 'on or before' },
};
const OPERATOR_WORDS: Record<Operator, string> = {
  eq: 'is',
  neq: 'is not',
  gt: 'over',
  gte: 'at least',
  lt: 'under',
  lte: 'at most',
  in: 'is one of',
  contains: 'contains',
  isNull: 'is empty',
  isNotNull: 'is set',
  withinLastDays: 'within the last',
  notWithinLastDays: 'not within the last',
};

/** How an operator reads for a field type ("Handicap under 15", "Last booking before 2026-01-01"). */
export function operatorLabel(type: FieldType, operator: Operator): string {
  if (type === 'tags' && operator === 'contains') return 'include';
  if (type === 'number' || type === 'date') return COMPARISON_WORDS[type][operator] ?? OPERATOR_WORDS[operator];
  return OPERATOR_WORDS[operator];
}

/** The registry as plain JSON for the builder UI (no column objects). */
export interface FieldDescription {
  name: string;
  label: string;
  type: FieldType;
  operators: Operator[];
  /** Words for each allowed operator, as the UI and describeCriteria show them. */
  operatorLabels: Partial<Record<Operator, string>>;
  enumValues: string[] | null;
  allowFreeText: boolean;
  nullable: boolean;
  dateOnly: boolean;
}

export function describeFields(): FieldDescription[] {
  return FIELDS.map((f) => ({
    name: f.name,
    label: f.label,
    type: f.type,
    operators: [...f.operators],
    operatorLabels: Object.fromEntries(f.operators.map((op) => [op, operatorLabel(f.type, op)])),
    enumValues: f.enumValues ? [...f.enumValues] : null,
    allowFreeText: f.allowFreeText ?? false,
    nullable: f.nullable,
    dateOnly: f.dateOnly ?? false,
  }));
}
