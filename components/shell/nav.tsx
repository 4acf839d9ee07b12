'use client';

import { Gauge, Settings, TrendingDown, Users, UsersRound } from 'lucide-react';
import Link from 'next/link';
import { usePathname } from 'next/navigation';

const ITEMS = [
  { href: '/members', label: 'Members', icon: Users, key: 'members' },
  { href: '/churn-risk', label: 'Churn risk', icon: TrendingDown, key: 'churn' },
  { href: '/segments', label: 'Segments', icon: UsersRound, key: 'segments' },
  { href: '/queue', label: 'Queue health', icon: Gauge, key: 'queue' },
  { href: '/settings', label: 'Settings', icon: Settings, key: 'settings' },
] as const;

export type NavKey = (typeof ITEMS)[number]['key'];

/** The left navigation; items the viewer may not open are not shown at all. */
export function Nav({ visible }: { visible: NavKey[] }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main" className="flex flex-col gap-0.5">
      {ITEMS.filter((i) => visible.includes(i.key)).map(({ href, label, icon: Icon }) => {
        const active = pathname === href || pathname.startsWith(`${href}/`) || (href === '/queue' && pathname.startsWith('/events/'));
        return (
          <Link
            key={href}
            href={href}
            aria-current={active ? 'page' : undefined}
            className={`flex items-center gap-2 rounded-md px-2 py-1.5 text-sm ${
              active ? 'bg-white font-medium text-zinc-900 shadow-sm ring-1 ring-zinc-200' : 'text-zinc-600 hover:bg-zinc-200/60 hover:text-zinc-900'
            }`}
          >
            <Icon aria-hidden className="size-4" />
            {label}
          </Link>
        );
      })}
    </nav>
  );
}

