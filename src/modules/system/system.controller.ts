import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { Public } from '../../common/auth/public.decorator';
import { ApiInfoResponseDto } from './dto/api-info-response.dto';
import { HealthResponseDto, UnhealthyResponseDto } from './dto/health-response.dto';
import { SystemService } from './system.service';

@ApiTags('System')
@Controller()
export class SystemController {
  constructor(private readonly service: SystemService) {}

  @Get('info')
  @Public()
  @ApiOkResponse({ type: ApiInfoResponseDto })
  getApiInfo(): ApiInfoResponseDto {
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
}
