import { ApiProperty, IntersectionType, OmitType } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../../common/errors/error-response.dto';

export class HealthResponseDto {
  @ApiProperty({ enum: ['healthy', 'unhealthy'] })
  status: 'healthy' | 'unhealthy';

  @ApiProperty({ enum: ['ok', 'error'] })
  database: 'ok' | 'error';

  @ApiProperty({ enum: ['ok', 'error', 'disabled'] })
  redis: 'ok' | 'error' | 'disabled';

  @ApiProperty({ example: '2026-01-15T09:00:00Z' })
  timestamp: string;
}

/** 503: the error envelope, plus the same fields as the healthy answer. */
export class UnhealthyResponseDto extends IntersectionType(ErrorResponseDto, HealthResponseDto) {}

export class LivenessResponseDto {
  @ApiProperty({ enum: ['alive'] })
  status: 'alive';

  @ApiProperty({ example: '2026-01-15T09:00:00Z' })
  timestamp: string;
}

export class ReadinessResponseDto {
  @ApiProperty({ enum: ['ready'] })
  status: 'ready';

  @ApiProperty({ enum: ['ok'] })
  database: 'ok';

  @ApiProperty({ enum: ['ok', 'disabled'] })
  redis: 'ok' | 'disabled';

  @ApiProperty({ example: '2026-01-15T09:00:00Z' })
  timestamp: string;
}

/** The health answer's database, redis and timestamp, with the readiness probe's own status. */
export class NotReadyBodyDto extends OmitType(HealthResponseDto, ['status'] as const) {
  @ApiProperty({ enum: ['not_ready', 'draining'] })
  status: 'not_ready' | 'draining';
}

/** 503 from the readiness probe: the error envelope, plus what is not ready. */
export class NotReadyResponseDto extends IntersectionType(ErrorResponseDto, NotReadyBodyDto) {}
