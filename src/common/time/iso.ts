/** `2024-01-15T09:00:00Z`: UTC, second precision (contract §1). */
export function toIsoUtc(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function toIsoUtcOrNull(date: Date | null | undefined): string | null {
  return date ? toIsoUtc(date) : null;
}
