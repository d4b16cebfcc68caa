/**
 * Spreadsheet formula injection (contract §13): a text cell that begins with `=`, `+`, `-`, `@`,
 * a tab or a carriage return is run as a formula by Excel, LibreOffice and Sheets. Exports prefix
 * such text with `'`, which spreadsheets read as "this is text" and do not show. Text that already
 * begins with `'` gets one too, so that importing an export (unquote) gives back the exact text.
 */
const NEEDS_QUOTE = /^[=+\-@\t\r']/;
const QUOTED = /^'[=+\-@\t\r']/;

export function quoteCell(text: string): string {
  return NEEDS_QUOTE.test(text) ? `'${text}` : text;
}

export function quoteCellOrNull(text: string | null): string | null {
  return text === null ? null : quoteCell(text);
}

/** The inverse of quoteCell, applied to imported text: other text keeps a leading `'`. */
export function unquoteCell(text: string): string {
  return QUOTED.test(text) ? text.slice(1) : text;
}
