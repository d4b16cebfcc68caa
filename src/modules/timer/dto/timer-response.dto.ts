import { ApiProperty } from '@nestjs/swagger';
import { TimeEntryResponseDto } from '../../time-entries/dto/time-entry-response.dto';

export class TimerStatusDto {
  @ApiProperty() active: boolean;
  @ApiProperty({ type: TimeEntryResponseDto, nullable: true }) timer: TimeEntryResponseDto | null;
}

export class TimerEnvelopeDto {
  @ApiProperty({ required: false }) message?: string;
  @ApiProperty({ type: TimeEntryResponseDto }) timer: TimeEntryResponseDto;
}
