import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'auth:public';

/** Marks a route as reachable without a token. Every other route must declare `@Authenticated`. */
export const Public = () => SetMetadata(IS_PUBLIC, true);
