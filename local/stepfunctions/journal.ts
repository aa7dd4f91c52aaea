import {
  appendFileSync,
  existsSync,
  readFileSync,
  renameSync,
  rmSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { logger } from '#shared/observability/logger.ts';

/**
 * Reads a file of JSON lines written only by appends. A crash (kill -9) in the middle of an append
 * leaves a torn last line: it is cut off the file, so the next append starts on a line of its own,
 * and what was whole before it is kept.
 */
export function readJsonLines<T>(file: string): T[] {
  if (!existsSync(file)) return [];
  const bytes = readFileSync(file);
  const end = bytes.lastIndexOf(0x0a) + 1;
  if (end < bytes.length) {
    logger.warn('cut a torn last line (a crash during a write)', { file, bytes: bytes.length - end });
    truncateSync(file, end);
  }
  const values: T[] = [];
  for (const line of bytes.subarray(0, end).toString('utf8').split('\n')) {
    if (!line) continue;
    try {
      values.push(JSON.parse(line) as T);
    } catch {
      logger.warn('skipped an unreadable line', { file });
    }
  }
  return values;
}

/**
 * The execution records as an append-only journal: one line per change (start, end), the last line of
 * an execution wins on reload. A write costs one appended line instead of rewriting every record (which
 * made a long run O(n²)); once the journal holds more than twice the lines it needs, it is rewritten
 * compacted (to a new file, renamed over the old one, so a crash leaves one or the other whole).
 */
export class RecordJournal<T extends { executionArn: string }> {
  private pending = '';
  private lines = 0;

  constructor(
    private readonly file: string,
    /** The former format (one JSON array rewritten on every change), read once and replaced. */
    private readonly legacyFile: string,
  ) {}

  load(): T[] {
    const latest = new Map<string, T>();
    if (existsSync(this.legacyFile) && !existsSync(this.file)) {
      for (const record of JSON.parse(readFileSync(this.legacyFile, 'utf8')) as T[])
        latest.set(record.executionArn, record);
      this.compact([...latest.values()]);
      rmSync(this.legacyFile);
      return [...latest.values()];
    }
    const entries = readJsonLines<T>(this.file);
    for (const record of entries) latest.set(record.executionArn, record);
    this.lines = entries.length;
    return [...latest.values()];
  }

  /** Queues the record as it is now; `flush` writes it. */
  record(record: T): void {
    this.pending += `${JSON.stringify(record)}\n`;
    this.lines++;
  }

  flush(all: () => T[]): void {
    if (!this.pending) return;
    appendFileSync(this.file, this.pending);
    this.pending = '';
    const records = all();
    if (this.lines > 2 * records.length + 1000) this.compact(records);
  }

  private compact(records: T[]): void {
    const temporary = `${this.file}.compacting`;
    writeFileSync(temporary, records.map((r) => `${JSON.stringify(r)}\n`).join(''));
    renameSync(temporary, this.file);
    this.lines = records.length;
  }
}
