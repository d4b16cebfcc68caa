import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator';
import { ApiInfoResponseDto } from './dto/api-info-response.dto';
import {
  HealthResponseDto,
  LivenessResponseDto,
  NotReadyResponseDto,
  ReadinessResponseDto,
  UnhealthyResponseDto,
} from './dto/health-response.dto';
import { SystemService } from './system.service';

@ApiTags('System')
@Controller()
export class SystemController {
  constructor(private readonly service: SystemService) {}

  @Get('info')
  @Public()
  @ApiOkResponse({ type: ApiInfoResponseDto })
  getApiInfo(): Promise<ApiInfoResponseDto> {
    return this.service.getApiInfo();
  }

  @Get('health')
  @Public()
  @ApiOkResponse({ type: HealthResponseDto })
  @ApiServiceUnavailableResponse({
    description: 'Database (or configured Redis) not answering',
    type: UnhealthyResponseDto,
  })
  getHealth(): Promise<HealthResponseDto> {
    return this.service.getHealth();
  }

  @Get('health/live')
  @Public()
  @ApiOperation({ summary: 'Liveness probe: the process answers (never touches the database).' })
  @ApiOkResponse({ type: LivenessResponseDto, description: 'The process is up.' })
  getLiveness(): LivenessResponseDto {
    return this.service.getLiveness();
  }

  @Get('health/ready')
  @Public()
  @ApiOperation({
    summary: 'Readiness probe: the database (and Redis, when configured) answer and the server is not draining.',
  })
  @ApiOkResponse({ type: ReadinessResponseDto, description: 'Ready for traffic.' })
  @ApiServiceUnavailableResponse({
    description: 'Shutting down (draining), or the database or configured Redis is not answering',
    type: NotReadyResponseDto,
  })
  getReadiness(): Promise<ReadinessResponseDto> {
    return this.service.getReadiness();
  }
}
