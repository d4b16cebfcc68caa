import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, getSchemaPath } from '@nestjs/swagger';
import { PaginationDto } from './pagination.dto';

/** Documents `{ <key>: Item[], pagination }` in OpenAPI. */
export function ApiPaginatedResponse(key: string, item: Type<unknown>) {
  return applyDecorators(
    ApiExtraModels(item, PaginationDto),
    ApiOkResponse({
      schema: {
        type: 'object',
        required: [key, 'pagination'],
        properties: {
          [key]: { type: 'array', items: { $ref: getSchemaPath(item) } },
          pagination: { $ref: getSchemaPath(PaginationDto) },
        },
      },
    }),
  );
}
