import { MESSAGING_DEFINITIONS } from './catalog/messaging';
import { SCL_DEFINITIONS } from './catalog/scl';
import { TEETIME_DEFINITIONS } from './catalog/teetime';
import type { EventDefinition, Priority } from './types';

/** Every inbound event type the CRM consumes (§3): 8 SCL + 10 TeeTime + 11 Messaging. */
export const ALL_DEFINITIONS: readonly EventDefinition[] = [
  ...SCL_DEFINITIONS,
  ...TEETIME_DEFINITIONS,
  ...MESSAGING_DEFINITIONS,
];

/** Canonical types and aliases → definition. Built once; a name claimed twice is a programming error. */
const BY_NAME: ReadonlyMap<string, EventDefinition> = (() => {
  const map = new Map<string, EventDefinition>();
  for (const definition of ALL_DEFINITIONS) {
    for (const name of [definition.type, ...definition.aliases]) {
      const existing = map.get(name);
      if (existing) throw new Error(`Event name ${name} is claimed by ${existing.type} and ${definition.type}`);
      map.set(name, definition);
    }
  }
  return map;
})();

/** The definition for a canonical type or one of its aliases. */
export function getDefinition(typeOrAlias: string): EventDefinition | undefined {
  return BY_NAME.get(typeOrAlias);
}

/** The canonical type for a type or alias (`tier.changed` → `scl.member.tier.changed`), or undefined if unknown. */
export function canonicalType(typeOrAlias: string): string | undefined {
  return BY_NAME.get(typeOrAlias)?.type;
}

/** BullMQ priority of a type or alias (§1); types the CRM does not know go at Normal. */
export function priorityOf(typeOrAlias: string): Priority {
  return BY_NAME.get(typeOrAlias)?.priority ?? 2;
}
