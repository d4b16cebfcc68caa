import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Patch,
  Post,
  Put,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { MessageResponseDto } from '../../common/http/message-response.dto';
import { AcceptsUpload } from '../../common/http/upload-body';
import { ApiPaginatedResponse } from '../../common/pagination/api-paginated-response.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { BulkResultDto, BulkTimeEntriesDto } from './dto/bulk-time-entries.dto';
import { CreateTimeEntryDto } from './dto/create-time-entry.dto';
import { ExportTimeEntriesQueryDto } from './dto/export-time-entries-query.dto';
import { ImportCsvQueryDto, ImportCsvResultDto } from './dto/import-csv.dto';
import { ListTimeEntriesQueryDto } from './dto/list-time-entries-query.dto';
import { TimeEntryEnvelopeDto, TimeEntryResponseDto } from './dto/time-entry-response.dto';
import { UpdateTimeEntryDto } from './dto/update-time-entry.dto';
import { TimeEntriesBulkService } from './time-entries-bulk.service';
import { TimeEntriesExportService, XLSX_CONTENT_TYPE } from './time-entries-export.service';
import { TimeEntriesImportService } from './time-entries-import.service';
import { TimeEntriesService } from './time-entries.service';
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

const READ = { scopes: ['read:time_entries' as const] };
const WRITE = { scopes: ['write:time_entries' as const] };
/** How long an export's socket may go without sending a byte (a client that stopped reading). */
const EXPORT_IDLE_MS = 60_000;
/** Sends the entry's tag (`timeEntryTag`, not the hash of the body sent) as ETag, the body as usual. */
function withEtag<T>(reply: FastifyReply, result: { etag: string; body: T }): T {
  void reply.header('ETag', result.etag);
  return result.body;
}

@ApiTags('Time entries')
@Controller('time-entries')
export class TimeEntriesController {
  constructor(
    private readonly service: TimeEntriesService,
    private readonly bulk: TimeEntriesBulkService,
    private readonly importer: TimeEntriesImportService,
    private readonly exporter: TimeEntriesExportService,
  ) {}

  @Get()
  @Authenticated(READ)
  @ApiPaginatedResponse('time_entries', TimeEntryResponseDto)
  listTimeEntries(@CurrentAuth() auth: AuthContext, @Query() query: ListTimeEntriesQueryDto) {
    return this.service.listTimeEntries(auth, query);
  }

  // Before `:id`, which would take `export` for an id.
  @Get('export')
  @Authenticated(READ)
  @ApiProduces('text/csv', XLSX_CONTENT_TYPE)
  @ApiOkResponse({
    description: 'The file, streamed as it is read',
    headers: {
      'Content-Disposition': {
        description: '`attachment; filename="time-entries.csv"` (`.xlsx` for XLSX)',
        schema: { type: 'string' },
      },
    },
    content: {
      'text/csv': {
        schema: { type: 'string' },
        example:
          'id,user,project_id,project,client_id,client,task_id,task,start_time,end_time,duration,break,' +
          'duration_hours,notes,tags,billable,paid\n' +
          '1,alice,1,Website Redesign,5,Acme Corp,5,Design,2024-01-15T09:00:00Z,2024-01-15T17:00:00Z,07:30:00,' +
          '00:30:00,7.5,"Worked on feature X, then Y","development,frontend",true,false\n' +
          "2,alice,1,Website Redesign,5,Acme Corp,,,2024-01-16T09:00:00Z,2024-01-16T10:00:00Z,01:00:00,00:00:00,1,'=1+1,,true,true\n",
      },
      [XLSX_CONTENT_TYPE]: { schema: { type: 'string', format: 'binary' } },
    },
  })
  async exportTimeEntries(
    @CurrentAuth() auth: AuthContext,
    @Query() query: ExportTimeEntriesQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const file = await this.exporter.exportTimeEntries(auth, query);
    // A client that stops reading would hold the export's query (a pooled connection on PostgreSQL)
    // for as long as its socket stays open: a minute without a byte going out closes it.
    reply.raw.setTimeout(EXPORT_IDLE_MS, () => reply.raw.destroy());
    return new StreamableFile(file.stream, {
      type: file.contentType,
      disposition: `attachment; filename="${file.filename}"`,
    });
  }

