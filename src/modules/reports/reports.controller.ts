import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { SummaryQueryDto } from './dto/summary-query.dto';
import { SummaryResponseDto } from './dto/summary-response.dto';
import { SUMMARY_CSV_COLUMNS } from './reports.mapper';
import { ReportsService, type SummaryReport } from './reports.service';

/** JSON as usual; a CSV as an attachment, with its file name. */
function send(reply: FastifyReply, report: SummaryReport): SummaryResponseDto | string {
  if (report.format === 'json') return report.body;
  void reply
    .header('Content-Type', 'text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${report.filename}"`);
  return report.text;
}

@ApiTags('Reports')
@ApiExtraModels(SummaryResponseDto)
@Controller('reports')
export class ReportsController {
  constructor(private readonly service: ReportsService) {}

  @Get('summary')
  @Authenticated({ scopes: ['read:reports'] })
  @ApiOkResponse({
    description:
      'OK: the `summary`, and `groups` when `group_by` is sent; with `format=csv`, the groups as a CSV file ' +
      '(`key,label,hours,billable_hours,billable_amount,entries`).',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(SummaryResponseDto) } },
      'text/csv': {
        schema: { type: 'string' },
        example: `${SUMMARY_CSV_COLUMNS.join(',')}\n2024-W03,2024-W03,38.5,30,2250,21\n`,
      },
    },
    headers: {
      'Content-Disposition': {
        description: 'With `format=csv`: `attachment; filename="summary_by_<group_by>_<start>_<end>.csv"`',
        schema: { type: 'string' },
      },
    },
  })
  async getSummaryReport(
    @CurrentAuth() auth: AuthContext,
    @Query() query: SummaryQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return send(reply, await this.service.getSummaryReport(auth, query));
  }
}
