import { describe, expect, it } from 'vitest';
import { ERROR_COLOURS, hueOf, labelColour, PALETTE } from '../../../console/src/lib/palette.js';

const distance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe('label colours: a fixed categorical palette that never takes the error colour', () => {
  it('keeps every palette colour at least 25° of hue away from red and from both themes\' error colours', () => {
    for (const colour of PALETTE) {
      if (colour === '#8c8c8c') continue; // grey has no hue
      expect(distance(hueOf(colour), 0), colour).toBeGreaterThanOrEqual(25);
      for (const error of ERROR_COLOURS) expect(distance(hueOf(colour), hueOf(error)), `${colour} vs ${error}`).toBeGreaterThanOrEqual(25);
    }
    expect(new Set(PALETTE).size).toBe(PALETTE.length);
  });

  it('gives a label the same colour every time, and spreads common labels over the palette', () => {
    expect(labelColour('car')).toBe(labelColour('car'));
    const names = ['car', 'bus', 'truck', 'person', 'bicycle', 'traffic light', 'dog', 'cat', 'tulip', 'rose', 'daisy', 'bee'];
    for (const name of names) expect(PALETTE).toContain(labelColour(name));
    expect(new Set(names.map(labelColour)).size).toBeGreaterThanOrEqual(6);
  });

  it('reads hues of #rrggbb colours', () => {
    expect(hueOf('#ff0000')).toBe(0);
    expect(hueOf('#00ff00')).toBe(120);
    expect(hueOf('#0000ff')).toBe(240);
    expect(hueOf('#808080')).toBe(0);
  });
});
