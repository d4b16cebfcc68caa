import { ApiProperty } from '@nestjs/swagger';

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
