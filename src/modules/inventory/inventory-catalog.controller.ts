import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import {
  CreateStockItemDto,
  CreateWarehouseDto,
  ListCatalogQueryDto,
  UpdateStockItemDto,
  UpdateWarehouseDto,
} from './dto/catalog.dto';
import { InventoryRead, InventoryWrite } from './inventory-access';
import { InventoryCatalogService } from './inventory-catalog.service';
import {
  StockItemEnvelopeDto,
  StockItemListDto,
  WarehouseEnvelopeDto,
  WarehouseListDto,
} from './dto/inventory-responses.dto';

@ApiTags('Inventory')
@Controller('inventory')
export class InventoryCatalogController {
  constructor(private readonly service: InventoryCatalogService) {}

  @Get('warehouses')
  @InventoryRead()
  @ApiOkResponse({ type: WarehouseListDto })
  listWarehouses(@Query() query: ListCatalogQueryDto) {
    return this.service.listWarehouses(query);
  }

  @Get('warehouses/:id')
  @InventoryRead()
  @ApiOkResponse({ type: WarehouseEnvelopeDto })
  getWarehouse(@Param('id', ParseIdPipe) id: number) {
    return this.service.getWarehouse(id);
  }

  @Post('warehouses')
  @InventoryWrite()
  @ApiCreatedResponse({ type: WarehouseEnvelopeDto })
  createWarehouse(@Body() dto: CreateWarehouseDto) {
    return this.service.createWarehouse(dto);
  }

  @Put('warehouses/:id')
  @InventoryWrite()
  @ApiOkResponse({ type: WarehouseEnvelopeDto })
  replaceWarehouse(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateWarehouseDto) {
    return this.service.updateWarehouse(id, dto);
  }

  @Patch('warehouses/:id')
  @InventoryWrite()
  @ApiOkResponse({ type: WarehouseEnvelopeDto })
  updateWarehouse(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateWarehouseDto) {
    return this.service.updateWarehouse(id, dto);
  }

  @Delete('warehouses/:id')
  @InventoryWrite()
  @ApiOkResponse({ type: WarehouseEnvelopeDto, description: 'Deactivated' })
  deactivateWarehouse(@Param('id', ParseIdPipe) id: number) {
    return this.service.deactivateWarehouse(id);
  }

  @Get('items')
  @InventoryRead()
  @ApiOkResponse({ type: StockItemListDto })
  listStockItems(@Query() query: ListCatalogQueryDto) {
    return this.service.listStockItems(query);
  }

  @Get('items/:id')
  @InventoryRead()
  @ApiOkResponse({ type: StockItemEnvelopeDto })
  getStockItem(@Param('id', ParseIdPipe) id: number) {
    return this.service.getStockItem(id);
  }

  @Post('items')
  @InventoryWrite()
  @ApiCreatedResponse({ type: StockItemEnvelopeDto })
  createStockItem(@Body() dto: CreateStockItemDto) {
    return this.service.createStockItem(dto);
  }

  @Put('items/:id')
  @InventoryWrite()
  @ApiOkResponse({ type: StockItemEnvelopeDto })
  replaceStockItem(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateStockItemDto) {
    return this.service.updateStockItem(id, dto);
  }

  @Patch('items/:id')
  @InventoryWrite()
  @ApiOkResponse({ type: StockItemEnvelopeDto })
  updateStockItem(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateStockItemDto) {
    return this.service.updateStockItem(id, dto);
  }

  @Delete('items/:id')
  @InventoryWrite()
  @ApiOkResponse({ type: StockItemEnvelopeDto, description: 'Deactivated' })
  deactivateStockItem(@Param('id', ParseIdPipe) id: number) {
    return this.service.deactivateStockItem(id);
  }
}
