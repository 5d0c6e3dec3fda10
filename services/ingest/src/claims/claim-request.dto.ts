import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMinSize,
  IsArray,
  IsEmail,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { Channel, ChannelSymbols } from '@claims-mesh/contracts';

/**
 * A claim as an upstream system sends it over HTTP or as JSON on claims.inbound.json.v1 (the Avro
 * entrance's claims are put in this shape to be checked by the same rules).
 * It is the client-facing shape of ClaimSubmitted: ids and timestamps are optional (ingest
 * assigns them), the policy start is an ISO date. Limits keep one claim's size bounded.
 */
export class ClaimRequestDto {
  @ApiPropertyOptional({ description: 'Idempotency key; a resubmission with it returns the first answer.' })
  @IsOptional()
  @IsUUID()
  eventId?: string;

  @ApiPropertyOptional({ description: 'Claim id, when the upstream system assigns its own.' })
  @IsOptional()
  @IsUUID()
  claimId?: string;

  @ApiProperty({ example: 'cust-0001' })
  @IsString()
  @Length(1, 64)
  customerId!: string;

  @ApiPropertyOptional({ example: 'jane.doe@example.com' })
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  customerEmail?: string;

  @ApiProperty({ example: 'pol-778899' })
  @IsString()
  @Length(1, 64)
  policyId!: string;

  @ApiProperty({ example: '2025-06-01', description: 'Day the policy started (YYYY-MM-DD).' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'policyStartDate must be a date as YYYY-MM-DD' })
  @IsISO8601({ strict: true })
  policyStartDate!: string;

  @ApiProperty({ example: 'phone', description: 'Product category code (lower case, digits, - or _).' })
  @Matches(/^[a-z0-9_-]{1,40}$/, { message: 'product must be 1-40 characters of a-z, 0-9, - or _' })
  product!: string;

  @ApiProperty({ example: 45900, description: 'Amount in minor units of the currency (cents).' })
  @IsInt()
  @Min(0)
  @Max(10_000_000_000)
  amountMinor!: number;

  @ApiProperty({ example: 'EUR' })
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code of three upper-case letters' })
  currency!: string;

  @ApiProperty({ example: 'WEB' })
  @IsIn(ChannelSymbols as unknown as string[])
  channel!: Channel;

  @ApiProperty({ example: 'Screen cracked after a fall.' })
  @IsString()
  @MaxLength(5000)
  description!: string;

  @ApiProperty({ example: 2 })
  @IsInt()
  @Min(0)
  @Max(100)
  mediaCount!: number;

  @ApiProperty({ example: 'SN-12345-ABC' })
  @IsString()
  @Length(1, 64)
  serialNumber!: string;

  @ApiProperty({ example: 'EU-WEST' })
  @Matches(/^[A-Z0-9-]{2,32}$/, { message: 'region must be 2-32 characters of A-Z, 0-9 or -' })
  region!: string;

  @ApiPropertyOptional({ example: '2026-11-21T10:00:00Z', description: 'When the customer filed it; now if absent.' })
  @IsOptional()
  @IsISO8601({ strict: true })
  submittedAt?: string;
}

export class ClaimBatchRequestDto {
  @ApiProperty({ type: [ClaimRequestDto], description: 'The claims, accepted all or none.' })
  @IsArray()
  @ArrayMinSize(1)
  @IsObject({ each: true, message: 'each claim must be a JSON object' })
  @ValidateNested({ each: true })
  @Type(() => ClaimRequestDto)
  claims!: ClaimRequestDto[];
}

/** Response bodies (the request classes above get their schemas from their validators, see libs/platform api-docs). */
export class ClaimAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  claimId!: string;

  @ApiProperty({ format: 'uuid' })
  eventId!: string;
}

export class ClaimBatchAcceptedDto {
  @ApiProperty({ type: [ClaimAcceptedDto], description: 'One per claim, in request order.' })
  claims!: ClaimAcceptedDto[];
}
