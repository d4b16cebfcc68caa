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

@ApiTags('Inventory')
@Controller('inventory')
export class InventoryCatalogController {
  constructor(private readonly service: InventoryCatalogService) {}

  @Get('warehouses')
  @InventoryRead()
  @ApiOkResponse({ description: '{ warehouses: [...], pagination }' })
  listWarehouses(@Query() query: ListCatalogQueryDto) {
    return this.service.listWarehouses(query);
  }

  @Get('warehouses/:id')
  @InventoryRead()
  @ApiOkResponse({ description: '{ warehouse }' })
  getWarehouse(@Param('id', ParseIdPipe) id: number) {
    return this.service.getWarehouse(id);
  }

  @Post('warehouses')
  @InventoryWrite()
  @ApiCreatedResponse({ description: '{ message, warehouse }' })
  createWarehouse(@Body() dto: CreateWarehouseDto) {
    return this.service.createWarehouse(dto);
  }

  @Put('warehouses/:id')
  @InventoryWrite()
  @ApiOkResponse({ description: '{ message, warehouse }' })
  replaceWarehouse(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateWarehouseDto) {
    return this.service.updateWarehouse(id, dto);
  }

  @Patch('warehouses/:id')
  @InventoryWrite()
  @ApiOkResponse({ description: '{ message, warehouse }' })
  updateWarehouse(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateWarehouseDto) {
    return this.service.updateWarehouse(id, dto);
  }

  @Delete('warehouses/:id')
  @InventoryWrite()
  @ApiOkResponse({ description: 'Deactivated' })
  deactivateWarehouse(@Param('id', ParseIdPipe) id: number) {
    return this.service.deactivateWarehouse(id);
  }

  @Get('items')
  @InventoryRead()
  @ApiOkResponse({ description: '{ items: [...], pagination }' })
  listStockItems(@Query() query: ListCatalogQueryDto) {
    return this.service.listStockItems(query);
  }

  @Get('items/:id')
  @InventoryRead()
  @ApiOkResponse({ description: '{ item }' })
  getStockItem(@Param('id', ParseIdPipe) id: number) {
    return this.service.getStockItem(id);
  }

  @Post('items')
  @InventoryWrite()
  @ApiCreatedResponse({ description: '{ message, item }' })
  createStockItem(@Body() dto: CreateStockItemDto) {
    return this.service.createStockItem(dto);
  }

  @Put('items/:id')
  @InventoryWrite()
  @ApiOkResponse({ description: '{ message, item }' })
  replaceStockItem(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateStockItemDto) {
    return this.service.updateStockItem(id, dto);
  }

  @Patch('items/:id')
  @InventoryWrite()
  @ApiOkResponse({ description: '{ message, item }' })
  updateStockItem(@Param('id', ParseIdPipe) id: number, @Body() dto: UpdateStockItemDto) {
    return this.service.updateStockItem(id, dto);
  }

  @Delete('items/:id')
  @InventoryWrite()
  @ApiOkResponse({ description: 'Deactivated' })
  deactivateStockItem(@Param('id', ParseIdPipe) id: number) {
    return this.service.deactivateStockItem(id);
  }
}
