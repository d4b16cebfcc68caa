import { Body, Controller, Delete, Get, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import {
  CreateStockItemDto,
  CreateWarehouseDto,
  ListStockItemsQueryDto,
  ListWarehousesQueryDto,
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
import { Conditional, IfMatch } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

@ApiTags('Inventory')
@Controller('inventory')
export class InventoryCatalogController {
  constructor(private readonly service: InventoryCatalogService) {}

  @Get('warehouses')
  @InventoryRead()
  @ApiOkResponse({ type: WarehouseListDto })
  listWarehouses(@Query() query: ListWarehousesQueryDto) {
    return this.service.listWarehouses(query);
  }

  @Get('warehouses/:id')
  @Conditional('warehouse')
  @InventoryRead()
  @ApiOkResponse({ type: WarehouseEnvelopeDto })
  getWarehouse(@Param('id', ParseIdPipe) id: number) {
    return this.service.getWarehouse(id);
  }

  @Post('warehouses')
  @CreatedLocation('inventory/warehouses', 'warehouse.id')
  @InventoryWrite()
  @ApiCreatedResponse({ type: WarehouseEnvelopeDto })
  createWarehouse(@CurrentAuth() auth: AuthContext, @Body() dto: CreateWarehouseDto) {
    return this.service.createWarehouse(auth, dto);
  }

  @Put('warehouses/:id')
  @Conditional('warehouse')
  @InventoryWrite()
  @ApiOkResponse({ type: WarehouseEnvelopeDto })
  replaceWarehouse(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateWarehouseDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateWarehouse(auth, id, dto, ifMatch);
  }

  @Patch('warehouses/:id')
  @Conditional('warehouse')
  @InventoryWrite()
  @ApiOkResponse({ type: WarehouseEnvelopeDto })
  updateWarehouse(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateWarehouseDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateWarehouse(auth, id, dto, ifMatch);
  }

  @Delete('warehouses/:id')
  @Conditional('warehouse')
  @InventoryWrite()
  @ApiOkResponse({ type: WarehouseEnvelopeDto, description: 'Deactivated' })
  deactivateWarehouse(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.deactivateWarehouse(auth, id, ifMatch);
  }

  @Get('items')
  @InventoryRead()
  @ApiOkResponse({ type: StockItemListDto })
  listStockItems(@Query() query: ListStockItemsQueryDto) {
    return this.service.listStockItems(query);
  }

  @Get('items/:id')
  @Conditional('item')
  @InventoryRead()
  @ApiOkResponse({ type: StockItemEnvelopeDto })
  getStockItem(@Param('id', ParseIdPipe) id: number) {
    return this.service.getStockItem(id);
  }

  @Post('items')
  @CreatedLocation('inventory/items', 'item.id')
  @InventoryWrite()
  @ApiCreatedResponse({ type: StockItemEnvelopeDto })
  createStockItem(@CurrentAuth() auth: AuthContext, @Body() dto: CreateStockItemDto) {
    return this.service.createStockItem(auth, dto);
  }

  @Put('items/:id')
  @Conditional('item')
  @InventoryWrite()
  @ApiOkResponse({ type: StockItemEnvelopeDto })
  replaceStockItem(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateStockItemDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateStockItem(auth, id, dto, ifMatch);
  }

  @Patch('items/:id')
  @Conditional('item')
  @InventoryWrite()
  @ApiOkResponse({ type: StockItemEnvelopeDto })
  updateStockItem(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @Body() dto: UpdateStockItemDto,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.updateStockItem(auth, id, dto, ifMatch);
  }

  @Delete('items/:id')
  @Conditional('item')
  @InventoryWrite()
  @ApiOkResponse({ type: StockItemEnvelopeDto, description: 'Deactivated' })
  deactivateStockItem(
    @CurrentAuth() auth: AuthContext,
    @Param('id', ParseIdPipe) id: number,
    @IfMatch() ifMatch?: string,
  ) {
    return this.service.deactivateStockItem(auth, id, ifMatch);
  }
}
