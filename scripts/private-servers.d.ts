/** Types of scripts/private-servers.js (plain CommonJS, shared by the tests and the benches). */
export declare function postgresBin(): string | null;
export declare function asServerUser(args: string[]): [string, string[]];
export declare function runAsServerUser(args: string[], cwd: string): void;
export declare function freePort(): Promise<number>;
