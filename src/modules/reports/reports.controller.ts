import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { SummaryQueryDto } from './dto/summary-query.dto';
import { SummaryResponseDto } from './dto/summary-response.dto';
import { ReportsService } from './reports.service';

@ApiTags('Reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly service: ReportsService) {}

  @Get('summary')
  @Authenticated({ scopes: ['read:reports'] })
  @ApiOkResponse({ type: SummaryResponseDto })
  getSummaryReport(@CurrentAuth() auth: AuthContext, @Query() query: SummaryQueryDto) {
    return this.service.getSummaryReport(auth, query);
  }
}
