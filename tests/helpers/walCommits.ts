/**
 * COMMITs counted in an SQLite database's WAL file itself (a frame that ends a transaction records
 * the database size), so the count is SQLite's, not the store's. The WAL must not be reset while
 * counting (`PRAGMA wal_autocheckpoint = 0` on the writer).
 */
import fs from 'node:fs';

/**
 * Transactions in the WAL since it was last reset: frames of the current generation (their salt is
 * the header's) whose header names a database size, which only a transaction's last frame does.
 */
export function commitsInWal(file: string): number {
  const wal = fs.readFileSync(`${file}-wal`);
  if (wal.length < 32) return 0;
  const pageSize = wal.readUInt32BE(8);
  const salt = wal.subarray(16, 24);
  let commits = 0;
  for (let at = 32; at + 24 + pageSize <= wal.length; at += 24 + pageSize) {
    if (!wal.subarray(at + 8, at + 16).equals(salt)) break;
    if (wal.readUInt32BE(at + 4) !== 0) commits++;
  }
  return commits;
}
