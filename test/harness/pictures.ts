import { hsl, Raster, relative } from '../../src/demo/raster.js';

// Small colourful PNGs built in code, for the console's screenshots and browser tests: a sky and
// meadow background with filled shapes where the boxes are, so a reader can see that each box
// sits on its object. (harness/images.ts makes black images for the image checks.)

export interface Shape {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
  /** Hue in degrees. */
  readonly hue: number;
}

/** A `width` × `height` RGB PNG: sky above, meadow below, an ellipse filling each shape. */
export function picture(width: number, height: number, shapes: readonly Shape[], seed = 0): Buffer {
  const raster = new Raster(width, height);
  const horizon = Math.round(height * (0.45 + ((seed * 37) % 20) / 100));
  raster.paint((_x, y) => (y < horizon ? hsl(205, 0.7, 0.82 - (0.25 * y) / horizon) : hsl(100 + ((seed * 13) % 30), 0.45, 0.42 - (0.12 * (y - horizon)) / (height - horizon))));
  for (const shape of shapes) {
    raster.paint((x, y) => {
      const [dx, dy] = relative(shape, x, y);
      const d = dx * dx + dy * dy;
      return d <= 1 ? hsl(shape.hue, 0.75, 0.55 + 0.15 * (1 - d)) : undefined;
    }, shape);
  }
  return raster.png();
}
