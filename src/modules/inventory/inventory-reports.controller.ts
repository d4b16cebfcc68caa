import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LowStockQueryDto, MovementHistoryQueryDto, TurnoverQueryDto, ValuationQueryDto } from './dto/reports.dto';
import { InventoryRead } from './inventory-access';
import { InventoryReportsService } from './inventory-reports.service';
import {
  LowStockReportDto,
  MovementHistoryReportDto,
  TurnoverReportDto,
  ValuationReportDto,
} from './dto/inventory-responses.dto';

@ApiTags('Inventory reports')
@Controller('inventory/reports')
export class InventoryReportsController {
  constructor(private readonly service: InventoryReportsService) {}

  @Get('valuation')
  @InventoryRead()
  @ApiOkResponse({ type: ValuationReportDto })
  getValuationReport(@Query() query: ValuationQueryDto) {
    return this.service.getValuationReport(query);
  }

  @Get('movement-history')
  @InventoryRead()
  @ApiOkResponse({ type: MovementHistoryReportDto })
  getMovementHistoryReport(@Query() query: MovementHistoryQueryDto) {
    return this.service.getMovementHistoryReport(query);
  }

  @Get('turnover')
  @InventoryRead()
  @ApiOkResponse({ type: TurnoverReportDto })
  getTurnoverReport(@Query() query: TurnoverQueryDto) {
    return this.service.getTurnoverReport(query);
  }

  @Get('low-stock')
  @InventoryRead()
  @ApiOkResponse({ type: LowStockReportDto })
  getLowStockReport(@Query() query: LowStockQueryDto) {
    return this.service.getLowStockReport(query);
  }
}
