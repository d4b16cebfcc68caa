import { lookup } from 'node:dns/promises';
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { guardedLookup, isPublicAddress, type Resolver } from './ssrf-guard';
import { legacySignature, standardSignature } from './webhook-signature';

export const WEBHOOK_RESOLVER = Symbol('WEBHOOK_RESOLVER');
export const defaultResolver: Resolver = (hostname, options) => lookup(hostname, options);

const MAX_STORED_BODY = 1000;
const ABORTED = 'aborted: server shutting down';

export interface SendResult {
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

export interface Outgoing {
  url: string;
  secret: string;
  /** Also signs (a second `v1,` entry) while a rotation's overlap lasts. */
  previousSecret: string | null;
  eventId: string;
  eventType: string;
  payload: string;
  timeoutSeconds: number;
}

/**
 * One HTTP attempt: signed (Standard Webhooks + the original's X-Webhook-Signature), ended by the
 * webhook's timeout at the latest (the whole attempt, body included), redirects never followed,
 * and every resolved address checked (SSRF).
 */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(WEBHOOK_RESOLVER) private readonly resolver: Resolver,
  ) {}

  /**
   * `stop` (optional) ends the attempt early, e.g. at shutdown. Never rejects: every outcome,
   * a timeout included, is a SendResult.
   */
  send(out: Outgoing, stop?: AbortSignal): Promise<SendResult> {
    const started = Date.now();
    const done = (r: Omit<SendResult, 'durationMs'>): SendResult => ({ ...r, durationMs: Date.now() - started });
    const allowList = this.config.webhooks.allowedPrivateHosts;
    let url: URL;
    try {
      url = new URL(out.url);
    } catch {
      return Promise.resolve(done({ status: null, body: null, error: 'invalid url' }));
    }
    const host = url.hostname.replace(/^\[|\]$/g, '');
    // Literal addresses skip DNS, so they are checked here.
    if (isIP(host) && !isPublicAddress(host) && !allowList.includes(host.toLowerCase())) {
      return Promise.resolve(done({ status: null, body: null, error: 'blocked: private or loopback address' }));
    }
    if (stop?.aborted) return Promise.resolve(done({ status: null, body: null, error: ABORTED }));
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'TimeTracker-Webhook/1.0',
      'webhook-id': out.eventId,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': [out.secret, out.previousSecret]
        .filter((secret): secret is string => secret !== null)
        .map((secret) => standardSignature(secret, out.eventId, timestamp, out.payload))
        .join(' '),
      'x-webhook-event': out.eventType,
      'x-webhook-signature': legacySignature(out.secret, out.payload),
      'content-length': String(Buffer.byteLength(out.payload)),
    };
    const client = url.protocol === 'https:' ? https : http;
    return new Promise((resolve) => {
      let settled = false;
      const finish = (r: Omit<SendResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(deadline);
        stop?.removeEventListener('abort', abort);
        resolve(done(r));
      };
      /** Ends an unfinished attempt as a failure; whatever the socket does afterwards is ignored. */
      const cutOff = (error: string) => {
        finish({ status: null, body: null, error });
        request.destroy();
      };
      // One deadline for the whole attempt (DNS, connect, headers, body). http's own `timeout`
      // only fires on an idle socket, which a receiver trickling its answer never leaves.
      const deadline = setTimeout(() => cutOff(`timeout after ${out.timeoutSeconds}s`), out.timeoutSeconds * 1000);
      const abort = () => cutOff(ABORTED);
      stop?.addEventListener('abort', abort, { once: true });
      const request = client.request(
        url,
        { method: 'POST', headers, lookup: guardedLookup(this.resolver, allowList) as never },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            if (body.length < MAX_STORED_BODY) body += chunk;
          });
          response.on('end', () =>
            finish({ status: response.statusCode ?? null, body: body.slice(0, MAX_STORED_BODY), error: null }),
          );
          response.on('error', (error) =>
            finish({ status: response.statusCode ?? null, body: null, error: error.message }),
          );
        },
      );
      request.on('error', (error: Error & { code?: string }) =>
        finish({
          status: null,
          body: null,
          error: error.code === 'ESSRFBLOCKED' ? `blocked: ${error.message}` : error.message,
        }),
      );
      request.end(out.payload);
    });
  }
}
