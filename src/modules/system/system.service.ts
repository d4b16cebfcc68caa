import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../../config/app-config';
import { RedisService } from '../../common/redis/redis.service';
import { DomainError } from '../../common/errors/domain-error';
import { ErrorCode } from '../../common/errors/error-code';
import { toIsoUtc } from '../../common/time/iso';
import { withinTimeout } from '../../common/time/within-timeout';
import { SettingsService } from '../settings/settings.service';
import type { ApiInfoResponseDto } from './dto/api-info-response.dto';
import type { HealthResponseDto, LivenessResponseDto, ReadinessResponseDto } from './dto/health-response.dto';

@Injectable()
export class SystemService implements OnModuleDestroy {
  /** Set when shutdown starts: Nest runs destroy hooks before it closes the HTTP server. */
  private draining = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly redis: RedisService,
    private readonly settings: SettingsService,
  ) {}

  async getApiInfo(): Promise<ApiInfoResponseDto> {
    const base = '/api/v1';
    const enabledModules = await this.settings.enabledModules();
    const inventory = enabledModules.includes('inventory');
    return {
      api_version: 'v1',
      app_version: this.config.appVersion,
      documentation_url: '/api/docs',
      endpoints: {
        projects: `${base}/projects`,
        time_entries: `${base}/time-entries`,
        tasks: `${base}/tasks`,
        clients: `${base}/clients`,
        timer: `${base}/timer`,
        reports: `${base}/reports`,
        search: `${base}/search`,
        users: `${base}/users`,
        webhooks: `${base}/webhooks`,
        ...(inventory ? { inventory: `${base}/inventory` } : {}),
        admin_api_tokens: `${base}/admin/api-tokens`,
        admin_settings: `${base}/admin/settings`,
        health: `${base}/health`,
        info: `${base}/info`,
      },
      enabled_modules: enabledModules,
    };
  }

  /** 200 when every configured dependency answers; else 503 with the envelope plus the same fields. */
  async getHealth(): Promise<HealthResponseDto> {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const healthy = database === 'ok' && redis !== 'error';
    const body: HealthResponseDto = {
      status: healthy ? 'healthy' : 'unhealthy',
      database,
      redis,
      timestamp: toIsoUtc(new Date()),
    };
    if (healthy) return body;
    throw new DomainError(ErrorCode.ServiceUnavailable, 'A required dependency is not answering.', {
      extra: { ...body },
      headers: { 'Retry-After': '5' },
    });
  }

  onModuleDestroy(): void {
    this.draining = true;
  }

  getLiveness(): LivenessResponseDto {
    return { status: 'alive', timestamp: toIsoUtc(new Date()) };
  }

  /** 200 when this process should get traffic; 503 while draining or when a dependency is down. */
  async getReadiness(): Promise<ReadinessResponseDto> {
    const [database, redis] = await Promise.all([this.checkDatabase(), this.checkRedis()]);
    const timestamp = toIsoUtc(new Date());
    if (!this.draining && database === 'ok' && redis !== 'error') {
      return { status: 'ready', database, redis, timestamp };
    }
    throw new DomainError(
      ErrorCode.ServiceUnavailable,
      this.draining ? 'The server is shutting down.' : 'A required dependency is not answering.',
      {
        extra: { status: this.draining ? 'draining' : 'not_ready', database, redis, timestamp },
        headers: { 'Retry-After': '5' },
      },
    );
  }

  private async checkDatabase(): Promise<'ok' | 'error'> {
    return withinTimeout(this.dataSource.query('SELECT 1'), this.config.database.timeoutMs).then(
      () => 'ok' as const,
      () => 'error' as const,
    );
  }

  private async checkRedis(): Promise<'ok' | 'error' | 'disabled'> {
    if (!this.redis.enabled) return 'disabled';
    return (await this.redis.ping()) ? 'ok' : 'error';
  }
}
