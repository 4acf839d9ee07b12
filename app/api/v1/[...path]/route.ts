import { unknownEndpoint } from '@/server/api/handler';

// Every path under /api/v1 that no endpoint's route matches lands here (Next prefers the more specific routes).
export const GET = unknownEndpoint;
export const POST = unknownEndpoint;
export const PUT = unknownEndpoint;
export const PATCH = unknownEndpoint;
export const DELETE = unknownEndpoint;
export const OPTIONS = unknownEndpoint;
