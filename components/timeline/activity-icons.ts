import {
  Award,
  BadgeCheck,
  BellOff,
  BellRing,
  CalendarPlus,
  CalendarX,
  Circle,
  ClipboardList,
  CreditCard,
  Flag,
  Link,
  MailCheck,
  MailOpen,
  MailX,
  Megaphone,
  MousePointerClick,
  Receipt,
  Reply,
  Send,
  TrendingUp,
  Trophy,
  UserMinus,
  UserPen,
  UserPlus,
  UserX,
  type LucideIcon,
} from 'lucide-react';

/** One icon per activity type; the colour comes from the source palette. */
const ICONS: Record<string, LucideIcon> = {
  MEMBER_CREATED: UserPlus,
  PROFILE_CREATED: UserPlus,
  CONTACT_CREATED: UserPlus,
  MEMBER_UPDATED: UserPen,
  PLAYER_UPDATED: UserPen,
  CONTACT_UPDATED: UserPen,
  MEMBER_DELETED: UserMinus,
  CONTACT_DELETED: UserMinus,
  MEMBER_STATUS_CHANGED: BadgeCheck,
  TIER_CHANGED: Award,
  PLAYER_LINKED: Link,
  PAYMENT_RECEIVED: CreditCard,
  PAYMENT_FAILED: CreditCard,
  INVOICE_SENT: Receipt,
  TEETIME_BOOKED: CalendarPlus,
  BOOKING_CANCELLED: CalendarX,
  BOOKING_NO_SHOW: UserX,
  ROUND_PLAYED: Flag,
  HANDICAP_UPDATED: TrendingUp,
  COMPETITION_ENTERED: Trophy,
  SCORE_POSTED: ClipboardList,
  CONSENT_OPTED_IN: BellRing,
  CONSENT_OPTED_OUT: BellOff,
  MESSAGE_SENT: Send,
  MESSAGE_DELIVERED: MailCheck,
  MESSAGE_BOUNCED: MailX,
  EMAIL_OPENED: MailOpen,
  EMAIL_CLICKED: MousePointerClick,
  MESSAGE_REPLIED: Reply,
  CAMPAIGN_RECEIVED: Megaphone,
};

/** Activities that are bad news get a red mark whatever their source. */
export const WARNING_TYPES = new Set(['PAYMENT_FAILED', 'BOOKING_NO_SHOW', 'MESSAGE_BOUNCED', 'CONSENT_OPTED_OUT', 'MEMBER_DELETED']);

export function activityIcon(type: string): LucideIcon {
  return ICONS[type] ?? Circle;
}
