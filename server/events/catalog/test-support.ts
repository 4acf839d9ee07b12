import type { z } from 'zod';
import { crmEventSchema } from '../envelope';
import type { EventDefinition, EventSource } from '../types';

/** A definition's effects for a payload, inside a minimal valid envelope (for the catalog's unit tests). */
export function runEffects<S extends z.ZodType>(
  definition: EventDefinition<S>,
  payload: Record<string, unknown>,
  envelope: { source: EventSource; timestamp: string },
) {
  const event = crmEventSchema.parse({
    id: 'evt_test',
    type: definition.type,
    version: '1.0',
    timestamp: envelope.timestamp,
    tenantId: 'fixture-club',
    source: envelope.source,
    payload,
  });
  return definition.effects({ event, payload: definition.payload.parse(payload) });
}
