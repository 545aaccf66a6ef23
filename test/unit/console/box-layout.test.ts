import { describe, expect, it } from 'vitest';
import { captionWidth, crowded, placeCaption } from '../../../console/src/rekognition/box-layout.js';

const FRAME = { width: 320, height: 240 };

describe('captions stay inside the image, and crowded thumbnails get none', () => {
  it('puts a caption above its box when there is room, inside the top edge when not', () => {
    expect(placeCaption({ left: 40, top: 60, width: 90, height: 120 }, 'tulip', 12, FRAME)).toEqual({ x: 40, y: 57 });
    expect(placeCaption({ left: 40, top: 5, width: 90, height: 120 }, 'tulip', 12, FRAME)).toEqual({ x: 40, y: 17 });
  });

  it('moves a caption left so it ends inside the image (a box off the right edge, a long name)', () => {
    const text = 'traffic light';
    const { x } = placeCaption({ left: 290, top: 60, width: 80, height: 50 }, text, 12, FRAME);
    expect(x + captionWidth(text, 12)).toBeLessThanOrEqual(FRAME.width);
    // A box entirely outside the image still gets a caption on it.
    const outside = placeCaption({ left: 500, top: 400, width: 20, height: 20 }, 'x', 12, FRAME);
    expect(outside.x).toBeLessThanOrEqual(FRAME.width);
    expect(outside.y).toBeLessThanOrEqual(FRAME.height);
    expect(placeCaption({ left: -30, top: -10, width: 60, height: 60 }, 'x', 12, FRAME).x).toBe(0);
  });

  it('calls a thumbnail crowded when captions overlap or there are more than four boxes', () => {
    const box = (left: number, top: number, text: string) => ({ left, top, width: 40, height: 40, text });
    expect(crowded([box(10, 50, 'car'), box(200, 50, 'bus')], 12, FRAME)).toBe(false);
    expect(crowded([box(10, 50, 'traffic light'), box(30, 52, 'person')], 12, FRAME)).toBe(true);
    expect(crowded([box(0, 30, 'a'), box(60, 30, 'b'), box(120, 30, 'c'), box(180, 30, 'd'), box(240, 30, 'e')], 12, FRAME)).toBe(true);
    expect(crowded([], 12, FRAME)).toBe(false);
  });
});
