/** `2024-01-15T09:00:00Z`: UTC, second precision (contract §1). */
export function toIsoUtc(date: Date): string {
  const iso = date.toISOString();
  // `YYYY-MM-DDTHH:mm:ss.sssZ` (24 characters) for years 0-9999; others carry a sign and 6 digits.
  return iso.length === 24 ? `${iso.slice(0, 19)}Z` : iso.replace(/\.\d{3}Z$/, 'Z');
}

export function toIsoUtcOrNull(date: Date | null | undefined): string | null {
  return date ? toIsoUtc(date) : null;
}
