import { ApiProperty } from '@nestjs/swagger';
import { PaginationDto } from '../../../common/pagination/pagination.dto';
import { SUBSCRIBABLE_EVENTS } from '../webhook-events';
import { DELIVERY_STATUSES } from '../webhook.entities';

export class WebhookResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() user_id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: 'string', nullable: true }) description: string | null;
  @ApiProperty() url: string;
  @ApiProperty({ type: [String], enum: SUBSCRIBABLE_EVENTS }) events: string[];
  @ApiProperty() is_active: boolean;
  @ApiProperty() max_retries: number;
  @ApiProperty() timeout_seconds: number;
  @ApiProperty() total_deliveries: number;
  @ApiProperty() successful_deliveries: number;
  @ApiProperty() failed_deliveries: number;
  @ApiProperty({ type: 'string', nullable: true }) last_delivery_at: string | null;
  @ApiProperty() created_at: string;
  @ApiProperty() updated_at: string;
}

export class WebhookEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: WebhookResponseDto }) webhook: WebhookResponseDto;
}

const SECRET_DESCRIPTION =
  'Shown only in the create and rotate-secret responses; verify with any Standard Webhooks library. null in an Idempotency-Key replay: the secret is never stored with the response.';
const SECRET_EXAMPLE = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** The webhook as create and rotate-secret return it: with its secret, where the original's clients read it. */
export class WebhookWithSecretResponseDto extends WebhookResponseDto {
  @ApiProperty({ type: 'string', nullable: true, example: SECRET_EXAMPLE, description: SECRET_DESCRIPTION })
  secret: string | null;
}

export class WebhookSecretEnvelopeDto {
  @ApiProperty() message: string;
  @ApiProperty({ type: WebhookWithSecretResponseDto }) webhook: WebhookWithSecretResponseDto;
  @ApiProperty({
    type: 'string',
    nullable: true,
    example: SECRET_EXAMPLE,
    description: `The same as webhook.secret. ${SECRET_DESCRIPTION}`,
  })
  secret: string | null;
}

export class RotatedWebhookSecretEnvelopeDto extends WebhookSecretEnvelopeDto {
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'Until then each delivery also carries a v1 signature made with the previous secret (WEBHOOK_SECRET_OVERLAP_HOURS); null when the overlap is off',
  })
  previous_secret_expires_at: string | null;
}

export class WebhookListDto {
  @ApiProperty({ type: [WebhookResponseDto] }) webhooks: WebhookResponseDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}

export class WebhookEventsDto {
  @ApiProperty({
    type: [String],
    enum: SUBSCRIBABLE_EVENTS,
    description: "Every event a webhook may subscribe to; '*' is all of them",
  })
  events: string[];
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string' },
    description: 'One line per entry of events',
    example: { 'project.created': 'A project was created', '*': 'Every event, including ones added later' },
  })
  descriptions: Record<string, string>;
}

export class DeliveryResponseDto {
  @ApiProperty() id: number;
  @ApiProperty() webhook_id: number;
  @ApiProperty({ example: 'evt_2f1c3a...' }) event_id: string;
  @ApiProperty() event_type: string;
  @ApiProperty({ enum: DELIVERY_STATUSES }) status: string;
  @ApiProperty() attempts: number;
  @ApiProperty({ type: 'string', nullable: true }) next_attempt_at: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) response_status: number | null;
  @ApiProperty({ type: 'string', nullable: true, description: 'First 1000 characters' }) response_body: string | null;
  @ApiProperty({ type: 'string', nullable: true }) error_message: string | null;
  @ApiProperty({ type: 'integer', nullable: true }) duration_ms: number | null;
  @ApiProperty() created_at: string;
  @ApiProperty({ type: 'string', nullable: true }) last_attempt_at: string | null;
}

export class DeliveryEnvelopeDto {
  @ApiProperty() message: string;
  @ApiProperty({ type: DeliveryResponseDto }) delivery: DeliveryResponseDto;
}

export class DeliveryListDto {
  @ApiProperty({ type: [DeliveryResponseDto] }) deliveries: DeliveryResponseDto[];
  @ApiProperty({ type: PaginationDto }) pagination: PaginationDto;
}
