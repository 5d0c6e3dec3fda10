import { IsEmail, IsOptional, IsString } from 'class-validator';
import { validateAs } from './request-validation';

class Contact {
  @IsString()
  name!: string;

  @IsOptional()
  @IsEmail()
  email?: string;
}

describe('validateAs', () => {
  it('accepts a valid object', () => {
    expect(validateAs(Contact, { name: 'Jane', email: 'jane@example.test' })).toEqual({ ok: true, value: expect.any(Contact) });
  });

  it('names a string with a lone surrogate instead of throwing in a validator', () => {
    expect(validateAs(Contact, { name: 'Jane', email: '\ud800' })).toEqual({
      ok: false,
      problems: [{ field: 'email', problem: 'contains malformed Unicode' }],
    });
  });

  it.each(['__proto__', 'constructor', 'prototype'])('refuses a %s key as an unknown field', (key) => {
    const input = JSON.parse(`{"name":"Jane","${key}":{"isAdmin":true}}`) as object;
    expect(validateAs(Contact, input)).toEqual({ ok: false, problems: [{ field: key, problem: 'is not a known field' }] });
  });

  it('refuses nesting deeper than any request needs, without exhausting the stack', () => {
    const input = JSON.parse(`{"name":"Jane","extra":${'['.repeat(100_000)}${']'.repeat(100_000)}}`) as object;
    const result = validateAs(Contact, input);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problems[0].problem).toMatch(/nested more than \d+ levels deep/);
  });
});
