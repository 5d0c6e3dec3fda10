import { Body, Controller, Get, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { RequiresScope } from '../auth/api-key.guard';
import { ApiShedsLoad, ApiValidatedBody, ApiValidatedQuery, apiDocument } from './api-docs';

class ProbeRequest {
  @ApiProperty({ example: 'abc', description: 'A name.' })
  @IsString()
  @Length(1, 8)
  name!: string;

  @Matches(/^[A-Z]{3}$/)
  code!: string;

  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10)
  count?: number;
}

class ProbeQuery {
  @IsOptional()
  @IsIn(['a', 'b'])
  kind?: string;
}

@Controller('probe')
class ProbeController {
  @Post()
  @RequiresScope('probe:write')
  @ApiValidatedBody(ProbeRequest)
  @ApiShedsLoad()
  create(@Body() body: unknown): unknown {
    return body;
  }

  @Get()
  @ApiValidatedQuery(ProbeQuery)
  list(): unknown {
    return [];
  }
}

describe('apiDocument', () => {
  // With any @ApiResponse on a route, swagger adds no default success: a route declares its own.
  it('documents request schemas from the validators, common refusals and scopes, as OpenAPI 3.1', async () => {
    const module = await Test.createTestingModule({ controllers: [ProbeController] }).compile();
    const document = apiDocument(module.createNestApplication({ logger: false }), { title: 't', description: 'd' });
    expect(document.openapi).toBe('3.1.0');
    expect(document.components?.schemas?.ProbeRequest).toEqual({
      type: 'object',
      additionalProperties: false,
      required: ['name', 'code'],
      properties: {
        name: { type: 'string', minLength: 1, maxLength: 8, example: 'abc', description: 'A name.' },
        code: { type: 'string', pattern: '^[A-Z]{3}$' },
        count: { type: ['integer', 'null'], minimum: 0, maximum: 10 },
      },
    });
    const create = document.paths['/probe'].post;
    expect(Object.keys(create?.responses ?? {}).sort()).toEqual(['400', '401', '403', '413', '415', '429']);
    expect(create?.security).toEqual([{ 'api-key': [] }, { bearer: [] }]);
    expect((create?.responses['429'] as { headers: object }).headers).toHaveProperty('Retry-After');
    const list = document.paths['/probe'].get;
    expect(Object.keys(list?.responses ?? {}).sort()).toEqual(['200', '400', '413', '415']);
    expect(list?.security).toBeUndefined();
    expect(list?.parameters).toEqual([{ name: 'kind', in: 'query', required: false, schema: { type: 'string', enum: ['a', 'b'] } }]);
  });
});
