import type { ReactNode } from 'react';

/** What would fill this list, and what to do about it — never a blank area. */
export function EmptyState({
  title,
  children,
  action,
  icon,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
  icon?: ReactNode;
}) {
  return (
    <div className="flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed border-zinc-300 bg-white px-6 py-12 text-center">
      {icon && <div className="text-zinc-400">{icon}</div>}
      <p className="text-sm font-medium text-zinc-900">{title}</p>
      {children && <div className="max-w-md text-sm text-zinc-500">{children}</div>}
      {action && <div className="mt-2">{action}</div>}
    </div>
  );
}
