import { validateSync } from 'class-validator';
import { IsAmount, IsDecimal, IsId } from './validators';

class Priced {
  @IsAmount() price: unknown;
  @IsDecimal(2) quantity: unknown;
}

/** The fields of `values` that fail validation. */
function failing(values: { price: unknown; quantity: unknown }): string[] {
  return validateSync(Object.assign(new Priced(), values)).map((error) => error.property);
}

describe('IsDecimal and IsAmount', () => {
  it('should accept finite numbers with at most 2 decimals', () => {
    for (const value of [0, 1, 12.5, 0.07, 1234567.89, 1e9]) {
      expect(failing({ price: value, quantity: -value })).toEqual([]);
    }
  });

  it('should refuse more decimals, exponent notation below a cent, non-finite and non-numbers', () => {
    for (const value of [
      0.125,
      1.005,
      0.1 + 0.2,
      1e-300,
      5e-324,
      1.5e-7,
      NaN,
      Infinity,
      -Infinity,
      '1',
      null,
      [],
      {},
    ]) {
      expect(failing({ price: value, quantity: value })).toEqual(['price', 'quantity']);
    }
  });

  it('should name the field and the decimals in its message', () => {
    const [error] = validateSync(Object.assign(new Priced(), { price: 1, quantity: 1e-300 }));
    expect(error.constraints).toEqual({ isDecimal: 'quantity must be a number with at most 2 decimals' });
  });
});

class Ref {
  @IsId() id: unknown;
}

describe('IsId', () => {
  const refused = (id: unknown) => validateSync(Object.assign(new Ref(), { id })).length > 0;

  it('should accept the ids an int4 column holds and refuse the rest', () => {
    for (const id of [1, 42, 2 ** 31 - 1]) expect(refused(id)).toBe(false);
    for (const id of [0, -1, 2 ** 31, 2 ** 53, 1.5, '1', null]) expect(refused(id)).toBe(true);
  });

  it('should show its range in the OpenAPI schema', () => {
    const swagger = Reflect.getMetadata('swagger/apiModelProperties', Ref.prototype, 'id') as Record<string, unknown>;
    expect(swagger).toMatchObject({ type: 'integer', minimum: 1, maximum: 2 ** 31 - 1 });
  });
});
