import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A loopback HTTP receiver for webhook tests; `respond` decides each answer. */
export class Receiver {
  readonly received: Received[] = [];
  respond: (req: Received) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({
    status: 200,
  });
  private server: Server;
  port = 0;

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const entry = { path: req.url ?? '/', headers: req.headers, body };
        this.received.push(entry);
        const answer = this.respond(entry);
        setTimeout(() => {
          if (res.destroyed) return;
          res.writeHead(answer.status, answer.headers);
          res.end('receiver says hi');
        }, answer.delayMs ?? 0);
      });
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as { port: number }).port;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
