import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LowStockQueryDto, MovementHistoryQueryDto, TurnoverQueryDto, ValuationQueryDto } from './dto/reports.dto';
import { InventoryRead } from './inventory-access';
import { InventoryReportsService } from './inventory-reports.service';

@ApiTags('Inventory reports')
@Controller('inventory/reports')
export class InventoryReportsController {
  constructor(private readonly service: InventoryReportsService) {}

  @Get('valuation')
  @InventoryRead()
  @ApiOkResponse({ description: '{ total_value, by_warehouse, by_category, item_details, ... }' })
  getValuationReport(@Query() query: ValuationQueryDto) {
    return this.service.getValuationReport(query);
  }

  @Get('movement-history')
  @InventoryRead()
  @ApiOkResponse({ description: '{ movements, total_movements, pagination }' })
  getMovementHistoryReport(@Query() query: MovementHistoryQueryDto) {
    return this.service.getMovementHistoryReport(query);
  }

  @Get('turnover')
  @InventoryRead()
  @ApiOkResponse({ description: '{ start_date, end_date, days, items }' })
  getTurnoverReport(@Query() query: TurnoverQueryDto) {
    return this.service.getTurnoverReport(query);
  }

  @Get('low-stock')
  @InventoryRead()
  @ApiOkResponse({ description: '{ items }' })
  getLowStockReport(@Query() query: LowStockQueryDto) {
    return this.service.getLowStockReport(query);
  }
}
