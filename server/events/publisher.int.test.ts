import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '@/test/harness';
import { envelope, memberCreated } from '@/test/events';
import { createPublisher, type Publisher } from './publisher';
import { envelopeFixture, flatFixture } from './fixtures';

describe('the typed publisher', () => {
  let ctx: TestContext;
  let publisher: Publisher;

  beforeAll(async () => {
    ctx = await createTestContext('publisher');
    publisher = createPublisher({ prefix: ctx.prefix, redisUrl: ctx.redisUrl });
  });
  afterAll(async () => {
    await publisher?.close();
    await ctx?.cleanup();
  });

  it('adds an envelope with job id = event id, the retry policy and its priority', async () => {
    const event = { ...envelopeFixture('scl.payment.failed'), id: 'evt_pub_1' };
    const result = await publisher.publish(event as never);
    expect(result).toEqual({ ok: true, jobId: 'evt_pub_1' });
    const job = await publisher.queue.getJob('evt_pub_1');
    expect(job?.opts.attempts).toBe(4);
    expect(job?.opts.backoff).toEqual({ type: 'exponential', delay: 1000 });
    expect(job?.opts.priority).toBe(1); // payment.failed is High
  });

  it('gives low-priority types priority 3 and hashes ids BullMQ cannot take', async () => {
    const opened = { ...envelopeFixture('messaging.email.opened'), id: 'msg:evt:42' };
    const result = await publisher.publish(opened as never);
    expect(result.ok).toBe(true);
    const jobId = (result as { jobId: string }).jobId;
    expect(jobId).toMatch(/^h-[0-9a-f]{40}$/);
    expect((await publisher.queue.getJob(jobId))?.opts.priority).toBe(3);
  });

  it('publishes flat Messaging jobs under their own name', async () => {
    const job = flatFixture('contact.created');
    const result = await publisher.publish({ name: job.name, data: { payload: { ...job.data.payload, eventId: 'flat_pub_1' } } });
    expect(result).toEqual({ ok: true, jobId: 'flat_pub_1' });
    expect((await publisher.queue.getJob('flat_pub_1'))?.name).toBe('contact.created');
  });

  it('rejects what the worker would dead-letter, saying why, and sends nothing', async () => {
    const bad = envelope({ id: 'evt_pub_bad', type: 'scl.locker.rented', source: 'scl', payload: {} });
    const result = await publisher.publish(bad);
    expect(result).toMatchObject({ ok: false });
    expect((result as { error: string }).error).toMatch(/^unknown_event_type/);
    expect(await publisher.queue.getJob('evt_pub_bad')).toBeUndefined();

    const many = await publisher.publishMany([memberCreated({ memberId: 1, email: 'a@example.org', id: 'evt_pub_ok' }), bad]);
    expect(many.published).toBe(1);
    expect(many.rejected).toEqual([{ index: 1, id: 'evt_pub_bad', error: expect.stringMatching(/^unknown_event_type/) }]);
  });
});
