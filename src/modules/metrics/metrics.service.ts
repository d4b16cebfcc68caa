import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';
import { postgresPool } from '../../database/postgres-pool';

/** Prometheus metrics of this process (one registry per app instance). */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();

  readonly requests = new Counter({
    name: 'tt_http_requests_total',
    help: 'HTTP requests by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly duration = new Histogram({
    name: 'tt_http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly rateLimited = new Counter({
    name: 'tt_rate_limit_rejections_total',
    help: 'Requests refused by the per-token rate limiter',
    registers: [this.registry],
  });

  readonly idempotentReplays = new Counter({
    name: 'tt_idempotent_replays_total',
    help: 'Responses replayed for a repeated Idempotency-Key',
    registers: [this.registry],
  });

  readonly webhookDeliveries = new Counter({
    name: 'tt_webhook_deliveries_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor(@InjectDataSource() dataSource: DataSource) {
    // Standard names (process_*, nodejs_*), so stock Node.js dashboards work; the app's own are tt_*.
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'tt_db_pool_connections',
      help: 'PostgreSQL pool connections by state (SQLite: one in use)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const pool = postgresPool(dataSource);
        if (pool) {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount);
          this.set({ state: 'waiting' }, pool.waitingCount);
        } else {
          this.set({ state: 'total' }, 1);
        }
      },
    });
  }

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const labels = { method, route, status: String(status) };
    this.requests.inc(labels);
    this.duration.observe(labels, seconds);
  }
}
