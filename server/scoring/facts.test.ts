import { describe, expect, it } from 'vitest';
import { countOverdueInvoices, overdueFrom } from './facts';

const at = (iso: string) => new Date(iso);
const invoice = { sentAt: at('2026-05-01T08:00:00Z'), dueDate: '2026-05-31', invoiceId: 'inv_1' };

describe('overdue invoices', () => {
  it('a calendar due date is payable through that whole day (UTC)', () => {
    expect(overdueFrom('2026-05-31')).toEqual(at('2026-06-01T00:00:00Z'));
    expect(countOverdueInvoices([invoice], [], at('2026-05-31T23:59:59Z'))).toBe(0);
    expect(countOverdueInvoices([invoice], [], at('2026-06-01T00:00:00Z'))).toBe(1);
  });

  it('accepts a date-time due date and ignores an unreadable or missing one', () => {
    expect(overdueFrom('2026-05-31T12:00:00+02:00')).toEqual(at('2026-05-31T10:00:00Z'));
    expect(overdueFrom('not a date')).toBeNull();
    expect(countOverdueInvoices([{ ...invoice, dueDate: null }], [], at('2026-07-01T00:00:00Z'))).toBe(0);
  });

  it('is settled by a later payment for the same invoice, or one that names no invoice', () => {
    const now = at('2026-06-10T00:00:00Z');
    expect(countOverdueInvoices([invoice], [{ paidAt: at('2026-05-20T00:00:00Z'), invoiceId: 'inv_1' }], now)).toBe(0);
    expect(countOverdueInvoices([invoice], [{ paidAt: at('2026-06-05T00:00:00Z'), invoiceId: null }], now)).toBe(0);
  });

  it('is not settled by a payment for another invoice, one before it was sent, or one after now', () => {
    const now = at('2026-06-10T00:00:00Z');
    expect(countOverdueInvoices([invoice], [{ paidAt: at('2026-05-20T00:00:00Z'), invoiceId: 'inv_2' }], now)).toBe(1);
    expect(countOverdueInvoices([invoice], [{ paidAt: at('2026-04-20T00:00:00Z'), invoiceId: null }], now)).toBe(1);
    expect(countOverdueInvoices([invoice], [{ paidAt: at('2026-06-11T00:00:00Z'), invoiceId: null }], now)).toBe(1);
  });
});
