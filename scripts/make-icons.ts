/**
 * Draws the two Teams app icons with simple geometry (no image editor needed) and writes them
 * into manifest/: a speech bubble with a check mark.
 * - color.png: 192×192, fully opaque, white glyph on the accent colour;
 * - outline.png: 32×32, white glyph on a transparent background (Teams requires every pixel
 *   to be white or fully transparent).
 * A developer tool: `npm run icons`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';

/** The manifest's accentColor, #2B579A. */
export const ACCENT: readonly [number, number, number] = [0x2b, 0x57, 0x9a];

const SUPERSAMPLES = 4;

/** Distance from (px, py) to the segment (ax, ay)–(bx, by). */
function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedRect(
  x: number,
  y: number,
  left: number,
  top: number,
  right: number,
  bottom: number,
  radius: number,
): boolean {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.max(left + radius, Math.min(right - radius, x));
  const cy = Math.max(top + radius, Math.min(bottom - radius, y));
  return Math.hypot(x - cx, y - cy) <= radius;
}

function insideTriangle(x: number, y: number, tri: readonly [number, number][]): boolean {
  const [[x1, y1], [x2, y2], [x3, y3]] = tri;
  const d1 = (x - x2) * (y1 - y2) - (x1 - x2) * (y - y2);
  const d2 = (x - x3) * (y2 - y3) - (x2 - x3) * (y - y3);
  const d3 = (x - x1) * (y3 - y1) - (x3 - x1) * (y - y1);
  const hasNegative = d1 < 0 || d2 < 0 || d3 < 0;
  const hasPositive = d1 > 0 || d2 > 0 || d3 > 0;
  return !(hasNegative && hasPositive);
}

const TAIL: readonly [number, number][] = [
  [0.2, 0.7],
  [0.46, 0.7],
  [0.16, 0.98],
];
const CHECK: readonly [number, number][] = [
  [0.27, 0.41],
  [0.43, 0.56],
  [0.74, 0.25],
];
const CHECK_HALF_WIDTH = 0.075;

/** The glyph in its own unit square: a filled speech bubble with the check mark cut out. */
function insideGlyph(x: number, y: number): boolean {
  const bubble = insideRoundedRect(x, y, 0, 0.02, 1, 0.78, 0.18) || insideTriangle(x, y, TAIL);
  if (!bubble) return false;
  const check =
    distanceToSegment(x, y, CHECK[0][0], CHECK[0][1], CHECK[1][0], CHECK[1][1]) <= CHECK_HALF_WIDTH ||
    distanceToSegment(x, y, CHECK[1][0], CHECK[1][1], CHECK[2][0], CHECK[2][1]) <= CHECK_HALF_WIDTH;
  return !check;
}

/** Fraction (0..1) of pixel (px, py) covered by the glyph drawn in the square [margin, size - margin]. */
function coverage(px: number, py: number, size: number, margin: number): number {
  const box = size - 2 * margin;
  let hits = 0;
  for (let sy = 0; sy < SUPERSAMPLES; sy++) {
    for (let sx = 0; sx < SUPERSAMPLES; sx++) {
      const x = (px + (sx + 0.5) / SUPERSAMPLES - margin) / box;
      const y = (py + (sy + 0.5) / SUPERSAMPLES - margin) / box;
      if (insideGlyph(x, y)) hits++;
    }
  }
  return hits / (SUPERSAMPLES * SUPERSAMPLES);
}

/** 192×192, opaque: the accent colour blended to white where the glyph covers the pixel. */
export function drawColorIcon(): PNG {
  const size = 192;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, size, 44);
      const i = (y * size + x) * 4;
      for (let k = 0; k < 3; k++) png.data[i + k] = Math.round(ACCENT[k] + (255 - ACCENT[k]) * c);
      png.data[i + 3] = 255;
    }
  }
  return png;
}

/** 32×32: pure white everywhere, the glyph's coverage only in the alpha channel. */
export function drawOutlineIcon(): PNG {
  const size = 32;
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      png.data[i] = 255;
      png.data[i + 1] = 255;
      png.data[i + 2] = 255;
      png.data[i + 3] = Math.round(255 * coverage(x, y, size, 2));
    }
  }
  return png;
}

/** Writes color.png and outline.png into dir (created if missing). */
export function makeIcons(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'color.png'), PNG.sync.write(drawColorIcon()));
  fs.writeFileSync(path.join(dir, 'outline.png'), PNG.sync.write(drawOutlineIcon()));
}

if (require.main === module) {
  const dir = path.resolve(__dirname, '..', '..', 'manifest');
  makeIcons(dir);
  console.log(`Wrote ${path.join(dir, 'color.png')} and ${path.join(dir, 'outline.png')}`);
}
