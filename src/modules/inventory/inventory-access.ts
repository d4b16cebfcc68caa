import { applyDecorators, UseGuards } from '@nestjs/common';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { ErrorResponseDto } from '../../common/errors/error-response.dto';
import { InventoryEnabledGuard } from './inventory-enabled.guard';

/** Inventory reads accept read:inventory or read:projects; the module switch applies after auth. */
export const InventoryRead = () =>
  applyDecorators(
    Authenticated({ scopes: ['read:inventory', 'read:projects'], anyScope: true }),
    UseGuards(InventoryEnabledGuard),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Missing scope, or module_disabled' }),
  );

/** Inventory writes accept write:inventory or write:projects. */
export const InventoryWrite = () =>
  applyDecorators(
    Authenticated({ scopes: ['write:inventory', 'write:projects'], anyScope: true }),
    UseGuards(InventoryEnabledGuard),
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'Missing scope, or module_disabled' }),
  );
