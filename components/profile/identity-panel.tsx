import type { CustomerDetail } from '@/server/queries/profile';
import { ConsentList } from '../members/consent';
import { formatDate, formatPhone, formatRand, humanize } from '../format';
import { sourceSwatch } from '../palette';
import { Card } from '../ui/page-header';

const KIND_LABELS: Record<string, string> = {
  authUserId: 'Login id',
  sclMemberId: 'SCL member',
  teetimePlayerId: 'TeeTime player',
  messagingContactId: 'Messaging contact',
  external: 'External id',
  email: 'Email',
  phone: 'Phone',
};

function Fact({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="grid grid-cols-[7rem_1fr] gap-2 py-1 text-sm">
      <dt className="text-zinc-500">{label}</dt>
      <dd className="min-w-0 truncate text-zinc-800" title={typeof children === 'string' ? children : undefined}>
        {children}
      </dd>
    </div>
  );
}

/** Left column: who the person is — contact details, every identifier with the source that told us, consent. */
export function IdentityPanel({ p, timeZone }: { p: CustomerDetail; timeZone: string }) {
  return (
    <div className="space-y-3">
      <Card title="Identity">
        <dl>
          <Fact label="Email">{p.email ?? <span className="text-zinc-400">none</span>}</Fact>
          <Fact label="Phone">{p.phoneNumber ? formatPhone(p.phoneNumber) : <span className="text-zinc-400">none</span>}</Fact>
          <Fact label="Born">{p.dateOfBirth ? formatDate(p.dateOfBirth, 'UTC') : <span className="text-zinc-400">unknown</span>}</Fact>
          <Fact label="Handicap">
            {p.handicap != null ? (
              <>
                {p.handicap.toFixed(1)}
                {p.handicapUpdatedAt && <span className="text-zinc-400"> · {formatDate(p.handicapUpdatedAt, timeZone)}</span>}
              </>
            ) : (
              <span className="text-zinc-400">not known</span>
            )}
          </Fact>
          <Fact label="Home club">{p.homeClubName ?? <span className="text-zinc-400">—</span>}</Fact>
        </dl>
      </Card>

      <Card title="Linked identifiers">
        {p.identifiers.length === 0 ? (
          <p className="text-sm text-zinc-500">No identifiers recorded.</p>
        ) : (
          <ul className="space-y-1.5" data-testid="identifiers">
            {p.identifiers.map((i) => {
              const sw = sourceSwatch(i.source);
              const value = i.kind === 'phone' ? formatPhone(i.value) : i.value;
              return (
                <li key={`${i.kind}:${i.value}`} className="flex items-center justify-between gap-2 text-sm">
                  <span className="min-w-0">
                    <span className="block text-xs text-zinc-500">{KIND_LABELS[i.kind] ?? humanize(i.kind)}</span>
                    <span className="block truncate font-mono text-xs text-zinc-800" title={value}>{value}</span>
                  </span>
                  <span className={`shrink-0 rounded px-1.5 py-0.5 text-[11px] ring-1 ring-inset ${sw.chip}`} title={`Told by ${sw.label}`}>
                    {sw.label}
                  </span>
                </li>
              );
            })}
          </ul>
        )}
      </Card>

      <Card title="Consent">
        <ConsentList flags={p} undeliverable={{ email: p.emailUndeliverable, phone: p.phoneUndeliverable }} />
        <p className="mt-2 text-xs text-zinc-400">Mirrored from Messaging; change it there.</p>
      </Card>

      <Card title="Membership">
        <dl>
          <Fact label="Status">{humanize(p.membershipStatus)}</Fact>
          <Fact label="Tier">{p.membershipTier ?? '—'}</Fact>
          <Fact label="Member since">{formatDate(p.memberSince, timeZone)}</Fact>
          <Fact label="Expires">{formatDate(p.membershipExpiry, timeZone)}</Fact>
          <Fact label="Lifetime value">{formatRand(p.lifetimeValue)}</Fact>
          <Fact label="Activities, 30 d">{p.activityCount30d}</Fact>
          <Fact label="Bookings, 30 d">{p.bookingCount30d}</Fact>
        </dl>
      </Card>
    </div>
  );
}
