import { describe, expect, it } from 'vitest';
import { isContactQuery } from './contact-query';

describe('isContactQuery', () => {
  it.each(['thandi.nkosi@example.org', 'THANDI@', '@example.org', '082 123 4567', '+27821234567', '(082) 123-4567', '082', ' 0825 ', 'zanele.m', 'thandi_nkosi', 'a+golf'])(
    'keeps %j out of the URL',
    (q) => expect(isContactQuery(q)).toBe(true),
  );

  it.each(['', 'zanele', 'Zanele Mokoena', 'van der Merwe', "O'Neill", 'Mary-Jane', 'J. R. Smith', '08', 'Room 101', 'Gold 2024'])('lets %j into the URL', (q) =>
    expect(isContactQuery(q)).toBe(false),
  );
});
