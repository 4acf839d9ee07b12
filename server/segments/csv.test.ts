import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv';
import { SegmentError } from './errors';
import { neutraliseFormula } from './export';
import { readImportCsv } from './static';

describe('parseCsv', () => {
  it('reads quoted cells with delimiters, quotes and line breaks', () => {
    expect(parseCsv('a,"b, c","say ""hi""","two\nlines"\r\nx,y\n')).toEqual([
      ['a', 'b, c', 'say "hi"', 'two\nlines'],
      ['x', 'y'],
    ]);
  });

  it('drops a byte-order mark and takes ; or tab as delimiter when the first line has no comma', () => {
    expect(parseCsv('\uFEFFemail;name\na@b.co;Ann')).toEqual([
      ['email', 'name'],
      ['a@b.co', 'Ann'],
    ]);
    expect(parseCsv('email\tname\na@b.co\tAnn')).toEqual([
      ['email', 'name'],
      ['a@b.co', 'Ann'],
    ]);
  });
});

describe('readImportCsv', () => {
  it('uses the email and member id columns of a header, numbering rows as a spreadsheet does', () => {
    const csv = 'Name,E-mail,Member No\nAnn,ANN@Club.co.za ,00123\n,,\nBob,bob@club.co.za,\n';
    expect(readImportCsv(csv)).toEqual([
      { row: 2, value: '00123 / ANN@Club.co.za', email: 'ann@club.co.za', memberId: '123' },
      { row: 4, value: 'bob@club.co.za', email: 'bob@club.co.za', memberId: null },
    ]);
  });

  it('reads a header-less single column of emails and member ids', () => {
    expect(readImportCsv('a@b.co\n42\nnot an id\n')).toEqual([
      { row: 1, value: 'a@b.co', email: 'a@b.co', memberId: null },
      { row: 2, value: '42', email: null, memberId: '42' },
      { row: 3, value: 'not an id', email: 'not an id', memberId: null },
    ]);
  });

  it('refuses a file without a usable column', () => {
    expect(() => readImportCsv('name,phone\nAnn,082\n')).toThrow(SegmentError);
  });
});

describe('neutraliseFormula', () => {
  it.each([
    ['=HYPERLINK("x")', `'=HYPERLINK("x")`],
    ['@SUM(A1)', `'@SUM(A1)`],
    ['-cmd', `'-cmd`],
    ['+27821234567', '+27821234567'],
    ['-1.5', '-1.5'],
    ['Ann', 'Ann'],
  ])('%s → %s', (input, output) => {
    expect(neutraliseFormula(input)).toBe(output);
  });
});
