import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { AuthContext } from '../../common/auth/auth-context';
import { Authenticated } from '../../common/auth/authenticated.decorator';
import { CurrentAuth } from '../../common/auth/current-auth.decorator';
import { TimeEntryEnvelopeDto } from '../time-entries/dto/time-entry-response.dto';
import { StartTimerDto } from './dto/start-timer.dto';
import { TimerEnvelopeDto, TimerStatusDto } from './dto/timer-response.dto';
import { TimerService } from './timer.service';
import { CreatedLocation } from '../../common/http/location';

@ApiTags('Timer')
@Controller('timer')
export class TimerController {
  constructor(private readonly service: TimerService) {}

  @Get('status')
  @Authenticated({ scopes: ['read:time_entries'] })
  @ApiOkResponse({ type: TimerStatusDto })
  getTimerStatus(@CurrentAuth() auth: AuthContext) {
    return this.service.getTimerStatus(auth);
  }

  @Post('start')
  // The timer is the running time entry.
  @CreatedLocation('time-entries', 'timer.id')
  @Authenticated({ scopes: ['write:time_entries'] })
  @ApiCreatedResponse({ type: TimerEnvelopeDto })
  startTimer(@CurrentAuth() auth: AuthContext, @Body() dto: StartTimerDto) {
    return this.service.startTimer(auth, dto);
  }

  @Post('stop')
  @HttpCode(200)
  @Authenticated({ scopes: ['write:time_entries'] })
  @ApiOkResponse({ type: TimeEntryEnvelopeDto })
  stopTimer(@CurrentAuth() auth: AuthContext) {
    return this.service.stopTimer(auth);
  }

  @Post('pause')
  @HttpCode(200)
  @Authenticated({ scopes: ['write:time_entries'] })
  @ApiOkResponse({ type: TimerEnvelopeDto, description: 'The paused timer; 409 no_active_timer, or conflict if already paused' })
  pauseTimer(@CurrentAuth() auth: AuthContext) {
    return this.service.pauseTimer(auth);
  }

  @Post('resume')
  @HttpCode(200)
  @Authenticated({ scopes: ['write:time_entries'] })
  @ApiOkResponse({ type: TimerEnvelopeDto, description: 'The running timer; 409 no_active_timer, or conflict if not paused' })
  resumeTimer(@CurrentAuth() auth: AuthContext) {
    return this.service.resumeTimer(auth);
  }
}
