import { registerDecorator, type ValidationOptions } from 'class-validator';
import { isValidAllowlistEntry } from '../../../common/auth/ip-allowlist';
import { GRANTABLE_SCOPES, isGrantableScope } from '../../../common/auth/scopes';

function arrayOf(name: string, check: (item: string) => boolean, message: (bad: string[]) => string) {
  return (options?: ValidationOptions): PropertyDecorator =>
    (target, propertyName) =>
      registerDecorator({
        name,
        target: target.constructor,
        propertyName: String(propertyName),
        options,
        validator: {
          validate: (value: unknown) =>
            Array.isArray(value) && value.every((item) => typeof item === 'string' && check(item)),
          defaultMessage: (args) => {
            const value = args?.value as unknown;
            if (!Array.isArray(value)) return `${String(propertyName)} must be an array of strings`;
            const bad = value.filter((item) => typeof item !== 'string' || !check(item)).map(String);
            return message(bad);
          },
        },
      });
}

/** Unknown scope strings are refused at creation (contract §3). */
export const IsGrantableScopeList = arrayOf(
  'isGrantableScopeList',
  isGrantableScope,
  (bad) => `Unknown scope(s): ${bad.join(', ')}. Allowed: ${GRANTABLE_SCOPES.join(', ')}`,
);

export const IsIpAllowlist = arrayOf(
  'isIpAllowlist',
  isValidAllowlistEntry,
  (bad) => `Not an IP address or CIDR range: ${bad.join(', ')}`,
);
