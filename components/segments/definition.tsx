import { describeCriteria, type Criteria } from '@/server/segments/criteria';

/**
 * A rule-based segment's definition in words, one clause per line ("Membership tier is Gold", "and Handicap under
 * 15"); a nested group reads as one clause in brackets.
 */
export function DefinitionInWords({ criteria }: { criteria: Criteria }) {
  const joiner = criteria.combinator === 'AND' ? 'and' : 'or';
  return (
    <div data-testid="definition">
      <p className="mb-1.5 text-sm text-zinc-600">
        Everyone who matches {criteria.rules.length === 1 ? 'this rule' : criteria.combinator === 'AND' ? 'all of these' : 'any of these'}:
      </p>
      <ol className="space-y-1 text-sm text-zinc-900">
        {criteria.rules.map((node, i) => (
          <li key={i} className="flex items-baseline gap-2">
            <span className="w-8 shrink-0 text-right text-[11px] font-medium tracking-wide text-zinc-400 uppercase">
              {i > 0 ? joiner : ''}
            </span>
            <span>{describeCriteria({ combinator: criteria.combinator, rules: [node] })}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
