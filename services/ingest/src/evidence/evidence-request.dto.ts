import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';

/**
 * The customer's evidence for a claim that waits for it (a REQUEST_INFO decision), as an
 * upstream system sends it: each field optional, each validated as the claim's field of the
 * same name (ClaimRequestDto). What it holds is merged into the claim, which is scored and
 * decided again as the claim's next revision.
 */
export class EvidenceRequestDto {
  @ApiPropertyOptional({ description: 'Idempotency key of this evidence; a resubmission with it is the same evidence.' })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ example: 2, description: 'Photos or documents added (counted on top of the claim\'s).' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  mediaCount?: number;

  @ApiPropertyOptional({ example: 'Photos of the cracked screen attached.', description: 'More of the customer\'s words, appended to the claim\'s description.' })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string;

  @ApiPropertyOptional({ example: 'SN-12345-ABC', description: 'The device\'s serial number, replacing the claim\'s.' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  serialNumber?: string;
}

export class EvidenceAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  claimId!: string;

  @ApiProperty({ format: 'uuid', description: 'Id of the evidence event (the given eventId, or a new one).' })
  eventId!: string;
}
