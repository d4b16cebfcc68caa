import type { ValueTransformer } from 'typeorm';

/** DECIMAL columns come back as strings from pg and as numbers from SQLite: always a number (or null). */
export const decimalTransformer: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null || value === undefined ? null : Number(value)),
};
