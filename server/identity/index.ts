/** Identity: normalise what producers send, find or create the person, merge, and keep duplicates for staff. */
export * from './normalize';
export * from './resolve';
export * from './merge';
export * from './duplicates';
export * from './identities';
export { lockIdentifiers, identifierLockKey } from './locks';
export { orderedPair, type DuplicateReason } from './plan';
