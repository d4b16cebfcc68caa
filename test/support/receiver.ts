import { createServer, type IncomingHttpHeaders, type RequestListener, type Server } from 'node:http';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP server on 127.0.0.1 and a free port, for tests that need a webhook target. */
export class LoopbackServer {
  private readonly server: Server;
  port = 0;

  constructor(listener: RequestListener) {
    this.server = createServer(listener);
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

/** A loopback HTTP receiver for webhook tests; `respond` decides each answer. */
export class Receiver extends LoopbackServer {
  readonly received: Received[] = [];
  respond: (req: Received) => { status: number; headers?: Record<string, string>; delayMs?: number } = () => ({
    status: 200,
  });

  constructor() {
    super((req, res) => {
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
}
