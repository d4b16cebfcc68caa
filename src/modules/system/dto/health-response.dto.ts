import { ApiProperty, IntersectionType } from '@nestjs/swagger';
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