  @Get(':id')
  @Conditional('time_entry')
  @Authenticated(READ)
  @ApiOkResponse({ type: TimeEntryEnvelopeDto })
  async getTimeEntry(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.service.getTimeEntry(auth, id));
  }

  @Post()
  @CreatedLocation('time-entries', 'time_entry.id')
  @Authenticated(WRITE)
  @ApiCreatedResponse({ type: TimeEntryEnvelopeDto })
  createTimeEntry(@CurrentAuth() auth: AuthContext, @Body() dto: CreateTimeEntryDto) {
    return this.service.createTimeEntry(auth, dto);
  }

  @Post('bulk')
  @HttpCode(200)
  @Authenticated(WRITE)
  @ApiOkResponse({ type: BulkResultDto })
  bulkUpdateTimeEntries(@CurrentAuth() auth: AuthContext, @Body() dto: BulkTimeEntriesDto) {
    return this.bulk.bulkUpdateTimeEntries(auth, dto);
  }

  @Post('import-csv')
  @Authenticated(WRITE)
  @AcceptsUpload()
  @ApiBody({
    description:
      'multipart field `file`, a raw body typed text/csv, application/csv, text/plain or application/octet-stream ' +
      '(UTF-8), or JSON {"csv": "..."} / {"data": "..."}. Columns (header names are ' +
      'case-insensitive): project_id|project, task_id|task, client_id|client, start_time|start, end_time|end or ' +
      'duration (hours or HH:MM), break, notes|description, tags, billable, paid. `;` or `,` delimited; a UTF-8 BOM ' +
      'is ignored. Toggl Track and Clockify detailed exports are read as they are (separate date and time columns, ' +
      'see date_format and tz); columns the API has no place for are ignored.',
    schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' }, csv: { type: 'string' } } },
  })
  @ApiCreatedResponse({ type: ImportCsvResultDto, description: 'Rows written' })
  @ApiOkResponse({ type: ImportCsvResultDto, description: 'Dry run, or nothing valid to write (atomic=false)' })
  @ApiUnprocessableEntityResponse({
    type: ImportCsvResultDto,
    description: 'Atomic import with invalid rows: nothing written',
  })
  @ApiPayloadTooLargeResponse({ description: 'Over CSV_IMPORT_MAX_BYTES or CSV_IMPORT_MAX_ROWS' })
  async importTimeEntries(
    @CurrentAuth() auth: AuthContext,
    @Query() query: ImportCsvQueryDto,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.importer.importTimeEntries(auth, body, {
      atomic: query.atomic ?? true,
      dryRun: query.dry_run ?? false,
      timeZone: query.tz,
      dateFormat: query.date_format,
      createMissing: query.create_missing ?? false,
    });
    void reply.status(result.status);
    return result.body;
  }

  @Put(':id')
  @Conditional('time_entry')
  @Authenticated(WRITE)
  @ApiOkResponse({ type: TimeEntryEnvelopeDto })
  async replaceTimeEntry(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateTimeEntryDto,
    @IfMatch() ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.service.updateTimeEntry(auth, id, dto, ifMatch));
  }

  @Patch(':id')
  @Conditional('time_entry')
  @Authenticated(WRITE)
  @ApiOkResponse({ type: TimeEntryEnvelopeDto })
  async updateTimeEntry(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateTimeEntryDto,
    @IfMatch() ifMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return withEtag(reply, await this.service.updateTimeEntry(auth, id, dto, ifMatch));
  }

  @Delete(':id')
  @Conditional('time_entry')
  @Authenticated(WRITE)
  @ApiOkResponse({ type: MessageResponseDto })
  deleteTimeEntry(@CurrentAuth() auth: AuthContext, @Param('id', ParseIdPipe) id: number, @IfMatch() ifMatch?: string) {
    return this.service.deleteTimeEntry(auth, id, ifMatch);
  }
}
