import { quoteCell, quoteCellOrNull, unquoteCell } from './spreadsheet-cell';

describe('spreadsheet cells', () => {
  it('should prefix text a spreadsheet would run as a formula, and nothing else', () => {
    for (const text of ['=SUM(A1)', '+1', '-2', '@cmd', '\tx', '\rx', "'=x", "'plain"]) {
      expect(quoteCell(text)).toBe(`'${text}`);
    }
    for (const text of ['plain', '', ' =x', '1-2', 'a=b']) expect(quoteCell(text)).toBe(text);
    expect(quoteCellOrNull(null)).toBeNull();
  });

  it('should give back the exact text when an export is imported', () => {
    for (const text of ['=SUM(A1)', "'=x", "'plain", "''", 'plain', '-', "it's"]) {
      expect(unquoteCell(quoteCell(text))).toBe(text);
    }
    // Text from elsewhere keeps its apostrophe unless it is our quote of a formula-like text.
    expect(unquoteCell("'quoted'")).toBe("'quoted'");
  });
});
