import { hsl, Raster, relative } from './raster.js';
import type { Rgb } from './raster.js';

// The demo's pictures: a sky and ground in the light of a time of day (the image-level label), with
// balloons, kites and parcels drawn exactly inside their boxes (the object-detection labels).

export const SCENES = ['day', 'sunset', 'night'] as const;
export type Scene = (typeof SCENES)[number];

export const OBJECTS = ['balloon', 'kite', 'parcel'] as const;
export type ObjectLabel = (typeof OBJECTS)[number];

export interface Box {
  readonly label: ObjectLabel;
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

const SKY: Record<Scene, [Rgb, Rgb]> = {
  day: [hsl(205, 0.75, 0.78), hsl(200, 0.6, 0.6)],
  sunset: [hsl(265, 0.4, 0.45), hsl(28, 0.9, 0.62)],
  night: [hsl(230, 0.55, 0.1), hsl(225, 0.45, 0.25)],
};
const GROUND: Record<Scene, Rgb> = { day: hsl(105, 0.45, 0.42), sunset: hsl(25, 0.35, 0.25), night: hsl(140, 0.25, 0.12) };

/** Draws the scene and its objects (`drawn` may differ from the labelled boxes, to picture a labelling mistake). */
export function drawScene(width: number, height: number, scene: Scene, drawn: readonly Box[], seed: number): Raster {
  const raster = new Raster(width, height);
  const horizon = Math.round(height * (0.62 + (seed % 7) / 50));
  const [top, bottom] = SKY[scene];
  for (let y = 0; y < height; y++) {
    const t = y / horizon;
    raster.fillRow(y, 0, width, y >= horizon
      ? shade(GROUND[scene], 1 - (0.25 * (y - horizon)) / (height - horizon))
      : [mix(top[0], bottom[0], t), mix(top[1], bottom[1], t), mix(top[2], bottom[2], t)]);
  }
  if (scene === 'night') {
    // Stars: the same scatter for the same seed.
    const random = seededRandom(seed);
    for (let i = 0; i < 120; i++) raster.set(Math.floor(random() * width), Math.floor(random() * horizon), [235, 235, 250]);
  }
  if (scene !== 'night') sun(raster, scene, seed, horizon);
  for (const box of drawn) drawObject(raster, box, seed);
  return raster;
}

function drawObject(raster: Raster, box: Box, seed: number): void {
  if (box.label === 'balloon') {
    const colour = hsl([355, 320, 200, 140][(seed + box.left) % 4], 0.8, 0.55);
    raster.paint((x, y) => {
      const [dx, dy] = relative(box, x, y);
      const d = dx * dx + dy * dy;
      return d <= 1 ? shade(colour, 1.25 - 0.4 * (dx + dy + 1) / 2) : undefined;
    }, box);
  } else if (box.label === 'kite') {
    const colour = hsl([50, 15, 285][(seed + box.top) % 3], 0.85, 0.58);
    raster.paint((x, y) => {
      const [dx, dy] = relative(box, x, y);
      if (Math.abs(dx) + Math.abs(dy) > 1) return undefined;
      return Math.abs(dx) < 0.06 || Math.abs(dy) < 0.06 ? [250, 250, 240] : shade(colour, dx * dy > 0 ? 1 : 0.8);
    }, box);
  } else {
    const colour = hsl(30, 0.5, 0.5);
    raster.paint((x, y) => {
      const [dx, dy] = relative(box, x, y);
      // A cardboard parcel with tape across it and a darker rim.
      if (Math.abs(dy) < 0.12) return [222, 205, 160];
      return Math.max(Math.abs(dx), Math.abs(dy)) > 0.92 ? shade(colour, 0.7) : colour;
    }, box);
  }
}

function sun(raster: Raster, scene: Scene, seed: number, horizon: number): void {
  const r = scene === 'day' ? 14 : 22;
  const cx = 30 + ((seed * 53) % (raster.width - 60));
  const cy = scene === 'day' ? 24 : horizon - 6;
  const colour: Rgb = scene === 'day' ? [255, 244, 200] : [255, 190, 110];
  raster.paint((x, y) => ((x - cx) ** 2 + (y - cy) ** 2 <= r * r && y < horizon ? colour : undefined), { left: cx - r, top: cy - r, width: 2 * r + 1, height: 2 * r + 1 });
}

function mix(a: number, b: number, t: number): number {
  return Math.round(a + (b - a) * t);
}

function shade([r, g, b]: Rgb, factor: number): Rgb {
  const f = (v: number) => Math.max(0, Math.min(255, Math.round(v * factor)));
  return [f(r), f(g), f(b)];
}

/** A small deterministic random number generator (mulberry32): the demo is the same every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
