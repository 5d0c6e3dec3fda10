import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copyVersionIn, deleteTakenOut, liveRepository, servedVersions, takeVersionOut } from './live-repository';

function write(path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
}

describe('the live model repository on disk', () => {
  let root: string;
  let repository: string;
  let candidates: string;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'live-repository-'));
    repository = join(root, 'models-0123abcd');
    candidates = join(root, 'candidates');
    write(join(repository, 'fraud_student', 'config.pbtxt'), 'name: "fraud_student"\n');
    write(join(repository, 'fraud_student', '1', 'model.py'), 'v1\n');
    write(join(candidates, 'fraud_student', '3', 'model.py'), 'v3\n');
    write(join(candidates, 'fraud_student', '3', 'weights.npz'), 'w3');
    write(join(candidates, 'fraud_student', '3', '__pycache__', 'model.pyc'), 'bytecode');
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('is the one models-<hash> directory of the Triton cache, and says so when there is none or several', () => {
    expect(liveRepository(root)).toBe(repository);
    mkdirSync(join(root, 'models-ffff0000'));
    expect(() => liveRepository(root)).toThrow(/2 model repositories/);
    expect(() => liveRepository(join(root, 'nowhere'))).toThrow(/no model repository/);
  });

  it('is found under $STACK_CACHE/triton when the stack keeps its cache elsewhere, as the stack scripts do', () => {
    const cache = join(root, 'elsewhere');
    const elsewhere = join(cache, 'triton', 'models-5678ef01');
    mkdirSync(elsewhere, { recursive: true });
    const before = process.env.STACK_CACHE;
    process.env.STACK_CACHE = cache;
    try {
      expect(liveRepository()).toBe(elsewhere);
    } finally {
      if (before === undefined) delete process.env.STACK_CACHE;
      else process.env.STACK_CACHE = before;
    }
  });

  it('copies a version in whole, without bytecode and without leaving its staging directory', () => {
    expect(copyVersionIn(join(candidates, 'fraud_student', '3'), repository, 'fraud_student', '3')).toBe('copied');
    expect(readdirSync(join(repository, 'fraud_student', '3')).sort()).toEqual(['model.py', 'weights.npz']);
    expect(readdirSync(join(repository, 'fraud_student')).sort()).toEqual(['1', '3', 'config.pbtxt']);
    expect(servedVersions(repository, 'fraud_student')).toEqual(['1', '3']);
  });

  it('leaves a version with the same files as it is, and refuses to replace one with other files', () => {
    const source = join(candidates, 'fraud_student', '3');
    copyVersionIn(source, repository, 'fraud_student', '3');
    expect(copyVersionIn(source, repository, 'fraud_student', '3')).toBe('present');
    writeFileSync(join(source, 'weights.npz'), 'retrained');
    expect(() => copyVersionIn(source, repository, 'fraud_student', '3')).toThrow(/exists with other files.*never replaced/);
    expect(readFileSync(join(repository, 'fraud_student', '3', 'weights.npz'), 'utf8')).toBe('w3');
  });

  it('refuses a model the repository has no config for, an empty source, and names that are no version', () => {
    expect(() => copyVersionIn(join(candidates, 'fraud_student', '3'), repository, 'fraud_teacher', '3')).toThrow(/not a model of/);
    expect(() => copyVersionIn(join(candidates, 'fraud_student', '9'), repository, 'fraud_student', '9')).toThrow(/no version to install/);
    expect(() => copyVersionIn(join(candidates, 'fraud_student', '3'), repository, 'fraud_student', '03')).toThrow(/not a model version/);
    expect(() => copyVersionIn(join(candidates, 'fraud_student', '3'), repository, '../x', '3')).toThrow(/not a model name/);
  });

  it('takes a version out in one rename to a directory Triton takes for no version, then deletes it', () => {
    const aside = takeVersionOut(repository, 'fraud_student', '1');
    expect(aside).toBeDefined();
    expect(servedVersions(repository, 'fraud_student')).toEqual([]);
    expect(readFileSync(join(aside!, 'model.py'), 'utf8')).toBe('v1\n');
    deleteTakenOut(aside!);
    expect(existsSync(aside!)).toBe(false);
    expect(takeVersionOut(repository, 'fraud_student', '1')).toBeUndefined();
  });
});
