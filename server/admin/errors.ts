import { z } from 'zod';

export type AdminErrorCode = 'invalid_input' | 'not_found' | 'conflict';

/**
 * An operator mistake (bad input, unknown id, a change that would lock a club out). The message is written for the
 * person at the keyboard; the CLI prints it as one line and the API can map `code` to 400 / 404 / 409.
 */
export class AdminError extends Error {
  constructor(
    readonly code: AdminErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'AdminError';
  }
}

/** Who made a change, as the audit log records it. */
export const actorSchema = z.object({
  id: z.string().min(1),
  label: z.string().min(1),
});
export type Actor = z.infer<typeof actorSchema>;

export const SYSTEM_ACTOR: Actor = { id: 'system', label: 'system' };

/** "email: Invalid email address; role: …" — every issue on one line, named by the field it concerns. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message)).join('; ');
}

/** Validates input against a schema, turning a failure into an AdminError a person can act on. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw new AdminError('invalid_input', describeIssues(result.error));
  return result.data;
}
