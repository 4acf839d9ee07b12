import type { z } from 'zod';
import type { Permission } from '@/server/auth/permissions';
import * as s from './schemas';

/**
 * Every endpoint of the read API (§10) in one table: what it needs, what it takes, what it answers. Route handlers
 * are built from these entries (so validation and permission come from here), the OpenAPI document is generated
 * from them, and the permission-matrix test walks them.
 */
export interface Endpoint {
  operationId: string;
  method: 'get' | 'post';
  /** OpenAPI path below /api/v1, with `{param}` placeholders. */
  path: string;
  summary: string;
  permission: Permission;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  successStatus?: number;
  /** How the success answer wraps `schema`: one item, an offset page, or a cursor page. */
  answer: { kind: 'item' | 'list' | 'cursor'; schema: z.ZodType; description: string };
  /** Answers beyond the usual 400/401/403/404/429/500 (409 when the resource's state forbids the change). */
  conflicts?: string;
  /** A second representation (CSV) and the extra permission it needs. */
  csv?: { permission: Permission; description: string };
}

function endpoint<const E extends Endpoint>(e: E): E {
  return e;
}

export const endpoints = {
  listCustomers: endpoint({
    operationId: 'listCustomers',
    method: 'get',
    path: '/customers',
    summary: 'Search and list customers (name, email, phone, member ids; filters).',
    permission: 'profiles.read',
    query: s.customersQuery,
    answer: { kind: 'list', schema: s.customerSummary, description: 'A page of customers.' },
  }),
  resolveCustomer: endpoint({
    operationId: 'resolveCustomer',
    method: 'get',
    path: '/customers/resolve',
    summary: 'The live customer an email, phone or auth user id belongs to (follows merges).',
    permission: 'profiles.read',
    query: s.resolveQuery,
    answer: { kind: 'item', schema: s.customerDetail, description: 'The customer.' },
  }),
  searchCustomers: endpoint({
    operationId: 'searchCustomers',
    method: 'post',
    path: '/customers/search',
    summary: 'GET /customers with the parameters in a JSON body: for emails and phone numbers, which must not be in URLs.',
    permission: 'profiles.read',
    body: s.customersSearchBody,
    answer: { kind: 'list', schema: s.customerSummary, description: 'A page of customers.' },
  }),
  resolveCustomerByBody: endpoint({
    operationId: 'resolveCustomerByBody',
    method: 'post',
    path: '/customers/resolve',
    summary: 'GET /customers/resolve with the email, phone or auth user id in a JSON body (kept out of URLs).',
    permission: 'profiles.read',
    body: s.resolveBody,
    answer: { kind: 'item', schema: s.customerDetail, description: 'The customer.' },
  }),
  getCustomer: endpoint({
    operationId: 'getCustomer',
    method: 'get',
    path: '/customers/{id}',
    summary: 'One customer with identifiers; a merged-away id answers with status MERGED and mergedIntoId.',
    permission: 'profiles.read',
    params: s.idParams,
    answer: { kind: 'item', schema: s.customerDetail, description: 'The customer.' },
  }),
  listCustomerActivities: endpoint({
    operationId: 'listCustomerActivities',
    method: 'get',
    path: '/customers/{id}/activities',
    summary: "A customer's activities, newest first (keyset pages: pass meta.nextCursor as cursor).",
    permission: 'timeline.read',
    params: s.idParams,
    query: s.activitiesQuery,
    answer: { kind: 'cursor', schema: s.activity, description: 'A page of activities.' },
  }),
  listSegments: endpoint({
    operationId: 'listSegments',
    method: 'get',
    path: '/segments',
    summary: 'Segments of the club, system segments first.',
    permission: 'segments.read',
    query: s.segmentsQuery,
    answer: { kind: 'list', schema: s.segment, description: 'A page of segments.' },
  }),
  getSegment: endpoint({
    operationId: 'getSegment',
    method: 'get',
    path: '/segments/{id}',
    summary: 'One segment with its definition and size.',
    permission: 'segments.read',
    params: s.idParams,
    answer: { kind: 'item', schema: s.segment, description: 'The segment.' },
  }),
  listSegmentMembers: endpoint({
    operationId: 'listSegmentMembers',
    method: 'get',
    path: '/segments/{id}/members',
    summary: 'Members of a segment; format=csv streams all of them as CSV.',
    permission: 'segments.read',
    params: s.idParams,
    query: s.segmentMembersQuery,
    answer: { kind: 'list', schema: s.segmentMember, description: 'A page of members, newest first.' },
    csv: { permission: 'segments.export', description: 'Every member as CSV (format=csv).' },
  }),
  createSegment: endpoint({
    operationId: 'createSegment',
    method: 'post',
    path: '/segments',
    summary: 'Create a segment; a DYNAMIC one is computed in the background.',
    permission: 'segments.write',
    body: s.createSegmentBody,
    successStatus: 201,
    conflicts: 'A segment with that name exists.',
    answer: { kind: 'item', schema: s.segment, description: 'The new segment.' },
  }),
  refreshSegment: endpoint({
    operationId: 'refreshSegment',
    method: 'post',
    path: '/segments/{id}/refresh',
    summary: 'Recompute a segment’s members in the background.',
    permission: 'segments.write',
    params: s.idParams,
    successStatus: 202,
    conflicts: 'The segment is STATIC (no rules to recompute).',
    answer: { kind: 'item', schema: s.refreshAccepted, description: 'The recompute is queued.' },
  }),
  listChurnRisk: endpoint({
    operationId: 'listChurnRisk',
    method: 'get',
    path: '/churn-risk',
    summary: 'Customers ranked by churn risk, with the factors behind each score.',
    permission: 'churn.read',
    query: s.churnQuery,
    answer: { kind: 'list', schema: s.churnRiskRow, description: 'A page of customers at risk.' },
  }),
  getEventTrace: endpoint({
    operationId: 'getEventTrace',
    method: 'get',
    path: '/events/{eventId}',
    summary: 'The processing trace of one inbound event: status, attempts, step timings, profile, activity, error.',
    permission: 'queue.read',
    params: s.eventIdParams,
    answer: { kind: 'item', schema: s.eventTrace, description: 'The trace.' },
  }),
  listDeadLetters: endpoint({
    operationId: 'listDeadLetters',
    method: 'get',
    path: '/dead-letters',
    summary: 'Open dead letters of the club, newest first.',
    permission: 'queue.read',
    query: s.deadLettersQuery,
    answer: { kind: 'list', schema: s.deadLetter, description: 'A page of dead letters.' },
  }),
  retryDeadLetter: endpoint({
    operationId: 'retryDeadLetter',
    method: 'post',
    path: '/dead-letters/{eventId}/retry',
    summary: 'Put a dead-lettered event back on the queue with a fresh retry budget (audited).',
    permission: 'deadletters.retry',
    params: s.eventIdParams,
    answer: { kind: 'item', schema: s.retryResult, description: 'What happened to the event.' },
  }),
  getQueueHealth: endpoint({
    operationId: 'getQueueHealth',
    method: 'get',
    path: '/queue/health',
    summary: 'Queue counts, workers, the last hour’s throughput, open dead letters and outbox backlog.',
    permission: 'queue.read',
    answer: { kind: 'item', schema: s.queueHealth, description: 'Queue health.' },
  }),
} satisfies Record<string, Endpoint>;

export type EndpointName = keyof typeof endpoints;
