import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { DomainError } from '../../common/errors/domain-error';
import { CreateMovementDto, CreateTransferDto, ListTransfersQueryDto, StockLevelsQueryDto } from './dto/stock.dto';
import { ParseIdPipe } from '../../common/validation/parse-id.pipe';
import { InventoryRead, InventoryWrite } from './inventory-access';
import { StockService } from './stock.service';
import {
  MovementEnvelopeDto,
  MovementResultDto,
  StockLevelListDto,
  TransferCreatedDto,
  TransferEnvelopeDto,
  TransferListDto,
} from './dto/inventory-responses.dto';
import { Conditional } from '../../common/http/conditional';
import { CreatedLocation } from '../../common/http/location';

@ApiTags('Inventory')
@Controller('inventory')
export class InventoryStockController {
  constructor(private readonly service: StockService) {}

  @Post('movements')
  @CreatedLocation('inventory/movements', 'movement.id')
  @InventoryWrite()
  @ApiCreatedResponse({ type: MovementResultDto })
  @ApiConflictResponse({ description: 'insufficient_stock' })
  createStockMovement(@CurrentAuth() auth: AuthContext, @Body() dto: CreateMovementDto) {
    return this.service.createMovement(auth, dto);
  }

  @Get('movements/:id')
  @Conditional('movement')
  @InventoryRead()
  @ApiOkResponse({ type: MovementEnvelopeDto })
  getStockMovement(@Param('id', ParseIdPipe) id: number) {
    return this.service.getMovement(id);
  }

  @Get('stock-levels')
  @InventoryRead()
  @ApiOkResponse({ type: StockLevelListDto })
  listStockLevels(@Query() query: StockLevelsQueryDto) {
    return this.service.listStockLevels(query);
  }

  @Post('transfers')
  @CreatedLocation('inventory/transfers', 'reference_id')
  @InventoryWrite()
  @ApiCreatedResponse({ type: TransferCreatedDto })
  @ApiConflictResponse({ description: 'insufficient_stock' })
  createStockTransfer(@CurrentAuth() auth: AuthContext, @Body() dto: CreateTransferDto) {
    return this.service.createTransfer(auth, dto);
  }

  @Get('transfers')
  @InventoryRead()
  @ApiOkResponse({ type: TransferListDto })
  listStockTransfers(@Query() query: ListTransfersQueryDto) {
    return this.service.listTransfers(query);
  }

  @Get('transfers/:referenceId')
  @Conditional('transfer')
  @InventoryRead()
  @ApiOkResponse({ type: TransferEnvelopeDto })
  getStockTransfer(@Param('referenceId') referenceId: string) {
    // 64-bit reference ids: any positive integer that fits a JS number exactly.
    if (!/^[1-9]\d{0,15}$/.test(referenceId) || !Number.isSafeInteger(Number(referenceId))) {
      throw DomainError.notFound(`Transfer ${referenceId}`);
    }
    return this.service.getTransfer(Number(referenceId));
  }
}
