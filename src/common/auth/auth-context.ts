/** Who is calling: set on the request by the auth guard, read with `@CurrentAuth()`. */
export interface AuthContext {
  tokenId: number;
  userId: number;
  username: string;
  isAdmin: boolean;
  scopes: readonly string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    auth?: AuthContext;
  }
}
